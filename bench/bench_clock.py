"""Time per stage in a real browser interview against the wall clock.

Starts the app (`mlsd ui`, embedded defaults, a temporary data directory), drives Debian's
headless Chromium through an interview of `--minutes` (10 by default): an answer about every
`--every` seconds from a scripted candidate, so the interview moves through the stages. After
each reply it reads the stage tracker, so it knows which stage the wall-clock time between two
answers belongs to. At the end it presses End, downloads the report and prints, per stage and
in total, the minutes the report gives next to the minutes the wall clock gives, and the
largest relative difference (the goal is within 10 %).

    python bench/bench_clock.py [--minutes 10] [--every 55]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.stages import STAGES  # noqa: E402
from bot.throwaway import free_port, wait_until_up  # noqa: E402

DATA = ROOT / "bench" / "data"
CASE, TITLE = "video-recommendation", "Video recommendation"
HEADINGS = {stage.heading: stage.value for stage in STAGES}


def answers() -> list[str]:
    scripts = json.loads((DATA / "scripted_candidates.json").read_text())
    script = next(s for s in scripts if s["case"] == CASE)
    return [m["text"] for m in script["messages"] if m["kind"] not in ("done", "hint_request")]


def current_stage(page) -> str | None:
    line = page.get_by_text("▶", exact=False).first.inner_text()
    found = re.search(r"▶ ([^·]+)", line)
    return HEADINGS.get(found.group(1).strip()) if found else None


def send(page, text: str) -> None:
    before = page.locator('[data-testid="stChatMessage"]').count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=stChatMessage]').length >= {before + 2}",
        timeout=120_000,
    )
    page.wait_for_timeout(1000)


def interview(url: str, minutes: float, every: float) -> tuple[dict[str, float], dict]:
    from playwright.sync_api import sync_playwright

    wall: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900})
        page.set_default_timeout(180_000)
        page.goto(url)
        page.get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name=TITLE, exact=True).click()
        page.get_by_role("button", name="Start interview").click()
        page.get_by_test_id("stChatInputTextArea").wait_for()
        started = mark = time.monotonic()
        stage = current_stage(page)
        lines = iter(answers())
        while time.monotonic() - started < minutes * 60:
            time.sleep(max(0.0, mark + every - time.monotonic()))
            text = next(lines, "Let me add one more detail to what I said about this stage.")
            sent_at = time.monotonic()
            wall[stage] = wall.get(stage, 0.0) + sent_at - mark
            send(page, text)
            mark, stage = sent_at, current_stage(page)
        time.sleep(max(0.0, started + minutes * 60 - time.monotonic()))
        ended_at = time.monotonic()
        wall[stage] = wall.get(stage, 0.0) + ended_at - mark
        page.get_by_role("button", name="End interview").click()
        page.get_by_role("button", name="Yes, end and grade").click()
        page.get_by_text("Practise next").wait_for()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download JSON").click()
        report = json.loads(Path(download.value.path()).read_text())
        browser.close()
    return wall, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--every", type=float, default=55, help="seconds between answers")
    args = parser.parse_args()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLSD_", "OPENAI_"))}
    env["MLSD_DATA_DIR"] = tempfile.mkdtemp(prefix="mlsd-clock-")
    mlsd = Path(sys.executable).parent / "mlsd"
    app = subprocess.Popen(
        [str(mlsd), "ui", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", app)
        wall, report = interview(f"http://127.0.0.1:{port}", args.minutes, args.every)
    finally:
        app.terminate()
        app.wait(timeout=30)
    print(f"{args.minutes:g}-minute browser interview, an answer every {args.every:g} s")
    print("stage                      report min  wall min  difference")
    worst = 0.0
    for stage in STAGES:
        reported = report["time_per_stage"].get(stage.value, 0.0)
        measured = wall.get(stage.value, 0.0) / 60
        if measured or reported:
            gap = abs(reported - measured) / measured if measured else 1.0
            worst = max(worst, gap) if measured >= 0.5 else worst
            print(f"{stage.heading:<26} {reported:>10.1f}  {measured:>8.2f}  {gap:>9.1%}")
    total_report = sum(report["time_per_stage"].values())
    total_wall = sum(wall.values()) / 60
    print(
        f"{'total':<26} {total_report:>10.1f}  {total_wall:>8.2f}  "
        f"{abs(total_report - total_wall) / total_wall:>9.1%}"
    )
    print(f"largest difference on a stage of at least 30 s: {worst:.1%} (goal: within 10 %)")


if __name__ == "__main__":
    main()
