from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge.notes import concept_notes, framework_notes, note_files, split_front_matter
from bot.paths import knowledge_dir
from bot.stages import STAGES

ROOT = knowledge_dir()
LINK = re.compile(r"\[[^\]]+\]\(([^)\s]+)\)")


@pytest.mark.parametrize("path", note_files(ROOT), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_resolves(path: Path) -> None:
    _, body = split_front_matter(path.read_text())
    for target in LINK.findall(body):
        if target.startswith(("http://", "https://")):
            continue
        resolved = (path.parent / target.split("#")[0]).resolve()
        assert resolved.is_file(), f"{path.name} links to missing {target}"


def test_one_framework_note_per_stage_with_budgets_summing_to_45() -> None:
    notes = framework_notes(ROOT)
    assert set(notes) == set(STAGES)
    assert sum(n.budget_minutes for n in notes.values()) == 45
    assert all(len(n.hints) == 3 for n in notes.values())


def test_framework_notes_cover_what_the_issue_asks() -> None:
    for path in sorted((ROOT / "framework").glob("*.md")):
        text = path.read_text()
        for heading in (
            "## What the interviewer wants to hear",
            "## Common mistakes",
            "## Time budget",
            "### Mid-level",
            "### Senior",
            "### Staff",
        ):
            assert heading in text, f"{path.name} lacks {heading}"


def test_at_least_thirty_concepts_with_aliases() -> None:
    notes = concept_notes(ROOT)
    assert len(notes) >= 30
    assert all(n.aliases for n in notes.values())
    for required in (
        "ranking-metrics",
        "roc-auc-vs-pr-auc",
        "distributed-training",
        "model-compression",
        "feature-store",
        "monitoring-and-drift",
    ):
        assert required in notes
