"""Clarifying-question topics, shared by fact answering and clarify-stage coverage.

A small embedding model matches a short question ("what scale are we talking about?") to a
long fact or rubric point poorly, so these cues say what a question asks about.
"""

from __future__ import annotations

import re

#: (what a question asks about, which fact labels answer it)
FACT_TOPICS: list[tuple[re.Pattern, re.Pattern]] = [
    (
        re.compile(
            r"\b(new (users?|items?|videos?|listings?|events?|ads?)|(users?|items?) (who )?"
            r"(are|is) new|cold)\b",
            re.I,
        ),
        re.compile(r"cold", re.I),
    ),
    (
        re.compile(
            r"\b(scale|how (many|big|much traffic)|users|dau|mau|qps|traffic|volume|"
            r"catalog(ue)?|size|requests)\b",
            re.I,
        ),
        re.compile(r"scale|volume|traffic", re.I),
    ),
    (
        re.compile(r"\b(latency|how fast|response time|real-?time|milliseconds|ms|slo)\b", re.I),
        re.compile(r"latency", re.I),
    ),
    (
        re.compile(
            r"\b(labels?|labell?ed|ground truth|feedback|signals?|annotat\w*|log(ged|s)?)\b", re.I
        ),
        re.compile(r"label|feedback|signal", re.I),
    ),
    (re.compile(r"\b(data|features?|history|historical)\b", re.I), re.compile(r"data", re.I)),
    (
        re.compile(r"\b(goal|objective|optimi[sz]\w*|success|business|kpi|metric)\b", re.I),
        re.compile(r"goal|objective|business|success", re.I),
    ),
    (
        re.compile(
            r"\b(constraints?|privacy|legal|regulat\w*|policy|policies|gdpr|fairness|"
            r"compliance|rules?)\b",
            re.I,
        ),
        re.compile(r"constraint|privacy|legal|policy", re.I),
    ),
    (
        re.compile(r"\b(how many (are )?(shown|displayed)|slots?|page|surface|ui|screen)\b", re.I),
        re.compile(r"surface|slot|page|inventory|display", re.I),
    ),
    (re.compile(r"\b(delay|how (quickly|long)|arrive)\b", re.I), re.compile(r"delay", re.I)),
]


def topics_asked(text: str) -> set[int]:
    """Indexes of the topics a text asks about (or, for a rubric point, names)."""
    return {i for i, (asks, _) in enumerate(FACT_TOPICS) if asks.search(text)}
