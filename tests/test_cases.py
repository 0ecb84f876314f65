from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.errors import NotFoundError
from bot.knowledge.cases import get_case, load_cases, parse_case
from bot.knowledge.notes import NoteFormatError
from bot.paths import knowledge_dir
from bot.stages import STAGES, Stage

CONTRACT_CASES = {
    "visual-search",
    "street-view-blurring",
    "video-search",
    "harmful-content-detection",
    "video-recommendation",
    "event-recommendation",
    "ad-click-prediction",
    "similar-listings",
    "news-feed",
    "people-you-may-know",
}
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def built_in():
    cases, errors = load_cases(knowledge_dir())
    assert errors == []
    return cases


def test_all_ten_contract_cases_are_present(built_in) -> None:
    assert set(built_in) >= CONTRACT_CASES


@pytest.mark.parametrize("case_id", sorted(CONTRACT_CASES))
def test_built_in_case_is_complete(built_in, case_id: str) -> None:
    case = built_in[case_id]
    assert case.title and len(case.problem.split()) >= 15
    for stage in STAGES:
        notes = case.stages[stage]
        assert 5 <= len(notes.key_points) <= 10, stage
        assert 2 <= len(notes.follow_ups) <= 4, stage
        assert all(not p.text.endswith("?") for p in notes.key_points)
        assert all(len(p.text.split()) >= 6 for p in notes.key_points), "specific enough to check"
    assert 8 <= len(case.facts) <= 15
    assert all(f.label for f in case.facts)
    assert 2 <= len(case.curveballs) <= 3
    assert all(c.expect for c in case.curveballs)
    assert case.staff_probes


def test_minimal_contract_form_is_accepted() -> None:
    text = (DATA / "minimal_case.md").read_text()
    case = parse_case(text, "parking", "cases/parking.md")
    assert case.title == "Parking spot finder"
    assert case.stages[Stage.CLARIFY_REQUIREMENTS].follow_ups == [
        "How far ahead does the driver need the prediction?"
    ]
    assert len(case.rubric(Stage.MONITORING)) == 1
    assert case.facts[0].label is None
    assert case.curveballs == []


def test_rubric_point_ids_are_stable_and_unique(built_in) -> None:
    ids = [p.id for c in built_in.values() for s in STAGES for p in c.rubric(s)]
    assert len(ids) == len(set(ids))
    assert "news-feed/evaluation/1" in ids


def test_stage_headings_match_case_insensitively() -> None:
    text = (
        (DATA / "minimal_case.md")
        .read_text()
        .replace("## Model development", "## MODEL development")
    )
    assert parse_case(text, "p", "cases/p.md").rubric(Stage.MODEL_DEVELOPMENT)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda t: t.replace("## Evaluation", "## Testing"), "missing the section '## Evaluation'"),
        (lambda t: t.replace("# Parking spot finder\n", ""), "first heading"),
        (lambda t: t.replace("## Interviewer facts", "## Facts"), "Interviewer facts"),
    ],
)
def test_malformed_case_names_file_and_problem(edit, problem: str) -> None:
    text = edit((DATA / "minimal_case.md").read_text())
    with pytest.raises(NoteFormatError) as caught:
        parse_case(text, "parking", "cases/parking.md")
    assert str(caught.value).startswith("cases/parking.md:")
    assert problem in str(caught.value)


def test_a_cue_that_cannot_be_read_names_file_flag_and_problem() -> None:
    text = (
        (DATA / "v2_case.md").read_text().replace("  - unless: meter*", "  - cue: sensor | + block")
    )
    with pytest.raises(NoteFormatError) as caught:
        parse_case(text, "parking", "cases/parking.md")
    assert str(caught.value) == (
        "cases/parking.md: red flag 'Assumes every block has a live sensor.': "
        "empty phrase in cue 'sensor | + block': check its '|' and '+' marks"
    )


def test_one_broken_case_does_not_hide_the_others(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    (root / "cases").mkdir(parents=True)
    shutil.copy(DATA / "minimal_case.md", root / "cases" / "parking.md")
    (root / "cases" / "broken.md").write_text("no heading here\n")
    cases, errors = load_cases(root)
    assert list(cases) == ["parking"]
    assert len(errors) == 1 and str(errors[0]).startswith("cases/broken.md:")


def test_unknown_case_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError, match="known cases: ad-click-prediction"):
        get_case(knowledge_dir(), "chess-bot")


def test_v2_form_reads_core_points_wordings_red_flags_and_estimates() -> None:
    case = parse_case((DATA / "v2_case.md").read_text(), "parking", "cases/parking.md")
    clarify = case.stages[Stage.CLARIFY_REQUIREMENTS]
    first = clarify.key_points[0]
    assert first.core and first.text.startswith("Asks how far ahead")
    assert first.also == [
        "how far in advance do we predict",
        '"so, like, is this for when they get there in ten minutes?"',
    ]
    assert not clarify.key_points[1].core
    assert [p.text for p in clarify.core_points] == [first.text]
    assert clarify.follow_ups == ["How far ahead does the driver need the prediction?"]
    (flag,) = clarify.red_flags
    assert flag.text == "Assumes every block has a live sensor."
    assert flag.also == ["we just read the sensors on every street"]
    assert flag.challenge.endswith("what do you do for the rest?")
    assert flag.fix.startswith("Treat sensor blocks")
    assert flag.id == "parking/clarify_requirements/rf1"
    (model_flag,) = case.red_flags(Stage.MODEL_DEVELOPMENT)
    assert model_flag.text == "Reports accuracy on free spots."
    assert model_flag.challenge is None
    assert case.estimates[0].label == "Refresh volume"
    assert case.estimates[0].text.startswith("about 36,000 block scores an hour")


def test_minimal_form_has_no_correctness_data_and_still_loads() -> None:
    case = parse_case((DATA / "minimal_case.md").read_text(), "parking", "cases/parking.md")
    assert all(not case.red_flags(s) and not case.stages[s].core_points for s in STAGES)
    assert case.estimates == []
    assert all(p.also == [] for s in STAGES for p in case.rubric(s))


def test_every_bundled_case_has_the_v2_data(built_in) -> None:
    assert len(built_in) >= 20
    for case in built_in.values():
        for stage in STAGES:
            notes = case.stages[stage]
            assert 2 <= len(notes.core_points) <= 4, (case.id, stage)
            assert len(notes.red_flags) >= 2, (case.id, stage)
            assert all(f.challenge and f.fix for f in notes.red_flags), (case.id, stage)
        assert len(case.estimates) >= 4, case.id


def test_the_interviewers_lines_in_the_notes_read_as_an_interviewer(built_in) -> None:
    """Curated lines reach the candidate unvalidated, so they must pass the checks a model's
    line must pass: no prompt scaffold or instruction wording, no praise."""
    from bot.cues import INSTRUCTIONS, PRAISE, SCAFFOLD
    from bot.knowledge.notes import concept_notes, framework_notes

    root = knowledge_dir()
    lines = [p for note in concept_notes(root).values() for p in note.probes]
    lines += [p for note in framework_notes(root).values() for p in note.probes]
    for case in built_in.values():
        lines += case.staff_probes + [c.text for c in case.curveballs]
        for stage in STAGES:
            lines += case.stages[stage].follow_ups if stage in case.stages else []
            lines += [f.challenge for f in case.red_flags(stage) if f.challenge]
    flagged = [
        line
        for line in lines
        if SCAFFOLD.search(line) or INSTRUCTIONS.search(line) or PRAISE.search(line)
    ]
    assert len(lines) > 1000 and flagged == []
