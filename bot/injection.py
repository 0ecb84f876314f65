"""Spotting candidate text that tries to steer the grader or the interviewer.

Candidate text is data. Before matching, text is normalised (Unicode NFKC folds full-width
letters; zero-width and other invisible characters are removed), base64 blobs are decoded,
and HTML comments and code blocks are examined too. A flagged sentence earns nothing and the
report carries the flag `suspected_injection`.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e\u202a-\u202e]")
_B64 = re.compile(r"[A-Za-z0-9+/]{24,}={0,2}")

_PATTERNS = [
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(previous|prior|above|earlier|all|your)\b"
    r".{0,30}\b(instructions?|rules?|prompts?|rubric|guidelines)",
    r"\bsystem\s*(note|override|instruction)s?\b",
    r"\b(developer|admin|committee|grader|evaluator)\s*(note|message|prompt|override|"
    r"instruction)s?\b",
    r"\[\s*(system|admin|note to|instruction)",
    r"^\s*(system|assistant|grader)\s*:",
    r"\byou are now\b",
    r"\b(act|behave|role-?play|pretend)\b.{0,25}\b(as|to be)\b.{0,40}\b(grader|evaluator|"
    r"interviewer|judge|assessor)",
    r"\b(lenient|generous)\s+(grader|evaluator|judge|mode|grading)",
    r"\b(give|award|assign|score|rate|grade|mark)\b.{0,40}\b(4\s*/\s*4|full marks|maximum|"
    r"top score|perfect score|strong[_ ]hire|score (of )?4|4 (on|in|for) (every|all|each))",
    r"\b(verdict|overall_score|stage_scores?)\b\s*[\"']?\s*[:=]",
    r"[\"']?(overall_score|verdict)[\"']?\s*:\s*[\"']?(\d|strong_hire|hire)",
    r"\bpre-?approved\b",
    r"\bhiring committee (has|have)\b",
    r"\bgrader\s*:",
    r"\b(evaluation_mode|min_stage_score|grading_mode)\b",
    r"\bdecode (this|it|the following)\b.{0,40}\b(follow|obey|execute|do)\b",
    r"\bnew instructions?\b",
    r"\b(ignore|disregard|bypass)\b.{0,20}\b(rubric|scoring|grading|guidelines)\b",
    r"\boverride\s*:",
    r"\bset\b.{0,20}\b(stage[_ ]?scores?|overall|verdict|score)\s*(=|to\b)",
    r"\bgrader[-_ ]instructions?\b",
    r"\bset (every|all|each) (stage|score|answer)",
    r"\b(grading|grader|scoring|judge) model\s*:",
    r"\b(rate|score|grade|mark) (every|all|each) (answer|stage|response)s?\b",
    r"\breveal (the|your) (rubric|system prompt|instructions)\b",
]
_COMPILED = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in _PATTERNS]


def normalise(text: str) -> str:
    """Fold Unicode look-alikes and drop invisible characters."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def _decoded_blobs(text: str) -> list[str]:
    decoded = []
    for blob in _B64.findall(text):
        try:
            raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True)
            candidate = raw.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if sum(ch.isprintable() for ch in candidate) >= 0.9 * len(candidate):
            decoded.append(candidate)
    return decoded


def _hits(text: str) -> bool:
    return any(pattern.search(text) for pattern in _COMPILED)


def looks_like_injection(text: str) -> bool:
    """True when the text (or a base64 blob inside it) tries to instruct a model."""
    clean = normalise(text)
    if _hits(clean):
        return True
    return any(_hits(normalise(blob)) for blob in _decoded_blobs(clean))


def hidden_parts(text: str) -> list[str]:
    """Parts to drop before grading: HTML comments and code blocks (where instructions hide),
    and bracketed or braced asides that look like instructions to a model."""
    comments = re.findall(r"<!--.*?-->", text, re.DOTALL)
    fences = re.findall(r"```.*?```", text, re.DOTALL)
    asides = re.findall(r"\[[^\[\]]*\]|\([^()]*\)|\{[^{}]*\}", text, re.DOTALL)
    return comments + fences + [a for a in asides if looks_like_injection(a)]
