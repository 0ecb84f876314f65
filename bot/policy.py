"""Tuning numbers in one place, each with the reason it has its value.

Thresholds on MiniLM cosine similarity (all-MiniLM-L6-v2, unit vectors): unrelated ML
sentences score about 0.1-0.3, a paraphrase 0.6 or more.
"""

from __future__ import annotations

#: A clarifying point counts as answered by a fact at this cosine between any of its
#: wordings (without "Asks about") and the fact: low enough for "latency budget" against
#: "Latency budget: 60 ms p99 ...", high enough that a point about privacy is not answered
#: by a fact about scale.
LINT_FACT_MATCH = 0.40

#: A key point counts as covered at this strength (cosine blended with term overlap): the
#: level at which a paraphrase of the point, or one of its `also:` wordings, lands.
COVER_THRESHOLD = 0.50

#: Weight of the best cosine over a point's wordings against its term overlap; the
#: embedding carries meaning, the overlap rewards the point's own distinctive terms.
POINT_COSINE_WEIGHT = 0.75

#: A bare list of terms earns this share of its strength (keyword stuffing).
LIST_PENALTY = 0.4

#: A span states a red flag's mistake at this cosine to one of the flag's wordings: a
#: close paraphrase, not a sentence on the same topic.
FLAG_MATCH = 0.62

#: ...and only when it is at least this much closer to the mistake than to the fix, so a
#: sentence stating the sound alternative is never read as the mistake.
FLAG_FIX_MARGIN = 0.05
