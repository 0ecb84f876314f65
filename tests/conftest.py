"""Shared fixtures: an isolated environment, fake chat models, a stub OpenAI server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.testing import fake_chat, repeating_chat
from tests.openai_stub import StubServer

_OUR_VARIABLES = ("MLSD_", "OPENAI_")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No test sees the developer's environment, `.env` or data directory."""
    for name in list(os.environ):
        if name.startswith(_OUR_VARIABLES):
            monkeypatch.delenv(name)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("MLSD_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def settings(isolated_env: Path) -> Settings:
    return load_settings()


ROOT = Path(__file__).resolve().parents[1]


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for an `mlsd` subprocess: none of the developer's MLSD_/OPENAI_
    settings, this data directory, and the checkout on the import path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OUR_VARIABLES)}
    env.update({"MLSD_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), **extra})
    return env


@pytest.fixture
def make_fake_chat():
    return fake_chat


@pytest.fixture
def stub_server() -> Iterator[StubServer]:
    with StubServer() as stub:
        yield stub


@pytest.fixture(scope="session")
def full_index_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose data dir holds an index of the real notes, built once per test run."""
    from bot.index import build_index

    data_dir = tmp_path_factory.mktemp("full-index")
    settings = Settings(_env_file=None, data_dir=data_dir)
    build_index(settings)
    return settings


@pytest.fixture(scope="session")
def retriever(full_index_settings: Settings):
    from bot.retrieval import open_retriever

    return open_retriever(full_index_settings)


@pytest.fixture
def small_knowledge(tmp_path: Path) -> Path:
    """A copy of a few real notes that a test may edit."""
    import shutil

    from bot.paths import knowledge_dir

    source = knowledge_dir()
    root = tmp_path / "knowledge"
    for relative in (
        "cases/news-feed.md",
        "concepts/ranking-metrics.md",
        "concepts/feature-store.md",
        "framework/evaluation.md",
    ):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / relative, root / relative)
    return root


@pytest.fixture
def engine(full_index_settings: Settings):
    """The engine on the shared index, with a fake model whose phrasing is always rejected,
    so interviewer lines are the conductor's own drafts (deterministic)."""
    from bot.engine import Engine

    return Engine(full_index_settings, chat=repeating_chat("Okay."))


CALIBRATION = Path(__file__).parent / "data" / "calibration"


def calibration(name: str) -> dict:
    import json

    return json.loads((CALIBRATION / f"{name}.json").read_text())


def candidate_lines(name: str) -> list[str]:
    return [t["content"] for t in calibration(name)["turns"] if t["role"] == "candidate"]


def _postgres_bin(name: str) -> str | None:
    import glob
    import shutil

    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server on 127.0.0.1, started by the tests (skipped when the
    server binaries are not installed). Yields an admin URL without a database name."""
    import pwd
    import shutil
    import socket
    import subprocess
    import tempfile

    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries are not installed")
    root = Path(tempfile.mkdtemp(prefix="mlsd-postgres-"))  # pytest's tmp is root-only
    data = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "mlsd", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://mlsd@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def new_database(postgres_server: str) -> str:
    """A fresh, empty database on the throwaway server; returns its URL."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{postgres_server}/{name}"


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    return new_database(postgres_server)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (for servers the tests start)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


BIN = Path(sys.executable).parent
CHROMA, MLSD = BIN / "chroma", BIN / "mlsd"


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    """Poll a server the tests started until it answers; fail if it exits or times out."""
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"the server behind {url} exited with {process.returncode}")
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"nothing answered at {url} within {seconds:.0f} s")
            time.sleep(0.5)


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory) -> Iterator[str]:
    """A `chroma run` server (from the chromadb package) on loopback, one per test module."""
    if not CHROMA.exists():
        pytest.skip("the chroma command (chromadb package) is not installed")
    port = free_port()
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path_factory.mktemp("chroma")), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/api/v2/heartbeat", server, 60)
    yield url
    server.terminate()
    server.wait(timeout=30)
