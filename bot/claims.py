"""The claim matcher: what the candidate's words claim, read against the case's knowledge.

The interviewer and the grader both use this one matcher, so they agree on what was said.
A claim is a key point (its text plus its `also:` wordings and accepted alternatives) or a
red flag (a wrong claim, with its wordings; its `fix:` is the sound counterpart). Spans are
embedded once; a claim's similarity to a span is the best over its wordings.

A red flag matches a span only when three things hold: the span is close to one of the
flag's wordings; it is closer to the mistake than to the flag's fix (a candidate who says
the correct thing is not accused of the wrong one); and the span and that wording agree in
polarity (a candidate who says "accuracy would be misleading here" is criticising the
mistake, not making it).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.cues import (
    MISTAKE_CUES,
    FlagCues,
    MistakeCue,
    describes_status_quo,
    is_negated,
    is_question,
    key_terms,
    words_of,
)
from bot.evidence import Span
from bot.knowledge.cases import Case, RubricPoint
from bot.knowledge.sections import RedFlag
from bot.numbers import CHECKED_KINDS, fact_values, off_by, quantities
from bot.policy import (
    COVER_THRESHOLD,
    CUE_TOPIC,
    ESTIMATE_MATCH,
    ESTIMATE_OFF,
    FLAG_FIX_MARGIN,
    FLAG_MATCH,
    LIST_PENALTY,
    POINT_COSINE_WEIGHT,
    VECTOR_CACHE,
)
from bot.retrieval import words
from bot.stages import STAGES, Stage
from bot.topics import topics_asked


@dataclass(frozen=True)
class PointMatch:
    point: RubricPoint
    span: Span | None
    strength: float
    attempt: float = 0.0

    @property
    def covered(self) -> bool:
        return self.span is not None and self.strength >= COVER_THRESHOLD


@dataclass(frozen=True)
class FlagMatch:
    """A span that states a red flag's mistake."""

    flag: RedFlag
    span: Span
    strength: float


@dataclass(frozen=True)
class Reading:
    """One pass of the matcher over some spans: everything consumers need, computed once."""

    spans: list[Span]
    vectors: np.ndarray
    points: np.ndarray
    raw_points: np.ndarray
    flags: np.ndarray

    def flag_matches(self, flags: Sequence[RedFlag]) -> list[FlagMatch]:
        """Each span that states a mistake, with the one flag it states best."""
        found = []
        for i, span in enumerate(self.spans):
            if not self.flags.shape[1] or span.injected:
                continue
            j = int(np.argmax(self.flags[i]))
            if self.flags[i, j] > 0:
                found.append(FlagMatch(flags[j], span, float(self.flags[i, j])))
        return found


class _Wordings:
    """Embedded wordings of a list of claims, grouped by claim for a best-of reduction."""

    def __init__(self, groups: list[list[str]], embeddings: Embeddings) -> None:
        flat = [text for group in groups for text in group]
        self.starts = np.cumsum([0] + [len(g) for g in groups[:-1]]) if groups else np.array([])
        self.vectors = np.array(embeddings.embed_documents(flat)) if flat else np.zeros((0, 1))
        self.negated = np.array([is_negated(text) for text in flat], dtype=bool)
        self.count = len(groups)

    def best(self, vectors: np.ndarray, span_negated: np.ndarray | None = None) -> np.ndarray:
        """(spans × claims): the best cosine over each claim's wordings; with polarities
        given, wordings whose polarity differs from the span's are left out."""
        if not self.count or not len(vectors):
            return np.zeros((len(vectors), self.count))
        cosine = vectors @ self.vectors.T
        if span_negated is not None:
            differ = span_negated[:, None] != self.negated[None, :]
            cosine = np.where(differ, -1.0, cosine)
        return np.maximum.reduceat(cosine, self.starts, axis=1)


