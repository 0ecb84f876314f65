from __future__ import annotations

import pytest

from bot.embeddings import local_embeddings
from bot.phrasing import problems
from tests.conftest import repeating_chat

DRAFT = "Got it. How would you set the weights that combine watch time, likes and dislikes?"
RUBRIC = ["Defines engagement labels beyond clicks, such as watching past a completion threshold"]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("I would use a two-tower model and train it with in-batch negatives?", "voice"),
        ("Candidate: how about weighting by watch time?", "voice"),
        (
            "Think about defining engagement labels beyond clicks, such as watching past a "
            "completion threshold. How would you weigh them?",
            "leaks",
        ),
        ("How would you weigh the signals for our 300 million users?", "number"),
        ("This is a very long line " * 12 + "?", "length"),
        ("Tell me about the weights.", "question"),
    ],
)
def test_bad_lines_are_rejected(line: str, why: str) -> None:
    found = problems(line, DRAFT, RUBRIC, [], local_embeddings())
    assert found, why


def test_a_good_rephrasing_passes() -> None:
    line = "You mentioned watch time; how would you balance it against likes and dislikes?"
    assert problems(line, DRAFT, RUBRIC, [], local_embeddings()) == []


def test_repeating_an_earlier_question_is_rejected() -> None:
    earlier = ["How would you set the weights that combine watch time, likes and dislikes?"]
    line = "How would you set the weights that combine watch time, likes and dislikes?"
    assert "repeats an earlier question" in problems(
        line, "Okay. What baseline?", [], earlier, local_embeddings()
    )


def _framing_turn(engine):
    """An interview where the second answer earns a phrased probe; returns it and the reply."""
    interview = engine.new_interview("video-recommendation", clock="spoken")
    "".join(interview.open())
    "".join(interview.respond("What's the business goal?"))
    reply = "".join(
        interview.respond(
            "I'd frame it as ranking: score candidate videos for a user and show the top twenty, "
            "using a multi-stage funnel with candidate generation and a ranker."
        )
    )
    return interview, reply


@pytest.mark.parametrize(
    "bad_model_output",
    [
        "I would frame this as ranking with a two-tower model, as a candidate would say.",
        "Asks about scale: daily active users, catalogue size and the number of new uploads per "
        "day. What is the scale?",
    ],
)
def test_interview_replaces_bad_model_output_with_the_draft(engine, bad_model_output) -> None:
    engine._chat = repeating_chat(bad_model_output)
    interview, reply = _framing_turn(engine)
    assert bad_model_output not in reply
    assert interview.phrasing_rejections >= 1
    assert reply.endswith("?")


def test_a_valid_model_line_is_used(engine) -> None:
    line = "You went for a funnel; how would you weigh watch time against likes in the ranker?"
    engine._chat = repeating_chat(line)
    _, reply = _framing_turn(engine)
    assert reply == line
