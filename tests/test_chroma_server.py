"""The index in a Chroma server (`chroma run`, from the chromadb package) shared by replicas:
two builds started at once leave one complete collection, and a replica with an empty disk
searches it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import chromadb

from bot.index import chunk_all
from bot.paths import knowledge_dir
from tests.conftest import MLSD, clean_env


def _replica_env(tmp_path: Path, name: str, chroma_url: str) -> dict[str, str]:
    data = tmp_path / name
    data.mkdir()
    return {**clean_env(data), "MLSD_CHROMA_URL": chroma_url}


def test_two_replicas_building_at_once_leave_one_complete_index(chroma_url, tmp_path) -> None:
    builds = [
        subprocess.Popen(
            [str(MLSD), "index"],
            env=_replica_env(tmp_path, f"replica-{n}", chroma_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    outcomes = [b.communicate(timeout=600) for b in builds]
    assert all(b.returncode == 0 for b in builds), [err[-400:] for _, err in outcomes]
    client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_url.rsplit(":", 1)[1]))
    (collection,) = [c for c in client.list_collections() if c.name.startswith("mlsd-")]
    stored = client.get_collection(collection.name).get(include=[])["ids"]
    expected = {c.id for c in chunk_all(knowledge_dir())}
    assert len(stored) == len(set(stored)) == len(expected), "no duplicate or missing chunk"
    assert set(stored) == expected
    search = subprocess.run(
        [str(MLSD), "search", "position bias in click labels", "--json"],
        env=_replica_env(tmp_path, "fresh-replica", chroma_url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert search.returncode == 0, search.stderr[-400:]
    assert json.loads(search.stdout), "a replica with an empty disk searches the shared index"
    assert not any((tmp_path / "fresh-replica").rglob("chroma.sqlite3")), (
        "the replica keeps no index of its own"
    )
