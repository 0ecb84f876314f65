"""The project's own exceptions.

Every error a user can meet is one of these, with a one-line message that says what went
wrong and how to fix it. Provider SDK errors are mapped into them once, at the model
boundary (`bot.llm`).
"""

from __future__ import annotations


class MlsdError(Exception):
    """Base class: the message is a single line meant for the user."""


class ConfigError(MlsdError):
    """A configuration variable is missing or has a bad value."""


class InputError(MlsdError):
    """The user gave input we cannot use (empty, too long, malformed file)."""


class NotFoundError(MlsdError):
    """A case, session or file that does not exist."""


class AccessError(NotFoundError):
    """A session that is not the signed-in user's. A NotFoundError, and worded like one, so
    a refused id tells nothing about whether someone else's session exists."""


class ModelError(MlsdError):
    """Base class for failures talking to a chat model.

    `partial` holds the text streamed before the failure, so a caller can keep it and show
    it marked incomplete.
    """

    partial: str = ""


class ModelUnavailableError(ModelError):
    """No server answered at the configured address, or the local model cannot load."""


class ModelAuthError(ModelError):
    """The server refused the API key."""


class ModelTimeoutError(ModelError):
    """The model did not answer within the configured timeout."""


class ModelRateLimitError(ModelError):
    """The server asked us to slow down and the retries ran out."""


class ModelResponseError(ModelError):
    """The server answered with an error or something that is not a valid reply."""
