"""Clarifying-question topics, shared by fact answering and clarify-stage coverage.

A small embedding model matches a short question ("what scale are we talking about?") to a
long fact or rubric point poorly, so these cues say what a question asks about.
"""

from __future__ import annotations

import re

#: (what a question asks about, which fact labels answer it), as regular expressions.
_TOPICS: list[tuple[str, str]] = [
    (
        r"\b(new (users?|items?|videos?|listings?|events?|ads?)|(users?|items?) (who )?(are|is) "
        r"new|cold)\b",
        "cold",
    ),
    (
        r"\b(scale|how (many|big|much traffic)|users|dau|mau|qps|traffic|volume|catalog(ue)?|"
        r"size|requests)\b",
        "scale|volume|traffic",
    ),
    (r"\b(latency|how fast|response time|real-?time|milliseconds|ms|slo)\b", "latency"),
    (
        r"\b(labels?|labell?ed|ground truth|feedback|signals?|annotat\w*|log(ged|s)?)\b",
        "label|feedback|signal",
    ),
    (r"\b(data|features?|history|historical)\b", "data"),
    (
        r"\b(goal|objective|optimi[sz]\w*|success|business|kpi|metric|north[- ]star)\b",
        "goal|objective|business|success",
    ),
    (
        r"\b(constraints?|privacy|legal|regulat\w*|policy|policies|gdpr|fairness|compliance|"
        r"rules?)\b",
        "constraint|privacy|legal|policy",
    ),
    (
        r"\b(how many (are )?(shown|displayed)|slots?|page|surface|ui|screen)\b",
        "surface|slot|page|inventory|display",
    ),
    (r"\b(delay|how (quickly|long)|arrive)\b", "delay"),
    (
        r"\b(fresh\w*|stale\w*|up to date|how (fast|quickly|soon) .{0,40}(show|appear|"
        r"update|reflect|visible|searchable))",
        "fresh",
    ),
]
FACT_TOPICS: list[tuple[re.Pattern, re.Pattern]] = [
    (re.compile(asks, re.I), re.compile(answers, re.I)) for asks, answers in _TOPICS
]


def topics_asked(text: str) -> set[int]:
    """Indexes of the topics a text asks about (or, for a rubric point, names)."""
    return {i for i, (asks, _) in enumerate(FACT_TOPICS) if asks.search(text)}
