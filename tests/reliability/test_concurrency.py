"""10 interviews of 20 turns each in parallel threads of one process, on one data dir,
as Streamlit runs them."""

from __future__ import annotations

import threading

from bot.engine import Engine
from tests.conftest import repeating_chat
from tests.reliability.conftest import record

SESSIONS = 10
TURNS = 20


def test_parallel_sessions_share_one_data_dir(full_index_settings, tmp_path) -> None:
    settings = full_index_settings.model_copy(update={"data_dir": tmp_path / "data"})
    settings.data_dir.mkdir()
    (settings.data_dir / "index").symlink_to(full_index_settings.index_dir)
    errors: list[str] = []
    ids: dict[int, str] = {}

    def user(n: int) -> None:
        try:
            engine = Engine(settings, chat=repeating_chat("Okay."))
            interview = engine.new_interview("news-feed", clock="spoken")
            ids[n] = interview.session_id
            "".join(interview.open())
            for turn in range(TURNS):
                if interview.finished:
                    interview = engine.new_interview("news-feed", clock="spoken")
                "".join(interview.respond(f"user {n} turn {turn}: I would log impressions."))
        except Exception as error:  # the assertion below reports it
            errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=user, args=(n,)) for n in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine = Engine(settings)
    stored, foreign = 0, 0
    for info in engine.store.list(limit=100):
        for turn in engine.store.turns(info.id):
            if turn.role == "candidate":
                stored += 1
                owner = int(turn.content.split()[1])
                foreign += ids.get(owner) != info.id and info.id in ids.values()
    record(
        "concurrent users",
        sessions=SESSIONS,
        turns_each=TURNS,
        errors=len(errors),
        database_locked=sum("locked" in e for e in errors),
        candidate_turns_stored=stored,
        turns_in_wrong_session=foreign,
    )
    assert errors == []
    assert stored == SESSIONS * TURNS
    assert foreign == 0
    assert engine.store.integrity_ok()
