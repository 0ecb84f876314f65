"""Fakes for tests, shipped with the package: a chat model and embeddings, no network.

`HashEmbeddings` maps each word to a fixed random direction and sums them, so texts sharing
words are close and nothing is loaded; rule and matcher tests run in milliseconds on it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from bot.llm import Chat

DIMENSIONS = 384


class HashEmbeddings(Embeddings):
    """Deterministic bag-of-words vectors (unit length)."""

    def _vector(self, text: str) -> np.ndarray:
        total = np.zeros(DIMENSIONS)
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
            total += np.random.default_rng(seed).standard_normal(DIMENSIONS)
        norm = np.linalg.norm(total)
        return total / norm if norm else total

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t).tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text).tolist()


def fake_chat(*replies: str) -> Chat:
    """A Chat whose model streams the given replies in turn (word by word)."""
    model = GenericFakeChatModel(messages=iter(list(replies)))
    return Chat(model=model, where="the fake model", provider="fake")


class FunctionChatModel(BaseChatModel):
    """A chat model whose reply is `function(messages)`: a test decides from the prompt."""

    function: Callable[[list[BaseMessage]], str]

    @property
    def _llm_type(self) -> str:
        return "function"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        reply = AIMessage(content=self.function(messages))
        return ChatResult(generations=[ChatGeneration(message=reply)])


def function_chat(function: Callable[[list[BaseMessage]], str]) -> Chat:
    """A Chat answering each call with `function(messages)`."""
    return Chat(model=FunctionChatModel(function=function), where="the fake model", provider="fake")


def repeating_chat(text: str) -> Chat:
    """A Chat whose model always streams the same reply (e.g. a bad phrasing)."""
    return Chat(model=FakeListChatModel(responses=[text]), where="the fake model", provider="fake")


class FakeClock:
    """A wall clock that moves only when told: `monkeypatch.setattr(bot.clock, "now", c)`."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.time = start

    def __call__(self) -> float:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += seconds
