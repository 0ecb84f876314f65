from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bot.clock
from bot.errors import InputError
from bot.stages import Stage
from bot.store import Turn
from bot.testing import FakeClock

ROOT = Path(__file__).resolve().parents[1]


def test_candidate_turn_is_saved_before_the_model_is_called(engine) -> None:
    interview = engine.new_interview("news-feed", clock="spoken")
    "".join(interview.open())
    stream = interview.respond("What is the scale?")
    next(stream)
    turns = interview.turns()
    assert turns[-1].role == "candidate" and turns[-1].content == "What is the scale?"


@pytest.mark.parametrize("bad", ["", "   \n ", "x" * 8001])
def test_bad_answers_are_refused_before_anything_is_saved(engine, bad: str) -> None:
    interview = engine.new_interview("news-feed", clock="spoken")
    "".join(interview.open())
    before = len(interview.turns())
    with pytest.raises(InputError):
        "".join(interview.respond(bad))
    assert len(interview.turns()) == before


def test_resume_answers_a_turn_saved_before_a_crash(engine) -> None:
    interview = engine.new_interview("news-feed", clock="spoken")
    "".join(interview.open())
    engine.store.add_turn(interview.session_id, Turn(role="candidate", content="How many users?"))
    again = engine.load_interview(interview.session_id, clock="spoken")
    assert again.pending_answer() == "How many users?"
    reply = "".join(again.resume_pending())
    assert reply
    assert again.turns()[-1].role == "interviewer"
    assert again.pending_answer() is None


def test_the_clock_is_kept_with_the_session_across_reloads(engine, monkeypatch) -> None:
    wall = FakeClock()
    monkeypatch.setattr(bot.clock, "now", wall)
    session = engine.new_interview("news-feed")
    "".join(session.open())
    wall.advance(90)
    "".join(engine.load_interview(session.session_id).respond("How many users are there?"))
    wall.advance(150)
    reloaded = engine.load_interview(session.session_id)
    assert reloaded.seconds_since_last_turn() == 150
    "".join(reloaded.respond("And what is the latency budget?"))
    wall.advance(3600)
    "".join(engine.load_interview(session.session_id).respond("I'd like to clarify the goal."))
    state = engine.load_interview(session.session_id).state
    assert state.elapsed_s == 90 + 150 + 600, "a gap over ten minutes counts as a break"
    assert state.stages[Stage.CLARIFY_REQUIREMENTS].seconds == state.elapsed_s


def test_the_minutes_before_end_count_for_the_stage(engine, monkeypatch) -> None:
    wall = FakeClock()
    monkeypatch.setattr(bot.clock, "now", wall)
    session = engine.new_interview("news-feed")
    "".join(session.open())
    wall.advance(60)
    "".join(session.respond("How many users are there?"))
    wall.advance(180)
    report = engine.finish(engine.load_interview(session.session_id))
    assert report.time_per_stage["clarify_requirements"] == 4.0, "60 s + the 180 s before End"


def test_kill_9_mid_interview_loses_no_committed_turn(full_index_settings, engine) -> None:
    env = {
        **os.environ,
        "MLSD_DATA_DIR": str(full_index_settings.data_dir),
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "crash_interview.py"), "news-feed"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    session_id = process.stdout.readline().strip()
    committed = -1
    deadline = time.monotonic() + 120
    while committed < 3 and time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("committed"):
            committed = int(line.split()[1])
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    resumed = engine.load_interview(session_id, clock="spoken")
    answers = [t.content for t in resumed.turns() if t.role == "candidate"]
    assert len(answers) >= committed + 1
    assert answers[: committed + 1] == [
        f"Answer number {n}: I would use logged impressions as data." for n in range(committed + 1)
    ]
    assert engine.store.integrity_ok()
    "".join(resumed.resume_pending())
    reply = "".join(resumed.respond("Let's continue with the model."))
    assert reply


def test_finish_grades_and_stores_the_report(engine) -> None:
    interview = engine.new_interview("news-feed", clock="spoken")
    "".join(interview.open())
    "".join(interview.respond("What's the business goal?"))
    report = engine.finish(interview)
    assert engine.store.report(interview.session_id)["overall_score"] == report.overall_score
    assert engine.store.get(interview.session_id).status == "graded"


def test_unattended_interview_with_the_real_embedded_model(full_index_settings) -> None:
    """With phrasing on, the embedded model phrases lines; whatever it says, every shown line
    is usable."""
    from bot.engine import Engine
    from tests.conftest import candidate_lines

    engine = Engine(full_index_settings.model_copy(update={"phrasing": "on"}))
    interview = engine.new_interview("ad-click-prediction", clock="spoken")
    "".join(interview.open())
    replies = []
    for line in candidate_lines("ad-click-prediction__solid")[:8]:
        replies.append("".join(interview.respond(line)))
    assert interview.phrasing_attempts > 0, "the embedded model was asked to phrase"
    for reply in replies:
        assert reply and len(reply.split()) <= 80
        assert not reply.lower().startswith(("i would", "i'd ", "candidate:"))
    questions = [r for r in replies if r.endswith("?")]
    assert len(questions) == len(set(questions))
    report = engine.finish(interview)
    assert 0 <= report.overall_score <= 100
