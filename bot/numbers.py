"""Numbers with units in what the candidate says, checked against the case's estimates.

A back-of-envelope figure is wrong when it is ten times off: a candidate who says "about
500 servers" where the facts give 5,000 has slipped a zero, and an interviewer asks how they
got there. A figure is compared only with estimates of the same kind (a rate with a rate,
a machine count with a machine count) from the estimate closest in meaning to the sentence,
and only when no figure of that estimate is near it; a number that is one of the case's
facts is the candidate quoting the facts, not estimating.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.knowledge.cases import Case

_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "trillion": 1e12,
}
_NUMBER = re.compile(
    r"(?<![\w.])(\$)?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(k|thousand|mn|million|bn|billion|"
    r"trillion|m|b|t)?(?![\w])",
    re.I,
)
#: The upper end of a range, whose scale the lower end shares ("40 to 50 thousand").
_RANGE_END = re.compile(
    r"^\s?(?:to|-|–|or|and)\s?(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(k|thousand|mn|million|"
    r"bn|billion|trillion|m|b|t)(?![\w])",
    re.I,
)
_KINDS: list[tuple[str, re.Pattern]] = [
    # Shares and token counts are never the rates or fleets checked, and a bare number after
    # one must not take a request rate from further back ("2.5 turns a second ... 11k tok/s").
    ("share", re.compile(r"^\s?(%|percent\b|per ?cent\b)", re.I)),
    ("tokens", re.compile(r"^\W*(\w+\W+){0,2}?(tok|toks|tokens?)\b", re.I)),
    (
        "rate",
        re.compile(r"^\W*(\w+\W+){0,3}?(a|per|/|each)\s?(second|sec|s)\b|^\W*(qps|rps|/s)\b", re.I),
    ),
    (
        "machines",
        re.compile(
            r"^\W*(\w+\W+){0,2}?(servers?|machines?|gpus?|cores?|nodes?|hosts?|replicas?|"
            r"accelerators?)\b(?![- ]?(seconds?|hours?|days?|minutes?)\b)",
            re.I,
        ),
    ),
    (
        "storage",
        re.compile(
            r"^\W*(kb|mb|gb|tb|pb|kilobytes?|megabytes?|gigabytes?|terabytes?|"
            r"petabytes?)\b",
            re.I,
        ),
    ),
    ("daily", re.compile(r"^\W*(\w+\W+){0,3}?(a|per) day\b", re.I)),
    # A duration ("3 hours", "4.3 million core-seconds") is no fleet and no rate.
    (
        "duration",
        re.compile(
            r"^\W*(\w+[- ])?(seconds?|secs?|hours?|hrs?|minutes?|mins?|days?|weeks?|months?|"
            r"years?|ms|milliseconds?)\b",
            re.I,
        ),
    ),
]
#: The kinds a candidate's figure is checked for: the peak rate and the fleet size are the
#: estimates every design rests on; daily volumes and storage come in too many variants.
CHECKED_KINDS = ("rate", "machines")
#: Characters between a number with a unit and a bare number that takes the same unit.
INHERIT_WITHIN = 60
_STORAGE_SCALE = {"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15}


@dataclass(frozen=True)
class Quantity:
    value: float
    kind: str
    text: str


def quantities(text: str) -> list[Quantity]:
    """Numbers that carry a unit we can compare (rates, machines, storage, daily volumes).

    A bare number right after one with a unit takes that unit: "about 7,000 requests per
    second on average, so around 21,000 at peak"."""
    found: list[Quantity] = []
    last_end = -1
    for match in _NUMBER.finditer(text):
        value = float(match.group(2).replace(",", ""))
        value *= _SCALE.get(_scale_word(match, text), 1.0)
        after = text[match.end() : match.end() + 40]
        kind = next((name for name, pattern in _KINDS if pattern.search(after)), None)
        if kind is None and found and match.start() - last_end <= INHERIT_WITHIN:
            kind = found[-1].kind
        if kind is None or match.group(1):
            continue
        last_end = match.end()
        if kind == "storage":
            unit = re.match(r"\W*(\w{2})", after)
            value *= _STORAGE_SCALE.get(unit.group(1).lower(), 1.0) if unit else 1.0
        found.append(Quantity(value, kind, match.group(0).strip()))
    return found


def _scale_word(match: re.Match, text: str) -> str:
    """The number's own scale word, or the one its range shares ("40 to 50 thousand")."""
    if match.group(3):
        return match.group(3).lower()
    shared = _RANGE_END.match(text[match.end() :])
    return shared.group(1).lower() if shared else ""


def fact_values(case: Case) -> set[float]:
    """Every number the facts state, so a candidate quoting them is not checked."""
    values = set()
    for fact in case.facts:
        for match in _NUMBER.finditer(fact.text):
            value = float(match.group(2).replace(",", ""))
            values.add(value * _SCALE.get((match.group(3) or "").lower(), 1.0))
    return values


def off_by(said: float, expected: float) -> float:
    """How many times apart two positive figures are (1.0 when equal)."""
    if said <= 0 or expected <= 0:
        return math.inf
    return max(said / expected, expected / said)
