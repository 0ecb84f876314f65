"""The conductor: an explicit state machine that runs the interview.

Each candidate turn it classifies what the candidate did (answered, asked for a fact, asked
about a concept, asked for a hint, tried to extract the rubric), updates which rubric points
are covered (our code, never the model's opinion), and decides the interviewer's next move:
answer a fact, probe a missed point, ask a curated follow-up, move on, come back to a
skipped stage, steer back, announce a curveball, or wrap up. The decision carries a complete
fallback line, so the interview reads well even when the model's phrasing is rejected.
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from bot.claims import ClaimMatcher
from bot.cues import JUMP, stages_named
from bot.evidence import candidate_spans
from bot.injection import looks_like_injection
from bot.knowledge.cases import Case
from bot.policy import COVER_THRESHOLD
from bot.retrieval import words
from bot.stages import STAGES, Phase, Stage, check_transition
from bot.topics import FACT_TOPICS

Level = Literal["mid", "senior", "staff"]
Action = Literal[
    "opening",
    "fact",
    "no_fact",
    "concept",
    "hint",
    "decline",
    "probe",
    "follow_up",
    "advance",
    "return",
    "steer_back",
    "curveball",
    "wrap_up",
    "end",
    "redirect_requirements",
]

ENOUGH_COVERAGE = {"mid": 0.45, "senior": 0.55, "staff": 0.65}
MAX_PROBES = {"mid": 2, "senior": 2, "staff": 3}
FACT_MATCH = 0.42
RELEVANT = 0.36

_RUBRIC_REQUEST = re.compile(
    r"\b(rubric|grading (criteria|scheme)|model answer|ideal answer|sample answer|"
    r"what (did|have) i (miss|missed|left out)|what am i missing|what should i (say|cover|mention)|"
    r"(give|tell|show) me the (answer|solution|points|checklist)|what are you looking for|"
    r"expected answer|correct answer|right answer|how am i (doing|scoring)|what'?s my score|"
    r"list of (key )?points|key points for)\b",
    re.I,
)
_CONCEPT_QUESTION = re.compile(
    r"^\s*(what('s| is| are| does)|can you (explain|remind|define)|could you (explain|remind)|"
    r"remind me|explain|define|how does|what was)\b.*\b(again|mean|means|stand for|work|"
    r"exactly|definition)?\b",
    re.I,
)
_MOVE_ON = re.compile(
    r"\b(shall we move|should we move|can we move|let's move on|move on to|ready to move|"
    r"next stage|let's go to)\b",
    re.I,
)

STAGE_OPENERS: dict[Stage, str] = {
    Stage.CLARIFY_REQUIREMENTS: "What would you like to clarify before you start designing?",
    Stage.FRAME_ML_TASK: "How would you frame this as a machine learning problem: what exactly "
    "does the model predict, and from what?",
    Stage.DATA_PREPARATION: "What data would you use, and how would you turn it into training "
    "examples and features?",
    Stage.MODEL_DEVELOPMENT: "Which model would you build, and how would you train it?",
    Stage.EVALUATION: "How would you know the model is good, offline and online?",
    Stage.DEPLOYMENT_SERVING: "How would you serve this in production within the constraints?",
    Stage.MONITORING: "Once it's live, what would you monitor, and what would make you act?",
}

GENERIC_PROBES: dict[Stage, list[str]] = {
    Stage.CLARIFY_REQUIREMENTS: [
        "What would you want to know about the scale we're operating at?",
        "Which constraints would change your design the most?",
    ],
    Stage.FRAME_ML_TASK: [
        "What exactly is a positive example here, and why that definition?",
        "Why that formulation rather than a simpler one?",
        "What are the inputs and outputs of the model, concretely?",
    ],
    Stage.DATA_PREPARATION: [
        "Walk me through what one training example looks like.",
        "Where could leakage or bias creep into that data?",
        "Which features would you start with, and how would you encode them?",
    ],
    Stage.MODEL_DEVELOPMENT: [
        "What baseline would you start with, and why?",
        "What loss would you train with, and why that one?",
        "What would you give up by choosing a bigger model here?",
    ],
    Stage.EVALUATION: [
        "Which offline metric would you trust most, and why?",
        "How would you design the online experiment?",
        "What would make you hold back a launch even if the main metric went up?",
    ],
    Stage.DEPLOYMENT_SERVING: [
        "Where does the latency go in a single request?",
        "Would you predict online or in batch here, and why?",
        "How would you roll out a new model version safely?",
    ],
    Stage.MONITORING: [
        "Which signal would tell you first that something is wrong?",
        "How would you detect that the data has drifted?",
        "How often would you retrain, and what triggers it?",
    ],
}

STAFF_PROBES = [
    "What would this cost to run at this scale, and where would you cut first?",
    "How does this fail, and what is the blast radius when it does?",
    "Which other teams would need to agree on this, and how would you get there?",
]

ACKNOWLEDGEMENTS = ["Okay.", "Got it.", "Thanks.", "Makes sense.", "Understood.", "Right."]

#: How the interviewer names a stage mid-sentence.
STAGE_NAMES: dict[Stage, str] = {
    Stage.CLARIFY_REQUIREMENTS: "the requirements",
    Stage.FRAME_ML_TASK: "framing it as an ML task",
    Stage.DATA_PREPARATION: "data preparation",
    Stage.MODEL_DEVELOPMENT: "model development",
    Stage.EVALUATION: "evaluation",
    Stage.DEPLOYMENT_SERVING: "deployment and serving",
    Stage.MONITORING: "monitoring",
}
_CHECK_IN = re.compile(
    r"(does that (make sense|sound|match|work)|is that (ok|okay|fine|reasonable|right|what)|"
    r"sound (good|ok|okay|reasonable)\?|should i (go|dive|continue|move|keep)|shall i|"
    r"would you like me to|do you want me to|any (questions|concerns)|are you happy with|"
    r"(ok|okay|fine) with you\?|right\?$)",
    re.I,
)


class StageProgress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    covered: list[str] = Field(default_factory=list)
    probes: int = 0
    seconds: float = 0.0
    visited: bool = False
    hints: int = 0


class InterviewState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str
    level: Level = "senior"
    minutes: float = 45.0
    phase: Phase = Phase.INTRO
    stages: dict[Stage, StageProgress] = Field(
        default_factory=lambda: {s: StageProgress() for s in STAGES}
    )
    asked: list[str] = Field(default_factory=list)
    facts_revealed: list[int] = Field(default_factory=list)
    curveball: int | None = None
    skipped: list[Stage] = Field(default_factory=list)
    help_used: list[dict] = Field(default_factory=list)
    elapsed_s: float = 0.0
    turns: int = 0
    wrapped: bool = False

    @property
    def stage(self) -> Stage | None:
        return self.phase.stage


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action
    text: str
    stage: Stage | None
    kind: str = "question"
    phrase: bool = False
    help: dict | None = None


def _signposted(stage: Stage, text: str) -> Stage | None:
    """A later stage the candidate names while saying they move on ("let me jump to
    serving"), from the first sentence only."""
    first = re.split(r"(?<=[.!?:])\s+", text.strip(), maxsplit=1)[0]
    if not JUMP.search(first):
        return None
    later = [s for s in stages_named(first) if s.index > stage.index]
    return min(later, key=lambda s: s.index) if later else None


def opening(case: Case, state: InterviewState) -> Decision:
    text = (
        f"{case.problem} It's your interview: take it wherever you think it should go. "
        "How would you like to start?"
    )
    state.phase = check_transition(state.phase, Phase.CLARIFY_REQUIREMENTS)
    state.stages[Stage.CLARIFY_REQUIREMENTS].visited = True
    state.asked.append(text)
    return Decision(action="opening", text=text, stage=Stage.CLARIFY_REQUIREMENTS, kind="opening")


class Conductor:
    """Decides the interviewer's next move; mutates the state it is given."""

    def __init__(self, case: Case, matcher: ClaimMatcher, budgets: dict[Stage, float]) -> None:
        self.case = case
        self.matcher = matcher
        self.budgets = budgets
        self._fact_vectors = None

    # ---- classification -------------------------------------------------------------

    def is_rubric_request(self, text: str) -> bool:
        return bool(_RUBRIC_REQUEST.search(text))

    def fact_for(self, question: str) -> int | None:
        """The interviewer fact that answers the question, if any clears the bar."""
        found = self.facts_for(question)
        return found[0] if found else None

    def facts_for(self, question: str) -> list[int]:
        """Facts that answer the question: the best, and a close second (a question often
        asks two things), each above the bar."""
        if not self.case.facts:
            return []
        if self._fact_vectors is None:
            texts = [f"{f.label or ''}: {f.text}" for f in self.case.facts]
            self._fact_vectors = np.array(self.matcher.embeddings.embed_documents(texts))
        query = np.array(self.matcher.embeddings.embed_query(question))
        scores = self._fact_vectors @ query
        scores = scores + np.array([_label_bonus(question, f.label) for f in self.case.facts])
        best = int(np.argmax(scores))
        return [best] if scores[best] >= FACT_MATCH else []

    # ---- the decision ---------------------------------------------------------------------

    def elapsed(self, state: InterviewState, seconds: float) -> None:
        state.elapsed_s += seconds
        if state.stage:
            state.stages[state.stage].seconds += seconds

    def decide(self, state: InterviewState, text: str) -> Decision:
        """The next move after the candidate said `text` (state is updated)."""
        state.turns += 1
        stage = state.stage
        if state.wrapped or stage is None:
            return self._end(state)
        if looks_like_injection(text) and not self._substantive(text):
            return self._decline(state, "I'll stick to the interview.")
        if self.is_rubric_request(text):
            return self._decline(
                state,
                "I can't share what I'm looking for while we're in the interview; "
                "you'll get detailed feedback at the end.",
            )
        if "?" in text and not _CHECK_IN.search(text):
            answered = self._answer_question(state, text)
            if answered is not None:
                return answered
        return self._after_answer(state, text)

    def _substantive(self, text: str) -> bool:
        spans = [s for s in candidate_spans([(0, text)]) if not s.injected]
        return any(len(s.text.split()) >= 8 for s in spans)

    def _answer_question(self, state: InterviewState, text: str) -> Decision | None:
        """Facts for the questions asked; None when a long answer merely ends in a question
        that no fact covers (then it is treated as an answer)."""
        stage = state.stage
        questions = [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip().endswith("?")]
        questions = [part for q in questions for part in _question_parts(q)]
        found: list[int] = []
        for question in questions or [text]:
            for index in self.facts_for(question):
                if index not in found:
                    found.append(index)
        self._cover(state, text)
        if found:
            for index in found:
                if index not in state.facts_revealed:
                    state.facts_revealed.append(index)
            answer = " ".join(_sentence_case(self.case.facts[i].text) for i in found[:3])
            return Decision(action="fact", text=answer, stage=stage, kind="fact")
        if len(text.split()) > 60:
            return None
        return Decision(
            action="no_fact",
            text="I don't have a specific figure for that. State a reasonable assumption and "
            "carry on with it.",
            stage=stage,
            kind="fact",
        )

    def _cover(self, state: InterviewState, text: str) -> dict[Stage, float]:
        """Mark covered points; return each stage's best match strength for this text."""
        spans = [s for s in candidate_spans([(0, text)]) if not s.injected]
        best: dict[Stage, float] = {s: 0.0 for s in STAGES}
        if not spans:
            return best
        strength = self.matcher.strengths(spans)
        for j, point in enumerate(self.matcher.points):
            value = float(strength[:, j].max())
            best[point.stage] = max(best[point.stage], value)
            covered = state.stages[point.stage].covered
            if value >= COVER_THRESHOLD and point.id not in covered:
                covered.append(point.id)
        return best

    def coverage(self, state: InterviewState, stage: Stage) -> float:
        return len(state.stages[stage].covered) / max(1, len(self.case.rubric(stage)))

    def _budget_s(self, state: InterviewState, stage: Stage) -> float:
        return self.budgets[stage] * 60 * state.minutes / 45

    def _after_answer(self, state: InterviewState, text: str) -> Decision:
        stage = state.stage
        assert stage is not None
        before = {s: len(state.stages[s].covered) for s in STAGES}
        strength = self._cover(state, text)
        gained = {s: len(state.stages[s].covered) - before[s] for s in STAGES}
        moved = _signposted(stage, text) or self._moved_to(stage, gained)
        if moved is not None:
            return self._follow(state, stage, moved)
        following = STAGES[stage.index + 1] if stage.index + 1 < len(STAGES) else None
        if (
            following
            and strength[following] >= RELEVANT
            and strength[following] > (strength[stage] + 0.05)
        ):
            return self._follow(state, stage, following)
        if _MOVE_ON.search(text) or self._stage_done(state, stage):
            return self._advance(state)
        if strength[stage] < RELEVANT and gained[stage] == 0:
            ahead = max((strength[s] for s in STAGES if s.index > stage.index), default=0.0)
            return self._steer_back(state, stage, too_early=ahead >= RELEVANT - 0.06)
        return self._probe(state, stage)

    def _moved_to(self, stage: Stage, gained: dict[Stage, int]) -> Stage | None:
        """A later stage the candidate clearly moved on to by themselves, if any."""
        later = [s for s in STAGES if s.index > stage.index and gained[s] >= 2]
        if not later:
            return None
        target = max(later, key=lambda s: (gained[s], -s.index))
        return target if gained[target] >= gained[stage] + 2 else None

    def _follow(self, state: InterviewState, current: Stage, target: Stage) -> Decision:
        """The candidate drives: follow, and remember what was skipped to come back to it."""
        if (
            current == Stage.CLARIFY_REQUIREMENTS
            and not state.facts_revealed
            and self.coverage(state, current) < 0.34
        ):
            return self._redirect_requirements(state)
        curveball = self._curveball(state, target)
        if curveball is not None:
            return curveball
        for stage in STAGES:
            jumped_over = current.index < stage.index < target.index
            if jumped_over and not state.stages[stage].visited and stage not in state.skipped:
                state.skipped.append(stage)
        self._enter(state, target)
        if target.index == current.index + 1 and not state.skipped:
            return self._probe(state, target)
        return self._probe(
            state, target, lead="Let's go with that; we'll come back to what we skipped afterwards."
        )

    def _redirect_requirements(self, state: InterviewState) -> Decision:
        text = (
            "We'll get to the model. Before that, what do you need to know about the "
            "requirements and constraints?"
        )
        return self._ask(
            state, "redirect_requirements", text, Stage.CLARIFY_REQUIREMENTS, phrase=False
        )

    def _stage_done(self, state: InterviewState, stage: Stage) -> bool:
        progress = state.stages[stage]
        return (
            self.coverage(state, stage) >= ENOUGH_COVERAGE[state.level]
            or progress.probes >= MAX_PROBES[state.level]
            or progress.seconds >= self._budget_s(state, stage)
        )

    def _steer_back(self, state: InterviewState, stage: Stage, too_early: bool) -> Decision:
        state.stages[stage].probes += 1
        question = self._next_question(state, stage)
        lead = (
            f"We'll get there. Before we move on, let's pin down {STAGE_NAMES[stage]} a bit more."
            if too_early
            else f"Let's stay with {STAGE_NAMES[stage]} for now."
        )
        text = f"{lead} {question}"
        return self._ask(state, "steer_back", text, stage, phrase=False)

    def _probe(self, state: InterviewState, stage: Stage, lead: str = "") -> Decision:
        state.stages[stage].probes += 1
        question = self._next_question(state, stage)
        ack = lead or ACKNOWLEDGEMENTS[state.turns % len(ACKNOWLEDGEMENTS)]
        return self._ask(state, "probe", f"{ack} {question}", stage, phrase=True)

    def _next_question(self, state: InterviewState, stage: Stage) -> str:
        """A curated follow-up aimed at a missed point, else a generic probe; never a repeat."""
        missed = [p for p in self.case.rubric(stage) if p.id not in state.stages[stage].covered]
        pool = [q for q in self.case.stages[stage].follow_ups if q not in state.asked]
        if pool and missed:
            return self._closest(pool, [p.text for p in missed])
        extra = STAFF_PROBES if state.level == "staff" and stage.index >= 3 else []
        generic = [q for q in extra + GENERIC_PROBES[stage] if q not in state.asked]
        if pool:
            return pool[0]
        if generic:
            return generic[0]
        return "Is there anything you'd add before we move on?"

    def _closest(self, questions: list[str], targets: list[str]) -> str:
        embeddings = self.matcher.embeddings
        q = np.array(embeddings.embed_documents(questions))
        t = np.array(embeddings.embed_documents(targets))
        return questions[int(np.argmax((q @ t.T).max(axis=1)))]

    def _ask(
        self, state: InterviewState, action: Action, text: str, stage: Stage, phrase: bool
    ) -> Decision:
        state.asked.append(text)
        for question in self.case.stages[stage].follow_ups + GENERIC_PROBES[stage] + STAFF_PROBES:
            if question in text and question not in state.asked:
                state.asked.append(question)
        return Decision(action=action, text=text, stage=stage, phrase=phrase)

    def _enter(self, state: InterviewState, stage: Stage) -> None:
        state.phase = check_transition(state.phase, Phase(stage.value))
        state.stages[stage].visited = True
        if stage in state.skipped:
            state.skipped.remove(stage)

    def _advance(self, state: InterviewState) -> Decision:
        current = state.stage
        assert current is not None
        target = self._next_stage(state, current)
        if target is None:
            return self._wrap_up(state)
        curveball = self._curveball(state, target)
        if curveball is not None:
            return curveball
        returning = target.index < current.index
        self._enter(state, target)
        opener = STAGE_OPENERS[target]
        if self.coverage(state, target) > 0:
            opener = self._next_question(state, target)
        if returning:
            text = f"Let's come back to {STAGE_NAMES[target]}, which we skipped. {opener}"
            return self._ask(state, "return", text, target, phrase=False)
        text = f"Good, let's move on to {STAGE_NAMES[target]}. {opener}"
        return self._ask(state, "advance", text, target, phrase=True)

    def _next_stage(self, state: InterviewState, current: Stage) -> Stage | None:
        if state.skipped:
            return sorted(state.skipped, key=lambda s: s.index)[0]
        later = [s for s in STAGES if s.index > current.index and not state.stages[s].visited]
        if later:
            return later[0]
        return None

    def _curveball(self, state: InterviewState, target: Stage) -> Decision | None:
        """One requirement change, when the candidate reaches evaluation (mid-way)."""
        if state.curveball is not None or not self.case.curveballs:
            return None
        if target != Stage.EVALUATION:
            return None
        index = {"mid": 0, "senior": 0, "staff": len(self.case.curveballs) - 1}[state.level]
        state.curveball = index
        self._enter(state, target)
        change = self.case.curveballs[index].text
        text = f"A change of plans before we go on: {change} How would that change your design?"
        state.asked.append(text)
        return Decision(action="curveball", text=text, stage=target, kind="curveball")

    def _wrap_up(self, state: InterviewState) -> Decision:
        state.wrapped = True
        state.phase = check_transition(state.phase, Phase.WRAP_UP)
        text = (
            "We're at time. Thanks, that was a good discussion. Is there anything you'd "
            "like to add or change before we finish?"
        )
        return Decision(action="wrap_up", text=text, stage=None, kind="wrap_up")

    def _end(self, state: InterviewState) -> Decision:
        if state.phase == Phase.WRAP_UP:
            state.phase = check_transition(state.phase, Phase.DONE)
        return Decision(
            action="end",
            text="Thank you. That's the end of the interview; your report is next.",
            stage=None,
            kind="end",
        )

    def _decline(self, state: InterviewState, reason: str) -> Decision:
        stage = state.stage
        assert stage is not None
        question = self._next_question(state, stage)
        text = f"{reason} {question}"
        return self._ask(state, "decline", text, stage, phrase=False)

    # ---- help -------------------------------------------------------------------------

    def hint(self, state: InterviewState, framework_hints: list[str]) -> Decision:
        """Progressive: the framework's nudges first, then a pointer at a missed point."""
        stage = state.stage or Stage.CLARIFY_REQUIREMENTS
        progress = state.stages[stage]
        progress.hints += 1
        level = progress.hints
        if level <= len(framework_hints):
            text = framework_hints[level - 1]
        else:
            missed = [p for p in self.case.rubric(stage) if p.id not in progress.covered]
            text = (
                f"Consider this: {_lower_first(missed[0].text)}"
                if missed
                else "You've covered the main points here; consider moving on."
            )
        help_item = {"kind": "hint", "stage": stage.value, "level": level, "text": text}
        state.help_used.append(help_item)
        return Decision(
            action="hint", text=f"Hint: {text}", stage=stage, kind="hint", help=help_item
        )

    def concept(self, state: InterviewState, question: str, answer: str, sources: list[str]):
        item = {
            "kind": "concept",
            "stage": state.stage.value if state.stage else None,
            "text": question,
            "sources": sources,
        }
        state.help_used.append(item)
        return Decision(action="concept", text=answer, stage=state.stage, kind="concept", help=item)

    def end_now(self, state: InterviewState) -> None:
        state.wrapped = True
        if state.phase not in (Phase.WRAP_UP, Phase.DONE):
            state.phase = check_transition(state.phase, Phase.WRAP_UP)
        state.phase = check_transition(state.phase, Phase.DONE)


def _label_bonus(question: str, label: str | None) -> float:
    """Our own cue table, because a small embedding model matches short questions poorly."""
    if not label:
        return 0.0
    for asks, answers in FACT_TOPICS:
        if asks.search(question) and answers.search(label):
            return 0.3
    shared = set(words(question)) & set(words(label))
    return 0.15 if shared else 0.0


def _question_parts(question: str) -> list[str]:
    """'What's the scale and the latency budget?' asks two things."""
    parts = [p.strip() for p in re.split(r"\band\b|\balso\b", question)]
    if len(parts) < 2 or any(len(p.split()) < 2 for p in parts):
        return [question]
    return parts


def _sentence_case(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def looks_like_concept_question(text: str) -> bool:
    return bool(_CONCEPT_QUESTION.search(text)) and text.strip().endswith("?")
