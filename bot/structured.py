"""A model's JSON reply validated by a pydantic model, re-asked a bounded number of times with
the validation error (instructor-style); None when every reply was invalid."""

from __future__ import annotations

import json
import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.llm import Chat, to_messages

Reply = TypeVar("Reply", bound=BaseModel)


def ask_structured(
    chat: Chat,
    prompt: str,
    request: str,
    shape: type[Reply],
    context: dict,
    reasks: int,
) -> tuple[Reply | None, int]:
    """The validated reply (or None) and the number of re-asks used."""
    turns: list[tuple[str, str]] = [("user", request)]
    for attempt in range(reasks + 1):
        reply = chat.complete(to_messages(prompt, turns))
        try:
            return shape.model_validate(json.loads(_json_part(reply)), context=context), attempt
        except (json.JSONDecodeError, ValidationError) as error:
            turns += [
                ("assistant", reply),
                ("user", f"Invalid reply: {_short(error)}. Reply again with corrected JSON only."),
            ]
    return None, reasks


def _json_part(text: str) -> str:
    match = re.search(r"\{.*\}", text, re.DOTALL)
    return match.group(0) if match else text


def _short(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(error).splitlines()[0]
