"""Several app processes writing to one store, as replicas behind a load balancer do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.store_writer import open_store

PROCESSES, SESSIONS, TURNS = 2, 5, 20
COUNTS = (str(SESSIONS), str(TURNS))
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", "postgres"])
def where(request, tmp_path) -> tuple[str, str]:
    if request.param == "postgres":
        return "postgres", request.getfixturevalue("postgres_url")
    return "sqlite", str(tmp_path / "sessions.db")


def test_two_processes_writing_at_once_lose_reorder_and_mix_nothing(where) -> None:
    kind, url = where
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.store_writer", kind, url, f"p{n}", *COUNTS],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    results = [w.communicate(timeout=300) for w in writers]
    assert all(w.returncode == 0 for w in writers), [err[-500:] for _, err in results]
    store = open_store(kind, url)
    for n, (out, _) in enumerate(results):
        for k, session in enumerate(json.loads(out)):
            contents = [t.content for t in store.turns(session)]
            assert contents == [f"p{n}-s{k}-t{t}" for t in range(TURNS)], "none lost or mixed"
            assert store.state(session) == {"t": TURNS - 1}
    assert len(store.list(limit=1000)) == PROCESSES * SESSIONS
