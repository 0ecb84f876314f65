"""Grading against labelled transcripts: held-out figures first, then train, then the old set.

The independent set was written from each case's problem and facts only and labelled
separately by a written guide (tests/data/calibration/README.md); its split was fixed before
fitting, and `bench/fit_grading.py` fits on the train part only. Prints, per part: Spearman's
rho, pairwise ordering (reference gap >= 15), stage MAE, mean error per style, mistake twins
(>= 10 below their solid twin), mistake sentences quoted as evidence, |alternative - solid|,
concise and spoken seniors at lean hire or better, false injection flags on clean
transcripts and on the clean ML-vocabulary corpus, and the time to grade a 30-turn transcript.
"""

from __future__ import annotations

import itertools
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from calibration import Labelled, load_independent, load_old  # noqa: E402

from bot.claims import ClaimMatcher  # noqa: E402
from bot.embeddings import local_embeddings  # noqa: E402
from bot.grading import Report, grade  # noqa: E402
from bot.injection import looks_like_injection  # noqa: E402
from bot.interview.signals import TurnReader  # noqa: E402
from bot.knowledge.cases import load_cases  # noqa: E402
from bot.knowledge.notes import concept_notes, framework_red_flags  # noqa: E402
from bot.paths import knowledge_dir  # noqa: E402
from bot.stages import STAGES  # noqa: E402
from bot.transcript import Transcript  # noqa: E402

GOOD_ENOUGH = {"strong_hire", "hire", "lean_hire"}


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


def ordering(predicted: list[float], reference: list[float], gap: float = 15) -> float:
    pairs = [
        (i, j)
        for i, j in itertools.combinations(range(len(reference)), 2)
        if abs(reference[i] - reference[j]) >= gap
    ]
    right = sum(
        1 for i, j in pairs if (predicted[i] - predicted[j]) * (reference[i] - reference[j]) > 0
    )
    return right / len(pairs) if pairs else 1.0


class Grader:
    def __init__(self) -> None:
        root = knowledge_dir()
        self.cases, _ = load_cases(root)
        self.embeddings = local_embeddings()
        self.flags = framework_red_flags(root)
        self.matchers: dict[str, ClaimMatcher] = {}

    def __call__(self, data: dict) -> Report:
        case = self.cases[data["case"]]
        if case.id not in self.matchers:
            self.matchers[case.id] = ClaimMatcher(case, self.embeddings, self.flags)
        matcher = self.matchers[case.id]
        return grade(Transcript.model_validate(data), case, matcher, data.get("level") or "senior")


def quoted_mistakes(item: Labelled, report: Report) -> int:
    """Planted mistake sentences that appear inside any stage's evidence."""
    planted = item.data.get("planted_mistakes") or []
    quotes = [q for s in STAGES for q in report.stages[s].evidence]
    return sum(1 for m in planted if any(m in q or q in m for q in quotes))


