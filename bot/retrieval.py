"""Search over the index: dense (MiniLM in Chroma) and lexical (BM25), fused by rank.

Reciprocal-rank fusion lets an exact term such as "NDCG" or "HNSW" find its note even when
the small embedding model places it poorly, and lets a paraphrase find a note that shares
no words with the query. `bench/bench_retrieval.py` measures both against dense alone.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from pydantic import BaseModel, ConfigDict
from rank_bm25 import BM25Okapi

from bot.config import Settings
from bot.embeddings import build_embeddings
from bot.index import Chunk, VectorStore, build_index
from bot.stages import Stage

_RRF_K = 60
_POOL = 30
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_STOP = set(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "should",
        "that",
        "the",
        "this",
        "to",
        "was",
        "what",
        "when",
        "which",
        "why",
        "with",
        "would",
        "you",
        "your",
        "we",
        "our",
        "me",
        "my",
    ]
)


class Hit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    source: str
    case: str | None
    stage: Stage | None
    heading: str
    kind: str
    score: float
    similarity: float

    def contract(self) -> dict:
        """The `mlsd search --json` shape."""
        return {
            "text": self.text,
            "source": self.source,
            "case": self.case,
            "stage": self.stage.value if self.stage else None,
            "score": round(self.score, 4),
        }


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def _where(case: str | None, stage: Stage | None, kinds: tuple[str, ...] | None) -> dict | None:
    parts: list[dict] = []
    if case:
        parts.append({"case": case})
    if stage:
        parts.append({"stage": stage.value})
    if kinds:
        parts.append({"kind": {"$in": list(kinds)}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _matches(chunk: Chunk, case: str | None, stage: Stage | None, kinds) -> bool:
    return (
        (not case or chunk.case == case)
        and (not stage or chunk.stage == stage)
        and (not kinds or chunk.kind in kinds)
    )


class Retriever:
    """Hybrid search over one store; the lexical side is built from the stored chunks."""

    def __init__(self, store: VectorStore, embeddings, hybrid: bool = True) -> None:
        self.store = store
        self.embeddings = embeddings
        self.hybrid = hybrid
        self._chunks = store.all_chunks()
        self._bm25 = BM25Okapi([words(c.text) for c in self._chunks]) if self._chunks else None

    @property
    def chunk_count(self) -> int:
        return len(self._chunks)

    def search(
        self,
        query: str,
        k: int = 5,
        case: str | None = None,
        stage: Stage | None = None,
        kinds: tuple[str, ...] | None = None,
    ) -> list[Hit]:
        """The k best chunks for `query`, best first, within the filters."""
        if not query.strip() or not self._chunks:
            return []
        vector = self.embeddings.embed_query(query)
        dense = self.store.query(vector, max(k, _POOL), _where(case, stage, kinds))
        similarity = {chunk.id: sim for chunk, sim in dense}
        ranked = [chunk for chunk, _ in dense]
        if self.hybrid:
            lexical = self._lexical(query, case, stage, kinds)
            ranked = _fuse([ranked, lexical])
        best = ranked[:k]
        missing = [c for c in best if c.id not in similarity]
        similarity.update(self._similarities(vector, missing))
        top = 2.0 / (_RRF_K + 1) if self.hybrid else 1.0
        return [
            _hit(chunk, similarity[chunk.id], _fused_score(i, self.hybrid, similarity, chunk, top))
            for i, chunk in enumerate(best)
        ]

    def _lexical(self, query: str, case, stage, kinds) -> list[Chunk]:
        scores = self._bm25.get_scores(words(query)) if self._bm25 else []
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        picked = [self._chunks[i] for i in order if scores[i] > 0]
        return [c for c in picked if _matches(c, case, stage, kinds)][:_POOL]

    def _similarities(self, vector: list[float], chunks: list[Chunk]) -> dict[str, float]:
        if not chunks:
            return {}
        import numpy as np

        stored = self.store.vectors([c.id for c in chunks])
        query = np.array(vector)
        return {i: float(np.array(v) @ query) for i, v in stored.items()}


def _fuse(rankings: list[list[Chunk]]) -> list[Chunk]:
    scores: dict[str, float] = {}
    by_id: dict[str, Chunk] = {}
    for ranking in rankings:
        for rank, chunk in enumerate(ranking):
            scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (_RRF_K + rank + 1)
            by_id[chunk.id] = chunk
    return [by_id[i] for i in sorted(scores, key=lambda i: -scores[i])]


def _fused_score(rank: int, hybrid: bool, similarity: dict, chunk: Chunk, top: float) -> float:
    if not hybrid:
        return similarity[chunk.id]
    return min(1.0, (1.0 / (_RRF_K + rank + 1)) * 2 / top)


def _hit(chunk: Chunk, similarity: float, score: float) -> Hit:
    return Hit(
        text=chunk.text,
        source=chunk.source,
        case=chunk.case,
        stage=chunk.stage,
        heading=chunk.heading,
        kind=chunk.kind,
        score=score,
        similarity=similarity,
    )


_OPEN_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _cached_retriever(settings: Settings, hybrid: bool) -> Retriever:
    store, _ = build_index(settings, progress=True)
    return Retriever(store, build_embeddings(settings), hybrid=hybrid)


def open_retriever(settings: Settings, hybrid: bool = True) -> Retriever:
    """The retriever for these settings, building or refreshing the index on first use."""
    with _OPEN_LOCK:
        return _cached_retriever(settings, hybrid)
