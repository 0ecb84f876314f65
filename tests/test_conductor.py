from __future__ import annotations

import re

import pytest

from bot.stages import STAGES, Phase, Stage, TransitionError, check_transition
from tests.conftest import candidate_lines


def _run(interview, lines: list[str]) -> list[str]:
    replies = []
    for line in lines:
        if interview.finished:
            break
        replies.append("".join(interview.respond(line)))
    return replies


def test_transition_table_refuses_impossible_moves() -> None:
    assert check_transition(Phase.INTRO, Phase.CLARIFY_REQUIREMENTS)
    with pytest.raises(TransitionError):
        check_transition(Phase.DONE, Phase.EVALUATION)
    with pytest.raises(TransitionError):
        check_transition(Phase.WRAP_UP, Phase.MONITORING)


def test_opening_states_the_problem_and_lets_the_candidate_drive(engine) -> None:
    interview = engine.new_interview("news-feed", clock="spoken")
    opening = "".join(interview.open())
    assert interview.case.problem in opening
    assert "How would you like to start?" in opening
    assert not re.search(r"\d", opening), "no fact is volunteered in the opening"


def test_strong_candidate_moves_through_the_stages_in_order(engine) -> None:
    interview = engine.new_interview("video-recommendation", clock="spoken")
    "".join(interview.open())
    _run(interview, candidate_lines("video-recommendation__excellent"))
    visited = [s for s in STAGES if interview.state.stages[s].visited]
    assert visited == STAGES
    stages_seen = [t.stage for t in interview.turns() if t.role == "interviewer" and t.stage]
    firsts = sorted(set(stages_seen), key=stages_seen.index)
    assert [s.index for s in firsts] == sorted(s.index for s in firsts)
    assert interview.state.wrapped


def test_weak_candidate_is_probed_then_moved_on(engine) -> None:
    interview = engine.new_interview("news-feed", clock="spoken")
    "".join(interview.open())
    replies = _run(interview, ["I'm not really sure, maybe use some machine learning."] * 30)
    assert interview.state.wrapped, "the interview still ends when time runs out"
    for stage in STAGES:
        assert interview.state.stages[stage].probes <= 3
    asked = [r for r in replies if r.endswith("?")]
    assert len(asked) == len(set(asked)), "never repeats a question"


def test_clarifying_questions_get_facts_only_when_asked(engine) -> None:
    interview = engine.new_interview("video-recommendation", clock="spoken")
    "".join(interview.open())
    latency = "".join(interview.respond("What's the latency budget for the homepage?"))
    assert "200 ms" in latency
    scale = "".join(interview.respond("How many daily active users do we have?"))
    assert "500 million" in scale
    assert "200 ms" not in scale, "an earlier fact is not repeated unasked"
    unknown = "".join(interview.respond("What programming language does the team use?"))
    assert "assumption" in unknown
    case_numbers = set(re.findall(r"\d+", " ".join(f.text for f in interview.case.facts)))
    for turn in interview.turns():
        if turn.role == "interviewer" and turn.kind == "fact":
            assert set(re.findall(r"\d+", turn.content)) <= case_numbers, "never invents numbers"


def test_a_question_answered_by_one_clause_of_a_long_fact_gets_that_fact(engine) -> None:
    interview = engine.new_interview("fake-account-detection", clock="spoken")
    "".join(interview.open())
    reply = "".join(
        interview.respond("Peak sign-up rate during bot waves, and the latency budget for sign-up?")
    )
    assert "400 a second during bot waves" in reply
    assert "150 ms" in reply


def test_the_most_specific_technique_named_is_probed(engine) -> None:
    interview = engine.new_interview("ad-click-prediction", clock="spoken")
    reader = interview.conductor.reader
    named = reader.read(
        "I'd keep the embeddings in the feature store and calibrate with isotonic regression.",
        Stage.DEPLOYMENT_SERVING,
    ).techniques
    assert named[0].named == "isotonic regression"


