from __future__ import annotations

import shutil
from pathlib import Path

from bot.config import Settings
from bot.embeddings import build_embeddings, embedding_id
from bot.index import build_index, chunk_note
from bot.retrieval import Retriever
from bot.stages import Stage

DATA = Path(__file__).parent / "data"


def _settings(tmp_path: Path, knowledge: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", knowledge_dir=knowledge)


def test_chunks_carry_source_case_stage_and_heading(small_knowledge: Path) -> None:
    chunks = chunk_note(small_knowledge / "cases" / "news-feed.md", small_knowledge)
    evaluation = [c for c in chunks if c.stage == Stage.EVALUATION]
    assert evaluation and all(c.case == "news-feed" for c in chunks)
    assert evaluation[0].source == "cases/news-feed.md"
    assert evaluation[0].heading.endswith("> Evaluation")
    concept = chunk_note(small_knowledge / "concepts" / "ranking-metrics.md", small_knowledge)
    assert all(c.case is None and c.stage is None for c in concept)
    framework = chunk_note(small_knowledge / "framework" / "evaluation.md", small_knowledge)
    assert all(c.stage == Stage.EVALUATION for c in framework)


def test_chunk_text_keeps_link_text_not_urls(small_knowledge: Path) -> None:
    chunks = chunk_note(small_knowledge / "cases" / "news-feed.md", small_knowledge)
    assert not any("../concepts/" in c.text for c in chunks)


def test_chunks_keep_red_flag_challenges_but_not_matcher_cues(small_knowledge: Path) -> None:
    note = small_knowledge / "cases" / "news-feed.md"
    assert "  - cue:" in note.read_text(encoding="utf-8")
    text = "\n".join(c.text for c in chunk_note(note, small_knowledge))
    assert "challenge:" in text
    assert "cue:" not in text and "unless:" not in text


def test_indexing_twice_is_idempotent(tmp_path: Path, small_knowledge: Path) -> None:
    settings = _settings(tmp_path, small_knowledge)
    store, first = build_index(settings)
    _, second = build_index(settings)
    assert first.added > 0 and first.kept == 0
    assert second.added == 0 and second.removed == 0 and second.kept == first.added
    assert len(store.ids()) == first.added


def test_editing_a_note_replaces_only_its_changed_chunks(tmp_path, small_knowledge) -> None:
    settings = _settings(tmp_path, small_knowledge)
    _, first = build_index(settings)
    note = small_knowledge / "concepts" / "feature-store.md"
    note.write_text(note.read_text() + "\n## Extra\n\nOnline stores are often Redis.\n")
    _, report = build_index(settings)
    assert report.added == 1 and report.removed <= 1
    assert report.kept >= first.added - 1


def test_deleting_a_note_removes_its_chunks(tmp_path, small_knowledge) -> None:
    settings = _settings(tmp_path, small_knowledge)
    store, _ = build_index(settings)
    (small_knowledge / "concepts" / "feature-store.md").unlink()
    _, report = build_index(settings)
    assert report.removed > 0 and report.added == 0
    sources = {c.source for c in store.all_chunks()}
    assert "concepts/feature-store.md" not in sources


def test_collection_is_named_after_the_embedding_model(tmp_path, small_knowledge) -> None:
    settings = _settings(tmp_path, small_knowledge)
    store, _ = build_index(settings)
    assert store.name == f"mlsd-{embedding_id(settings)}"
    assert "minilm" in store.name


def test_a_new_case_file_becomes_searchable(tmp_path, small_knowledge) -> None:
    settings = _settings(tmp_path, small_knowledge)
    build_index(settings)
    shutil.copy(DATA / "minimal_case.md", small_knowledge / "cases" / "parking-finder.md")
    store, report = build_index(settings)
    assert report.added > 0
    retriever = Retriever(store, build_embeddings(settings))
    hits = retriever.search("how to handle parking sensor outages", k=3)
    assert hits[0].case == "parking-finder"
    assert hits[0].stage == Stage.MONITORING


def test_a_damaged_index_is_rebuilt(tmp_path, small_knowledge) -> None:
    settings = _settings(tmp_path, small_knowledge)
    build_index(settings)
    for path in settings.index_dir.rglob("*"):
        if path.is_file():
            path.write_bytes(b"garbage")
    store, report = build_index(settings)
    assert report.rebuilt
    assert len(store.ids()) == report.added > 0


def test_a_deleted_index_directory_is_rebuilt(tmp_path, small_knowledge) -> None:
    settings = _settings(tmp_path, small_knowledge)
    build_index(settings)
    shutil.rmtree(settings.index_dir)
    store, report = build_index(settings)
    assert report.added > 0 and len(store.ids()) == report.added
