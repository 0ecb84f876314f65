"""Grading: stage scores backed by the candidate's own words, mistakes caught, a fitted total.

Our code carries the score. The transcript is read once (`reading.py`), evidence and mistakes
are placed per stage (`evidence.py`), features are scored by a fitted model and a few rules
(`score.py`), and a capable model may refine each stage by one point (`bot.judge`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from bot.claims import ClaimMatcher
from bot.cues import sentences
from bot.evidence import Span, cues_in
from bot.grading.driving import grade_driving
from bot.grading.evidence import StageEvidence, stage_evidence
from bot.grading.models import DimensionGrade, Mistake, Report, StageGrade, Verdict
from bot.grading.reading import TranscriptReading, read_transcript
from bot.grading.score import (
    StageFeatures,
    evidence_share,
    load_weights,
    overall_from,
    overall_vector,
    stage_score,
    stage_weights,
)
from bot.injection import looks_like_injection
from bot.knowledge.cases import Case, RubricPoint
from bot.policy import HINT_PENALTY, MAX_HINT_PENALTY, STAFF_PROBE_MATCH, WORDS_FULL
from bot.stages import STAGES, Stage
from bot.transcript import Transcript

#: Lower bounds of the overall score for each verdict, per level.
VERDICT_BARS: dict[str, list[tuple[float, Verdict]]] = {
    "mid": [(78, "strong_hire"), (58, "hire"), (46, "lean_hire"), (34, "lean_no_hire")],
    "senior": [(84, "strong_hire"), (66, "hire"), (54, "lean_hire"), (40, "lean_no_hire")],
    "staff": [(88, "strong_hire"), (74, "hire"), (62, "lean_hire"), (48, "lean_no_hire")],
}
#: The total moves by level: the same answer is stronger evidence for a mid-level candidate,
#: and a staff bar expects trade-offs a senior answer leaves out (the references are senior).
LEVEL_OFFSET = {"mid": 6.0, "senior": 0.0, "staff": -10.0}


def verdict_for(score: float, level: str) -> Verdict:
    for bar, verdict in VERDICT_BARS[level]:
        if score >= bar:
            return verdict
    return "no_hire"


def grade(
    transcript: Transcript, case: Case, matcher: ClaimMatcher, level: str = "senior"
) -> Report:
    """The code's report for a transcript (no model involved)."""
    reading = read_transcript(transcript, matcher)
    evidence = stage_evidence(reading, matcher)
    features = {s: stage_features(s, case, reading, evidence[s]) for s in STAGES}
    stages = {s: grade_stage(s, case, reading, evidence[s], features[s]) for s in STAGES}
    spans = [s.span for s in reading.said]
    return finish_report(transcript, case, matcher, level, stages, spans, features=features)


def stage_features(
    stage: Stage, case: Case, reading: TranscriptReading, found: StageEvidence
) -> StageFeatures:
    points = case.rubric(stage)
    core = [p for p in points if p.core] or points
    depth = [p for p in points if p not in core]
    quotes = [reading.said[i].span for i in found.quotes()]
    turns = {s.turn for s in quotes}
    texts = [s.text for s in quotes] + [_clean(reading_turn(reading, t)) for t in turns]
    asked = stage != Stage.CLARIFY_REQUIREMENTS or bool(reading.asked)
    reached = stage in reading.reached() or bool(found.covered)
    said = sum(
        len(s.span.text.split()) for s in reading.said if s.stage == stage and not s.span.pair
    )
    soft = [found.best.get(p.id, 0.0) for p in core]
    return StageFeatures(
        soft=sum(soft) / len(soft) if soft and asked else 0.0,
        words=min(1.0, math.log1p(said) / math.log1p(WORDS_FULL)),
        core=_share(core, found) if asked else 0.0,
        depth=_share(depth, found) if asked else 0.0,
        cues=len(cues_in(texts)) / 4,
        evidence=evidence_share(len(quotes)) if asked else 0.0,
        mistakes=len(found.mistakes),
        reached=reached,
        declined=stage in reading.declined and not found.covered,
    )


def reading_turn(reading: TranscriptReading, turn: int) -> str:
    return " ".join(s.span.text for s in reading.said if s.span.turn == turn)


