"""The index in a Chroma server (`chroma run`, from the chromadb package) shared by replicas:
two builds started at once leave one complete collection, and a replica with an empty disk
searches it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import chromadb
import pytest

from bot.index import chunk_all
from bot.paths import knowledge_dir
from tests.conftest import clean_env, free_port

BIN = Path(sys.executable).parent
CHROMA, MLSD = BIN / "chroma", BIN / "mlsd"


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip("the chroma command (chromadb package) is not installed")
    port = free_port()
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path_factory.mktemp("chroma")), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2)
            break
        except OSError:
            assert time.monotonic() < deadline, "the Chroma server did not start"
            time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=30)


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
