"""kill -9 at random moments: 20 unattended interviews and 20 index builds."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import Settings
from bot.embeddings import local_embeddings
from bot.engine import Engine
from bot.index import build_index, chunk_all
from bot.paths import knowledge_dir
from bot.retrieval import Retriever
from tests.conftest import clean_env
from tests.openai_stub import StubServer
from tests.reliability.conftest import record

ROOT = Path(__file__).resolve().parents[2]
RUNS = 20
ANSWERS = [
    "What's the business goal and the scale?",
    "I'd frame it as ranking posts by a weighted sum of predicted engagement, because "
    "actions differ in value.",
    "Training data comes from impression logs joined with actions, split by time.",
    "I'd start with gradient-boosted trees as a baseline, then a multi-task network.",
    "Offline NDCG and log loss per head, then an A/B test on sessions per user.",
    "Serve with a candidate generator and a ranker within the latency budget.",
    "Monitor calibration, feature drift and engagement dashboards with alerts.",
    "That's my design.",
]


def _kill_at_random(command: list[str], env: dict, low: float, high: float, cwd: Path):
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    time.sleep(random.uniform(low, high))
    os.kill(process.pid, signal.SIGKILL)
    out, _ = process.communicate()
    return out


@pytest.fixture(scope="module")
def stub():
    with StubServer() as server:
        server.state.reply = "Could you say more about that?"
        yield server


def test_kill_9_during_unattended_interviews(full_index_settings, stub, tmp_path) -> None:
    random.seed(7)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copytree(full_index_settings.index_dir, data_dir / "index")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS))
    env = clean_env(
        data_dir,
        MLSD_LLM="openai",
        OPENAI_BASE_URL=stub.base_url,
        OPENAI_API_KEY="sk-test",
        MLSD_MODEL="stub-model",
    )
    command = [
        sys.executable,
        "-m",
        "bot.cli",
        "interview",
        "--case",
        "news-feed",
        "--answers",
        str(answers),
        "--report-out",
        str(tmp_path / "r" / "report.json"),
    ]
    settings = full_index_settings.model_copy(update={"data_dir": data_dir})
    lost, broken_reports = 0, 0
    for _ in range(RUNS):
        _kill_at_random(command, env, 1.5, 7.0, tmp_path)
        with sqlite3.connect(data_dir / "sessions.sqlite3") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        report = tmp_path / "r" / "report.json"
        if report.exists():
            try:
                json.loads(report.read_text())
            except json.JSONDecodeError:
                broken_reports += 1
    engine = Engine(settings)
    sessions = engine.store.list(limit=100)
    assert 0 < len(sessions) <= RUNS, "some runs were killed before they created a session"
    for info in sessions:
        candidate = [t.content for t in engine.store.turns(info.id) if t.role == "candidate"]
        lost += candidate != ANSWERS[: len(candidate)]
        if info.status == "active":
            resumed = engine.load_interview(info.id, clock="spoken")
            "".join(resumed.resume_pending())
            assert resumed.pending_answer() is None
    statuses = [s.status for s in sessions]
    record(
        "kill -9 during interviews",
        runs=RUNS,
        sessions_out_of_order_or_lost=lost,
        integrity_check_ok=RUNS,
        broken_reports=broken_reports,
        killed_mid_interview=statuses.count("active"),
        killed_after_end=RUNS - statuses.count("active"),
    )
    assert lost == 0 and broken_reports == 0


@pytest.fixture
def small_root(tmp_path) -> Path:
    root = tmp_path / "knowledge"
    source = knowledge_dir()
    for folder, count in (("cases", 2), ("concepts", 6), ("framework", 2)):
        (root / folder).mkdir(parents=True)
        for path in sorted((source / folder).glob("*.md"))[:count]:
            shutil.copy(path, root / folder / path.name)
    return root


def test_kill_9_during_index_builds(small_root, tmp_path) -> None:
    random.seed(11)
    data_dir = tmp_path / "data"
    env = clean_env(data_dir, MLSD_KNOWLEDGE_DIR=str(small_root))
    command = [sys.executable, "-m", "bot.cli", "index", "--rebuild"]
    expected = {c.id for c in chunk_all(small_root)}
    rebuilt = 0
    for _ in range(RUNS):
        _kill_at_random(command, env, 1.0, 4.0, tmp_path)
    settings = Settings(_env_file=None, data_dir=data_dir, knowledge_dir=small_root)
    store, report = build_index(settings)
    rebuilt += report.rebuilt
    assert store.ids() == expected
    hits = Retriever(store, local_embeddings()).search("how to evaluate", k=3)
    assert hits
    record(
        "kill -9 during index builds",
        runs=RUNS,
        usable_after_restart=True,
        rebuilt_from_scratch=bool(rebuilt),
        chunks=len(expected),
    )


def test_truncated_index_is_detected_and_rebuilt(small_root, tmp_path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", knowledge_dir=small_root)
    build_index(settings)
    database = settings.index_dir / "chroma.sqlite3"
    database.write_bytes(database.read_bytes()[:4096])
    from bot.index import _forget_client

    _forget_client(settings.index_dir)
    store, report = build_index(settings)
    assert report.rebuilt
    assert store.ids() == {c.id for c in chunk_all(small_root)}
