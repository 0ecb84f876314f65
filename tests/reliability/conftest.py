"""Shared by the reliability suite: figures collected by the tests, written at the end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FIGURES: dict[str, dict] = {}


def record(name: str, **figures: object) -> None:
    FIGURES[name] = figures


@pytest.fixture(scope="session", autouse=True)
def write_figures():
    yield
    if FIGURES:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "reliability.json").write_text(json.dumps(FIGURES, indent=2))
