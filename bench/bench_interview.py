"""The interviewer against scripted candidates, turn by turn, with the embedded model.

The candidates in bench/data/scripted_candidates*.json were written by people who read each
case's problem and facts but not its key points or red flags: planted mistakes, named
techniques, two-part clarifying questions, a typed hint request, a checklist request and a
"that covers it". Prints, over every scripted message of each kind:

- challenge rate: a planted mistake is answered by a challenge or a number check quoting it;
- false challenges: a correct answer, technique or question is answered by a challenge;
- technique probes: a named technique is answered by a probe naming it;
- two-part questions: every part answered (its fact, a reference to it, or "no figure");
- hint, checklist and "done" turns answered by a hint, a refusal, and a wrap-up;
- repeats, scaffold leaks and praise over every interviewer line;
- first-token and full-turn latency p50/p95, with phrasing off (the default for the embedded
  model) and on, and how many of the embedded model's phrased lines passed validation
  (`--no-phrasing` skips the phrasing-on run).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402
from bot.cues import INSTRUCTIONS, PRAISE, SCAFFOLD  # noqa: E402
from bot.engine import Engine  # noqa: E402

DATA = ROOT / "bench" / "data"
#: Held out: written in session 7 by writers who saw only each case's problem and facts. The
#: other sets are "seen": their misses were read while changing the interviewer (v5 right
#: after its first run, whose figures docs/benchmarks.md keeps). The held-out set's misses
#: are not printed (`--show-held-out` prints them, and then the set is seen).
FILES = {
    "HELD OUT": "scripted_candidates_v6",
    "seen in session 7 (first run held out)": "scripted_candidates_v5",
    "seen in session 7 (held out in session 6)": "scripted_candidates_v4",
    "seen in session 6 (held out in session 4)": "scripted_candidates_v3",
    "seen (held out before cues)": "scripted_candidates_heldout",
    "tuned on": "scripted_candidates",
}
SETS = {label: json.loads((DATA / f"{stem}.json").read_text()) for label, stem in FILES.items()}
CHALLENGES = {"challenge", "check_number"}
#: Which interviewer facts answer each part of each two-part question, labelled by a reader
#: of the facts who did not see the interviewer's code: "<file>/<script>/<message>" → per
#: part, the labels of the facts that answer it (any one counts; none: no fact answers it).
PART_FACTS: dict[str, list[list[str]]] = json.loads((DATA / "two_part_labels.json").read_text())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(pieces) -> tuple[str, float, float]:
    started = time.perf_counter()
    first, text = None, ""
    for piece in pieces:
        text += piece
        first = first if first is not None else time.perf_counter() - started
    total = time.perf_counter() - started
    return text, (first if first is not None else total), total


def run(
    engine: Engine, scripts: list[dict]
) -> tuple[list[dict], list[float], list[float], int, int]:
    """Every scripted message with the interviewer's reply and the rule that made it."""
    rows, firsts, totals, attempts, rejected = [], [], [], 0, 0
    for script in scripts:
        interview = engine.new_interview(script["case"], clock="spoken")
        "".join(interview.open())
        for message in script["messages"]:
            if interview.finished:
                break
            reply, first, total = timed(interview.respond(message["text"]))
            meta = interview.turns()[-1].meta
            firsts.append(first)
            totals.append(total)
            rows.append(
                {
                    **message,
                    "case": script["case"],
                    "name": script["name"],
                    "key": f"{script['name']}/{script['messages'].index(message)}",
                    "reply": reply,
                    **meta,
                }
            )
        attempts += interview.phrasing_attempts
        rejected += interview.phrasing_rejections
    return rows, firsts, totals, attempts, rejected


def part_answered(engine: Engine, case_id: str, labels: list[str], reply: str) -> bool:
    """The reply reads out one of the facts that answer the part, or refers to it as given
    earlier; a part no fact answers is answered by saying there is no figure."""
    if not labels:
        return "figure" in reply
    facts = {f.label: f for f in engine.case(case_id).facts}
    for label in labels:
        fact = facts[label]
        if fact.text.strip().rstrip(".")[1:60].lower() in reply.lower():
            return True
        if f"the {label.lower()} earlier" in reply.lower():
            return True
    return False


def without_facts(facts: list[str], reply: str) -> str:
    """The reply without the case's facts read out: a fact is our note's text, not a line
    the interviewer made ("rephrased regenerations" is no instruction leak)."""
    for fact in facts:
        said = fact.strip().rstrip(".")
        reply = re.sub(re.escape(said[1:]), "", reply, flags=re.I)
    return reply


def rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({hits / total * 100:.0f} %)" if total else "0/0"


