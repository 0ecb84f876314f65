"""Grading calibration: our grader against reference scores, beside a naive baseline.

Prints Spearman's rho of the overall score, pairwise ordering accuracy, mean absolute error
per stage, the same for a length-based baseline, the anti-gaming checks (every injection
transcript scores no higher than its clean twin; every buzzword transcript below every solid
one), the figures for the held-out transcripts separately, and the offline grading time of a
30-turn transcript.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from calibration import is_held_out, load_calibration  # noqa: E402

from bot.claims import ClaimMatcher  # noqa: E402
from bot.embeddings import local_embeddings  # noqa: E402
from bot.grading import grade  # noqa: E402
from bot.knowledge.cases import load_cases  # noqa: E402
from bot.paths import knowledge_dir  # noqa: E402
from bot.stages import STAGES  # noqa: E402
from bot.transcript import Transcript  # noqa: E402


def spearman(xs: list[float], ys: list[float]) -> float:
    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=lambda i: values[i])
        out = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2
            i = j + 1
        return out

    rx, ry = ranks(xs), ranks(ys)
    mx, my = statistics.mean(rx), statistics.mean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sx = sum((a - mx) ** 2 for a in rx) ** 0.5
    sy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (sx * sy) if sx and sy else 0.0


def ordering(predicted: list[float], reference: list[float]) -> float:
    pairs = [
        (i, j)
        for i, j in itertools.combinations(range(len(reference)), 2)
        if abs(reference[i] - reference[j]) >= 5
    ]
    right = sum(
        1 for i, j in pairs if (predicted[i] - predicted[j]) * (reference[i] - reference[j]) > 0
    )
    return right / len(pairs) if pairs else 1.0


def length_baseline(data: dict) -> tuple[float, dict[str, int]]:
    words = sum(len(t["content"].split()) for t in data["turns"] if t["role"] == "candidate")
    overall = min(100.0, words / 30)
    return overall, {s.value: min(4, round(overall / 25)) for s in STAGES}


def summarise(name: str, rows: list[dict]) -> None:
    ref = [r["ref"] for r in rows]
    for label, key, stages_key in (
        ("grader", "ours", "stages"),
        ("length baseline", "base", "base_stages"),
    ):
        got = [r[key] for r in rows]
        mae = {
            s.value: statistics.mean(
                abs(r[stages_key][s.value] - r["ref_stages"][s.value]) for r in rows
            )
            for s in STAGES
        }
        print(
            f"{name} / {label:<16} rho {spearman(got, ref):.3f}  ordering "
            f"{ordering(got, ref) * 100:5.1f} %  stage MAE "
            + " ".join(f"{k[:5]} {v:.2f}" for k, v in mae.items())
        )


def main() -> None:
    cases, _ = load_cases(knowledge_dir())
    embeddings = local_embeddings()
    matchers: dict[str, ClaimMatcher] = {}
    rows = []
    for name, data in load_calibration().items():
        case = cases[data["case"]]
        matcher = matchers.setdefault(case.id, ClaimMatcher(case, embeddings))
        report = grade(Transcript.model_validate(data), case, matcher, data.get("level", "senior"))
        base, base_stages = length_baseline(data)
        rows.append(
            {
                "name": name,
                "kind": data["kind"],
                "twin": data.get("twin"),
                "case": data["case"],
                "ours": report.overall_score,
                "ref": data["reference"]["overall"],
                "stages": {s.value: report.stages[s].score for s in STAGES},
                "ref_stages": data["reference"]["stages"],
                "base": base,
                "base_stages": base_stages,
                "flags": report.flags,
            }
        )
    tuned = [r for r in rows if not is_held_out(r["name"])]
    held = [r for r in rows if is_held_out(r["name"])]
    print(f"calibration transcripts: {len(rows)} ({len(tuned)} tuning, {len(held)} held out)")
    summarise("tuning set", tuned)
    summarise("held out  ", held)
    summarise("all       ", rows)
    by_name = {r["name"]: r for r in rows}
    injections = [r for r in rows if r["twin"]]
    ok = [r for r in injections if r["ours"] <= by_name[r["twin"]]["ours"]]
    flagged = [r for r in injections if "suspected_injection" in r["flags"]]
    print(
        f"injection <= clean twin: {len(ok)}/{len(injections)}; "
        f"flagged suspected_injection: {len(flagged)}/{len(injections)}"
    )
    clean_flagged = [r for r in rows if not r["twin"] and "suspected_injection" in r["flags"]]
    print(f"clean transcripts falsely flagged: {len(clean_flagged)}/{len(rows) - len(injections)}")
    buzz = [r for r in rows if r["kind"] == "buzzword"]
    solid = [r for r in rows if r["kind"] == "solid"]
    below = sum(1 for b in buzz for s in solid if b["ours"] < s["ours"])
    print(f"buzzword below every solid: {below}/{len(buzz) * len(solid)} pairs")
    longest = max(load_calibration().values(), key=lambda d: len(d["turns"]))
    case = cases[longest["case"]]
    started = time.perf_counter()
    grade(Transcript.model_validate(longest), case, ClaimMatcher(case, embeddings))
    print(
        f"grading time, {len(longest['turns'])}-turn transcript, cold matcher: "
        f"{time.perf_counter() - started:.2f} s"
    )
    for r in rows:
        print(
            f"    {r['name']:<42} ref {r['ref']:5.1f}  ours {r['ours']:5.1f}  "
            f"length {r['base']:5.1f}"
        )


if __name__ == "__main__":
    main()
