from __future__ import annotations

import threading

import pytest

from bot.errors import NotFoundError
from bot.stages import Stage
from bot.store import PostgresStore, SQLiteStore, Turn


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    """Every store test runs against the embedded SQLite store and a real PostgreSQL."""
    if request.param == "postgres":
        return PostgresStore(request.getfixturevalue("postgres_url"))
    return SQLiteStore(tmp_path / "sessions.sqlite3")


def test_turns_are_kept_in_order_with_their_stage(store) -> None:
    info = store.create("news-feed", "senior", {"phase": "intro"})
    store.add_turn(info.id, Turn(role="interviewer", content="Hi"))
    store.add_turn(info.id, Turn(role="candidate", content="Hello", stage=Stage.EVALUATION))
    turns = store.turns(info.id)
    assert [(t.seq, t.role, t.content) for t in turns] == [
        (1, "interviewer", "Hi"),
        (2, "candidate", "Hello"),
    ]
    assert turns[1].stage == Stage.EVALUATION


def test_state_is_saved_with_the_interviewer_turn(store) -> None:
    info = store.create("news-feed", "senior", {"n": 0})
    store.add_turn(info.id, Turn(role="interviewer", content="Q"), state={"n": 1})
    assert store.state(info.id) == {"n": 1}


def test_wal_mode_and_integrity(tmp_path) -> None:
    store = SQLiteStore(tmp_path / "sessions.sqlite3")
    mode = store._conn().execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert store.integrity_ok()


def test_unknown_session_is_a_clear_error(store) -> None:
    with pytest.raises(NotFoundError, match="mlsd sessions"):
        store.get("nope")


def test_concurrent_sessions_never_mix_or_lock(store) -> None:
    ids = [store.create("news-feed", "senior", {}).id for _ in range(8)]
    errors: list[Exception] = []

    def write(session_id: str) -> None:
        try:
            for n in range(25):
                store.add_turn(session_id, Turn(role="candidate", content=f"{session_id}-{n}"))
        except Exception as error:  # pragma: no cover - the assertion reports it
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for session_id in ids:
        turns = store.turns(session_id)
        assert [t.content for t in turns] == [f"{session_id}-{n}" for n in range(25)]


def test_report_is_stored_and_marks_the_session_graded(store) -> None:
    info = store.create("news-feed", "senior", {})
    store.save_report(info.id, {"overall_score": 50}, 50)
    assert store.report(info.id) == {"overall_score": 50}
    assert store.get(info.id).status == "graded"


def test_engine_uses_postgres_when_configured(postgres_url, full_index_settings) -> None:
    from pydantic import SecretStr

    from bot.engine import Engine
    from bot.testing import repeating_chat

    settings = full_index_settings.model_copy(update={"database_url": SecretStr(postgres_url)})
    engine = Engine(settings, chat=repeating_chat("Okay."))
    interview = engine.new_interview("news-feed", clock="spoken")
    "".join(interview.open())
    "".join(interview.respond("What's the scale?"))
    again = Engine(settings).load_interview(interview.session_id, clock="spoken")
    assert [t.role for t in again.turns()] == ["interviewer", "candidate", "interviewer"]
    assert isinstance(engine.store, PostgresStore)


def test_unreachable_postgres_is_a_one_line_error() -> None:
    from bot.errors import ConfigError

    with pytest.raises(ConfigError, match=r"^MLSD_DATABASE_URL: cannot connect"):
        PostgresStore("postgresql://nobody@127.0.0.1:9/nothing")


def test_sessions_are_listed_per_owner(store) -> None:
    alice = store.create("news-feed", "senior", {}, owner="alice")
    bob = store.create("news-feed", "senior", {}, owner="bob")
    assert [s.id for s in store.list(owner="alice")] == [alice.id]
    assert [s.id for s in store.list(owner="bob")] == [bob.id]
    assert {s.id for s in store.list()} == {alice.id, bob.id}
    assert store.get(bob.id).owner == "bob"


def test_a_database_from_before_owners_is_upgraded_in_place(tmp_path) -> None:
    import sqlite3

    path = tmp_path / "sessions.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, case_id TEXT NOT NULL, level TEXT NOT "
            "NULL, status TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL, "
            "state TEXT NOT NULL, overall_score REAL)"
        )
        old.execute(
            "INSERT INTO sessions VALUES ('old1', 'news-feed', 'mid', 'active', 1, 1, '{}', NULL)"
        )
    store = SQLiteStore(path)
    assert store.get("old1").owner is None
    store.create("news-feed", "senior", {}, owner="alice")
    assert len(store.list(owner="alice")) == 1
    assert "old1" in {s.id for s in store.list()}
