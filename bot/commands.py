"""Slash commands typed where an answer goes, read the same way in the terminal and the app."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.errors import InputError

CommandName = Literal["answer", "hint", "ask", "end", "diagram"]
USAGE = "/hint, /ask QUESTION, /diagram, /end"


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: CommandName
    argument: str = ""


def read_command(line: str) -> Command:
    """An answer, or one of the commands; an unknown `/word` is an error, not an answer."""
    stripped = line.strip()
    if not stripped.startswith("/"):
        return Command(name="answer", argument=line)
    word, _, rest = stripped.partition(" ")
    name = word[1:].lower()
    if name in ("hint", "end", "diagram") and not rest.strip():
        return Command(name=name)
    if name == "ask":
        if not rest.strip():
            raise InputError("/ask needs a question, e.g. /ask what is NDCG?")
        return Command(name="ask", argument=rest.strip())
    raise InputError(f"unknown command {word!r}; the commands are {USAGE}")


class Message(BaseModel):
    """One scripted candidate message (`--answers`): its text and, optionally, the
    whiteboard sent with it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    diagram: str | None = None
