"""Model endpoint faults, each injected 20 times through the engine as the CLI and UI use it.

In our design the model only phrases interviewer lines, and a line is shown only after it is
validated, so a failed or partial model reply is never shown: the conductor's own complete
line replaces it and the user sees one clear notice. These tests check that promise.
"""

from __future__ import annotations

import time

import pytest

from bot.config import Settings
from bot.engine import Engine
from bot.throwaway import free_port
from bot.transcript import Transcript
from tests.conftest import calibration
from tests.openai_stub import StubServer
from tests.reliability.conftest import record

RUNS = 20
FAULTS = [
    "error500",
    "ratelimit",
    "ratelimit_long",
    "refused",
    "hang",
    "cut",
    "notjson",
    "truncated",
]


@pytest.fixture(scope="module")
def stub():
    with StubServer() as server:
        yield server


def _engine(full_index_settings: Settings, base_url: str) -> Engine:
    settings = full_index_settings.model_copy(
        update={
            "llm": "openai",
            "openai_base_url": base_url,
            "model": "stub-model",
            "timeout_s": 1.0,
            "max_retries": 1,
        }
    )
    return Engine(settings)


def _arm(stub: StubServer, fault: str) -> str:
    stub.state.reply_fn = None
    if fault == "refused":
        return f"http://127.0.0.1:{free_port()}/v1"
    stub.state.mode = {"ratelimit_long": "ratelimit"}.get(fault, fault)
    stub.state.retry_after = "3600" if fault == "ratelimit_long" else "0"
    stub.state.hang_s = 5
    return stub.base_url


@pytest.mark.parametrize("fault", FAULTS)
def test_interview_survives_fault(fault: str, stub, full_index_settings) -> None:
    engine = _engine(full_index_settings, _arm(stub, fault))
    interview = engine.new_interview("news-feed", clock="spoken")
    "".join(interview.open())
    "".join(interview.respond("What's the business goal?"))
    worst, intact, clear, duplicates, notices = 0.0, 0, 0, 0, 0
    for n in range(RUNS):
        before = interview.turns()
        answer = (
            f"Answer {n}: I'd rank posts by a weighted sum of predicted engagement "
            "because different actions have different value."
        )
        started = time.monotonic()
        reply = "".join(interview.respond(answer))
        worst = max(worst, time.monotonic() - started)
        after = interview.turns()
        intact += after[: len(before)] == before and after[len(before)].content == answer
        duplicates += len(after) != len(before) + 2
        notice = interview.model_notice or ""
        notices += bool(notice)
        clear += bool(reply) and "\n" not in notice and "Traceback" not in notice
        assert "".join(interview.resume_pending()) == "", "a retry never duplicates a turn"
        if interview.finished:
            interview = engine.new_interview("news-feed", clock="spoken")
            "".join(interview.open())
    record(
        f"fault {fault}",
        runs=RUNS,
        transcript_intact=intact,
        clear_message=clear,
        model_failures_noticed=notices,
        duplicated_turns=duplicates,
        worst_seconds=round(worst, 2),
    )
    assert intact == RUNS and clear == RUNS and duplicates == 0
    assert notices > 0, "the model was called and its failure was reported"
    assert worst < 60


@pytest.mark.parametrize("fault", ["error500", "hang", "cut", "truncated", "notjson"])
def test_grader_never_scores_from_partial_output(fault: str, stub, full_index_settings) -> None:
    transcript = Transcript.model_validate(calibration("visual-search__solid"))
    code_only = Engine(full_index_settings).grade(transcript)
    engine = _engine(full_index_settings, _arm(stub, fault))
    judged = engine.grade(transcript)
    assert judged.overall_score == code_only.overall_score
    assert judged.graded_by.startswith("code only")
