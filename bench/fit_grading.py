"""Refit the grader's weights on the training part of the independent labelled set.

Stage scores: least squares of the labeller's stage score on the stage features (one weight
vector for clarifying, one for the design stages), over the stages the rules leave to the
fit (reached, not declined, with evidence). The total: least squares of the labeller's
overall on the predicted stage scores, driving and mistakes. Writes bot/grading/weights.json.
Held-out transcripts are never read here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from calibration import load_independent  # noqa: E402

from bot.claims import ClaimMatcher  # noqa: E402
from bot.embeddings import local_embeddings  # noqa: E402
from bot.grading.driving import grade_driving  # noqa: E402
from bot.grading.evidence import stage_evidence  # noqa: E402
from bot.grading.grade import stage_features  # noqa: E402
from bot.grading.reading import read_transcript  # noqa: E402
from bot.grading.score import (  # noqa: E402
    OVERALL_FEATURES,
    WEIGHTS_FILE,
    Weights,
    overall_vector,
    stage_score,
    weight_key,
)
from bot.knowledge.cases import load_cases  # noqa: E402
from bot.knowledge.notes import framework_red_flags  # noqa: E402
from bot.paths import knowledge_dir  # noqa: E402
from bot.stages import STAGES, Stage  # noqa: E402
from bot.transcript import Transcript  # noqa: E402


def measured(items, cases, embeddings, flags):
    """Per transcript: stage features, the driving transcript object and the reference."""
    matchers: dict[str, ClaimMatcher] = {}
    rows = []
    for item in items:
        case = cases[item.case]
        matcher = matchers.setdefault(case.id, ClaimMatcher(case, embeddings, flags))
        transcript = Transcript.model_validate(item.data)
        reading = read_transcript(transcript, matcher)
        evidence = stage_evidence(reading, matcher)
        features = {s: stage_features(s, case, reading, evidence[s]) for s in STAGES}
        rows.append((item, transcript, features))
    return rows


def fit_stages(rows) -> dict[str, list[float]]:
    groups: dict[str, tuple[list, list]] = {"clarify": ([], []), "design": ([], [])}
    for item, _, features in rows:
        for stage in STAGES:
            f = features[stage]
            if not f.reached or f.declined or f.evidence == 0:
                continue
            xs, ys = groups[weight_key(stage)]
            xs.append(f.vector())
            ys.append(item.reference["stages"][stage.value])
    fitted = {}
    for key, (xs, ys) in groups.items():
        solution, *_ = np.linalg.lstsq(np.array(xs), np.array(ys, dtype=float), rcond=None)
        fitted[key] = [round(float(w), 4) for w in solution]
        print(f"stage weights ({key}, {len(ys)} stages): {fitted[key]}")
    return fitted


def fit_overall(rows, stage_weights: dict[str, list[float]]) -> list[float]:
    provisional = Weights(stage=stage_weights, overall=[0.0] * 8, fitted_on="provisional")
    xs, ys = [], []
    for item, transcript, features in rows:
        scores = {s: stage_score(features[s], s, provisional) for s in STAGES}
        driving = grade_driving(transcript, scores[Stage.CLARIFY_REQUIREMENTS]).score
        xs.append(overall_vector(scores, driving, features))
        ys.append(item.reference["overall"])
    solution, *_ = np.linalg.lstsq(np.array(xs), np.array(ys, dtype=float), rcond=None)
    overall = [round(float(w), 3) for w in solution]
    print(f"overall weights {OVERALL_FEATURES}: {overall}")
    return overall


def main() -> None:
    root = knowledge_dir()
    cases, _ = load_cases(root)
    train = load_independent()["train"]
    rows = measured(train, cases, local_embeddings(), framework_red_flags(root))
    stage_w = fit_stages(rows)
    overall_w = fit_overall(rows, stage_w)
    note = f"least squares on the training part of the independent set ({len(train)} transcripts)"
    weights = Weights(stage=stage_w, overall=overall_w, fitted_on=note)
    WEIGHTS_FILE.write_text(json.dumps(weights.model_dump(), indent=2) + "\n")
    print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