class ClaimMatcher:
    """Matches spans against one case's key points and red flags (case and framework)."""

    def __init__(
        self, case: Case, embeddings: Embeddings, framework_flags: Sequence[RedFlag] = ()
    ) -> None:
        self.case = case
        self.embeddings = embeddings
        self._vectors: dict[str, np.ndarray] = {}
        self.points = [p for s in STAGES for p in case.rubric(s)]
        self.flags = [f for s in STAGES for f in case.red_flags(s)] + list(framework_flags)
        self._estimates = [
            (len(self.flags) + k, quantities(e.text)) for k, e in enumerate(case.estimates)
        ]
        self.flags += [_estimate_flag(case, k) for k in range(len(case.estimates))]
        self._estimate_vectors = self.embed([f"{e.label}: {e.text}" for e in case.estimates])
        self._fact_values = fact_values(case)
        self._points = _Wordings([[_topic(p.text), *p.also] for p in self.points], embeddings)
        self._point_topics = [
            topics_asked(p.text) if p.stage == Stage.CLARIFY_REQUIREMENTS else set()
            for p in self.points
        ]
        self._flags = _Wordings([f.wordings for f in self.flags], embeddings)
        self._fixes = _Wordings([[f.fix or f.text] for f in self.flags], embeddings)
        self._has_fix = np.array([f.fix is not None for f in self.flags], dtype=bool)
        self._flag_terms = [set().union(*(key_terms(w) for w in f.wordings)) for f in self.flags]
        self._cue_flags = {cue.name: self._flags_for(cue) for cue in MISTAKE_CUES}
        own = {j: FlagCues.of(f.cues, f.unless) for j, f in enumerate(self.flags)}
        self._term_cues = [(j, cues) for j, cues in own.items() if cues.cues]
        self._vetoes = {j: cues.unless for j, cues in own.items() if cues.unless is not None}
        self._terms = _distinctive_terms(self.points)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of texts; each text is embedded once per matcher, so a turn the
        interviewer has read is not embedded again when the interview is graded. Safe
        across threads: a concurrent reset of the cache only costs a re-embedding."""
        found = {t: v for t in set(texts) if (v := self._vectors.get(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = dict(
                zip(missing, np.array(self.embeddings.embed_documents(missing)), strict=True)
            )
            if len(self._vectors) + len(fresh) > VECTOR_CACHE:
                self._vectors = {}
            self._vectors.update(fresh)
            found.update(fresh)
        if not texts:
            return np.zeros((0, self._points.vectors.shape[1]))
        return np.array([found[t] for t in texts])

    @cached_property
    def fact_vectors(self) -> np.ndarray:
        return self.embed([f"{f.label or ''}: {f.text}" for f in self.case.facts])

    def fact_closeness(self, vectors: np.ndarray) -> np.ndarray:
        """(texts × facts): each text's best cosine to a fact as a whole or to one of its
        clauses under its label, since a short question ("the average CTR?") matches the
        clause that answers it ("average CTR 0.8 percent") far better than a long fact."""
        clause_vectors, owners = self._fact_clauses
        closeness = vectors @ self.fact_vectors.T
        by_clause = vectors @ clause_vectors.T
        for j in range(len(self.case.facts)):
            mine = by_clause[:, owners == j]
            if mine.shape[1]:
                closeness[:, j] = np.maximum(closeness[:, j], mine.max(axis=1))
        return closeness

    @cached_property
    def _fact_clauses(self) -> tuple[np.ndarray, np.ndarray]:
        texts, owners = [], []
        for j, fact in enumerate(self.case.facts):
            clauses = [c.strip() for c in re.split(r";\s+|(?<=[.!?])\s+", fact.text) if c.strip()]
            if len(clauses) > 1:
                texts += [f"{fact.label or ''}: {c}" for c in clauses]
                owners += [j] * len(clauses)
        return self.embed(texts), np.array(owners, dtype=int)

    def flag_closeness(self, texts: Sequence[str]) -> np.ndarray:
        """(texts × flags): each text's best cosine to each red flag's wordings."""
        return self._flags.best(self.embed(texts))

    def read(self, spans: list[Span]) -> Reading:
        """Point strengths and red-flag strengths of every span (injected spans score 0)."""
        vectors = self.embed([s.text for s in spans])
        keep = np.array([0.0 if s.injected else 1.0 for s in spans])[:, None]
        cosine = self._points.best(vectors)
        overlap = np.array([_overlaps(s.text, self._terms) for s in spans])
        overlap = overlap.reshape(len(spans), len(self.points))
        raw = (POINT_COSINE_WEIGHT * cosine + (1 - POINT_COSINE_WEIGHT) * overlap) * keep
        penalty = np.array([LIST_PENALTY if s.listy else 1.0 for s in spans])[:, None]
        return Reading(
            spans=spans,
            vectors=vectors,
            points=np.maximum(raw * penalty, self._question_cues(spans, raw)),
            raw_points=raw,
            flags=self._flag_strengths(spans, vectors) * keep,
        )

    def _flags_for(self, cue: MistakeCue) -> list[int]:
        """The red flags a mistake cue may detect: the case's own (their challenge names the
        case), else the framework's unless the cue is a mistake only where a case says so.
        A flag whose fix names the same thing ("keep the daily batch for graph features") is
        left to its own `cue:` lines: naming the thing is not the mistake there."""
        attached = [
            j
            for j, f in enumerate(self.flags)
            if any(cue.topic.search(w) for w in f.wordings)
            and not (f.fix and cue.topic.search(f.fix))
        ]
        case = [j for j in attached if not self.flags[j].id.startswith("framework/")]
        if case or cue.case_only:
            return case
        return attached[:1]

    def _flag_strengths(self, spans: list[Span], vectors: np.ndarray) -> np.ndarray:
        """The strongest of the readings: a shared mistake cue or the flag's own `cue:` terms
        stating the flag by its form, or a near-paraphrase of one of the flag's wordings. A
        shared cue's mistake is the nearest in meaning of the flags on its topic (a case
        may list several nightly-batch mistakes: stale calendars, stale new listings)."""
        strengths = self._paraphrased_flags(spans, vectors)
        closeness = self._flags.best(vectors)
        on_topic = closeness >= CUE_TOPIC
        for i, span in enumerate(spans):
            if not _states_a_claim(span):
                continue
            for cue in MISTAKE_CUES:
                candidates = self._cue_flags[cue.name]
                if candidates and cue.states(span.text):
                    nearest = max(candidates, key=lambda j: closeness[i, j])
                    if not self._vetoed(nearest, span.text):
                        strengths[i, nearest] = 1.0
            for j, cues in self._term_cues:
                if on_topic[i, j] and cues.state(span.text) is not None:
                    strengths[i, j] = 1.0
            for j in self._wrong_estimates(span.text, vectors[i]):
                strengths[i, j] = 1.0
        return strengths

    def _vetoed(self, flag: int, sentence: str) -> bool:
        """A flag's `unless:` phrases veto a shared cue's or a paraphrase's reading as they
        veto its own cues (the sentence names the sound alternative the case's note lists)."""
        veto = self._vetoes.get(flag)
        return veto is not None and bool(veto.search(sentence))

    def _wrong_estimates(self, text: str, vector: np.ndarray) -> list[int]:
        """Flags of the estimates this sentence gets ten times wrong (see bot.numbers)."""
        said = [
            q
            for q in quantities(text)
            if q.kind in CHECKED_KINDS and q.value not in self._fact_values
        ]
        if not said or not self._estimates:
            return []
        closeness = self._estimate_vectors @ vector
        wrong = []
        for q in said:
            comparable = [
                (float(closeness[k]), j, [e.value for e in found if e.kind == q.kind])
                for k, (j, found) in enumerate(self._estimates)
                if any(e.kind == q.kind for e in found)
            ]
            if not comparable:
                continue
            near, j, values = max(comparable)
            if near >= ESTIMATE_MATCH and min(off_by(q.value, v) for v in values) >= ESTIMATE_OFF:
                wrong.append(j)
        return wrong

    def _paraphrased_flags(self, spans: list[Span], vectors: np.ndarray) -> np.ndarray:
        """A span states a mistake: a single sentence making a claim (not a question),
        close to one of the flag's wordings in meaning and in polarity, sharing one of its
        key terms, and closer to the mistake than to the fix."""
        negated = np.array([is_negated(s.text) for s in spans], dtype=bool)
        mistake = self._flags.best(vectors, negated)
        fix = self._fixes.best(vectors)
        closer_to_mistake = ~self._has_fix[None, :] | (mistake - fix >= FLAG_FIX_MARGIN)
        claims = np.array([_states_a_claim(s) for s in spans], dtype=bool)
        shared = np.array(
            [[bool(words_of(s.text) & terms) for terms in self._flag_terms] for s in spans],
            dtype=bool,
        )
        shared = shared.reshape(len(spans), len(self.flags))
        hit = (mistake >= FLAG_MATCH) & closer_to_mistake & shared & claims[:, None]
        for i, j in np.argwhere(hit):
            hit[i, j] = not self._vetoed(int(j), spans[i].text)
        return np.where(hit, mistake, 0.0)

    def _question_cues(self, spans: list[Span], raw: np.ndarray) -> np.ndarray:
        """A clarifying question on a topic covers the one clarify-stage point naming that
        topic that it is closest to."""
        cues = np.zeros((len(spans), len(self.points)))
        for i, span in enumerate(spans):
            if span.injected or "?" not in span.text:
                continue
            for topic in topics_asked(span.text):
                named = [j for j, t in enumerate(self._point_topics) if topic in t]
                if named:
                    best = max(named, key=lambda j: raw[i, j])
                    cues[i, best] = COVER_THRESHOLD + 0.02
        return cues

    def match(self, spans: list[Span]) -> dict[str, PointMatch]:
        """The best span for every key point (None when no candidate text at all).

        `attempt` is the best raw strength of a sentence of six words or more: whether the
        candidate touched the point at all, even only by naming terms.
        """
        if not spans:
            return {p.id: PointMatch(p, None, 0.0) for p in self.points}
        reading = self.read(spans)
        substantial = np.array([len(s.text.split()) >= 6 for s in spans])
        attempts = np.where(substantial[:, None], reading.raw_points, 0.0).max(axis=0)
        matches = {}
        for j, point in enumerate(self.points):
            i = int(np.argmax(reading.points[:, j]))
            strength = float(reading.points[i, j])
            matches[point.id] = PointMatch(point, spans[i], strength, float(attempts[j]))
        return matches


def _states_a_claim(span: Span) -> bool:
    """Whether the sentence can state the candidate's mistake: not a question, not a
    paraphrased pair of wordings, not a description of the system as it is today."""
    return not (span.pair or is_question(span.text) or describes_status_quo(span.text))


_ASKS = re.compile(r"^asks (about |whether |if |how |which |what |for |who |when )?", re.I)


def _topic(text: str) -> str:
    """A clarifying point without its leading "Asks about": a candidate's short question
    ("what scale are we talking about?") then matches the topic itself."""
    return _ASKS.sub("", text)


def _estimate_flag(case: Case, k: int) -> RedFlag:
    """An estimate of the case as a red flag: a figure about ten times off it."""
    estimate = case.estimates[k]
    return RedFlag(
        id=f"{case.id}/estimates/{k + 1}",
        stage=Stage.DEPLOYMENT_SERVING,
        text=f"Puts {estimate.label.lower()} about ten times off what the facts give.",
        challenge="How did you get to that number?",
        fix=f"{estimate.label}: {estimate.text}",
        source=case.source,
    )


def _distinctive_terms(points: list[RubricPoint]) -> list[dict[str, float]]:
    """Terms of each point's main text weighted by rarity across the case's points."""
    documents = [set(words(p.text)) for p in points]
    frequency = Counter(w for d in documents for w in d)
    total = len(documents)
    return [{w: math.log(1 + total / frequency[w]) for w in d if len(w) > 2} for d in documents]


def _overlaps(text: str, points_terms: list[dict[str, float]]) -> list[float]:
    """The share of each point's distinctive terms the text uses (half of them is full)."""
    present = set(words(text))
    present |= {_stem(w) for w in present}
    return [
        min(1.0, sum(wt for w, wt in terms.items() if w in present) / (0.5 * sum(terms.values())))
        if terms
        else 0.0
        for terms in points_terms
    ]


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") else word + "s"
