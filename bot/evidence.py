"""Evidence: which rubric points the candidate's own words cover, and how deeply.

Our code decides coverage, never the embedded model: each candidate sentence (and each pair
of neighbouring sentences) is compared with each rubric point by embedding similarity plus
the share of the point's distinctive terms it uses. Evidence spans are verbatim substrings
of candidate turns. Sentences that look like a bare list of terms (keyword stuffing) or like
an instruction to the grader earn less or nothing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.cases import Case, RubricPoint
from bot.injection import hidden_parts, looks_like_injection
from bot.retrieval import words
from bot.stages import STAGES, Stage
from bot.topics import topics_asked

_BOUNDARY = re.compile(r"(?<=[.!?;])\s+|\n+")
COVER_THRESHOLD = 0.50
LIST_PENALTY = 0.4

CUES: dict[str, re.Pattern] = {
    "justification": re.compile(
        r"\b(because|since|so that|the reason|which means|that's why|this is why|otherwise|"
        r"in order to|given that|due to)\b",
        re.I,
    ),
    "trade_off": re.compile(
        r"\b(trade-?offs?|on the other hand|at the cost of|downside|instead of|rather than|"
        r"versus|vs\.?|cheaper|more expensive|the risk is|but it|but that|however|pros?|cons?)\b",
        re.I,
    ),
    "number": re.compile(
        r"(\d|\b(million|billion|thousand|hundred|percent|ms|milliseconds|qps|per second)\b)",
        re.I,
    ),
    "choice": re.compile(
        r"\b(i'd|i would|i will|i'll|we'll|i'd pick|i choose|i'd go with|let's go with|"
        r"my choice|i'd start with|i'd use|we would use|i propose|i'd recommend)\b",
        re.I,
    ),
}


@dataclass(frozen=True)
class Span:
    """A verbatim piece of one candidate turn."""

    turn: int
    text: str
    listy: bool
    injected: bool


@dataclass(frozen=True)
class PointMatch:
    point: RubricPoint
    span: Span | None
    strength: float
    attempt: float = 0.0

    @property
    def covered(self) -> bool:
        return self.span is not None and self.strength >= COVER_THRESHOLD


def _sentences(text: str) -> list[str]:
    return [p.strip() for p in _BOUNDARY.split(text) if p and len(p.split()) >= 3]


def is_listy(sentence: str) -> bool:
    """A bare list of terms: many short comma-separated pieces and little else."""
    pieces = [p.strip() for p in re.split(r"[,:/]|\band\b|\bplus\b", sentence) if p.strip()]
    short = sum(1 for p in pieces if len(p.split()) <= 3)
    return len(pieces) >= 5 and short / len(pieces) >= 0.7


def candidate_spans(turns: Sequence[tuple[int, str]]) -> list[Span]:
    """Sentences and neighbouring-sentence pairs of candidate turns, as verbatim spans."""
    spans: list[Span] = []
    for index, text in turns:
        hidden = hidden_parts(text)
        visible = text
        for part in hidden:
            visible = visible.replace(part, " ")
        sentences = _sentences(visible)
        for i, sentence in enumerate(sentences):
            spans.append(_span(index, sentence))
            if i + 1 < len(sentences):
                pair = _verbatim_pair(text, sentence, sentences[i + 1])
                if pair:
                    spans.append(_span(index, pair))
    return spans


def _verbatim_pair(text: str, first: str, second: str) -> str | None:
    start = text.find(first)
    end = text.find(second, start + len(first))
    return text[start : end + len(second)] if start >= 0 and end >= 0 else None


def _span(turn: int, text: str) -> Span:
    return Span(turn=turn, text=text, listy=is_listy(text), injected=looks_like_injection(text))


class RubricMatcher:
    """Matches spans against one case's rubric points (vectors cached per case)."""

    def __init__(self, case: Case, embeddings: Embeddings) -> None:
        self.case = case
        self.embeddings = embeddings
        self.points = [p for s in STAGES for p in case.rubric(s)]
        self._vectors = np.array(embeddings.embed_documents([_topic(p.text) for p in self.points]))
        self._terms = _distinctive_terms(self.points)
        self._point_topics = [
            topics_asked(p.text) if p.stage == Stage.CLARIFY_REQUIREMENTS else set()
            for p in self.points
        ]

    def raw_strengths(self, spans: list[Span]) -> np.ndarray:
        """A (spans × points) matrix: 0.75·cosine + 0.25·term overlap; injected text is 0."""
        if not spans:
            return np.zeros((0, len(self.points)))
        vectors = np.array(self.embeddings.embed_documents([s.text for s in spans]))
        cosine = vectors @ self._vectors.T
        overlap = np.array([[_overlap(s.text, t) for t in self._terms] for s in spans])
        keep = np.array([0.0 if s.injected else 1.0 for s in spans])
        return (0.75 * cosine + 0.25 * overlap) * keep[:, None]

    def strengths(self, spans: list[Span]) -> np.ndarray:
        """How strongly each span covers each point: the same measure for the conductor's
        live coverage and for grading."""
        return self._strengths(spans, self.raw_strengths(spans))

    def _strengths(self, spans: list[Span], raw: np.ndarray) -> np.ndarray:
        """Raw strengths discounted for bare lists of terms, raised by clarifying questions."""
        if not spans:
            return raw
        penalty = np.array([LIST_PENALTY if s.listy else 1.0 for s in spans])
        return np.maximum(raw * penalty[:, None], self._question_cues(spans, raw))

    def _question_cues(self, spans: list[Span], raw: np.ndarray) -> np.ndarray:
        """A clarifying question on a topic covers the one clarify-stage point naming that
        topic that it is closest to."""
        cues = np.zeros((len(spans), len(self.points)))
        for i, span in enumerate(spans):
            if span.injected or "?" not in span.text:
                continue
            for topic in topics_asked(span.text):
                named = [j for j, t in enumerate(self._point_topics) if topic in t]
                if named:
                    best = max(named, key=lambda j: raw[i, j])
                    cues[i, best] = COVER_THRESHOLD + 0.02
        return cues

    def match(self, spans: list[Span]) -> dict[str, PointMatch]:
        """The best span for every rubric point (None when no candidate text at all).

        `attempt` is the best raw strength of a sentence of six words or more: whether the
        candidate touched the point at all, even only by naming terms.
        """
        if not spans:
            return {p.id: PointMatch(p, None, 0.0) for p in self.points}
        raw = self.raw_strengths(spans)
        strength = self._strengths(spans, raw)
        substantial = np.array([len(s.text.split()) >= 6 for s in spans])
        attempts = np.where(substantial[:, None], raw, 0.0).max(axis=0)
        matches = {}
        for j, point in enumerate(self.points):
            i = int(np.argmax(strength[:, j]))
            matches[point.id] = PointMatch(
                point, spans[i], float(strength[i, j]), float(attempts[j])
            )
        return matches


_ASKS = re.compile(r"^asks (about |whether |if |how |which |what |for |who |when )?", re.I)


def _topic(text: str) -> str:
    """A clarifying point without its leading "Asks about": a candidate's short question
    ("what scale are we talking about?") then matches the topic itself."""
    return _ASKS.sub("", text)


def _distinctive_terms(points: list[RubricPoint]) -> list[dict[str, float]]:
    documents = [set(words(p.text)) for p in points]
    frequency = Counter(w for d in documents for w in d)
    total = len(documents)
    return [{w: math.log(1 + total / frequency[w]) for w in d if len(w) > 2} for d in documents]


def _overlap(text: str, terms: dict[str, float]) -> float:
    if not terms:
        return 0.0
    present = set(words(text))
    got = sum(weight for w, weight in terms.items() if w in present or _stem(w) in present)
    return min(1.0, got / (0.5 * sum(terms.values())))


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") else word + "s"


def cues_in(texts: Sequence[str]) -> set[str]:
    """Which depth cues (justification, trade-off, number, choice) the texts show."""
    joined = "\n".join(t for t in texts if not is_listy(t))
    return {name for name, pattern in CUES.items() if pattern.search(joined)}
