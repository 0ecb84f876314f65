"""The practice loop: which drill comes next, the attempt a report is compared with, and a
drill that opens at its stage and is graded as one."""

from __future__ import annotations

from bot.grading import Report
from bot.practice import least_recent_case, previous_attempt, weakest_stage
from bot.stages import Stage
from bot.store import SessionInfo


def _report(scores: list[int], drill: Stage | None = None) -> Report:
    from bot.stages import STAGES

    stages = {
        s.value: {
            "score": score,
            "evidence": ["x"] if score else [],
            "missing": [],
            "citations": [],
        }
        for s, score in zip(STAGES, scores, strict=True)
    }
    return Report.model_validate(
        {
            "case": "news-feed",
            "overall_score": 50,
            "verdict": "lean_hire",
            "stages": stages,
            "dimensions": {"driving": {"score": 2, "evidence": []}},
            "flags": [],
            "drill": drill,
        }
    )


def test_the_weakest_stage_is_the_lowest_and_on_a_tie_the_earliest() -> None:
    assert weakest_stage(_report([3, 3, 1, 2, 1, 3, 3])) == Stage.DATA_PREPARATION
    assert weakest_stage(_report([0, 0, 0, 0, 2, 3, 1], drill=Stage.EVALUATION)) == (
        Stage.MONITORING
    ), "in a drill, the stages before its start do not count"


def _info(case_id: str, at: float, status: str = "graded", sid: str | None = None) -> SessionInfo:
    return SessionInfo(
        id=sid or f"{case_id}-{at}", case_id=case_id, level="senior", status=status, created_at=at
    )


def test_a_drill_goes_to_a_case_never_tried_else_the_least_recent() -> None:
    cases = ["a", "b", "c"]
    assert least_recent_case(cases, [_info("a", 1), _info("b", 2)], besides="a") == "c"
    tried = [_info("a", 5), _info("b", 2), _info("c", 9), _info("b", 1)]
    assert least_recent_case(cases, tried, besides="a") == "b"


def test_a_report_is_compared_with_the_latest_earlier_graded_attempt() -> None:
    now = _info("a", 10, sid="now")
    sessions = [now, _info("a", 4, sid="old"), _info("a", 7, sid="last"), _info("b", 8)]
    sessions.append(_info("a", 8, status="active", sid="unfinished"))
    assert previous_attempt(now, sessions).id == "last"
    assert previous_attempt(_info("a", 3, sid="first"), sessions) is None


def test_a_drill_opens_at_its_stage_and_its_report_says_so(engine) -> None:
    interview = engine.new_interview("news-feed", clock="spoken", start_stage=Stage.EVALUATION)
    opening = "".join(interview.open())
    assert opening.startswith("A short drill on evaluation"), opening
    assert interview.state.stage == Stage.EVALUATION
    "".join(interview.respond("Offline I'd use NDCG on a time-based split, then an A/B test."))
    report = engine.finish(interview)
    assert report.drill == Stage.EVALUATION
    assert report.contract()["drill"] == "evaluation"
    assert engine.transcript(interview).drill == Stage.EVALUATION


def test_a_cited_note_opens_but_nothing_outside_the_notes(engine) -> None:
    import pytest

    from bot.errors import NotFoundError

    note = engine.note("concepts/ab-testing.md")
    assert note.title == "A/B testing" and "](" not in note.body, "links become plain text"
    for outside in ("../pyproject.toml", "/etc/passwd", "concepts/missing.md"):
        with pytest.raises(NotFoundError):
            engine.note(outside)


def test_a_drill_shares_its_minutes_among_the_stages_it_covers(engine, monkeypatch) -> None:
    import bot.clock
    from bot.testing import FakeClock

    wall = FakeClock()
    monkeypatch.setattr(bot.clock, "now", wall)
    drill = engine.new_interview("news-feed", minutes=12, start_stage=Stage.EVALUATION)
    "".join(drill.open())
    wall.advance(3 * 60)
    "".join(drill.respond("I would look at some numbers here."))
    assert drill.state.stage == Stage.EVALUATION, (
        "evaluation has 7 of the 18 planned minutes left in the drill: 4.7 of 12, not 1.9"
    )
    wall.advance(3 * 60)
    "".join(drill.respond("And I would compare them with last week."))
    assert drill.state.stage != Stage.EVALUATION, "past its share, the drill moves on"
