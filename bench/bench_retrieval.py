"""Retrieval quality and speed on our labelled query set.

Prints Recall@5, MRR@10 and query latency p50/p95 for dense-only and hybrid retrieval, over
the v1 queries (the first knowledge base), the v2 queries (the notes and cases added by
knowledge v2) and all of them, and the time of a full index build from scratch. A hit is
relevant when it comes from the labelled note or one listed under `also` (and, when the
label names a stage, from that stage's section).
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
    if hit.source != label["source"] and hit.source not in label.get("also", []):
        return False
    return label["stage"] is None or hit.stage is None or hit.stage.value == label["stage"]


def evaluate(retriever: Retriever) -> tuple[list[int | None], list[float]]:
    """The rank of the first relevant hit (None beyond 10) and the latency of each query."""
    ranks, latencies = [], []
    retriever.search("warm up", k=5)
    for label in QUERIES:
        started = time.perf_counter()
        hits = retriever.search(label["query"], k=10)
        latencies.append(time.perf_counter() - started)
        ranks.append(next((i + 1 for i, h in enumerate(hits) if _relevant(h, label)), None))
    return ranks, sorted(latencies)


def _figures(ranks: list[int | None]) -> str:
    recall = sum(1 for r in ranks if r and r <= 5) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    return f"Recall@5 {recall:.3f}  MRR {mrr:.3f}  ({len(ranks)} queries)"


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
            ranks, latencies = evaluate(Retriever(store, embeddings, hybrid=hybrid))
            p50 = statistics.median(latencies) * 1000
            p95 = latencies[int(0.95 * len(latencies)) - 1] * 1000
            print(f"{name}: p50 {p50:.1f} ms  p95 {p95:.1f} ms")
            for group in ("v1", "v2"):
                chosen = [r for r, q in zip(ranks, QUERIES, strict=True) if q["set"] == group]
                print(f"    {group} queries: {_figures(chosen)}")
            print(f"    all queries: {_figures(ranks)}")
            for rank, label in zip(ranks, QUERIES, strict=True):
                if not rank or rank > 5:
                    print(f"    miss ({label['set']}): {label['query']}")


if __name__ == "__main__":
    main()
