"""Reading a transcript once: which stage each candidate sentence was said in, what it
claims (through the shared claim matcher), and which stages were reached or declined.

Transcripts from our own interviews record the stage of every turn. Transcripts from
elsewhere do not, so the stage is followed from the interviewer's questions (only their
question sentences: a fact read out during clarifying names "serving" without moving the
interview there) and from the candidate's own signposts ("moving on to evaluation").
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.claims import ClaimMatcher, Reading
from bot.cues import DECLINE, RETURN, is_assumption, is_question, sentences, stages_named
from bot.evidence import Span, candidate_spans, diagram_spans
from bot.policy import DECLINE_MAX_WORDS, FACT_ECHO
from bot.stages import STAGES, Stage
from bot.transcript import Transcript


@dataclass(frozen=True)
class Said:
    """A span of the candidate's words and the stage the interview was in when said."""

    span: Span
    stage: Stage
    question: bool
    assumption: bool


@dataclass(frozen=True)
class TranscriptReading:
    said: list[Said]
    claims: Reading
    turn_stage: dict[int, Stage]
    declined: set[Stage]
    asked: set[int]

    def reached(self) -> set[Stage]:
        return set(self.turn_stage.values())


def read_transcript(transcript: Transcript, matcher: ClaimMatcher) -> TranscriptReading:
    turn_stage = turn_stages(transcript)
    spans = candidate_spans(transcript.candidate_turns())
    spans += diagram_spans(transcript.diagram_turns())
    said = [Said(s, turn_stage[s.turn], is_question(s.text), is_assumption(s.text)) for s in spans]
    return TranscriptReading(
        said=said,
        claims=matcher.read(spans),
        turn_stage=turn_stage,
        declined=_declined(transcript, turn_stage),
        asked=_asked(transcript, turn_stage, matcher),
    )


def turn_stages(transcript: Transcript) -> dict[int, Stage]:
    """The stage of every candidate turn."""
    current = Stage.CLARIFY_REQUIREMENTS
    found: dict[int, Stage] = {}
    for i, turn in enumerate(transcript.turns):
        recorded = _recorded(turn.stage)
        if recorded is not None:
            current = recorded
        elif turn.role == "interviewer" and i > 0:
            current = _after_interviewer(turn.content, current)
        elif turn.role == "candidate":
            current = _after_signpost(turn.content, current)
        if turn.role == "candidate":
            found[i] = current
    return found


def _recorded(value: str | None) -> Stage | None:
    return Stage(value) if value in {s.value for s in STAGES} else None


def _after_interviewer(text: str, current: Stage) -> Stage:
    questions = [s for s in sentences(text) if is_question(s)]
    named = [s for q in questions for s in stages_named(q) if s != Stage.CLARIFY_REQUIREMENTS]
    later = [s for s in named if s.index > current.index]
    if later:
        return min(later, key=lambda s: s.index)
    earlier = [s for s in named if s.index < current.index]
    if earlier and any(RETURN.search(q) for q in questions):
        return min(earlier, key=lambda s: s.index)
    return current


def _after_signpost(text: str, current: Stage) -> Stage:
    """A candidate who opens a turn by naming a later stage has moved there."""
    opening = " ".join(sentences(text)[:1])[:160]
    later = [s for s in stages_named(opening) if s.index > current.index]
    return min(later, key=lambda s: s.index) if later else current


def _declined(transcript: Transcript, turn_stage: dict[int, Stage]) -> set[Stage]:
    """Stages whose every candidate turn is a short "I haven't thought about that"."""
    by_stage: dict[Stage, list[str]] = {}
    for index, stage in turn_stage.items():
        by_stage.setdefault(stage, []).append(transcript.turns[index].content)
    return {
        stage
        for stage, texts in by_stage.items()
        if all(DECLINE.search(t) and len(t.split()) <= DECLINE_MAX_WORDS for t in texts)
    }


def _asked(transcript: Transcript, turn_stage: dict[int, Stage], matcher: ClaimMatcher) -> set[int]:
    """Clarifying turns that asked something: a question by its form, a stated assumption,
    or a turn the interviewer answered with one of the case's facts."""
    clarify = [i for i, s in turn_stage.items() if s == Stage.CLARIFY_REQUIREMENTS]
    asked = {
        i
        for i in clarify
        if any(is_question(s) or is_assumption(s) for s in sentences(transcript.turns[i].content))
    }
    replies = [
        (i, transcript.turns[i + 1].content)
        for i in clarify
        if i not in asked
        and i + 1 < len(transcript.turns)
        and transcript.turns[i + 1].role == "interviewer"
    ]
    if replies and matcher.case.facts:
        vectors = matcher.embed([text for _, text in replies])
        echoed = (vectors @ matcher.fact_vectors.T).max(axis=1) >= FACT_ECHO
        asked |= {i for (i, _), hit in zip(replies, echoed, strict=True) if bool(hit)}
    return asked
