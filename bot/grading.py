"""Grading: rubric scores backed by the candidate's own words.

Our code carries the score: coverage of each stage's rubric points (with a verbatim evidence
span per covered point), depth cues (a justification, a trade-off, a number, a concrete
choice), how the candidate drove the interview, and the level's expectations. A capable
model may refine each stage by at most one point as a judge (`bot.judge`). The total is
always computed here, from the per-stage scores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.claims import ClaimMatcher, PointMatch
from bot.evidence import Span, candidate_spans, cues_in
from bot.injection import looks_like_injection
from bot.knowledge.cases import Case, RubricPoint
from bot.stages import DEFAULT_BUDGET_MINUTES, STAGES, Stage
from bot.transcript import Transcript

Level = Literal["mid", "senior", "staff"]
Verdict = Literal["strong_hire", "hire", "lean_hire", "lean_no_hire", "no_hire"]
LEVELS: tuple[str, ...] = ("mid", "senior", "staff")

#: Lower bounds of the overall score for each verdict, per level.
VERDICT_BARS: dict[str, list[tuple[float, Verdict]]] = {
    "mid": [(78, "strong_hire"), (58, "hire"), (46, "lean_hire"), (34, "lean_no_hire")],
    "senior": [(84, "strong_hire"), (66, "hire"), (54, "lean_hire"), (40, "lean_no_hire")],
    "staff": [(88, "strong_hire"), (74, "hire"), (62, "lean_hire"), (48, "lean_no_hire")],
}
#: Share of rubric points a stage needs covered for full coverage credit, per level.
FULL_COVERAGE = {"mid": 0.55, "senior": 0.65, "staff": 0.7}
CLARIFY_FULL = {"mid": 0.75, "senior": 0.85, "staff": 0.9}
DRIVING_WEIGHT = 0.2
#: A stage is "attempted" (score 1 at least) when some sentence comes this close to a point.
ATTEMPT_THRESHOLD = 0.38
HINT_PENALTY = 1.5


class StageGrade(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=4)
    evidence: list[str]
    missing: list[str]
    citations: list[str]
    covered: list[str] = Field(default_factory=list)
    depth: list[str] = Field(default_factory=list)
    strong_answer: list[str] = Field(default_factory=list)
    reading: list[str] = Field(default_factory=list)


class DimensionGrade(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=4)
    evidence: list[str]
    notes: list[str] = Field(default_factory=list)


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: str
    case_title: str = ""
    level: Level = "senior"
    overall_score: float = Field(ge=0, le=100)
    verdict: Verdict
    stages: dict[Stage, StageGrade]
    dimensions: dict[str, DimensionGrade]
    flags: list[str]
    verdict_reasons: list[str] = Field(default_factory=list)
    practise_next: list[str] = Field(default_factory=list)
    staff_gaps: list[str] = Field(default_factory=list)
    help_used: list[dict] = Field(default_factory=list)
    time_per_stage: dict[str, float] = Field(default_factory=dict)
    graded_by: str = "code"

    def contract(self) -> dict:
        """The report JSON of the contract (plus extra keys, which readers ignore)."""
        return self.model_dump(mode="json")


def _stage_score(
    coverage: float, depth: set[str], listy_only: bool, attempted: bool, level: str
) -> int:
    """0 not covered, 1 weak (touched, nothing covered or only a list of terms), 2-4 by
    coverage of the rubric times depth (a justification, trade-off, number, choice)."""
    if coverage == 0:
        return 1 if attempted else 0
    if listy_only:
        return 1
    base = 4 * min(1.0, coverage / FULL_COVERAGE[level])
    score = base * (0.5 + 0.5 * min(1.0, len(depth) / 3))
    return max(1, min(4, round(score)))


def _links_to_notes(point: RubricPoint) -> list[str]:
    return [re.sub(r"^(\.\./)+", "", link) for link in point.links]


def grade_stage(
    stage: Stage,
    points: list[RubricPoint],
    matches: dict[str, PointMatch],
    case: Case,
    turn_texts: dict[int, str],
    level: str,
    answered: dict[int, bool] | None = None,
) -> StageGrade:
    covered = [matches[p.id] for p in points if matches[p.id].covered]
    evidence_spans = _unique_spans(m.span for m in covered)
    turns = {s.turn for s in evidence_spans}
    depth = cues_in([s.text for s in evidence_spans] + [_clean(turn_texts[t]) for t in turns])
    listy_only = bool(evidence_spans) and all(s.listy for s in evidence_spans)
    attempted = any(matches[p.id].attempt >= ATTEMPT_THRESHOLD for p in points)
    if stage == Stage.CLARIFY_REQUIREMENTS:
        return _clarify_grade(stage, points, covered, matches, case, turn_texts, level)
    missing = [p for p in points if not matches[p.id].covered]
    reading = sorted({link for p in points for link in _links_to_notes(p)})
    score = _stage_score(len(covered) / len(points), depth, listy_only, attempted, level)
    if answered and turns and sum(answered.get(t, True) for t in turns) < len(turns) / 2:
        score = max(1, score - 1)  # the points came mostly in replies to other questions
    return StageGrade(
        score=score,
        evidence=[s.text for s in evidence_spans][:5],
        missing=[p.text for p in missing],
        citations=[f"framework/{stage.value}.md", case.source, *reading],
        covered=[m.point.text for m in covered],
        depth=sorted(depth),
        strong_answer=[p.text for p in points],
        reading=reading,
    )


def _clarify_grade(
    stage: Stage,
    points: list[RubricPoint],
    covered: list[PointMatch],
    matches,
    case: Case,
    turn_texts: dict[int, str],
    level: str,
) -> StageGrade:
    """Clarifying is asking: no question asked scores 0, whatever else was said; the score
    is the share of the requirement topics the candidate asked about."""
    asked = any("?" in _clean(t) for t in turn_texts.values())
    covered = covered if asked else []
    coverage = len(covered) / len(points)
    score = 0 if not asked else max(1, min(4, round(4 * coverage / CLARIFY_FULL[level])))
    evidence = _unique_spans(m.span for m in covered)
    reading = sorted({link for p in points for link in _links_to_notes(p)})
    return StageGrade(
        score=score,
        evidence=[s.text for s in evidence][:5],
        missing=[p.text for p in points if p.id not in {m.point.id for m in covered}],
        citations=[f"framework/{stage.value}.md", case.source, *reading],
        covered=[m.point.text for m in covered],
        depth=[],
        strong_answer=[p.text for p in points],
        reading=reading,
    )


def _unique_spans(spans) -> list[Span]:
    """Distinct evidence, longest first; a span inside another kept span is dropped."""
    kept: list[Span] = []
    for span in sorted((s for s in spans if s is not None), key=lambda s: -len(s.text)):
        if not any(span.turn == k.turn and span.text in k.text for k in kept):
            kept.append(span)
    return kept


def _clean(text: str) -> str:
    """The turn without sentences that try to instruct the grader."""
    kept = [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if not looks_like_injection(s)]
    return " ".join(kept)


DRIVING_CUES: dict[str, re.Pattern] = {
    "stated a plan": re.compile(
        r"\b(my plan|here's my plan|the plan is|i'll (start|begin) (with|by)|let me (outline|"
        r"structure|lay out)|i'd like to (structure|cover|go through|spend)|i'll walk through|"
        r"first,? i'll|i'll cover|(roughly )?in that order|in this order|structure (it|this) as|"
        r"then i'll|after that,? (i'll|go through|we)|before i design)\b",
        re.I,
    ),
    "signposted transitions": re.compile(
        r"\b(moving on|let's move (on|to)|next,? (let's|i'll)|now let's|let's (talk|turn) (about|"
        r"to)|that covers|switching to|on to (the )?(data|model|evaluation|serving|deployment|"
        r"monitoring)|to summari[sz]e|let me recap|let me (play|read) (that|it) back|"
        r"let me walk through|(offline|serving|monitoring|data) first|that's (the|my) (model|"
        r"data|evaluation|serving) (side|plan|story)|shall we)\b",
        re.I,
    ),
    "checked in": re.compile(
        r"(does that (make sense|sound (right|good|reasonable))|should i (go|dive|continue|"
        r"move)|would you like me to|do you want me to|shall i|is that (okay|ok|fine|"
        r"reasonable)|any (questions|concerns) (so far|before)|are you happy with|sound good\?|"
        r"i'll check in|let me know if|is that (the|what) you|does that match|happy to go deeper|"
        r"want me to go deeper|which would you prefer|okay with you|ok with you)",
        re.I,
    ),
    "managed the clock": re.compile(
        r"\b(in the interest of time|given (the )?time|time check|to save time|i'll be brief|"
        r"for time|minutes left|quickly cover|briefly)\b",
        re.I,
    ),
}


def grade_driving(transcript: Transcript, clarify_score: int) -> DimensionGrade:
    """How the candidate drove: clarified first, planned, signposted, checked in, timed."""
    candidate = [_clean(t) for _, t in transcript.candidate_turns()]
    evidence: list[str] = []
    notes: list[str] = []
    earned = 0.0
    questions = sum(t.count("?") for t in candidate[:3])
    if questions:
        earned += 1 if questions >= 2 else 0.5
        evidence.append(_first_question(candidate))
    else:
        notes.append("did not ask clarifying questions before designing")
    for name, pattern in DRIVING_CUES.items():
        hits = [_sentence_with(t, pattern) for t in candidate if pattern.search(t)]
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
    return DimensionGrade(score=min(4, int(earned + 0.5)), evidence=evidence[:5], notes=notes)


def _first_question(candidate: list[str]) -> str:
    for text in candidate[:3]:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if sentence.strip().endswith("?"):
                return sentence.strip()
    return candidate[0][:200]


def _sentence_with(text: str, pattern: re.Pattern) -> str:
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        if pattern.search(sentence):
            return sentence.strip()
    return text[:200]


def _weights() -> dict[Stage, float]:
    total = sum(DEFAULT_BUDGET_MINUTES.values())
    return {s: DEFAULT_BUDGET_MINUTES[s] / total for s in STAGES}


def overall_score(
    stages: dict[Stage, StageGrade], driving: int, hints: int, staff_coverage: float | None
) -> float:
    """0-100 from the stage scores, the driving score, hints used and the staff bar."""
    weights = _weights()
    stage_part = sum(weights[s] * stages[s].score / 4 for s in STAGES)
    score = 100 * ((1 - DRIVING_WEIGHT) * stage_part + DRIVING_WEIGHT * driving / 4)
    score -= min(6.0, HINT_PENALTY * hints)
    if staff_coverage is not None:
        score *= 0.6 + 0.4 * staff_coverage
    return round(max(0.0, min(100.0, score)), 1)


def verdict_for(score: float, level: str) -> Verdict:
    for bar, verdict in VERDICT_BARS[level]:
        if score >= bar:
            return verdict
    return "no_hire"


def _staff_gaps(case: Case, matcher: ClaimMatcher, spans: list[Span]) -> tuple[float, list[str]]:
    """Which staff-level trade-offs the candidate raised (cosine of probe vs sentences)."""
    if not case.staff_probes:
        return 1.0, []
    import numpy as np

    usable = [s for s in spans if not s.injected and not s.listy]
    if not usable:
        return 0.0, list(case.staff_probes)
    probes = np.array(matcher.embeddings.embed_documents(case.staff_probes))
    sentences = np.array(matcher.embeddings.embed_documents([s.text for s in usable]))
    best = (sentences @ probes.T).max(axis=0)
    gaps = [p for p, b in zip(case.staff_probes, best, strict=True) if b < 0.5]
    return 1 - len(gaps) / len(case.staff_probes), gaps


def grade(
    transcript: Transcript, case: Case, matcher: ClaimMatcher, level: str = "senior"
) -> Report:
    """The code's report for a transcript (no model involved)."""
    candidate = transcript.candidate_turns()
    spans = candidate_spans(candidate)
    matches = matcher.match(spans)
    texts = dict(candidate)
    answered = answered_turns(transcript, matcher.embeddings)
    stages = {
        s: grade_stage(s, case.rubric(s), matches, case, texts, level, answered) for s in STAGES
    }
    return finish_report(transcript, case, matcher, level, stages, spans)


