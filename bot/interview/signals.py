"""Read a candidate turn once, into one `TurnSignals` value every rule decides from.

Reading embeds the turn's sentences once (through the shared claim matcher, which keeps the
vectors, so the grader later reuses them) and finds: how strongly the turn speaks to each
stage, which key points it covers, the red flags it states (with the sentence), the
techniques it names (aliases of concept notes), the questions it asks (split into parts,
each with the fact that answers it), what it asks the interviewer for, and whether it
carries any content at all. Nothing here changes the interview state.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from enum import StrEnum

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from bot.claims import ClaimMatcher
from bot.cues import (
    CHECK_IN,
    CONCEPT_QUESTION,
    DESIGN_COMMITMENT,
    DESIGN_QUESTION,
    DONE,
    HINT_REQUEST,
    JUMP,
    LARGE_CATALOGUE,
    MOVE_ON,
    NO_CONTENT,
    QUESTION_FORM,
    RUBRIC_REQUEST,
    choice_named,
    sentences,
    stages_named,
)
from bot.diagram import Diagram, DiagramGap, diagram_gaps
from bot.evidence import Span, candidate_spans, drawn_spans
from bot.injection import hidden_parts, looks_like_injection
from bot.knowledge.notes import ConceptNote
from bot.knowledge.sections import RedFlag
from bot.policy import (
    COVER_THRESHOLD,
    DICTATED_QUESTION_WORDS,
    FACT_MATCH,
    QUESTION_TURN_WORDS,
    QUOTE_WORDS,
    UNMARKED_QUESTION_WORDS,
)
from bot.retrieval import words
from bot.stages import STAGES, Stage
from bot.topics import FACT_TOPICS


class Request(StrEnum):
    HINT = "hint"
    RUBRIC = "rubric"
    MOVE_ON = "move_on"
    DONE = "done"


class FlagHit(BaseModel):
    """A red flag the candidate stated, with their own sentence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    flag_id: str
    stage: Stage
    challenge: str
    quote: str
    estimate: bool = False


class TechniqueHit(BaseModel):
    """A technique the candidate named: a concept note's alias, as they wrote it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    concept: str
    named: str
    probes: list[str]


class QuestionPart(BaseModel):
    """One thing a question asks, and the fact that answers it (None: no fact does)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    fact: int | None


