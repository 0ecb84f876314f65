"""A capable model as a second reader of red flags, for the interviewer (optional).

The embedded embeddings cannot tell a mistake from its sound alternative on the same topic,
and `cue:` terms catch only the wordings their authors foresaw. With a server model
configured, the sentences of a turn and the few red flags closest to them go to the model;
its reply is validated (sentence numbers in range, flag ids from the list offered) and
re-asked once, and it can only add flags, never remove what the code found. Any model error
leaves the code's reading as it is.
"""

from __future__ import annotations

import json
import logging
import re

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from bot.claims import ClaimMatcher
from bot.cues import is_question, sentences
from bot.errors import ModelError
from bot.knowledge.sections import RedFlag
from bot.llm import Chat, to_messages
from bot.policy import MODEL_FLAG_CANDIDATES, MODEL_FLAG_TOPIC
from bot.prompts import render

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
        self._flags = [f for f in matcher.flags if "/estimates/" not in f.id]
        self._vectors = [matcher.embed(f.wordings) for f in self._flags]

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
        if not claims or not self._flags:
            return []
        vectors = self.matcher.embed(claims)
        closeness = np.array([(v @ vectors.T).max() for v in self._vectors])
        ranked = [int(j) for j in np.argsort(-closeness) if closeness[j] >= MODEL_FLAG_TOPIC]
        return [self._flags[j] for j in ranked[:MODEL_FLAG_CANDIDATES]]

    def _ask(self, prompt: str, count: int, ids: set[str]) -> FlagCheckReply | None:
        turns: list[tuple[str, str]] = [
            ("user", "Which sentences state a listed mistake? JSON only.")
        ]
        for _ in range(MAX_REASKS + 1):
            reply = self.chat.complete(to_messages(prompt, turns))
            try:
                data = json.loads(_json_part(reply))
                return FlagCheckReply.model_validate(
                    data, context={"sentences": count, "flags": ids}
                )
            except (json.JSONDecodeError, ValidationError) as error:
                turns += [
                    ("assistant", reply),
                    ("user", f"Invalid reply: {str(error).splitlines()[0]}. JSON only, again."),
                ]
        return None


def _json_part(text: str) -> str:
    match = re.search(r"\{.*\}", text, re.DOTALL)
    return match.group(0) if match else text
