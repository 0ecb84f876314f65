"""End to end in a real browser: Debian's headless Chromium driven by Playwright, against
the app started by the README's run command (`make run`) with the embedded model."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.stages import STAGES
from tests.conftest import clean_env, free_port, wait_until_up
from tests.e2e.conftest import ARTIFACTS, ROOT, send


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    port = free_port()
    data_dir = tmp_path_factory.mktemp("e2e-data")
    env = clean_env(data_dir)
    server = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/_stcore/health", server)
    yield url
    os.killpg(server.pid, 15)
    server.wait(timeout=30)


def test_whole_interview_to_report_with_reload(app_url, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(accept_downloads=True)
    page.set_default_timeout(180_000)
    page.goto(app_url)
    page.get_by_text("Start a mock interview").wait_for()
    page.get_by_role("button", name="Start interview").click()
    page.get_by_test_id("stChatInputTextArea").wait_for()
    page.wait_for_timeout(1500)
    send(page, "What is the business goal, and what scale are we talking about?")
    board = page.get_by_role("textbox", name="Whiteboard", exact=True)
    board.fill("req[Request] --> cg[Candidate generation]\ncg -->|top 500| rank[Ranker]")
    board.press("Control+Enter")
    page.locator('[data-testid="stGraphVizChart"] svg').wait_for()
    page.screenshot(path=str(ARTIFACTS / "whiteboard.png"), full_page=True)
    send(
        page,
        "I would frame it as a ranking problem with a two-stage funnel because the "
        "catalogue is large: candidate generation, then a ranker.",
    )
    page.screenshot(path=str(ARTIFACTS / "interview.png"), full_page=True)
    messages_before = page.locator('[data-testid="stChatMessage"]').all_inner_texts()
    assert "session=" in page.url
    page.reload()
    page.get_by_test_id("stChatInputTextArea").wait_for()
    page.wait_for_timeout(3000)
    messages_after = page.locator('[data-testid="stChatMessage"]').all_inner_texts()
    assert messages_after == messages_before, "a reload restores the conversation"
    assert (
        page.get_by_role("textbox", name="Whiteboard", exact=True)
        .input_value()
        .startswith("req[Request]")
    )
    page.get_by_role("button", name="End interview").click()
    page.get_by_role("button", name="Yes, end and grade").click()
    page.get_by_text("Practise next").wait_for()
    page.wait_for_timeout(2000)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download JSON").click()
    report = json.loads(Path(download_info.value.path()).read_text())
    assert set(report["stages"]) == {s.value for s in STAGES}
    assert 0 <= report["overall_score"] <= 100
    with page.expect_download() as html_info:
        page.get_by_role("button", name="Download HTML").click()
    html = Path(html_info.value.path()).read_text()
    assert "<svg" in html and "<script" not in html.lower()
    assert "Whiteboard" in html and ">Candidate generation<" in html, "the drawing is in the report"
