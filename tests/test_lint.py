from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.embeddings import local_embeddings
from bot.knowledge.lint import lint_paths
from bot.paths import knowledge_dir

DATA = Path(__file__).parent / "data"


@pytest.fixture
def author_root(tmp_path: Path) -> Path:
    """A knowledge folder as a case author has it: one concept note and their case."""
    root = tmp_path / "knowledge"
    (root / "cases").mkdir(parents=True)
    (root / "concepts").mkdir()
    shutil.copy(knowledge_dir() / "concepts/precision-recall-f1.md", root / "concepts")
    shutil.copy(DATA / "v2_case.md", root / "cases/parking.md")
    return root


def _lint(root: Path, name: str = "parking") -> list[str]:
    return [p.message for p in lint_paths([root / f"cases/{name}.md"], root, local_embeddings())]


def test_every_bundled_case_passes_the_linter() -> None:
    result = CliRunner().invoke(cli, ["lint-cases"])
    assert result.exit_code == 0, result.output
    assert "20 case(s) checked, 0 problem(s)" in result.output


def test_minimal_case_is_told_what_it_lacks(author_root: Path) -> None:
    shutil.copy(DATA / "minimal_case.md", author_root / "cases/parking.md")
    problems = _lint(author_root)
    assert "Monitoring: no (core) key point" in problems
    assert "Evaluation: no **Red flags** (mistakes with a challenge question)" in problems
    assert "Model development: key point 1 has no 'also:' wordings" in problems
    assert "no '## Estimates' section (back-of-envelope figures from the facts)" in problems


def test_red_flag_without_challenge_is_reported(author_root: Path) -> None:
    problems = _lint(author_root)
    assert "Model development: red flag 1 has no 'challenge:' question" in problems
    assert not any(p.startswith("Clarifying requirements: red flag") for p in problems)


def test_a_cue_that_fires_on_a_sound_answer_is_reported(author_root: Path) -> None:
    case = author_root / "cases/parking.md"
    case.write_text(case.read_text().replace("  - unless: meter*\n", "  - cue: block\n"))
    problems = _lint(author_root)
    assert (
        "Clarifying requirements: red flag 1's cue 'block' fires on a sound answer: "
        "'Asks whether predictions are per block or per individual space.'"
    ) in problems


def test_clarify_point_without_a_fact_is_reported(author_root: Path) -> None:
    assert not any("no interviewer fact" in p for p in _lint(author_root))
    case = author_root / "cases/parking.md"
    text = case.read_text()
    facts = text.index("## Interviewer facts")
    case.write_text(
        text[:facts]
        + "## Interviewer facts\n\n- **Parking fees:** $2 an hour.\n\n"
        + text[text.index("## Estimates") :]
    )
    unanswered = [p for p in _lint(author_root) if "no interviewer fact" in p]
    assert unanswered[:1] == [
        "Clarifying requirements: key point 1 (Asks how far ahead of arrival the driver...) "
        "has no interviewer fact that answers it"
    ]


def test_link_to_a_missing_note_is_reported(author_root: Path) -> None:
    (author_root / "concepts/precision-recall-f1.md").unlink()
    assert "link to a missing note: ../concepts/precision-recall-f1.md" in _lint(author_root)


def test_cli_exits_non_zero_and_prints_one_line_per_problem(author_root: Path) -> None:
    result = CliRunner().invoke(cli, ["lint-cases", str(author_root / "cases/parking.md")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("cases/parking.md: ")]
    assert len(lines) >= 6
    assert "cases/parking.md: Model development: red flag 1 has no 'challenge:' question" in lines


def test_unparseable_case_is_one_line(author_root: Path) -> None:
    (author_root / "cases/parking.md").write_text("no heading\n")
    assert _lint(author_root) == ["the first heading must be '# Title'"]
