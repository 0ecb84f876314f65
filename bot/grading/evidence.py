"""Per stage: which points the candidate made, with which words, and which mistakes.

Rules, in the order they apply:
- a span that states a red flag's mistake is a mistake of that flag's stage, never evidence
  (a figure ten times off the case's estimates is not graded yet: see ESTIMATES);
- a span counts for the stage it was said in, or for another stage only when it clearly
  belongs there (a higher bar); never for clarifying unless said while clarifying; a
  question is evidence only for clarifying;
- a point is covered by its best allowed span; each quote is used once in the whole
  report, by the stage where it is strongest;
- a point the candidate came close to is neither covered nor listed as missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.claims import ClaimMatcher
from bot.grading.reading import TranscriptReading
from bot.knowledge.cases import RubricPoint
from bot.knowledge.sections import RedFlag
from bot.policy import COVER_THRESHOLD, NEAR_MISS, OTHER_STAGE_MARGIN
from bot.stages import STAGES, Stage

#: On the training transcripts the estimate check caught about as many correct figures as
#: wrong ones (a figure compared with the wrong estimate), too many to cap a stage with.
ESTIMATES = "estimates"


@dataclass
class StageEvidence:
    covered: dict[str, int] = field(default_factory=dict)
    near: set[str] = field(default_factory=set)
    best: dict[str, float] = field(default_factory=dict)
    mistakes: list[tuple[RedFlag, int]] = field(default_factory=list)

    def quotes(self) -> list[int]:
        return list(dict.fromkeys(self.covered.values()))


def stage_evidence(reading: TranscriptReading, matcher: ClaimMatcher) -> dict[Stage, StageEvidence]:
    found = {stage: StageEvidence() for stage in STAGES}
    mistake_spans = _mistakes(reading, matcher, found)
    allowed = _allowed(reading, matcher.points)
    strength = np.where(allowed, reading.claims.points, 0.0)
    strength[_containing(reading, mistake_spans), :] = 0.0
    quoted_by: dict[int, Stage] = {}
    for j in _strongest_first(strength):
        point = matcher.points[j]
        found[point.stage].best[point.id] = float(strength[:, j].max(initial=0.0))
        free = [
            i for i in np.argsort(-strength[:, j]) if quoted_by.get(i, point.stage) == point.stage
        ]
        best = free[0] if free else None
        if best is not None and strength[best, j] >= COVER_THRESHOLD:
            found[point.stage].covered[point.id] = int(best)
            quoted_by[int(best)] = point.stage
        elif strength[:, j].max(initial=0.0) >= NEAR_MISS:
            found[point.stage].near.add(point.id)
    return found


def _mistakes(
    reading: TranscriptReading, matcher: ClaimMatcher, found: dict[Stage, StageEvidence]
) -> set[int]:
    """Record each red flag once (its strongest span) and return every mistaken span."""
    spans: set[int] = set()
    best: dict[str, tuple[float, int, RedFlag]] = {}
    index = {id(s.span): i for i, s in enumerate(reading.said)}
    for match in reading.claims.flag_matches(matcher.flags):
        if match.flag.id.split("/")[1] == ESTIMATES:
            continue  # figures ten times off are asked about in the interview, not graded
        i = index[id(match.span)]
        spans.add(i)
        if match.flag.id not in best or match.strength > best[match.flag.id][0]:
            best[match.flag.id] = (match.strength, i, match.flag)
    for _, i, flag in best.values():
        stage = flag.stage or reading.said[i].stage
        if all(i != j for _, j in found[stage].mistakes):
            found[stage].mistakes.append((flag, i))
    return spans


def _containing(reading: TranscriptReading, mistaken: set[int]) -> list[int]:
    """The mistaken spans and every span that holds one (a pair of sentences)."""
    said = [s.span for s in reading.said]
    return [
        i
        for i, span in enumerate(said)
        if any(
            j == i or (said[j].turn == span.turn and said[j].text in span.text) for j in mistaken
        )
    ]


def _allowed(reading: TranscriptReading, points: list[RubricPoint]) -> np.ndarray:
    """(spans × points): the bar each span must clear for each point, as a boolean mask
    of where the span's strength may count at all."""
    said_stage = np.array([s.stage.index for s in reading.said], dtype=int)[:, None]
    question = np.array([s.question for s in reading.said], dtype=bool)[:, None]
    point_stage = np.array([p.stage.index for p in points])[None, :]
    clarify = Stage.CLARIFY_REQUIREMENTS.index
    same = said_stage == point_stage
    other_ok = (point_stage != clarify) & ~question
    strength = reading.claims.points
    clearly = strength >= COVER_THRESHOLD + OTHER_STAGE_MARGIN
    return same | (other_ok & clearly)


def _strongest_first(strength: np.ndarray) -> list[int]:
    """Points ordered by their best span, so a shared quote goes to the point it fits best."""
    if not strength.size:
        return list(range(strength.shape[1]))
    return list(np.argsort(-strength.max(axis=0)))
