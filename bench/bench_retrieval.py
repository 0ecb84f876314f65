"""Retrieval quality and speed on our labelled query set.

Prints Recall@5, MRR@10 and query latency p50/p95 for dense-only and hybrid retrieval, and
the time of a full index build from scratch. A hit is relevant when it comes from the
labelled note (and, when the label names a stage, from that stage's section).
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
from bot.embeddings import build_embeddings  # noqa: E402
from bot.index import build_index  # noqa: E402
from bot.retrieval import Retriever  # noqa: E402

QUERIES = json.loads((ROOT / "bench" / "data" / "retrieval_queries.json").read_text())


def _relevant(hit, label: dict) -> bool:
    if hit.source != label["source"]:
        return False
    return label["stage"] is None or hit.stage is None or hit.stage.value == label["stage"]


def evaluate(retriever: Retriever) -> dict:
    ranks, latencies = [], []
    retriever.search("warm up", k=5)
    for label in QUERIES:
        started = time.perf_counter()
        hits = retriever.search(label["query"], k=10)
        latencies.append(time.perf_counter() - started)
        rank = next((i + 1 for i, h in enumerate(hits) if _relevant(h, label)), None)
        ranks.append(rank)
    latencies.sort()
    return {
        "recall@5": sum(1 for r in ranks if r and r <= 5) / len(ranks),
        "mrr@10": sum(1 / r for r in ranks if r) / len(ranks),
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * len(latencies)) - 1] * 1000,
        "misses": [q["query"] for q, r in zip(QUERIES, ranks, strict=True) if not r or r > 5],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["MLSD_DATA_DIR"] = data_dir
        settings = load_settings()
        started = time.perf_counter()
        store, report = build_index(settings, rebuild=True)
        build_s = time.perf_counter() - started
        print(f"full index build: {build_s:.1f} s for {report.added} chunks")
        print(f"queries: {len(QUERIES)}")
        embeddings = build_embeddings(settings)
        for name, hybrid in (("dense only", False), ("hybrid (dense + BM25, RRF)", True)):
            result = evaluate(Retriever(store, embeddings, hybrid=hybrid))
            print(
                f"{name:<28} Recall@5 {result['recall@5']:.3f}  MRR {result['mrr@10']:.3f}  "
                f"p50 {result['p50_ms']:.1f} ms  p95 {result['p95_ms']:.1f} ms"
            )
            for miss in result["misses"]:
                print(f"    miss: {miss}")


if __name__ == "__main__":
    main()
