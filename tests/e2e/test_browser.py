"""End to end in a real browser: Debian's headless Chromium driven by Playwright, against
the app started by the README's run command (`make run`) with the embedded model."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from bot.stages import STAGES
from bot.throwaway import free_port
from tests.conftest import clean_env, wait_until_up
from tests.e2e.conftest import ARTIFACTS, ROOT, messages, send


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


def _choose_case(page, title: str) -> None:
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=title, exact=True).click()


def _draw(page, source: str) -> None:
    board = page.get_by_role("textbox", name="Whiteboard", exact=True)
    board.fill(source)
    board.press("Control+Enter")
    page.locator('[data-testid="stGraphVizChart"] svg').first.wait_for()


def test_whole_interview_to_report_with_reload(app_url, browser) -> None:
    """Start, draw (a ranker over a huge catalogue with no candidate generation), get asked
    about it, redraw, reload, end, read the report and the conversation, start a drill."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page.set_default_timeout(180_000)
    page.goto(app_url)
    page.get_by_text("Start a mock interview").wait_for()
    page.get_by_text("How it works").first.wait_for()
    _choose_case(page, "Video recommendation")
    page.get_by_role("button", name="Start interview").click()
    page.get_by_test_id("stChatInputTextArea").wait_for()
    page.wait_for_timeout(1500)
    send(page, "What is the business goal, and what scale are we talking about?")
    _draw(page, "req[Request] --> rank(Deep ranker)\nrank --> feed[Home feed]")
    page.screenshot(path=str(ARTIFACTS / "whiteboard.png"), full_page=True)
    send(page, "Here is my serving path for the home feed.")
    assert "narrows the candidates" in messages(page)[-1], "the gap in the drawing is asked about"
    _draw(
        page,
        "req[Request] --> cg[Candidate generation]\ncg -->|top 500| rank[Ranker]\n"
        "fs[(Feature store)] --> rank\nrank --> feed[Home feed]",
    )
    send(
        page,
        "I would frame it as ranking with a two-stage funnel because the catalogue is large: "
        "candidate generation, then a ranker fed by a feature store.",
    )
    page.screenshot(path=str(ARTIFACTS / "interview.png"), full_page=True)
    messages_before = messages(page)
    assert "session=" in page.url
    page.reload()
    page.get_by_test_id("stChatInputTextArea").wait_for()
    page.wait_for_timeout(3000)
    assert messages(page) == messages_before, "a reload restores the conversation"
    board = page.get_by_role("textbox", name="Whiteboard", exact=True)
    assert board.input_value().startswith("req[Request] --> cg[Candidate generation]")
    page.get_by_role("button", name="End interview").click()
    page.get_by_role("button", name="Yes, end and grade").click()
    page.get_by_text("Practise next").wait_for()
    page.wait_for_timeout(2000)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    _downloads(page)
    page.get_by_role("button", name="Read the conversation").click()
    page.get_by_text("Back to the report").wait_for()
    page.wait_for_timeout(1500)
    assert page.get_by_text("Whiteboard sent with this answer:").count() == 2, "both drawings"
    page.screenshot(path=str(ARTIFACTS / "transcript.png"), full_page=True)
    page.get_by_role("button", name="Back to the report").click()
    page.get_by_text("Practise next").wait_for()
    page.get_by_role("button", name=re.compile(r"^Start a 12-minute drill")).click()
    page.get_by_test_id("stChatInputTextArea").wait_for()
    page.wait_for_timeout(1500)
    assert "A short drill on" in messages(page)[0], messages(page)[0]
    page.screenshot(path=str(ARTIFACTS / "drill.png"), full_page=True)


def _downloads(page) -> None:
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
    with page.expect_download() as transcript_info:
        page.get_by_role("button", name="Download transcript").click()
    transcript = json.loads(Path(transcript_info.value.path()).read_text())
    assert [t["role"] for t in transcript["turns"]].count("candidate") == 3


def test_on_a_phone_the_controls_are_on_screen_and_the_tracker_is_short(app_url, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.set_default_timeout(180_000)
    phone.goto(app_url)
    phone.get_by_role("button", name="Start interview").click()
    phone.get_by_test_id("stChatInputTextArea").wait_for()
    phone.wait_for_timeout(2000)
    for name in ("Hint", "End interview"):
        button = phone.get_by_role("button", name=re.compile(name))
        assert button.first.is_visible(), f"{name} is reachable without opening the sidebar"
    tracker = phone.get_by_text("▶", exact=False).first.bounding_box()
    assert tracker["height"] < 0.15 * 844, f"the stage tracker is compact ({tracker['height']} px)"
    phone.screenshot(path=str(ARTIFACTS / "phone.png"), full_page=True)