class TurnSignals(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    words: int
    content: bool
    injection: bool
    substantive: bool
    requests: list[Request] = Field(default_factory=list)
    questions: list[QuestionPart] = Field(default_factory=list)
    design_question: bool = False
    concept_question: bool = False
    strength: dict[Stage, float] = Field(default_factory=dict)
    covers: dict[Stage, list[str]] = Field(default_factory=dict)
    flags: list[FlagHit] = Field(default_factory=list)
    techniques: list[TechniqueHit] = Field(default_factory=list)
    jump: Stage | None = None
    choice: str | None = None
    diagram_gaps: list[DiagramGap] = Field(default_factory=list)

    def asks(self, request: Request) -> bool:
        return request in self.requests

    @property
    def answered_parts(self) -> list[int]:
        return [p.fact for p in self.questions if p.fact is not None]


_MARKUP = re.compile(r"<[^>]*>|&[a-z]+;|[`*_#>\[\]{}|\\]")
_WORD = re.compile(r"[A-Za-z]{2,}")


#: A second reader of red flags (bot.flag_check with a server model): the sentences of a
#: turn that state a mistake, with the flag.
FlagCheck = Callable[[str], list[tuple[str, RedFlag]]]


class TurnReader:
    """Reads turns of one case: the matcher's points and flags, the concept notes' aliases,
    and, when given, a model's reading of red flags the code did not see."""

    def __init__(
        self,
        matcher: ClaimMatcher,
        concepts: Sequence[ConceptNote],
        flag_check: FlagCheck | None = None,
    ) -> None:
        self.matcher = matcher
        self.flag_check = flag_check
        self.case = matcher.case
        self._aliases = _alias_patterns(concepts)
        self._large_catalogue = any(
            LARGE_CATALOGUE.search(w) for p in matcher.points for w in p.wordings
        )

    def read(
        self,
        text: str,
        stage: Stage | None,
        last_question: str = "",
        diagram: Diagram | None = None,
    ) -> TurnSignals:
        """The turn's signals; `diagram` is the whiteboard when it changed on this turn, read
        as the candidate's words (its arrows) and checked for gaps."""
        spans = candidate_spans([(0, text)])
        if diagram is not None:
            spans += drawn_spans(0, diagram)
        spans = [s for s in spans if not s.injected]
        strength, covers, flags = self._claims(spans)
        flags += self._checked_flags(text, stage, {f.flag_id for f in flags})
        return TurnSignals(
            text=text,
            words=len(text.split()),
            content=has_content(text, last_question),
            injection=looks_like_injection(text),
            substantive=any(len(s.text.split()) >= 8 for s in spans),
            requests=read_requests(text),
            questions=self._questions(text),
            design_question=bool(DESIGN_QUESTION.search(text)) and len(text.split()) <= 30,
            concept_question=_concept_question(text),
            strength=strength,
            covers=covers,
            flags=flags,
            techniques=self._techniques(text),
            jump=signposted_jump(stage, text) if stage else None,
            choice=choice_named(text),
            diagram_gaps=diagram_gaps(diagram, self._large_catalogue) if diagram else [],
        )

    def _claims(self, spans: list[Span]):
        strength = {s: 0.0 for s in STAGES}
        covers: dict[Stage, list[str]] = {s: [] for s in STAGES}
        if not spans:
            return strength, covers, []
        reading = self.matcher.read(spans)
        for j, point in enumerate(self.matcher.points):
            value = float(reading.points[:, j].max())
            strength[point.stage] = max(strength[point.stage], value)
            if value >= COVER_THRESHOLD:
                covers[point.stage].append(point.id)
        flags = [
            FlagHit(
                flag_id=m.flag.id,
                stage=m.flag.stage,
                challenge=m.flag.challenge or "Why that choice?",
                quote=quote_of(m.span.text),
                estimate="/estimates/" in m.flag.id,
            )
            for m in reading.flag_matches(self.matcher.flags)
        ]
        return strength, covers, flags

    def _checked_flags(self, text: str, stage: Stage | None, known: set[str]) -> list[FlagHit]:
        if self.flag_check is None or stage is None:
            return []
        return [
            FlagHit(
                flag_id=flag.id,
                stage=flag.stage or stage,
                challenge=flag.challenge or "Why that choice?",
                quote=quote_of(sentence),
            )
            for sentence, flag in self.flag_check(text)
            if flag.id not in known
        ]

    def _questions(self, text: str) -> list[QuestionPart]:
        asked = questions_in(text)
        if not asked or not self.case.facts:
            return [QuestionPart(text=q, fact=None) for q in asked]
        vectors = self.matcher.embed(asked)
        scores = self.matcher.fact_closeness(vectors)
        bonus = np.array([[_label_bonus(q, f.label) for f in self.case.facts] for q in asked])
        scores = scores + bonus
        parts = []
        for i, question in enumerate(asked):
            best = int(np.argmax(scores[i]))
            parts.append(
                QuestionPart(text=question, fact=best if scores[i, best] >= FACT_MATCH else None)
            )
        return parts

    def _techniques(self, text: str) -> list[TechniqueHit]:
        """Concepts named in the turn, the most specific first: the name fewest of the case's
        key points use ("isotonic regression" before "embeddings"), then by position."""
        found: list[tuple[int, int, TechniqueHit]] = []
        seen: set[str] = set()
        for concept, pattern in self._aliases:
            hit = pattern.search(text)
            if hit and concept.id not in seen and concept.probes:
                seen.add(concept.id)
                named = TechniqueHit(concept=concept.id, named=hit.group(0), probes=concept.probes)
                found.append((self._points_naming(hit.group(0)), hit.start(), named))
        return [hit for *_, hit in sorted(found, key=lambda found: found[:2])]

    def _points_naming(self, name: str) -> int:
        lowered = name.lower()
        return sum(any(lowered in w.lower() for w in p.wordings) for p in self.matcher.points)


def has_content(text: str, last_question: str = "") -> bool:
    """Whether the turn says anything: markup, filler and a lone word do not, unless the
    word answers a choice the interviewer offered ("online or batch?" → "batch")."""
    visible = text
    for part in hidden_parts(text):
        visible = visible.replace(part, " ")
    visible = _MARKUP.sub(" ", visible)
    tokens = _WORD.findall(visible)
    if not tokens or NO_CONTENT.match(visible.strip()):
        return False
    if len(tokens) == 1:
        return tokens[0].lower() in set(words(last_question))
    return True


def questions_in(text: str) -> list[str]:
    """The questions of a turn, each split into the things it asks. A sentence is a question
    by its mark, or (in a short turn with no mark at all, as in speech) by its form; a
    check-in ("does that make sense?") is not a question for the interviewer."""
    said = sentences(text)
    marked = [s for s in said if s.endswith("?")]
    if not marked and "?" not in text and _dictated_question(text):
        marked = [s for s in said if QUESTION_FORM.search(s)]
    asked = [s for s in marked if not CHECK_IN.search(s)]
    return [part for question in asked for part in question_parts(question)]


def _dictated_question(text: str) -> bool:
    """A turn with no question mark that may still be questions: short, or of moderate
    length and committing to no design (dictated questions run long with their lead-ins)."""
    length = len(text.split())
    if length <= UNMARKED_QUESTION_WORDS:
        return True
    return length <= DICTATED_QUESTION_WORDS and not DESIGN_COMMITMENT.search(text)


#: Where a question goes on to ask the next thing: ", and", "also" or "; ", or a bare "and"
#: before a question word ("...page and how much of that does ranking get"), or a spoken
#: "the other thing is"; a bare "and" inside a list ("clicks and carts") does not split.
_NEXT_QUESTION = re.compile(
    r"(?:, (?:and|also|plus)\b,? (?:(?:then|uh+|um+|like|separately|so)\b,? )*"
    r"| \b(?:and|also|plus)\b,? (?:(?:then|uh+|um+|like|separately|so)\b,? )*"
    r"(?=(?:what|what's|how|is|are|do|does|did|which|when|where|who|can|could|any|will)\b)"
    r"|; |,? \b(?:and )?(?:then )?the other thing is\b,?)",
    re.I,
)


def question_parts(question: str) -> list[str]:
    """'What's the scale, and how much latency do we get?' asks two things."""
    parts = [p.strip(" ,") for p in _NEXT_QUESTION.split(question) if p and p.strip(" ,")]
    if len(parts) < 2 or any(len(p.split()) < 3 for p in parts):
        return [question]
    return parts


def signposted_jump(stage: Stage, text: str) -> Stage | None:
    """A later stage the candidate names while saying they move on ("let me jump to
    serving"), from the first sentence only."""
    first = re.split(r"(?<=[.!?:])\s+", text.strip(), maxsplit=1)[0]
    if not JUMP.search(first):
        return None
    later = [s for s in stages_named(first) if s.index > stage.index]
    return min(later, key=lambda s: s.index) if later else None


def quote_of(sentence: str) -> str:
    """The candidate's sentence, cut to a short quote at a word boundary."""
    tokens = sentence.split()
    quote = " ".join(tokens[:QUOTE_WORDS]).rstrip(".,;:!?")
    return quote + ("…" if len(tokens) > QUOTE_WORDS else "")


def read_requests(text: str) -> list[Request]:
    """What the turn asks the interviewer for, beyond an answer."""
    table = [
        (Request.RUBRIC, RUBRIC_REQUEST),
        (Request.HINT, HINT_REQUEST),
        (Request.DONE, DONE),
        (Request.MOVE_ON, MOVE_ON),
    ]
    return [request for request, cue in table if cue.search(text)]


def _concept_question(text: str) -> bool:
    stripped = text.strip()
    return (
        bool(CONCEPT_QUESTION.search(stripped))
        and stripped.endswith("?")
        and len(stripped.split()) <= QUESTION_TURN_WORDS // 3
    )


def _label_bonus(question: str, label: str | None) -> float:
    """Our own cue table, because a small embedding model matches short questions poorly."""
    if not label:
        return 0.0
    for asks, answers in FACT_TOPICS:
        if asks.search(question) and answers.search(label):
            return 0.3
    shared = set(words(question)) & set(words(label))
    return 0.15 if shared else 0.0


#: Aliases too common to count as naming a technique.
_TOO_COMMON = {"auc", "cnn", "bert", "click-through rate", "ttl", "evals", "cf", "ann"}


def _alias_patterns(concepts: Sequence[ConceptNote]) -> list[tuple[ConceptNote, re.Pattern]]:
    """One pattern per concept over its title and aliases; short all-capital aliases
    (HNSW, MMoE's relatives) must match in capitals, so "ann" in prose is not ANN."""
    patterns = []
    for concept in concepts:
        names = [a for a in [concept.title, *concept.aliases] if a.lower() not in _TOO_COMMON]
        loose = [re.escape(a) for a in names if len(a) > 4 or not a.isupper()]
        strict = [re.escape(a) for a in names if len(a) <= 4 and a.isupper()]
        parts = []
        if loose:
            parts.append(rf"(?i:\b(?:{'|'.join(sorted(loose, key=len, reverse=True))})\b)")
        if strict:
            parts.append(rf"\b(?:{'|'.join(strict)})\b")
        if parts:
            patterns.append((concept, re.compile("|".join(parts))))
    return patterns
