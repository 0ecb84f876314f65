"""Evidence: which rubric points the candidate's own words cover, and how deeply.

Our code decides coverage, never the embedded model: each candidate sentence (and each pair
of neighbouring sentences) is compared with each rubric point by embedding similarity plus
the share of the point's distinctive terms it uses. Evidence spans are verbatim substrings
of candidate turns. Sentences that look like a bare list of terms (keyword stuffing) or like
an instruction to the grader earn less or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.injection import hidden_parts, looks_like_injection

_BOUNDARY = re.compile(r"(?<=[.!?;])\s+|\n+")

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


def cues_in(texts: Sequence[str]) -> set[str]:
    """Which depth cues (justification, trade-off, number, choice) the texts show."""
    joined = "\n".join(t for t in texts if not is_listy(t))
    return {name for name, pattern in CUES.items() if pattern.search(joined)}