def _share(points: list[RubricPoint], found: StageEvidence) -> float:
    return sum(p.id in found.covered for p in points) / len(points) if points else 0.0


def grade_stage(
    stage: Stage,
    case: Case,
    reading: TranscriptReading,
    found: StageEvidence,
    features: StageFeatures,
) -> StageGrade:
    score = stage_score(features, stage, load_weights())
    points = case.rubric(stage)
    covered = [p for p in points if p.id in found.covered]
    missing = [p for p in points if p.id not in found.covered and p.id not in found.near]
    reading_list = sorted({link for p in points for link in _links_to_notes(p)})
    quotes = [reading.said[i].span.text for i in found.quotes()] if score else []
    return StageGrade(
        score=score,
        evidence=quotes[:5],
        missing=[p.text for p in missing],
        citations=[f"framework/{stage.value}.md", case.source, *reading_list],
        covered=[p.text for p in covered] if score else [],
        depth=sorted(cues_in(quotes)),
        strong_answer=[p.text for p in points],
        reading=reading_list,
        mistakes=[
            Mistake(quote=reading.said[i].span.text, red_flag=flag.text, fix=flag.fix)
            for flag, i in found.mistakes
        ],
        core_hit=[p.text for p in covered if p.core] if score else [],
        core_missed=[p.text for p in points if p.core and p.id not in found.covered],
        reason=_reason(score, features, covered, points),
    )


def _reason(score: int, f: StageFeatures, covered: list, points: list[RubricPoint]) -> str:
    if not f.reached:
        return "0: the interview never reached this stage"
    if f.declined:
        return "0: declined (nothing said about this stage)"
    if score == 0:
        return "0: nothing the candidate said here matches what this stage needs"
    core_total = sum(p.core for p in points) or len(points)
    core_hit = sum(p.core for p in covered) if any(p.core for p in points) else len(covered)
    parts = [f"{core_hit} of {core_total} core points", f"{len(covered)} of {len(points)} in all"]
    if f.mistakes:
        parts.append(f"{f.mistakes} mistake(s)")
    if f.cues >= 0.75:
        parts.append("reasons, trade-offs and numbers given")
    elif f.cues <= 0.25:
        parts.append("few reasons or numbers")
    return f"{score}: " + ", ".join(parts)


def _links_to_notes(point: RubricPoint) -> list[str]:
    return [re.sub(r"^(\.\./)+", "", link) for link in point.links]


def _clean(text: str) -> str:
    """The text without sentences that try to instruct the grader."""
    kept = [s for s in sentences(text) if not looks_like_injection(s)]
    return " ".join(kept)


def overall_score(
    stages: dict[Stage, StageGrade],
    driving: int,
    level: str,
    hints: int,
    staff_coverage: float | None,
    features: dict[Stage, StageFeatures],
) -> float:
    """0-100: the fitted total of stages, driving, mistakes and coverage, then level and help."""
    if not any(stages[s].score for s in STAGES):
        return 0.0  # no grade without evidence: nothing scored, nothing to total
    vector = overall_vector({s: stages[s].score for s in STAGES}, driving, features)
    score = overall_from(vector, load_weights()) + LEVEL_OFFSET[level]
    score -= min(MAX_HINT_PENALTY, HINT_PENALTY * hints)
    if staff_coverage is not None:
        score *= 0.6 + 0.4 * staff_coverage
    return round(max(0.0, min(100.0, score)), 1)


def _staff_gaps(case: Case, matcher: ClaimMatcher, spans: list[Span]) -> tuple[float, list[str]]:
    """Which staff-level trade-offs the candidate raised (cosine of probe vs sentences)."""
    if not case.staff_probes:
        return 1.0, []
    usable = [s for s in spans if not s.injected and not s.listy]
    if not usable:
        return 0.0, list(case.staff_probes)
    probes = matcher.embed(case.staff_probes)
    sentences = matcher.embed([s.text for s in usable])
    best = (sentences @ probes.T).max(axis=0)
    gaps = [p for p, b in zip(case.staff_probes, best, strict=True) if b < STAFF_PROBE_MATCH]
    return 1 - len(gaps) / len(case.staff_probes), gaps


