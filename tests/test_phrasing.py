from __future__ import annotations

import pytest

from bot.embeddings import local_embeddings
from bot.engine import Engine
from bot.phrasing import clean, problems
from tests.conftest import repeating_chat

DRAFT = "Got it. How would you set the weights that combine watch time, likes and dislikes?"
RUBRIC = ["Defines engagement labels beyond clicks, such as watching past a completion threshold"]
SPLIT = "How would you split the impression logs into training and test sets?"
BASELINE = "Let's move on to evaluation. Which baseline would you compare against?"

# Lines the embedded model really produced for DRAFT.
LEAK_SCAFFOLD = (
    "Draft: I'll set the weights… Interviewer: That's a great idea! How do you plan to use "
    "this in your evaluation?"
)
LEAK_ROLES = "looking at the candidate's draft. The interviewer asks: \"How do you…"
LEAK_TEMPLATE = (
    "asking you to choose how long a negative impression should be before calling it. The "
    "answer must contain the question…"
)


def _problems(line: str, draft: str = DRAFT, asked: list[str] | None = None, **kw) -> list[str]:
    """What the interview does: clean the model's output, then check it."""
    return problems(clean(line), draft, RUBRIC, asked or [], local_embeddings(), **kw)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (LEAK_SCAFFOLD, "prompt scaffold"),
        (LEAK_SCAFFOLD, "praise"),
        (LEAK_SCAFFOLD, "candidate's voice"),
        (LEAK_ROLES, "instruction text"),
        (LEAK_TEMPLATE, "instruction text"),
        (LEAK_TEMPLATE, "no question at the end"),
    ],
)
def test_real_leaks_are_rejected_for_what_they_are(line: str, reason: str) -> None:
    assert reason in _problems(line)


@pytest.mark.parametrize(
    "line",
    [
        "Okay. Candidate: how would you set the weights for watch time and likes?",
        "Okay, User: how would you set the weights for watch time, likes and dislikes?",
        "NOTES: watch time matters. How would you set the weights for likes and dislikes?",
        "Rules: one question. How would you set the weights for watch time and likes?",
        "Assistant : How would you set the weights for watch time, likes and dislikes?",
        "<|im_start|>How would you set the weights for watch time, likes and dislikes?",
    ],
)
def test_any_role_or_section_label_is_a_prompt_scaffold(line: str) -> None:
    assert "prompt scaffold" in _problems(line)


def test_a_role_label_is_caught_without_a_newline_but_a_leading_echo_is_stripped() -> None:
    line = "How would you set the weights for watch time, likes and dislikes?"
    assert "prompt scaffold" in problems(f"Interviewer: {line}", DRAFT, [], [], local_embeddings())
    assert _problems(f"Interviewer: {line}") == []


@pytest.mark.parametrize(
    "line",
    [
        "Rewrite: how would you set the weights for watch time, likes and dislikes?",
        "In 45 words, how would you set the weights for watch time, likes and dislikes?",
        "How would you set the weights for {signals}, likes and dislikes?",
        "The question must be about weights: how would you combine watch time and likes?",
        "As the interviewer, how would you set the weights for watch time and likes?",
    ],
)
def test_template_or_instruction_wording_is_rejected(line: str) -> None:
    assert "instruction text" in _problems(line)


@pytest.mark.parametrize(
    "line",
    [
        "That's a great point. How would you set the weights for watch time, likes and dislikes?",
        "Excellent. How would you set the weights for watch time, likes and dislikes?",
        "Good idea to use likes; how would you weigh them against watch time and dislikes?",
        "Nice, and how would you set the weights for watch time, likes and dislikes?",
        "I love that you used watch time; how would you weigh it against likes and dislikes?",
        "Well done so far. How would you set the weights for watch time, likes and dislikes?",
        "Perfect. How would you set the weights for watch time, likes and dislikes?",
        "Impressive! How would you set the weights for watch time, likes and dislikes?",
    ],
)
def test_praise_is_rejected(line: str) -> None:
    assert "praise" in _problems(line)


def test_words_that_only_start_like_praise_are_not_praise() -> None:
    line = "Would perfectly even weights for watch time, likes and dislikes be a greater risk?"
    assert "praise" not in _problems(line)


@pytest.mark.parametrize(
    "line",
    [
        "I would use a two-tower model and train it with in-batch negatives?",
        "I'd weigh watch time highest, and how would you weigh likes and dislikes?",
        "Okay. My design sets the weights for watch time, likes and dislikes, right?",
        "We could use watch time as the label, so how would you weigh likes and dislikes?",
        "Candidate: how about weighting by watch time?",
    ],
)
def test_the_candidates_voice_is_rejected(line: str) -> None:
    found = _problems(line)
    assert "candidate's voice" in found or "prompt scaffold" in found