ANSWER_RELEVANCE = 0.25


def answered_turns(transcript: Transcript, embeddings) -> dict[int, bool]:
    """For each candidate turn that follows an interviewer question: did it address it?"""
    import numpy as np

    pairs = [
        (i, transcript.turns[i - 1].content, turn.content)
        for i, turn in enumerate(transcript.turns)
        if i
        and turn.role == "candidate"
        and transcript.turns[i - 1].role == "interviewer"
        and "?" in transcript.turns[i - 1].content
    ]
    if not pairs:
        return {}
    questions = np.array(embeddings.embed_documents([q[-400:] for _, q, _ in pairs]))
    answers = np.array(embeddings.embed_documents([_clean(a)[:1200] for _, _, a in pairs]))
    relevance = (questions * answers).sum(axis=1)
    return {i: bool(r >= ANSWER_RELEVANCE) for (i, _, _), r in zip(pairs, relevance, strict=True)}


def finish_report(
    transcript: Transcript,
    case: Case,
    matcher: ClaimMatcher,
    level: str,
    stages: dict[Stage, StageGrade],
    spans: list[Span],
    graded_by: str = "code",
) -> Report:
    """Driving, flags, the total and the verdict, from (possibly refined) stage grades."""
    driving = grade_driving(transcript, stages[Stage.CLARIFY_REQUIREMENTS].score)
    hints = sum(1 for h in transcript.help_used if h.get("kind") == "hint")
    staff_coverage, gaps = (None, [])
    if level == "staff":
        staff_coverage, gaps = _staff_gaps(case, matcher, spans)
    overall = overall_score(stages, driving.score, hints, staff_coverage)
    verdict = verdict_for(overall, level)
    flags = _flags(transcript, spans)
    return Report(
        case=case.id,
        case_title=case.title,
        level=level,  # type: ignore[arg-type]
        overall_score=overall,
        verdict=verdict,
        stages=stages,
        dimensions={"driving": driving},
        flags=flags,
        verdict_reasons=_reasons(stages, driving, overall, verdict, level, hints, gaps),
        practise_next=_practise_next(stages, driving),
        staff_gaps=gaps,
        help_used=transcript.help_used,
        time_per_stage=transcript.time_per_stage,
        graded_by=graded_by,
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
    if hints:
        reasons.append(f"{hints} hint(s) used")
    if gaps:
        reasons.append(f"{len(gaps)} staff-level trade-off(s) never raised")
    return reasons


def _practise_next(stages: dict[Stage, StageGrade], driving: DimensionGrade) -> list[str]:
    weights = _weights()
    order = sorted(STAGES, key=lambda s: (stages[s].score, -weights[s]))
    items = []
    for stage in order:
        grade_ = stages[stage]
        if grade_.missing:
            items.append(f"{stage.heading}: {grade_.missing[0]}")
    if driving.score <= 2 and driving.notes:
        items.insert(1, f"Driving the interview: {driving.notes[0]}")
    return items[:3]
