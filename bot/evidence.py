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

from bot.cues import DEPTH_CUES, sentences
from bot.diagram import Diagram, DiagramError, parse_diagram
from bot.injection import hidden_parts, looks_like_injection
from bot.policy import LONG_SENTENCE_WORDS, MIN_SPAN_WORDS, WINDOW_STRIDE, WINDOW_WORDS


@dataclass(frozen=True)
class Span:
    """A verbatim piece of one candidate turn."""

    turn: int
    text: str
    listy: bool
    injected: bool
    pair: bool = False


def _sentences(text: str) -> list[str]:
    """Whole sentences; a run-on of speech with no punctuation is cut into overlapping
    windows of words, so one long span does not blur several claims together."""
    found = []
    for part in sentences(text):
        if len(part.split()) < MIN_SPAN_WORDS:
            continue
        found.extend(_windows(part) if len(part.split()) > LONG_SENTENCE_WORDS else [part])
    return found


def _windows(sentence: str) -> list[str]:
    """Verbatim windows of a long sentence (whitespace kept as written)."""
    tokens = list(re.finditer(r"\S+", sentence))
    starts = range(0, max(1, len(tokens) - WINDOW_WORDS + WINDOW_STRIDE), WINDOW_STRIDE)
    windows = []
    for start in starts:
        chosen = tokens[start : start + WINDOW_WORDS]
        windows.append(sentence[chosen[0].start() : chosen[-1].end()])
    return windows


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
                    spans.append(_span(index, pair, pair=True))
    return spans


def diagram_spans(turns: Sequence[tuple[int, str]]) -> list[Span]:
    """What each changed whiteboard says, one span per arrow or loose box, quoted as
    "diagram: Feature store → Ranker"; each statement counts once, where first drawn."""
    spans: list[Span] = []
    seen: set[str] = set()
    for index, source in turns:
        try:
            drawn = drawn_spans(index, parse_diagram(source))
        except DiagramError:
            continue
        spans += [s for s in drawn if s.text not in seen]
        seen |= {s.text for s in drawn}
    return spans


def drawn_spans(turn: int, diagram: Diagram) -> list[Span]:
    return [_span(turn, f"diagram: {statement}") for statement in diagram.statements()]


def _verbatim_pair(text: str, first: str, second: str) -> str | None:
    start = text.find(first)
    end = text.find(second, start + len(first))
    return text[start : end + len(second)] if start >= 0 and end >= 0 else None


def _span(turn: int, text: str, pair: bool = False) -> Span:
    return Span(
        turn=turn, text=text, listy=is_listy(text), injected=looks_like_injection(text), pair=pair
    )


def cues_in(texts: Sequence[str]) -> set[str]:
    """Which depth cues (justification, trade-off, number, choice) the texts show."""
    joined = "\n".join(t for t in texts if not is_listy(t))
    return {name for name, pattern in DEPTH_CUES.items() if pattern.search(joined)}
