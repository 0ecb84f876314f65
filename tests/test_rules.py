"""The conductor's rules, one by one, on signals built by hand (no real model, milliseconds)."""

from __future__ import annotations

import pytest

from bot.claims import ClaimMatcher
from bot.interview.conductor import Conductor, InterviewState, opening
from bot.interview.rules import RULES
from bot.interview.signals import (
    FlagHit,
    QuestionPart,
    Request,
    TechniqueHit,
    TurnSignals,
    has_content,
    question_parts,
    questions_in,
    read_requests,
)
from bot.knowledge.cases import load_cases
from bot.knowledge.notes import concept_notes, framework_notes
from bot.paths import knowledge_dir
from bot.stages import STAGES, Phase, Stage, TransitionError, check_transition
from bot.testing import HashEmbeddings

CASE_ID = "video-recommendation"


@pytest.fixture(scope="module")
def conductor() -> Conductor:
    root = knowledge_dir()
    case = load_cases(root)[0][CASE_ID]
    matcher = ClaimMatcher(case, HashEmbeddings())
    budgets = {s: 6.0 for s in STAGES}
    answers = {"What is NDCG?": ("NDCG discounts gains by rank (from concepts/x.md)", ["x.md"])}
    return Conductor(
        case,
        matcher,
        framework_notes(root),
        list(concept_notes(root).values()),
        budgets,
        answer_concept=answers.get,
    )


@pytest.fixture
def state(conductor: Conductor) -> InterviewState:
    state = InterviewState(case_id=CASE_ID)
    opening(conductor.case, state)
    return state


def turn(text: str = "Some answer about the design of the system here.", **signals) -> TurnSignals:
    values = {
        "text": text,
        "words": len(text.split()),
        "content": True,
        "injection": False,
        "substantive": True,
        "strength": {s: 0.0 for s in STAGES},
        "covers": {s: [] for s in STAGES},
    }
    values.update(signals)
    return TurnSignals(**values)


def at(state: InterviewState, stage: Stage) -> InterviewState:
    state.phase = Phase(stage.value)
    state.stages[stage].visited = True
    return state


def test_rules_are_one_ordered_list_ending_in_a_rule_that_always_holds() -> None:
    names = [r.name for r in RULES]
    assert (
        names.index("a red flag")
        < names.index("a number off")
        < names.index("a named technique")
        < names.index("the candidate jumped")
        < names.index("on topic: probe a missed point")
    )
    assert RULES[-1].holds(None, None)


def test_a_red_flag_is_challenged_with_the_candidates_own_words(conductor, state) -> None:
    state = at(state, Stage.DATA_PREPARATION)
    flag = FlagHit(
        flag_id="video-recommendation/data/1",
        stage=Stage.DATA_PREPARATION,
        challenge="What happens to yesterday's impressions in a random split?",
        quote="I'd shuffle all impressions and split them randomly",
    )
    decision = conductor.respond_to(state, turn(flags=[flag]))
    assert decision.action == "challenge"
    assert "I'd shuffle all impressions and split them randomly" in decision.text
    assert decision.text.endswith("random split?")
    again = conductor.respond_to(state, turn(flags=[flag]))
    assert again.action != "challenge", "a flag is challenged once"


def test_a_wrong_estimate_is_asked_about(conductor, state) -> None:
    flag = FlagHit(
        flag_id="video-recommendation/estimates/1",
        stage=Stage.DEPLOYMENT_SERVING,
        challenge="How did you get to that number?",
        quote="that's about 40 requests a second at peak",
        estimate=True,
    )
    decision = conductor.respond_to(at(state, Stage.DEPLOYMENT_SERVING), turn(flags=[flag]))
    assert decision.action == "check_number"
    assert "How did you get to that number?" in decision.text


def test_a_named_technique_is_probed_by_name_once(conductor, state) -> None:
    state = at(state, Stage.MODEL_DEVELOPMENT)
    hit = TechniqueHit(concept="focal-loss", named="focal loss", probes=["Why focal loss here?"])
    first = conductor.respond_to(state, turn(techniques=[hit]))
    assert first.action == "technique"
    assert first.text == "You mentioned focal loss. Why focal loss here?"
    second = conductor.respond_to(state, turn(techniques=[hit]))
    assert second.action != "technique"


def test_two_named_techniques_are_probed_in_a_stage_but_not_a_third(conductor, state) -> None:
    state = at(state, Stage.MODEL_DEVELOPMENT)
    names = ["focal loss", "DCN-v2", "MMoE"]
    hits = [TechniqueHit(concept=n, named=n, probes=[f"Why {n}?"]) for n in names]
    actions = [conductor.respond_to(state, turn(techniques=[hit])).action for hit in hits]
    assert actions[:2] == ["technique", "technique"]
    assert actions[2] != "technique"


