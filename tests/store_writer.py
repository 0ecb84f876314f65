"""Run by tests/test_store_processes.py as one of several writer processes:
`python -m tests.store_writer KIND WHERE NAME SESSIONS TURNS` prints the session ids."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.store import PostgresStore, SQLiteStore, Turn


def open_store(kind: str, where: str) -> PostgresStore | SQLiteStore:
    return PostgresStore(where) if kind == "postgres" else SQLiteStore(Path(where))


def main() -> None:
    kind, where, name, sessions, turns = sys.argv[1:6]
    store = open_store(kind, where)
    ids = [store.create("news-feed", "senior", {}).id for _ in range(int(sessions))]
    for t in range(int(turns)):
        for k, session in enumerate(ids):
            turn = Turn(
                role="candidate" if t % 2 == 0 else "interviewer", content=f"{name}-s{k}-t{t}"
            )
            store.add_turn(session, turn, state={"t": t})
    print(json.dumps(ids))


if __name__ == "__main__":
    main()