def quality(engine: Engine, rows: list[dict], stem: str) -> None:
    by_kind: dict[str, list[dict]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(row)
    estimates = by_kind.get("estimate", [])
    wrong = [r for r in estimates if "wrong" in r["note"]]
    mistakes = by_kind.get("mistake", []) + wrong
    caught = [r for r in mistakes if r.get("action") in CHALLENGES]
    print(
        f"challenge rate (planted mistakes and wrong estimates): {rate(len(caught), len(mistakes))}"
    )
    correct = [
        r
        for k in ("answer", "technique", "clarify", "clarify_two_part")
        for r in by_kind.get(k, [])
    ]
    false = [r for r in correct if r.get("action") in CHALLENGES]
    print(f"false challenges on correct statements: {rate(len(false), len(correct))}")
    techniques = by_kind.get("technique", [])
    probed = [r for r in techniques if r.get("action") == "technique"]
    print(f"technique probes: {rate(len(probed), len(techniques))}")
    two_part = by_kind.get("clarify_two_part", [])
    full = [
        r
        for r in two_part
        if all(
            part_answered(engine, r["case"], labels, r["reply"])
            for labels in PART_FACTS[f"{stem}/{r['key']}"]
        )
    ]
    print(f"two-part questions with every part answered: {rate(len(full), len(two_part))}")
    for kind, wanted in (
        ("hint_request", {"hint"}),
        ("checklist_request", {"decline"}),
        ("done", {"wrap_up", "advance"}),
    ):
        turns = by_kind.get(kind, [])
        got = [r for r in turns if r.get("action") in wanted]
        print(f"{kind} answered by {'/'.join(sorted(wanted))}: {rate(len(got), len(turns))}")
    replies = [r["reply"] for r in rows]
    asked = Counter(
        (r["name"], r["reply"]) for r in rows if r.get("action") not in ("nudge", "fact", "no_fact")
    )
    repeats = [line for (_, line), n in asked.items() if n > 1]
    print(f"interviewer lines repeated within an interview: {len(repeats)}")
    for line in repeats:
        print(f"    {line[:100]}")
    facts = {c: [f.text for f in engine.case(c).facts] for c in {r["case"] for r in rows}}
    lines = [without_facts(facts[r["case"]], r["reply"]) for r in rows]
    leaks = sum(bool(SCAFFOLD.search(line) or INSTRUCTIONS.search(line)) for line in lines)
    print(f"scaffold leaks: {leaks}  praise: {sum(bool(PRAISE.search(r)) for r in replies)}")
    if stem == FILES["HELD OUT"] and "--show-held-out" not in sys.argv:
        print("(miss lists of the held-out set are not printed)")
        return
    listed("missed mistakes", [r for r in mistakes if r not in caught], "note")
    listed("false challenges", false, "text")
    listed("techniques not probed", [r for r in techniques if r not in probed], "note")
    listed(
        "two-part questions with a part unanswered", [r for r in two_part if r not in full], "note"
    )


def listed(title: str, rows: list[dict], said: str) -> None:
    """The scripted messages behind a figure: what was said, the rule that answered, the reply."""
    print(f"{title}:")
    for r in rows:
        print(f"    [{r['case']}] {r[said][:110]} -> {r.get('rule')}: {r['reply'][:100]}")


def latency(label: str, firsts: list[float], totals: list[float]) -> None:
    print(
        f"{label}: first token p50 {statistics.median(firsts):.2f} s, p95 "
        f"{percentile(firsts, 0.95):.2f} s; full turn p50 {statistics.median(totals):.2f} s, "
        f"p95 {percentile(totals, 0.95):.2f} s over {len(totals)} turns"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["MLSD_DATA_DIR"] = data_dir
        engine = Engine(load_settings())
        print(f"index ready: {engine.retriever.chunk_count} chunks", file=sys.stderr)
        engine.warm_up()
        firsts, totals = [], []
        for label, scripts in SETS.items():
            rows, set_firsts, set_totals, _, _ = run(engine, scripts)
            cases = len({s["case"] for s in scripts})
            print(
                f"== {label}: {len(scripts)} scripted candidates, {cases} cases, {len(rows)} turns"
            )
            quality(engine, rows, FILES[label])
            firsts += set_firsts
            totals += set_totals
        latency("phrasing off (embedded default)", firsts, totals)
        if "--no-phrasing" in sys.argv:
            return
        os.environ["MLSD_PHRASING"] = "on"
        phrasing = Engine(load_settings())
        _, firsts, totals, attempts, rejected = run(phrasing, SETS["tuned on"])
        latency("phrasing on, embedded model", firsts, totals)
        print(f"embedded phrasing accepted: {rate(attempts - rejected, attempts)} of phrased lines")


if __name__ == "__main__":
    main()
