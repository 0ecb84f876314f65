"""The report's models: what crosses from the grader to the CLI, the app and the files."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.stages import Stage

Level = Literal["mid", "senior", "staff"]
Verdict = Literal["strong_hire", "hire", "lean_hire", "lean_no_hire", "no_hire"]
LEVELS: tuple[str, ...] = ("mid", "senior", "staff")


class Mistake(BaseModel):
    """The candidate's own words that state a red flag's mistake, and the sound answer."""

    model_config = ConfigDict(extra="forbid")

    quote: str
    red_flag: str
    fix: str | None = None


class StageGrade(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=4)
    evidence: list[str]
    missing: list[str]
    citations: list[str]
    covered: list[str] = Field(default_factory=list)
    depth: list[str] = Field(default_factory=list)
    strong_answer: list[str] = Field(default_factory=list)
    reading: list[str] = Field(default_factory=list)
    mistakes: list[Mistake] = Field(default_factory=list)
    core_hit: list[str] = Field(default_factory=list)
    core_missed: list[str] = Field(default_factory=list)
    reason: str = ""


class DimensionGrade(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=4)
    evidence: list[str]
    notes: list[str] = Field(default_factory=list)


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: str
    case_title: str = ""
    level: Level = "senior"
    overall_score: float = Field(ge=0, le=100)
    verdict: Verdict
    stages: dict[Stage, StageGrade]
    dimensions: dict[str, DimensionGrade]
    flags: list[str]
    verdict_reasons: list[str] = Field(default_factory=list)
    practise_next: list[str] = Field(default_factory=list)
    staff_gaps: list[str] = Field(default_factory=list)
    help_used: list[dict] = Field(default_factory=list)
    time_per_stage: dict[str, float] = Field(default_factory=dict)
    graded_by: str = "code only"
    #: The whiteboard as the candidate left it (its source text), when they drew one.
    diagram: str | None = None
    #: A drill's first stage: the earlier stages were not part of the interview.
    drill: Stage | None = None

    def contract(self) -> dict:
        """The report JSON of the contract (plus extra keys, which readers ignore)."""
        return self.model_dump(mode="json")