def test_a_number_not_in_the_draft_or_the_answer_is_rejected() -> None:
    line = "How would you weigh watch time, likes and dislikes for our 300 million users?"
    assert "invents a number" in _problems(line)
    assert "invents a number" not in _problems(line, allowed_text="We have 300 million users.")


def test_a_different_question_is_rejected() -> None:
    # The question the model asked in LEAK_SCAFFOLD, without the scaffold around it.
    assert "asks a different question" in _problems(
        "How do you plan to use this in your evaluation?"
    )
    # Same logs, same words, but not the same question as the draft's.
    assert "asks a different question" in _problems(
        "How would you label the impression logs?", SPLIT
    )


def test_a_second_question_is_rejected() -> None:
    line = "How would you set the weights for watch time and likes? And which metric would you use?"
    assert "more than one question" in problems(line, DRAFT, [], [], local_embeddings())


def test_rubric_text_is_not_leaked() -> None:
    line = (
        "Think about defining engagement labels beyond clicks, such as watching past a "
        "completion threshold. How would you weigh them?"
    )
    assert "leaks rubric text" in _problems(line)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Weights?", "too short"),
        ("This is a very long line " * 12 + "?", "too long"),
        ("Tell me about the weights for watch time, likes and dislikes.", "no question at the end"),
    ],
)
def test_malformed_lines_are_rejected(line: str, reason: str) -> None:
    assert reason in _problems(line)


def test_repeating_an_earlier_question_is_rejected() -> None:
    earlier = ["How would you set the weights that combine watch time, likes and dislikes?"]
    line = "How would you set the weights that combine watch time, likes and dislikes?"
    assert "repeats an earlier question" in problems(
        line, "Okay. What baseline?", [], earlier, local_embeddings()
    )


@pytest.mark.parametrize(
    ("line", "draft"),
    [
        ("How would you split those impression logs into train and test sets?", SPLIT),
        ("You mentioned watch time; how would you balance it against likes and dislikes?", DRAFT),
        ("Which baseline would you compare against?", BASELINE),
        ("Moving to evaluation, which baseline would you compare your ranker against?", BASELINE),
        ("What would be a good baseline to compare your model against?", BASELINE),
        ("I'd like to hear how you would weigh watch time, likes and dislikes?", DRAFT),
    ],
)
def test_a_clean_neutral_rephrasing_passes(line: str, draft: str) -> None:
    assert _problems(line, draft) == []


def test_a_cue_the_draft_itself_contains_is_not_held_against_the_line() -> None:
    draft = "Good point. How would you rewrite a follow-up turn into a standalone query?"
    line = "Good point. How would you rewrite each follow-up turn into a standalone query?"
    assert _problems(line, draft) == []


def _framing_turn(engine):
    """An interview, with phrasing on, whose second answer earns a phrased probe (it names
    no technique, which would be probed in the interviewer's own words); returns it and the
    reply."""
    interview = engine.new_interview("video-recommendation", clock="spoken")
    interview.phrase_lines = True
    "".join(interview.open())
    "".join(interview.respond("What's the business goal?"))
    reply = "".join(
        interview.respond(
            "I'd frame it as ranking: score candidate videos for a user and show the top twenty, "
            "using a multi-stage funnel with a cheap first pass and a ranker."
        )
    )
    return interview, reply


@pytest.mark.parametrize(
    "bad_model_output",
    [
        "I would frame this as ranking with a two-tower model, as a candidate would say.",
        "Asks about scale: daily active users, catalogue size and the number of new uploads per "
        "day. What is the scale?",
        LEAK_SCAFFOLD,
    ],
)
def test_interview_replaces_bad_model_output_with_the_draft(engine, bad_model_output) -> None:
    engine = Engine(engine.settings, chat=repeating_chat(bad_model_output))
    interview, reply = _framing_turn(engine)
    assert clean(bad_model_output) not in reply
    assert interview.phrasing_rejections >= 1
    assert reply.endswith("?")


def test_a_valid_model_line_is_used(engine) -> None:
    _, draft = _framing_turn(engine)  # the fixture's model says "Okay.": the draft is kept
    line = clean(f"So, {draft[:1].lower()}{draft[1:]}")
    engine = Engine(engine.settings, chat=repeating_chat(line))
    _, reply = _framing_turn(engine)
    assert reply == line