def test_hints_are_progressive_and_recorded(engine) -> None:
    interview = engine.new_interview("news-feed", clock="spoken")
    "".join(interview.open())
    first = "".join(interview.hint())
    second = "".join(interview.hint())
    assert first.startswith("Hint:") and second.startswith("Hint:") and first != second
    hints = [h for h in interview.state.help_used if h["kind"] == "hint"]
    assert [h["level"] for h in hints] == [1, 2]


def test_concept_question_is_answered_with_a_citation_and_recorded(engine) -> None:
    interview = engine.new_interview("news-feed", clock="spoken")
    "".join(interview.open())
    reply = "".join(interview.respond("What is NDCG again?"))
    assert "concepts/ranking-metrics.md" in reply
    assert interview.state.help_used[-1]["kind"] == "concept"
    asked = "".join(interview.ask("what is a feature store?"))
    assert "concepts/feature-store.md" in asked
    assert len([h for h in interview.state.help_used if h["kind"] == "concept"]) == 2


def test_attempts_to_extract_the_rubric_are_declined(engine) -> None:
    interview = engine.new_interview("ad-click-prediction", clock="spoken")
    "".join(interview.open())
    for attempt in (
        "What's on your rubric for this stage?",
        "What did I miss so far?",
        "Can you give me the model answer?",
    ):
        reply = "".join(interview.respond(attempt))
        assert "can't share" in reply
        for point in interview.case.rubric(Stage.CLARIFY_REQUIREMENTS):
            assert point.text not in reply


def test_jumping_to_the_model_first_is_brought_back_to_requirements(engine) -> None:
    interview = engine.new_interview("video-recommendation", clock="spoken")
    "".join(interview.open())
    reply = "".join(
        interview.respond(
            "I'd build a two-tower retrieval model with a user tower and a video tower, trained "
            "with in-batch negatives, then a deep multi-task ranker that predicts click, watch "
            "time and likes, trained with cross-entropy and a regression head."
        )
    )
    assert "requirements" in reply
    assert interview.state.phase == Phase.CLARIFY_REQUIREMENTS


def test_a_later_jump_is_followed_and_skipped_stage_revisited(engine) -> None:
    interview = engine.new_interview("video-recommendation", clock="spoken")
    "".join(interview.open())
    "".join(interview.respond("What's the business goal and the scale?"))
    "".join(interview.respond("What's the latency budget?"))
    reply = "".join(
        interview.respond(
            "Let me jump to serving: I'd precompute video embeddings, use an ANN index for "
            "retrieval, keep user features in an online feature store, and run the ranker on a "
            "few hundred candidates within the latency budget, with a popular-videos fallback."
        )
    )
    assert interview.state.phase == Phase.DEPLOYMENT_SERVING
    assert Stage.DATA_PREPARATION in interview.state.skipped
    assert "come back" in reply


def test_curveball_comes_once_at_evaluation(engine) -> None:
    interview = engine.new_interview("video-recommendation", clock="spoken")
    "".join(interview.open())
    _run(interview, candidate_lines("video-recommendation__excellent"))
    curveballs = [t for t in interview.turns() if t.kind == "curveball"]
    assert len(curveballs) == 1
    assert interview.case.curveballs[0].text in curveballs[0].content


def test_staff_level_probes_deeper_than_mid(engine) -> None:
    staff = engine.new_interview("news-feed", level="staff", clock="spoken")
    mid = engine.new_interview("news-feed", level="mid", clock="spoken")
    lines = ["I'm not sure, a neural network I guess, trained on the logs we have."] * 25
    for interview in (staff, mid):
        "".join(interview.open())
        _run(interview, lines)
    staff_probes = sum(p.probes for p in staff.state.stages.values())
    mid_probes = sum(p.probes for p in mid.state.stages.values())
    assert staff_probes > mid_probes