def test_a_technique_named_while_jumping_ahead_is_probed_in_the_stage_jumped_to(
    conductor, state
) -> None:
    state = at(state, Stage.DATA_PREPARATION)
    hit = TechniqueHit(concept="multi-task-learning", named="MMoE", probes=["Why MMoE?"])
    decision = conductor.respond_to(state, turn(techniques=[hit], jump=Stage.MODEL_DEVELOPMENT))
    assert decision.action == "technique"
    assert decision.text.endswith("You mentioned MMoE. Why MMoE?")
    assert state.stage == Stage.MODEL_DEVELOPMENT
    assert state.stages[Stage.MODEL_DEVELOPMENT].technique_probes == 1


def test_a_named_technique_is_asked_about_after_the_stages_other_probes(conductor, state) -> None:
    state = at(state, Stage.MODEL_DEVELOPMENT)
    state.stages[Stage.MODEL_DEVELOPMENT].probes = state.policy.max_probes
    hit = TechniqueHit(concept="focal-loss", named="focal loss", probes=["Why focal loss here?"])
    assert conductor.respond_to(state, turn(techniques=[hit])).action == "technique"


def test_no_technique_probe_once_the_stages_minutes_are_spent(conductor, state) -> None:
    state = at(state, Stage.MODEL_DEVELOPMENT)
    state.stages[Stage.MODEL_DEVELOPMENT].seconds = 3600.0
    hit = TechniqueHit(concept="focal-loss", named="focal loss", probes=["Why focal loss here?"])
    assert conductor.respond_to(state, turn(techniques=[hit])).action != "technique"


def test_a_mistake_is_challenged_before_a_technique_is_probed(conductor, state) -> None:
    flag = FlagHit(flag_id="f", stage=Stage.EVALUATION, challenge="Why?", quote="accuracy")
    hit = TechniqueHit(concept="focal-loss", named="focal loss", probes=["Why focal loss?"])
    decision = conductor.respond_to(
        at(state, Stage.EVALUATION), turn(flags=[flag], techniques=[hit])
    )
    assert decision.action == "challenge"


def test_every_part_of_a_two_part_question_is_answered(conductor, state) -> None:
    parts = [QuestionPart(text="what's the scale", fact=1), QuestionPart(text="latency", fact=2)]
    decision = conductor.respond_to(state, turn(questions=parts))
    facts = conductor.case.facts
    assert facts[1].text[1:40] in decision.text and facts[2].text[1:40] in decision.text
    assert state.facts_revealed == [1, 2]


def test_a_fact_already_given_is_referred_to_not_read_again(conductor, state) -> None:
    conductor.respond_to(state, turn(questions=[QuestionPart(text="scale?", fact=1)]))
    again = conductor.respond_to(state, turn(questions=[QuestionPart(text="users?", fact=1)]))
    assert conductor.case.facts[1].text[1:40] not in again.text
    assert "earlier" in again.text


def test_a_design_question_is_handed_back(conductor, state) -> None:
    decision = conductor.respond_to(
        state,
        turn(
            "Do we need calibrated probabilities?",
            questions=[QuestionPart(text="Do we need calibrated probabilities?", fact=None)],
            design_question=True,
        ),
    )
    assert decision.action == "your_call"
    assert "figure" not in decision.text


def test_typed_hint_and_checklist_requests(conductor, state) -> None:
    hint = conductor.respond_to(state, turn("Can you give me a hint?", requests=[Request.HINT]))
    assert hint.action == "hint" and hint.text.startswith("Hint:")
    refused = conductor.respond_to(state, turn("Is there a checklist?", requests=[Request.RUBRIC]))
    assert refused.action == "decline" and "checklist" in refused.text
    both = turn("What are you looking for here? Nudge?", requests=[Request.RUBRIC, Request.HINT])
    assert conductor.respond_to(state, both).action == "hint"


def test_an_answer_with_no_content_is_asked_again_not_acknowledged(conductor, state) -> None:
    before = state.phase
    decision = conductor.respond_to(state, turn("<b></b>", content=False, substantive=False))
    assert decision.action == "nudge"
    assert state.question in decision.text
    assert state.phase == before


def test_that_covers_it_wraps_up_when_every_stage_was_discussed(conductor, state) -> None:
    for stage in STAGES:
        state.stages[stage].visited = True
    state.phase = Phase.MONITORING
    decision = conductor.respond_to(
        state, turn("I think that covers my design.", requests=[Request.DONE])
    )
    assert decision.action == "wrap_up"
    assert "good" not in decision.text.lower()


def test_that_covers_it_mid_way_goes_on_to_what_was_not_discussed(conductor, state) -> None:
    decision = conductor.respond_to(state, turn("That covers it.", requests=[Request.DONE]))
    assert decision.action == "advance"
    assert "Before we wrap up" in decision.text


def test_a_concept_question_is_answered_from_the_notes(conductor, state) -> None:
    decision = conductor.respond_to(state, turn("What is NDCG?", concept_question=True))
    assert decision.action == "concept" and "x.md" in decision.text
    assert state.help_used[-1]["kind"] == "concept"


