"""An unattended interview with the embedded model, timed turn by turn.

Prints time to first token of the interviewer's turns (p50, p95), full-turn p95, how often
the model's phrasing passed validation, and the raw llama.cpp generation speed of the same
model, so our overhead shows as a ratio.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.llm_local import LlamaCppChatModel, embedded_model_path  # noqa: E402

TRANSCRIPTS = ["video-recommendation__solid", "ad-click-prediction__excellent"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(pieces) -> tuple[float, float]:
    started = time.perf_counter()
    first = None
    for _ in pieces:
        first = first if first is not None else time.perf_counter() - started
    total = time.perf_counter() - started
    return (first if first is not None else total), total


def raw_speed() -> float:
    from langchain_core.messages import HumanMessage

    model = LlamaCppChatModel(model_path=str(embedded_model_path()))
    message = [HumanMessage(content="Describe a recommendation system in detail.")]
    next(iter(model.stream(message, max_tokens=1)))
    started = time.perf_counter()
    tokens = sum(1 for _ in model.stream(message, max_tokens=128))
    return tokens / (time.perf_counter() - started)


def main() -> None:
    firsts, totals, attempts, rejected = [], [], 0, 0
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["MLSD_DATA_DIR"] = data_dir
        engine = Engine(load_settings())
        print(f"index ready: {engine.retriever.chunk_count} chunks", file=sys.stderr)
        for name in TRANSCRIPTS:
            data = json.loads(
                (ROOT / "tests" / "data" / "calibration" / f"{name}.json").read_text()
            )
            interview = engine.new_interview(data["case"], clock="spoken")
            timed(interview.open())
            for turn in data["turns"]:
                if turn["role"] != "candidate" or interview.finished:
                    continue
                first, total = timed(interview.respond(turn["content"]))
                firsts.append(first)
                totals.append(total)
            attempts += interview.phrasing_attempts
            rejected += interview.phrasing_rejections
    speed = raw_speed()
    print(f"interviewer turns: {len(firsts)} over {len(TRANSCRIPTS)} unattended interviews")
    print(
        f"time to first token: p50 {statistics.median(firsts):.2f} s, "
        f"p95 {percentile(firsts, 0.95):.2f} s"
    )
    print(f"full turn: p50 {statistics.median(totals):.2f} s, p95 {percentile(totals, 0.95):.2f} s")
    print(
        f"model phrasing: {attempts} turns phrased by the model, {rejected} rejected by "
        f"validation and replaced by the curated line ({attempts - rejected} kept)"
    )
    print(
        f"raw llama.cpp generation: {speed:.0f} tokens/s; a 60-token line would take "
        f"{60 / speed:.2f} s, so our p50 turn is {statistics.median(totals) / (60 / speed):.1f}x "
        "that"
    )


if __name__ == "__main__":
    main()
