"""The practice loop across sessions: which drill to do next, and the attempt to compare a
report with."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot import policy
from bot.grading import Report
from bot.stages import STAGES, Stage
from bot.store import SessionInfo


class DrillPlan(BaseModel):
    """A short interview on one case that starts at one stage."""

    model_config = ConfigDict(extra="forbid")

    case_id: str
    stage: Stage
    minutes: float = policy.DRILL_MINUTES


def weakest_stage(report: Report) -> Stage:
    """The lowest-scoring stage; on a tie the earliest, since later stages build on it. In a
    drill's report only the stages from the drill's start count."""
    first = report.drill.index if report.drill else 0
    return min(STAGES[first:], key=lambda s: (report.stages[s].score, s.index))


def least_recent_case(case_ids: list[str], sessions: list[SessionInfo], besides: str) -> str:
    """A case other than `besides`: one never tried first (in catalogue order), else the one
    tried longest ago."""
    last_tried: dict[str, float] = {}
    for info in sessions:
        last_tried[info.case_id] = max(info.created_at, last_tried.get(info.case_id, 0.0))
    others = [c for c in case_ids if c != besides] or case_ids
    return min(others, key=lambda c: (c in last_tried, last_tried.get(c, 0.0)))


def plan_drill(report: Report, case_ids: list[str], sessions: list[SessionInfo]) -> DrillPlan:
    return DrillPlan(
        case_id=least_recent_case(case_ids, sessions, report.case), stage=weakest_stage(report)
    )


def previous_attempt(session: SessionInfo, sessions: list[SessionInfo]) -> SessionInfo | None:
    """The latest graded session on the same case that began before this one."""
    earlier = [
        s
        for s in sessions
        if s.case_id == session.case_id
        and s.status == "graded"
        and s.created_at < session.created_at
        and s.id != session.id
    ]
    return max(earlier, key=lambda s: s.created_at, default=None)
