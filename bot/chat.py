"""A plain chat with the configured model: the boundary's smallest user."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.config import Settings
from bot.llm import Chat, to_messages
from bot.prompts import render


@dataclass
class ChatSession:
    """A conversation kept in memory: `send` streams the reply and remembers both turns."""

    chat: Chat
    chat_description: str
    system: str
    turns: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def from_settings(cls, settings: Settings, system: str | None = None) -> ChatSession:
        prompt = system or render("chat_system", model_name=settings.chat_model_name)
        return cls(Chat.from_settings(settings), settings.describe_model, prompt)

    def send(self, message: str) -> Iterator[str]:
        self.turns.append(("user", message))
        reply = ""
        for piece in self.chat.stream(to_messages(self.system, self.turns[-12:])):
            reply += piece
            yield piece
        self.turns.append(("assistant", reply))
