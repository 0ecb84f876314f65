"""A capable model as a second grader, with structured output validated by pydantic.

The model sees the transcript (instruction-like parts removed), the rubric and the code's
scores, and replies with JSON. An invalid reply is re-asked with the validation error at
most twice; after that the code's scores stand and the report says so. The model may move a
stage by one point at most, and the total is still computed in code.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from bot.cues import SENTENCE_BREAK
from bot.errors import ModelError
from bot.evidence import candidate_spans
from bot.grading import Report, StageGrade, finish_report
from bot.injection import hidden_parts, looks_like_injection
from bot.knowledge.cases import Case
from bot.llm import Chat
from bot.prompts import render
from bot.stages import STAGES, Stage
from bot.structured import ask_structured
from bot.transcript import Transcript

MAX_REASKS = 2


class JudgeStage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=4)
    evidence: list[str] = Field(default_factory=list, max_length=5)

    @field_validator("evidence")
    @classmethod
    def _verbatim(cls, quotes: list[str], info: ValidationInfo) -> list[str]:
        candidate_text = (info.context or {}).get("candidate_text", "")
        for quote in quotes:
            if quote.strip() and quote not in candidate_text:
                raise ValueError(f"evidence is not an exact quote of the candidate: {quote[:80]!r}")
        return quotes


class JudgeReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stages: dict[Stage, JudgeStage]

    @field_validator("stages")
    @classmethod
    def _all_stages(cls, stages: dict[Stage, JudgeStage]) -> dict[Stage, JudgeStage]:
        missing = [s.value for s in STAGES if s not in stages]
        if missing:
            raise ValueError(f"missing stages: {', '.join(missing)}")
        return stages


def redacted_turns(transcript: Transcript) -> list[dict[str, str]]:
    """Turns with instruction-like candidate text replaced by [removed]."""
    turns = []
    for turn in transcript.turns:
        text = turn.content
        if turn.role == "candidate":
            for part in hidden_parts(text):
                text = text.replace(part, "[removed]")
            parts = SENTENCE_BREAK.split(text)
            text = " ".join("[removed]" if looks_like_injection(s) else s for s in parts)
        turns.append({"role": turn.role, "content": text})
    return turns


def ask_judge(chat: Chat, prompt: str, candidate_text: str) -> tuple[JudgeReply | None, int]:
    """The validated reply (or None) and the number of re-asks used."""
    return ask_structured(
        chat,
        prompt,
        "Grade the interview now. JSON only.",
        JudgeReply,
        {"candidate_text": candidate_text},
        MAX_REASKS,
    )


def refine(report: Report, transcript: Transcript, case: Case, matcher, chat: Chat) -> Report:
    """The code's report refined by the model's judgment (±1 per stage), or unchanged."""
    prompt = render(
        "grade_judge",
        case_title=case.title,
        level=report.level,
        stages=[{"id": s.value, "points": [p.text for p in case.rubric(s)]} for s in STAGES],
        code_scores=json.dumps({s.value: report.stages[s].score for s in STAGES}),
        turns=redacted_turns(transcript),
    )
    candidate_text = "\n".join(t for _, t in transcript.candidate_turns())
    try:
        reply, _ = ask_judge(chat, prompt, candidate_text)
    except ModelError as error:
        return report.model_copy(update={"graded_by": f"code only (model unavailable: {error})"})
    if reply is None:
        note = f"code only (the model's grade was invalid {MAX_REASKS + 1} times)"
        return report.model_copy(update={"graded_by": note})
    stages = {s: _blend(report.stages[s], reply.stages[s]) for s in STAGES}
    spans = candidate_spans(transcript.candidate_turns())
    return finish_report(
        transcript, case, matcher, report.level, stages, spans, graded_by="code + model judge"
    )


def _blend(code: StageGrade, judged: JudgeStage) -> StageGrade:
    if code.score == 0 and not code.evidence:
        return code
    score = max(code.score - 1, min(code.score + 1, judged.score))
    quotes = [q for q in judged.evidence if q and not looks_like_injection(q)]
    evidence = list(dict.fromkeys(code.evidence + quotes))[:6]
    return code.model_copy(update={"score": score, "evidence": evidence})
