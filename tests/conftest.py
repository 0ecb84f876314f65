"""Shared fixtures: an isolated environment, fake chat models, a stub OpenAI server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import throwaway
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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server on 127.0.0.1 (skipped when its binaries are missing);
    yields an admin URL without a database name."""
    try:
        with throwaway.postgres_server() as url:
            yield url
    except throwaway.ServerMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the throwaway server."""
    return throwaway.new_database(postgres_server)


MLSD = Path(sys.executable).parent / "mlsd"


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    try:
        throwaway.wait_until_up(url, process, seconds)
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def chroma_url() -> Iterator[str]:
    """A `chroma run` server on loopback, one per test module."""
    try:
        with throwaway.chroma_server() as url:
            yield url
    except throwaway.ServerMissing as missing:
        pytest.skip(str(missing))