def summarise(part: str, items: list[Labelled], reports: dict[str, Report]) -> None:
    if not items:
        print(f"{part}: no labelled transcripts")
        return
    ours = [reports[i.name].overall_score for i in items]
    refs = [i.reference["overall"] for i in items]
    mae = statistics.mean(
        abs(reports[i.name].stages[s].score - i.reference["stages"][s.value])
        for i in items
        for s in STAGES
    )
    print(
        f"{part}: {len(items)} transcripts over {len({i.case for i in items})} cases  "
        f"rho {spearman(ours, refs):.3f}  ordering {ordering(ours, refs) * 100:.1f} %  "
        f"stage MAE {mae:.2f}"
    )
    styles = sorted({i.style for i in items})
    errors = {
        style: statistics.mean(
            reports[i.name].overall_score - i.reference["overall"]
            for i in items
            if i.style == style
        )
        for style in styles
    }
    print("    mean error by style: " + ", ".join(f"{k} {v:+.1f}" for k, v in errors.items()))
    by_name = {i.name: i for i in items}
    twins = [i for i in items if i.style == "mistakes" and i.data.get("twin_of") in by_name]
    gaps = [reports[i.data["twin_of"]].overall_score - reports[i.name].overall_score for i in twins]
    quoted = sum(quoted_mistakes(i, reports[i.name]) for i in twins)
    planted = sum(len(i.data.get("planted_mistakes") or []) for i in twins)
    if twins:
        print(
            f"    mistake twins >= 10 below solid: {sum(g >= 10 for g in gaps)}/{len(twins)} "
            f"(mean gap {statistics.mean(gaps):.1f}); planted mistakes quoted as evidence: "
            f"{quoted}/{planted}"
        )
    pairs = [
        (i, f"{i.case}__solid")
        for i in items
        if i.style == "alternative" and f"{i.case}__solid" in by_name
    ]
    if pairs:
        diffs = [abs(reports[a.name].overall_score - reports[s].overall_score) for a, s in pairs]
        print(
            f"    |alternative - solid| <= 10: {sum(d <= 10 for d in diffs)}/{len(diffs)} "
            f"(mean {statistics.mean(diffs):.1f})"
        )
    seniors = [i for i in items if i.style in ("concise_senior", "spoken")]
    passed = [i for i in seniors if reports[i.name].verdict in GOOD_ENOUGH]
    print(f"    concise and spoken seniors at lean hire or better: {len(passed)}/{len(seniors)}")
    clean = [i for i in items if i.style != "injection"]
    flagged = [i for i in clean if "suspected_injection" in reports[i.name].flags]
    print(
        f"    clean transcripts flagged suspected_injection: {len(flagged)}/{len(clean)}"
        + (f" ({', '.join(i.name for i in flagged)})" if flagged else "")
    )


def graded_after_interview(item: Labelled) -> float:
    """Seconds to grade a transcript whose candidate turns the interviewer has read, one by
    one as they came, with the same matcher (as in the app and the terminal)."""
    grader = Grader()
    case = grader.cases[item.data["case"]]
    matcher = grader.matchers[case.id] = ClaimMatcher(case, grader.embeddings, grader.flags)
    reader = TurnReader(matcher, list(concept_notes(knowledge_dir()).values()))
    for turn in item.data["turns"]:
        if turn["role"] == "candidate":
            reader.read(turn["content"], None)
    started = time.perf_counter()
    grader(item.data)
    return time.perf_counter() - started


def main() -> None:
    grader = Grader()
    parts = load_independent()
    reports = {i.name: grader(i.data) for items in parts.values() for i in items}
    summarise("HELD OUT", parts["heldout"], reports)
    summarise("train (fitted on)", parts["train"], reports)
    old = load_old()
    old_reports = {i.name: grader(i.data) for i in old}
    ours = [old_reports[i.name].overall_score for i in old]
    refs = [i.reference["overall"] for i in old]
    print(
        f"old calibration set (written next to the rubric, regression only): {len(old)} "
        f"transcripts  rho {spearman(ours, refs):.3f}  ordering {ordering(ours, refs) * 100:.1f} %"
    )
    corpus = json.loads((ROOT / "tests/data/hostile/clean_ml_vocabulary.json").read_text())
    false = [s for s in corpus if looks_like_injection(s)]
    print(f"clean ML-vocabulary sentences flagged as injection: {len(false)}/{len(corpus)}")
    for sentence in false[:10]:
        print(f"    {sentence}")
    longest = max(
        (i for items in parts.values() for i in items), key=lambda i: len(i.data["turns"])
    )
    fresh = Grader()
    warm = next(
        i
        for items in parts.values()
        for i in items
        if i.data["case"] == longest.data["case"] and i is not longest
    )
    fresh(warm.data)
    started = time.perf_counter()
    fresh(longest.data)
    print(
        f"grading time, {len(longest.data['turns'])}-turn transcript never seen before "
        f"(case matcher built by grading another): {time.perf_counter() - started:.2f} s"
    )
    print(f"grading time at the end of an interview: {graded_after_interview(longest):.2f} s")
    for part, items in parts.items():
        for i in items:
            r = reports[i.name]
            print(
                f"    {part:<7} {i.name:<46} ref {i.reference['overall']:5.1f}  ours "
                f"{r.overall_score:5.1f}  {r.verdict}"
            )


if __name__ == "__main__":
    main()
