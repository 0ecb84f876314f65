"""Shared by the grading benchmark, the fitting script and tests: the labelled transcripts.

`independent/` is the set written without the rubric and labelled separately; its split
(`independent/split.json`) was fixed before anything was fitted. The old set in the parent
folder was written next to the rubric and is only a regression check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CALIBRATION_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "calibration"
INDEPENDENT_DIR = CALIBRATION_DIR / "independent"


@dataclass(frozen=True)
class Labelled:
    name: str
    data: dict

    @property
    def case(self) -> str:
        return self.name.split("__")[0]

    @property
    def style(self) -> str:
        return self.data.get("style") or self.name.split("__")[1]

    @property
    def reference(self) -> dict:
        return self.data["reference"]


def load_old() -> list[Labelled]:
    return [
        Labelled(p.stem, json.loads(p.read_text())) for p in sorted(CALIBRATION_DIR.glob("*.json"))
    ]


def load_independent() -> dict[str, list[Labelled]]:
    """{"train": [...], "heldout": [...]} by the fixed split; unlabelled files are skipped."""
    split = json.loads((INDEPENDENT_DIR / "split.json").read_text())
    held_cases, held = set(split["heldout_cases"]), set(split["heldout_transcripts"])
    parts: dict[str, list[Labelled]] = {"train": [], "heldout": []}
    for path in sorted(INDEPENDENT_DIR.glob("*__*.json")):
        item = Labelled(path.stem, json.loads(path.read_text()))
        if "reference" not in item.data:
            continue
        part = "heldout" if item.case in held_cases or item.name in held else "train"
        parts[part].append(item)
    return parts