def test_an_unknown_concept_falls_through_to_the_next_rule(conductor, state) -> None:
    decision = conductor.respond_to(state, turn("What is a flux capacitor?", concept_question=True))
    assert decision.action != "concept"


def test_probe_names_the_candidates_choice_without_praise(conductor, state) -> None:
    state = at(state, Stage.MODEL_DEVELOPMENT)
    strength = {s: 0.0 for s in STAGES} | {Stage.MODEL_DEVELOPMENT: 0.45}
    decision = conductor.respond_to(
        state, turn(strength=strength, choice="two-tower retrieval with in-batch negatives")
    )
    assert decision.action == "probe"
    assert decision.text.startswith("Two-tower retrieval with in-batch negatives, okay.")


def test_coverage_is_applied_once_so_a_jump_in_a_long_answer_is_followed(conductor, state) -> None:
    """The v1 bug: coverage was applied, then compared with itself, so a jump never fired."""
    model_points = [p.id for p in conductor.case.rubric(Stage.MODEL_DEVELOPMENT)][:3]
    covers = {s: [] for s in STAGES} | {Stage.MODEL_DEVELOPMENT: model_points}
    state = at(state, Stage.FRAME_ML_TASK)
    decision = conductor.respond_to(state, turn(covers=covers))
    assert state.phase == Phase.MODEL_DEVELOPMENT
    assert Stage.DATA_PREPARATION in state.skipped
    assert "come back" in decision.text


def test_transitions_allow_only_real_moves() -> None:
    assert check_transition(Phase.DATA_PREPARATION, Phase.MODEL_DEVELOPMENT)
    assert check_transition(Phase.DATA_PREPARATION, Phase.MONITORING)
    assert check_transition(Phase.MONITORING, Phase.WRAP_UP)
    with pytest.raises(TransitionError):
        check_transition(Phase.MONITORING, Phase.FRAME_ML_TASK)
    assert check_transition(Phase.MONITORING, Phase.FRAME_ML_TASK, [Stage.FRAME_ML_TASK])
    assert check_transition(Phase.INTRO, Phase.EVALUATION), "a drill opens at its stage"
    with pytest.raises(TransitionError):
        check_transition(Phase.INTRO, Phase.DONE)
    with pytest.raises(TransitionError):
        check_transition(Phase.WRAP_UP, Phase.EVALUATION)


@pytest.mark.parametrize(
    ("text", "last_question", "expected"),
    [
        ("<script>alert(1)</script>", "", False),
        ("fine", "", False),
        ("**", "", False),
        ("batch", "Would you predict online or in batch?", True),
        ("I'd precompute nightly.", "", True),
    ],
)
def test_content_is_what_a_reader_would_call_an_answer(text, last_question, expected) -> None:
    assert has_content(text, last_question) is expected


def test_questions_are_split_into_parts_and_spoken_questions_count() -> None:
    two = "How many requests per second at peak, and how much of the latency budget do we get?"
    assert len(question_parts(two)) == 2
    assert questions_in("so what's the latency budget like") == [
        "so what's the latency budget like"
    ]
    assert questions_in("Here is my design. Does that make sense?") == []
    dictated = (
        "and um what does success actually mean for the business here, like is it clicks or "
        "purchases or sales value or something else, i'm basically asking what the goal metric is"
    )
    assert questions_in(dictated) == [dictated]
    two_things = (
        "cool and then uh two things, what's the latency budget for the results page and how "
        "much of it does ranking get, and then separately like how many searches a day and "
        "what does the peak look like"
    )
    assert len(questions_in(two_things)) == 4
    listed = "so what do we log, like impressions and clicks and carts and purchases"
    assert questions_in(listed) == [listed]


def test_a_signposted_jump_to_the_model_is_recognised() -> None:
    from bot.interview.signals import signposted_jump

    text = "Let me jump to the model: two towers, then a ranker."
    assert signposted_jump(Stage.DATA_PREPARATION, text) == Stage.MODEL_DEVELOPMENT


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("Could you maybe give me a small hint about what you'd look at?", Request.HINT),
        ("Quick hint? Torn on how far to go on cold start.", Request.HINT),
        ("Stuck a bit on cold start. Beyond content features, nudge?", Request.HINT),
        ("Is there a checklist of what you expect me to cover?", Request.RUBRIC),
        ("That's the design. Clarify through monitoring, all covered.", Request.DONE),
        ("I'm finished; happy to go deeper on any part.", Request.DONE),
    ],
)
def test_requests_are_read_in_the_candidates_own_words(text: str, wanted: Request) -> None:
    assert wanted in read_requests(text)


def test_naming_a_design_choice_is_not_saying_the_design_is_done() -> None:
    assert Request.DONE not in read_requests("That's the design choice I'd make for retrieval.")
