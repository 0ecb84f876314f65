"""Shared by the grading benchmark and tests: load the calibration transcripts."""

from __future__ import annotations

import json
from pathlib import Path

CALIBRATION_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "calibration"
#: Kept out of tuning: reported separately so the figures are honest.
HELD_OUT = {"visual-search__solid", "visual-search__weak", "people-you-may-know__solid"}


def load_calibration() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(CALIBRATION_DIR.glob("*.json"))}
