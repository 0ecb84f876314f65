"""Cue tables: the regular expressions every consumer shares, so the interviewer and the
grader agree on what a negation, a question or a request is."""

from __future__ import annotations

import re

#: A sentence that rejects or criticises what it names ("accuracy would be misleading",
#: "I wouldn't split at random", "instead of a nightly batch").
NEGATION = re.compile(
    r"\b(not|never|no|nor|don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|shouldn'?t|can'?t|cannot|"
    r"isn'?t|aren'?t|avoid\w*|instead of|rather than|misleading|meaningless|useless|"
    r"pointless|wrong|mistake|pitfall|trap|naive|beware|careful not|without)\b",
    re.I,
)


def is_negated(text: str) -> bool:
    return bool(NEGATION.search(text))
