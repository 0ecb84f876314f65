"""The model phrases the interviewer's line; our code checks it and keeps the draft if not.

A phrased line must read as the interviewer (not the candidate), hold one question, stay
within a length bound, add no numbers, leak no rubric text, repeat no earlier question, and
keep the draft's meaning. Anything else is replaced by the conductor's own draft.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

MAX_WORDS = 60
_CANDIDATE_VOICE = re.compile(
    r"^\s*(candidate\s*:|as (a|the) candidate|i would|i'd|i will|i'll|my (design|answer|approach)|"
    r"sure,? here|here's (my|how i)|as an ai|assistant\s*:|user\s*:)",
    re.I,
)
_ROLE_MARKERS = re.compile(
    r"(\n\s*(candidate|interviewer|user|assistant)\s*:|<\|im_|next line|the draft|"
    r"interviewer'?s|as an interviewer|i'm not sure|one way is|background notes|rules?:)",
    re.I,
)
_NUMBER = re.compile(r"\d[\d,.]*")


def _ngrams(text: str, n: int = 6) -> set[tuple[str, ...]]:
    tokens = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


_META_PREFIX = re.compile(
    r"^\s*((the )?interviewer('s)?( next line)?( is| says)?\s*:?|here is the line:?)\s*", re.I
)


def clean(text: str) -> str:
    """Strip a meta prefix and quotes, and keep the text up to the first question mark
    (a small model often rambles on after its question)."""
    text = " ".join(text.split())
    text = _META_PREFIX.sub("", text).strip().strip("\"'“”").strip()
    if "?" in text:
        text = text[: text.index("?") + 1]
    return text.strip("\"'“” ")


def problems(
    text: str,
    draft: str,
    rubric: Sequence[str],
    asked: Sequence[str],
    embeddings: Embeddings,
    allowed_text: str = "",
) -> list[str]:
    """Why a phrased line is unusable (empty list: it is fine)."""
    found = []
    count = len(text.split())
    if count < 4 or count > MAX_WORDS:
        found.append(f"length {count} words")
    if not 1 <= text.count("?") <= 2 or not text.rstrip().endswith("?"):
        found.append("not exactly one question, at the end")
    if _CANDIDATE_VOICE.search(text) or _ROLE_MARKERS.search(text):
        found.append("not in the interviewer's voice")
    allowed_numbers = set(_NUMBER.findall(draft + " " + allowed_text))
    if any(n not in allowed_numbers for n in _NUMBER.findall(text)):
        found.append("invents a number")
    draft_grams = _ngrams(draft)
    if any((_ngrams(p) - draft_grams) & _ngrams(text) for p in rubric):
        found.append("leaks rubric text")
    if found:
        return found
    vectors = np.array(embeddings.embed_documents([text, draft, *asked]))
    if float(vectors[0] @ vectors[1]) < 0.55:
        found.append("drifts from the draft")
    earlier = vectors[2:]
    if len(earlier) and float((earlier @ vectors[0]).max()) > 0.95 and text not in draft:
        found.append("repeats an earlier question")
    return found
