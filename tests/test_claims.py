from __future__ import annotations

from pathlib import Path

import pytest

from bot.claims import ClaimMatcher
from bot.cues import MISTAKE_CUES, is_question
from bot.embeddings import local_embeddings
from bot.evidence import candidate_spans
from bot.knowledge.cases import get_case, parse_case
from bot.knowledge.notes import framework_red_flags
from bot.numbers import quantities
from bot.paths import knowledge_dir
from bot.stages import Stage

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def matcher() -> ClaimMatcher:
    case = parse_case((DATA / "v2_case.md").read_text(), "parking", "cases/parking.md")
    return ClaimMatcher(case, local_embeddings(), framework_red_flags(knowledge_dir()))


def _best(matcher: ClaimMatcher, text: str, point_index: int) -> float:
    return float(matcher.read(candidate_spans([(0, text)])).points[:, point_index].max())


def test_an_also_wording_covers_a_point_its_main_text_does_not(matcher) -> None:
    spoken = "so, like, is this for when they get there in ten minutes?"
    first = matcher.points.index(matcher.case.rubric(Stage.CLARIFY_REQUIREMENTS)[0])
    assert _best(matcher, spoken, first) >= 0.5


def test_a_sentence_stating_a_mistake_is_read_as_that_red_flag(matcher) -> None:
    spans = candidate_spans(
        [(0, "We'd split the sensor logs at random, 80/20, for training and test.")]
    )
    found = matcher.read(spans).flag_matches(matcher.flags)
    assert [m.flag.id for m in found] == ["framework/data_preparation/rf1"]


@pytest.mark.parametrize(
    "sound",
    [
        "I'd split by time, never a random shuffle, since occupancy drifts.",
        "Should we split the logs at random or by time?",
        "Accuracy would be misleading here, so I'd look at calibration.",
    ],
)
def test_a_sound_statement_or_a_question_is_not_a_mistake(matcher, sound: str) -> None:
    assert matcher.read(candidate_spans([(0, sound)])).flag_matches(matcher.flags) == []


def test_questions_are_recognised_by_their_form() -> None:
    assert is_question("so what's the scale we're talking about here like users")
    assert is_question("I'd like to know the latency budget")
    assert not is_question("The scale is 500 million users.")


def test_a_dictated_question_after_a_lead_in_is_a_question_not_a_mistake() -> None:
    case = get_case(knowledge_dir(), "product-search-ranking")
    search = ClaimMatcher(case, local_embeddings(), framework_red_flags(knowledge_dir()))
    spoken = (
        "last one i think, um, are there any rules about what organic ranking may use, "
        "like seller fees or the sellers who pay for placement, that kind of thing"
    )
    stated = "and i'd add which fee plan the seller pays for as a ranking feature"
    assert is_question("just to get a sense of size, roughly how many listings are there")
    assert is_question(spoken)
    assert not is_question("For retrieval, how many we need depends on recall, I'd take 500.")
    assert search.read(candidate_spans([(0, spoken)])).flag_matches(search.flags) == []
    assert search.read(candidate_spans([(0, stated)])).flag_matches(search.flags)


def test_mistake_cues_read_claims_not_topics() -> None:
    split = next(c for c in MISTAKE_CUES if c.name == "random_split")
    assert split.states("I'd shuffle everything and hold out a random 10 percent as the test set.")
    assert not split.states("I'd hold out a random 5% of users as a long-term holdout group.")


def test_figures_with_units_are_read_and_a_bare_figure_takes_the_unit_before_it() -> None:
    found = quantities("about 7,000 requests per second on average, so around 21,000 at peak")
    assert [(q.value, q.kind) for q in found] == [(7000.0, "rate"), (21000.0, "rate")]
    assert [(q.value, q.kind) for q in quantities("so 88 GPU servers and 1.5 TB")] == [
        (88.0, "machines"),
        (1.5e12, "storage"),
    ]
    tokens = quantities("2.5 turns a second, so 11k prompt tok/s (56 percent of a node)")
    assert [q.kind for q in tokens] == ["rate", "tokens", "share"]
    compute = quantities("400 cores for 3 hours, about 4.3 million core-seconds")
    assert [q.kind for q in compute] == ["machines", "duration", "duration"]


