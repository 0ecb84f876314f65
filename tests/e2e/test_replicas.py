"""Two app replicas over one PostgreSQL and one Chroma server, behind a sign-in proxy's user
header (`MLSD_AUTH=header`; the browser sends the header as such a proxy would): a session
started on one replica continues and ends on the other, and each user reaches only their own
sessions."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bot.throwaway import free_port, new_database
from tests.conftest import MLSD, clean_env, wait_until_up
from tests.e2e.conftest import ARTIFACTS, messages, send

ANSWERS = [
    "Who are the users and what is the business goal? What scale should I plan for?",
    "I'd frame it as ranking: candidate generation first, then a ranker trained on logged "
    "engagement.",
    "Offline I'd report NDCG on a time-based split, and online an A/B test on the main goal.",
]


@dataclass
class Topology:
    a: str
    b: str
    replica_dirs: list[Path]


@pytest.fixture(scope="module")
def topology(postgres_server, chroma_url, tmp_path_factory) -> Topology:
    shared = {
        "MLSD_DATABASE_URL": new_database(postgres_server),
        "MLSD_CHROMA_URL": chroma_url,
        "MLSD_AUTH": "header",
    }
    builder = tmp_path_factory.mktemp("index-builder")
    built = subprocess.run(
        [str(MLSD), "index"], env={**clean_env(builder), **shared}, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr[-400:]
    replicas, urls, dirs = [], [], []
    for name in ("replica-a", "replica-b"):
        data_dir, port = tmp_path_factory.mktemp(name), free_port()
        replicas.append(
            subprocess.Popen(
                [str(MLSD), "ui", "--port", str(port), "--address", "127.0.0.1"],
                env={**clean_env(data_dir), **shared},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
        dirs.append(data_dir)
    for url, replica in zip(urls, replicas, strict=True):
        wait_until_up(f"{url}/_stcore/health", replica)
    yield Topology(a=urls[0], b=urls[1], replica_dirs=dirs)
    for replica in replicas:
        replica.terminate()
    for replica in replicas:
        replica.wait(timeout=30)


def _page_as(browser, user: str | None):
    headers = {"X-Forwarded-User": user} if user else {}
    page = browser.new_context(extra_http_headers=headers).new_page()
    page.set_default_timeout(180_000)
    return page


def _open(page, url: str, wait_for: str) -> None:
    page.goto(url)
    page.get_by_text(wait_for).first.wait_for()
    page.wait_for_timeout(2000)


def test_a_session_moves_between_replicas_and_stays_its_users(topology, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    alice = _page_as(browser, "alice")
    _open(alice, topology.a, "Start a mock interview")
    alice.get_by_role("button", name="Start interview").click()
    alice.get_by_test_id("stChatInputTextArea").wait_for()
    alice.wait_for_timeout(1500)
    for answer in ANSWERS[:2]:
        send(alice, answer)
    session = parse_qs(urlparse(alice.url).query)["session"][0]
    on_a = messages(alice)

    _open(alice, f"{topology.b}/?session={session}", "End interview")
    assert messages(alice) == on_a, "replica B shows the conversation replica A saved"
    send(alice, ANSWERS[2])
    alice.get_by_role("button", name="End interview").click()
    alice.get_by_role("button", name="Yes, end and grade").click()
    alice.get_by_text("Practise next").wait_for()
    overall_on_b = alice.get_by_test_id("stMetricValue").inner_text()
    alice.screenshot(path=str(ARTIFACTS / "replica-b-report.png"), full_page=True)

    _open(alice, f"{topology.a}/report?session={session}", "Practise next")
    assert alice.get_by_test_id("stMetricValue").inner_text() == overall_on_b
    _open(alice, f"{topology.a}/transcript?session={session}", "Back to the report")
    conversation = "\n".join(messages(alice))
    assert all(answer in conversation for answer in ANSWERS), "one transcript, both replicas"
    for url in (topology.a, topology.b):
        _open(alice, f"{url}/history", "History")
        assert alice.get_by_text(overall_on_b.split("/")[0], exact=True).count() == 1

    bob = _page_as(browser, "bob")
    _open(bob, f"{topology.b}/history", "No interviews yet.")
    _open(bob, f"{topology.a}/?session={session}", "among yours")
    _open(bob, f"{topology.b}/report?session={session}", "among yours")
    page_text = bob.locator("body").inner_text()
    assert not any(answer[:40] in page_text for answer in ANSWERS), "nothing of alice's shows"
    bob.screenshot(path=str(ARTIFACTS / "replica-refused.png"), full_page=True)


def test_a_request_without_the_user_header_is_refused(topology, browser) -> None:
    stranger = _page_as(browser, None)
    _open(stranger, topology.a, "Sign-in required")
    assert stranger.get_by_text("Start a mock interview").count() == 0


def test_both_replicas_search_the_one_shared_index(topology, browser) -> None:
    page = _page_as(browser, "carol")
    for url in (topology.a, topology.b):
        _open(page, f"{url}/concepts", "Concept Q&A")
        box = page.get_by_role("textbox", name="Ask about a concept")
        box.fill("What does NDCG measure?")
        box.press("Enter")
        page.get_by_text("[1]").first.wait_for()
    for data_dir in topology.replica_dirs:
        kept = {p.name for p in data_dir.rglob("*")}
        assert "chroma.sqlite3" not in kept and "sessions.sqlite3" not in kept, (
            f"a replica keeps nothing of its own: {sorted(kept)[:10]}"
        )