def finish_report(
    transcript: Transcript,
    case: Case,
    matcher: ClaimMatcher,
    level: str,
    stages: dict[Stage, StageGrade],
    spans: list[Span],
    graded_by: str = "code only",
    features: dict[Stage, StageFeatures] | None = None,
) -> Report:
    """Driving, flags, the total and the verdict, from (possibly refined) stage grades.
    Without the features (a judge's refinement), they are measured again."""
    if features is None:
        reading = read_transcript(transcript, matcher)
        evidence = stage_evidence(reading, matcher)
        features = {s: stage_features(s, case, reading, evidence[s]) for s in STAGES}
    driving = grade_driving(transcript, stages[Stage.CLARIFY_REQUIREMENTS].score)
    hints = sum(1 for h in transcript.help_used if h.get("kind") == "hint")
    staff_coverage, gaps = (None, [])
    if level == "staff":
        staff_coverage, gaps = _staff_gaps(case, matcher, spans)
    overall = overall_score(stages, driving.score, level, hints, staff_coverage, features)
    verdict = verdict_for(overall, level)
    return Report(
        case=case.id,
        case_title=case.title,
        level=level,  # type: ignore[arg-type]
        overall_score=overall,
        verdict=verdict,
        stages=stages,
        dimensions={"driving": driving},
        flags=_flags(transcript, spans),
        verdict_reasons=_reasons(stages, driving, overall, verdict, level, hints, gaps),
        practise_next=_practise_next(stages, driving),
        staff_gaps=gaps,
        help_used=transcript.help_used,
        time_per_stage=transcript.time_per_stage,
        graded_by=graded_by,
        diagram=drawn[-1][1] if (drawn := transcript.diagram_turns()) else None,
        drill=transcript.drill,
    )


def _flags(transcript: Transcript, spans: list[Span]) -> list[str]:
    flags = []
    if any(looks_like_injection(t) for _, t in transcript.candidate_turns()):
        flags.append("suspected_injection")
    if not transcript.candidate_turns():
        flags.append("no_candidate_content")
    if spans and sum(s.listy for s in spans) / len(spans) > 0.3:
        flags.append("keyword_stuffing")
    return flags


def _reasons(
    stages: dict[Stage, StageGrade],
    driving: DimensionGrade,
    overall: float,
    verdict: str,
    level: str,
    hints: int,
    gaps: Sequence[str],
) -> list[str]:
    bars = dict((v, b) for b, v in VERDICT_BARS[level])
    bar = f" (the {level} bar for hire is {bars['hire']:g})"
    best = max(STAGES, key=lambda s: stages[s].score)
    worst = min(STAGES, key=lambda s: stages[s].score)
    reasons = [
        f"overall {overall:g}/100 at {level} level{bar}: {verdict.replace('_', ' ')}",
        f"strongest stage: {best.heading} ({stages[best].score}/4); "
        f"weakest: {worst.heading} ({stages[worst].score}/4)",
        f"driving the interview: {driving.score}/4",
    ]
    mistakes = sum(len(stages[s].mistakes) for s in STAGES)
    if mistakes:
        reasons.append(f"{mistakes} technical mistake(s) found; see each stage for the fix")
    if hints:
        reasons.append(f"{hints} hint(s) used")
    if gaps:
        reasons.append(f"{len(gaps)} staff-level trade-off(s) never raised")
    return reasons


def _practise_next(stages: dict[Stage, StageGrade], driving: DimensionGrade) -> list[str]:
    share = stage_weights()
    order = sorted(STAGES, key=lambda s: (stages[s].score, -share[s]))
    items = []
    for stage in order:
        grade_ = stages[stage]
        todo = grade_.core_missed or grade_.missing
        if grade_.mistakes:
            items.append(
                f"{stage.heading}: {grade_.mistakes[0].fix or grade_.mistakes[0].red_flag}"
            )
        elif todo:
            items.append(f"{stage.heading}: {todo[0]}")
    if driving.score <= 2 and driving.notes:
        items.insert(1, f"Driving the interview: {driving.notes[0]}")
    return items[:3]