def test_a_statement_opening_with_anything_is_not_a_question() -> None:
    assert is_question("any constraints on latency")
    assert not is_question("Anything with no user reports is benign.")
    assert not is_question("Anything not charged back within a month I'd label as genuine.")


@pytest.mark.parametrize(
    "said",
    [
        "Occupancy comes straight off the sensors on all blocks, so labels are free.",
        "so we just like poll the sensors every block has and that's our ground truth",
    ],
)
def test_a_red_flags_own_cue_reads_the_mistake_in_other_words(matcher, said: str) -> None:
    found = matcher.read(candidate_spans([(0, said)])).flag_matches(matcher.flags)
    assert [m.flag.id for m in found] == ["parking/clarify_requirements/rf1"]


@pytest.mark.parametrize(
    "sound",
    [
        "Not every block has a sensor, so sensor blocks are the labels for the rest.",
        "Do all blocks have sensors?",
        "Sensors on all blocks are too costly, so meter transactions fill the gaps.",
    ],
)
def test_a_flag_cue_spares_rejections_questions_and_its_unless_words(matcher, sound) -> None:
    assert matcher.read(candidate_spans([(0, sound)])).flag_matches(matcher.flags) == []


def test_a_shared_mistake_cue_names_the_nearest_of_the_flags_on_its_topic() -> None:
    """visual-search lists several whole-corpus mistakes; a heavy model over every image is
    read as the pairwise-scoring one, not whichever comes first in the file."""
    from bot.knowledge.cases import load_cases

    case = load_cases(knowledge_dir())[0]["visual-search"]
    matcher = ClaimMatcher(case, local_embeddings(), framework_red_flags(knowledge_dir()))
    text = "For each query we run the heavy cross-encoder over all 5 billion images."
    found = matcher.read(candidate_spans([(0, text)])).flag_matches(matcher.flags)
    assert [m.flag.text[:52] for m in found] == [
        "Scores the query against every corpus image with a p"
    ]


def _flags_read_in(case_id: str):
    """The ids of the flags a sentence is read as stating, with a real case's matcher."""
    case = get_case(knowledge_dir(), case_id)
    matcher = ClaimMatcher(case, local_embeddings(), framework_red_flags(knowledge_dir()))

    def flags(text: str) -> list[str]:
        reading = matcher.read(candidate_spans([(0, text)]))
        return [h.flag.id for h in reading.flag_matches(matcher.flags)]

    return flags


def test_describing_todays_system_is_not_proposing_it() -> None:
    flags = _flags_read_in("ad-click-prediction")

    assert flags("I would retrain the model once a day on yesterday's logs.")
    assert flags("Today the model is retrained once a day on yesterday's logs.") == []
    assert flags("- Baseline: daily-retrained LR on hashed features, drifting by evening") == []


def test_a_flags_unless_phrases_veto_a_shared_mistake_cue_too() -> None:
    flags = _flags_read_in("harmful-content-detection")

    assert flags("We score every post in a nightly batch job.")
    assert (
        flags("A daily loop updates the hash banks and keyword lists, and a weekly retrain.") == []
    )


def test_a_flags_unless_phrases_veto_a_reading_by_meaning() -> None:
    case = get_case(knowledge_dir(), "smart-compose")
    compose = ClaimMatcher(case, local_embeddings(), framework_red_flags(knowledge_dir()))
    sound = "We call the model at every word boundary and show the suggestion only if the "
    sound += "confidence is above a threshold."
    wrong = "At serving time I'd show a suggestion at every word boundary, the top beam."
    assert compose.read(candidate_spans([(0, wrong)])).flag_matches(compose.flags)
    assert compose.read(candidate_spans([(0, sound)])).flag_matches(compose.flags) == []
