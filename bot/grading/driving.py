"""How the candidate drove the interview: clarified first, planned, signposted, checked in,
kept to time. Cues come from the shared cue module."""

from __future__ import annotations

from bot.cues import DRIVING_CUES, is_assumption, is_question, sentences
from bot.grading.models import DimensionGrade
from bot.injection import looks_like_injection
from bot.transcript import Transcript

#: How many early candidate turns count as "before designing".
EARLY_TURNS = 3


def grade_driving(transcript: Transcript, clarify_score: int) -> DimensionGrade:
    candidate = [_sentences(t) for _, t in transcript.candidate_turns()]
    evidence: list[str] = []
    notes: list[str] = []
    earned = 0.0
    early = [s for sentences in candidate[:EARLY_TURNS] for s in sentences]
    asked = [s for s in early if is_question(s) or is_assumption(s)]
    if asked:
        earned += 1 if len(asked) >= 2 else 0.5
        evidence.append(asked[0])
    else:
        notes.append("did not ask clarifying questions before designing")
    for name, pattern in DRIVING_CUES.items():
        hits = [s for sentences in candidate for s in sentences if pattern.search(s)]
        weight = 0.5 if name == "managed the clock" else 1.0
        if name == "signposted transitions" and len(hits) == 1:
            weight = 0.5
        if hits:
            earned += weight
            evidence.append(hits[0])
        else:
            notes.append(f"never {name}")
    if clarify_score == 0 and earned > 1:
        earned -= 1
    unique = list(dict.fromkeys(evidence))
    return DimensionGrade(score=min(4, int(earned + 0.5)), evidence=unique[:5], notes=notes)


def _sentences(text: str) -> list[str]:
    return [s for s in sentences(text) if not looks_like_injection(s)]
