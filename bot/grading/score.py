"""From evidence to scores: interpretable features, a small fitted linear model, and the
few rules that no fit may override.

The weights live in `weights.json` beside this module and are refitted by
`bench/fit_grading.py` on the training part of the independent labelled set (numpy least
squares). Each rule below has its reason next to it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from bot.policy import EVIDENCE_FULL, MISTAKE_CAPS
from bot.stages import DEFAULT_BUDGET_MINUTES, STAGES, Stage

WEIGHTS_FILE = Path(__file__).with_name("weights.json")

STAGE_FEATURES = ("bias", "core", "depth", "cues", "evidence", "mistakes", "soft", "words")
OVERALL_FEATURES = ("bias", "stages", "driving", "mistakes", "reached", "soft", "cues", "words")


class StageFeatures(BaseModel):
    """What the grader measured in one stage, each on a 0-1 scale but mistakes (a count)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    core: float
    depth: float
    cues: float
    evidence: float
    mistakes: int
    reached: bool
    declined: bool
    soft: float = 0.0
    words: float = 0.0

    def vector(self) -> np.ndarray:
        mistakes = min(self.mistakes, 2)
        return np.array(
            [1.0, self.core, self.depth, self.cues, self.evidence, mistakes, self.soft, self.words]
        )


class Weights(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: dict[str, list[float]]
    overall: list[float]
    fitted_on: str


@lru_cache(maxsize=4)
def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    return Weights.model_validate(json.loads(path.read_text(encoding="utf-8")))


def weight_key(stage: Stage) -> str:
    """Clarifying is graded on its own weights (asking, not designing); the rest share."""
    return "clarify" if stage == Stage.CLARIFY_REQUIREMENTS else "design"


def raw_stage_score(features: StageFeatures, stage: Stage, weights: Weights) -> float:
    return float(np.dot(weights.stage[weight_key(stage)], features.vector()))


def stage_score(features: StageFeatures, stage: Stage, weights: Weights) -> int:
    """0-4 from the fitted weights, then the rules."""
    if not features.reached or features.declined or features.evidence == 0:
        return 0  # no grade without evidence: a stage never reached or declined earns nothing
    score = round(min(4.0, max(1.0, raw_stage_score(features, stage, weights))))
    cap = MISTAKE_CAPS.get(min(features.mistakes, max(MISTAKE_CAPS)), 4)
    return min(score, cap)


def stage_weights() -> dict[Stage, float]:
    """Each stage's share of the total, by its time budget in the framework."""
    total = sum(DEFAULT_BUDGET_MINUTES.values())
    return {s: DEFAULT_BUDGET_MINUTES[s] / total for s in STAGES}


def overall_vector(
    scores: dict[Stage, int], driving: int, features: dict[Stage, StageFeatures]
) -> np.ndarray:
    """The total's inputs: the weighted stage scores, driving, mistakes, how many stages
    were reached, and the mean soft coverage, depth cues and words over the stages."""
    share = stage_weights()
    stages = sum(share[s] * scores[s] / 4 for s in STAGES)
    reached = sum(1 for s in STAGES if scores[s] > 0) / len(STAGES)
    mistakes = sum(f.mistakes for f in features.values())
    mean = {
        name: sum(share[s] * getattr(features[s], name) for s in STAGES)
        for name in ("soft", "cues", "words")
    }
    return np.array(
        [
            1.0,
            stages,
            driving / 4,
            min(mistakes, 4),
            reached,
            mean["soft"],
            mean["cues"],
            mean["words"],
        ]
    )


def overall_from(vector: np.ndarray, weights: Weights) -> float:
    return float(np.dot(weights.overall, vector))


def evidence_share(quotes: int) -> float:
    return min(1.0, quotes / EVIDENCE_FULL)
