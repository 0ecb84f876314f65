"""Browser-test helpers: Debian's headless Chromium driven by Playwright (Playwright's own
browser download does not work offline; `make test` installs Debian's)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def messages(page) -> list[str]:
    return page.locator('[data-testid="stChatMessage"]').all_inner_texts()


def send(page, text: str) -> None:
    """Type an answer in the chat and wait for the interviewer's reply."""
    before = len(messages(page))
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= {before + 2}",
        timeout=120_000,
    )
    page.wait_for_timeout(1500)
