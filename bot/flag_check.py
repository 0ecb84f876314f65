"""A capable model as a second reader of red flags, for the interviewer (optional).

The embedded embeddings cannot tell a mistake from its sound alternative on the same topic,
and `cue:` terms catch only the wordings their authors foresaw. With a server model
configured, the sentences of a turn and the few red flags closest to them go to the model;
its reply is validated (sentence numbers in range, flag ids from the list offered) and
re-asked once, and it can only add flags, never remove what the code found. Any model error
leaves the code's reading as it is.
"""

from __future__ import annotations

import logging

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from bot.claims import ClaimMatcher
from bot.cues import is_question, sentences
from bot.errors import ModelError
from bot.knowledge.sections import RedFlag
from bot.llm import Chat
from bot.policy import MODEL_FLAG_CANDIDATES, MODEL_FLAG_TOPIC
from bot.prompts import render
from bot.structured import ask_structured

log = logging.getLogger(__name__)
MAX_REASKS = 1


class FlagVerdict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sentence: int
    flag: str


class FlagCheckReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mistakes: list[FlagVerdict] = Field(default_factory=list, max_length=10)

    @field_validator("mistakes")
    @classmethod
    def _offered(cls, found: list[FlagVerdict], info: ValidationInfo) -> list[FlagVerdict]:
        context = info.context or {}
        for verdict in found:
            if not 1 <= verdict.sentence <= context.get("sentences", 0):
                raise ValueError(f"sentence {verdict.sentence} is not one of the numbered ones")
            if verdict.flag not in context.get("flags", ()):
                raise ValueError(f"{verdict.flag!r} is not one of the listed mistake ids")
        return found


class ModelFlagCheck:
    """Asks the model which sentences of a turn state which of the nearby red flags."""

    def __init__(self, chat: Chat, matcher: ClaimMatcher) -> None:
        self.chat = chat
        self.matcher = matcher
        self._offerable = [j for j, f in enumerate(matcher.flags) if "/estimates/" not in f.id]

    def __call__(self, text: str) -> list[tuple[str, RedFlag]]:
        """(sentence, flag) pairs the model reads as stated mistakes; [] on any failure."""
        claims = [s for s in sentences(text) if not is_question(s) and len(s.split()) >= 4]
        offered = self._nearby(claims)
        if not claims or not offered:
            return []
        prompt = render(
            "flag_check", case_title=self.matcher.case.title, flags=offered, sentences=claims
        )
        try:
            reply = self._ask(prompt, len(claims), {f.id for f in offered})
        except ModelError as error:
            log.warning("the model's red-flag check failed, using the code's reading: %s", error)
            return []
        by_id = {f.id: f for f in offered}
        return [(claims[v.sentence - 1], by_id[v.flag]) for v in reply.mistakes] if reply else []

    def _nearby(self, claims: list[str]) -> list[RedFlag]:
        """The flags closest in meaning to any of the sentences (the matcher's own flag
        vectors, so nothing is embedded twice)."""
        if not claims or not self._offerable:
            return []
        closeness = self.matcher.flag_closeness(claims).max(axis=0)[self._offerable]
        ranked = [int(k) for k in np.argsort(-closeness) if closeness[k] >= MODEL_FLAG_TOPIC]
        return [self.matcher.flags[self._offerable[k]] for k in ranked[:MODEL_FLAG_CANDIDATES]]

    def _ask(self, prompt: str, count: int, ids: set[str]) -> FlagCheckReply | None:
        reply, _ = ask_structured(
            self.chat,
            prompt,
            "Which sentences state a listed mistake? JSON only.",
            FlagCheckReply,
            {"sentences": count, "flags": ids},
            MAX_REASKS,
        )
        return reply
