"""The conductor: reads each candidate turn once and makes the first move whose rule holds.

The rules are in `bot.interview.rules`, in order, on one screen; this module holds the state
they read and the moves they make. Coverage is our code's, never a model's opinion, and is
applied to the state once per turn, before any rule looks at it. Every decision carries a
complete line, so the interview reads well without any model phrasing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from bot.claims import ClaimMatcher
from bot.diagram import Diagram, DiagramGap
from bot.interview.rules import RULES
from bot.interview.signals import FlagCheck, FlagHit, TechniqueHit, TurnReader, TurnSignals
from bot.knowledge.cases import Case
from bot.knowledge.notes import ConceptNote, FrameworkNote
from bot.policy import (
    JUMP_POINTS,
    LEVELS,
    RELEVANT,
    TECHNIQUE_PROBES_PER_STAGE,
    Level,
    LevelPolicy,
)
from bot.stages import STAGES, Phase, Stage, check_transition

Action = Literal[
    "opening",
    "fact",
    "no_fact",
    "your_call",
    "concept",
    "hint",
    "decline",
    "nudge",
    "challenge",
    "check_number",
    "technique",
    "diagram",
    "probe",
    "advance",
    "return",
    "steer_back",
    "curveball",
    "wrap_up",
    "end",
    "redirect_requirements",
]

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

#: The line of last resort, when a stage's notes hold no question the candidate has not heard.
LAST_QUESTION = "Is there anything you'd add before we move on?"


class StageProgress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    covered: list[str] = Field(default_factory=list)
    probes: int = 0
    technique_probes: int = 0
    seconds: float = 0.0
    visited: bool = False
    hints: int = 0


class InterviewState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str
    level: Level = Level.SENIOR
    minutes: float = 45.0
    phase: Phase = Phase.INTRO
    stages: dict[Stage, StageProgress] = Field(
        default_factory=lambda: {s: StageProgress() for s in STAGES}
    )
    asked: list[str] = Field(default_factory=list)
    question: str = ""
    facts_revealed: list[int] = Field(default_factory=list)
    challenged: list[str] = Field(default_factory=list)
    techniques_probed: list[str] = Field(default_factory=list)
    #: The whiteboard as last sent (its source), and the diagram gaps already asked about.
    diagram: str = ""
    diagram_asked: list[str] = Field(default_factory=list)
    curveball: int | None = None
    skipped: list[Stage] = Field(default_factory=list)
    help_used: list[dict] = Field(default_factory=list)
    elapsed_s: float = 0.0
    #: A drill starts at this stage (short practice of one stage), not at clarifying.
    drill: Stage | None = None
    #: When the last turn ended (bot.clock, epoch seconds); kept with the session so the
    #: clock survives reruns, reloads and resumes.
    last_turn_at: float | None = None
    turns: int = 0
    wrapped: bool = False

    @property
    def stage(self) -> Stage | None:
        return self.phase.stage

    @property
    def policy(self) -> LevelPolicy:
        return LEVELS[Level(self.level)]


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action
    text: str
    stage: Stage | None
    kind: str = "question"
    phrase: bool = False
    help: dict | None = None
    rule: str | None = None
    #: What a capable model phrasing this line may use: the candidate's claim or technique.
    about: str | None = None


@dataclass(frozen=True)
class Moment:
    """What the rules read: the state (coverage already applied), the turn, what it added."""

    state: InterviewState
    turn: TurnSignals
    gained: dict[Stage, list[str]]

    @property
    def stage(self) -> Stage:
        assert self.state.stage is not None
        return self.state.stage

    @property
    def progress(self) -> StageProgress:
        return self.state.stages[self.stage]


def opening(case: Case, state: InterviewState, drill_question: str = "") -> Decision:
    """The first line: the problem and an open start, or for a drill, straight to its stage."""
    if state.drill is not None:
        stage, question = state.drill, drill_question
        text = (
            f"A short drill on {STAGE_NAMES[stage]}. {case.problem} Take the earlier stages as "
            f"agreed; we start here. {question}"
        )
    else:
        stage, question = Stage.CLARIFY_REQUIREMENTS, "How would you like to start?"
        text = (
            f"{case.problem} It's your interview: take it wherever you think it should go. "
            f"{question}"
        )
    state.phase = check_transition(state.phase, Phase(stage.value))
    state.stages[stage].visited = True
    state.asked.append(text)
    state.question = question
    return Decision(action="opening", text=text, stage=stage, kind="opening")


JUMP_LEAD = "Let's go with that; we'll come back to what we skipped afterwards."

ConceptAnswerer = Callable[[str], tuple[str, list[str]] | None]


class Conductor:
    """Decides the interviewer's next move; mutates the state it is given."""

    def __init__(
        self,
        case: Case,
        matcher: ClaimMatcher,
        framework: dict[Stage, FrameworkNote],
        concepts: list[ConceptNote],
        budgets: dict[Stage, float],
        answer_concept: ConceptAnswerer | None = None,
        flag_check: FlagCheck | None = None,
    ) -> None:
        self.case = case
        self.matcher = matcher
        self.framework = framework
        self.budgets = budgets
        self.reader = TurnReader(matcher, concepts, flag_check)
        self.answer_concept = answer_concept

    # ---- the decision -----------------------------------------------------------------

    def opening(self, state: InterviewState) -> Decision:
        return opening(self.case, state, self._opener(state.drill) if state.drill else "")

    def elapsed(self, state: InterviewState, seconds: float) -> None:
        state.elapsed_s += seconds
        if state.stage:
            state.stages[state.stage].seconds += seconds

    def decide(self, state: InterviewState, text: str, diagram: Diagram | None = None) -> Decision:
        """The next move after the candidate said `text`, with the whiteboard when it changed
        on this turn (the state is updated)."""
        state.turns += 1
        if state.wrapped or state.stage is None:
            return self.end_decision(state)
        turn = self.reader.read(text, state.stage, state.question, diagram)
        return self.respond_to(state, turn)

    def respond_to(self, state: InterviewState, turn: TurnSignals) -> Decision:
        """The move for a turn already read (rule tests build the signals directly)."""
        moment = Moment(state=state, turn=turn, gained=self._apply_coverage(state, turn))
        for rule in RULES:
            if rule.holds(self, moment):
                decision = rule.move(self, moment)
                if decision is not None:
                    return decision.model_copy(update={"rule": rule.name})
        raise AssertionError("the last rule always holds")

    def _apply_coverage(self, state: InterviewState, turn: TurnSignals) -> dict[Stage, list[str]]:
        """Mark the points this turn covers, once; return the newly covered ones per stage."""
        gained: dict[Stage, list[str]] = {}
        for stage, points in turn.covers.items():
            covered = state.stages[stage].covered
            gained[stage] = [p for p in points if p not in covered]
            covered.extend(gained[stage])
        return gained

    # ---- conditions the rules read --------------------------------------------------------

    def unchallenged(self, m: Moment) -> FlagHit | None:
        return next(
            (f for f in m.turn.flags if not f.estimate and f.flag_id not in m.state.challenged),
            None,
        )

    def diagram_gap(self, m: Moment) -> DiagramGap | None:
        return next((g for g in m.turn.diagram_gaps if g.name not in m.state.diagram_asked), None)

    def unchecked_number(self, m: Moment) -> FlagHit | None:
        return next(
            (f for f in m.turn.flags if f.estimate and f.flag_id not in m.state.challenged), None
        )

    def technique_to_probe(self, m: Moment) -> tuple[TechniqueHit, str] | None:
        """The most specific technique the candidate named, not probed yet, with a probe they
        have not heard, asked in the stage the turn is in or moved to. A named technique is
        the candidate's own choice, so it is asked about even when the stage's other probes
        are used up; not when that stage's minutes are, or one was probed there already."""
        if self._redirect_to_requirements(m):
            return None
        stage = self.jumped_to(m) or m.stage
        if stage != m.stage and self._curveball_due(m.state, stage):
            return None
        progress = m.state.stages[stage]
        if progress.technique_probes >= TECHNIQUE_PROBES_PER_STAGE:
            return None
        if progress.seconds >= self._budget_s(m.state, stage):
            return None
        for hit in m.turn.techniques:
            if hit.concept in m.state.techniques_probed:
                continue
            fresh = [q for q in hit.probes if q not in m.state.asked]
            if fresh:
                return hit, fresh[0]
        return None

    def jumped_to(self, m: Moment) -> Stage | None:
        """A later stage the candidate moved to: by a signpost, or by covering its points."""
        if m.turn.jump is not None:
            return m.turn.jump
        stage, gained = m.stage, {s: len(p) for s, p in m.gained.items()}
        later = [s for s in STAGES if s.index > stage.index and gained[s] >= JUMP_POINTS]
        if later:
            target = max(later, key=lambda s: (gained[s], -s.index))
            if gained[target] >= gained[stage] + JUMP_POINTS:
                return target
        following = STAGES[stage.index + 1] if stage.index + 1 < len(STAGES) else None
        strength = m.turn.strength
        ahead = following is not None and strength[following] >= RELEVANT
        if ahead and strength[following] > strength[stage] + 0.05:
            return following
        return None

    def stage_done(self, state: InterviewState, stage: Stage) -> bool:
        progress = state.stages[stage]
        return (
            self.coverage(state, stage) >= state.policy.coverage_bar
            or progress.probes >= state.policy.max_probes
            or progress.seconds >= self._budget_s(state, stage)
        )

    def on_topic(self, m: Moment) -> bool:
        return m.turn.strength[m.stage] >= RELEVANT or bool(m.gained[m.stage])

    def coverage(self, state: InterviewState, stage: Stage) -> float:
        return len(state.stages[stage].covered) / max(1, len(self.case.rubric(stage)))

    def _budget_s(self, state: InterviewState, stage: Stage) -> float:
        """The stage's share of the interview's minutes, among the stages it covers (all
        seven, or a drill's from its first stage on)."""
        first = state.drill.index if state.drill else 0
        planned = sum(self.budgets[s] for s in STAGES[first:])
        return self.budgets[stage] * 60 * state.minutes / planned

    # ---- moves --------------------------------------------------------------------------

    def end(self, m: Moment) -> Decision:
        return self.end_decision(m.state)

    def end_decision(self, state: InterviewState) -> Decision:
        if state.phase == Phase.WRAP_UP:
            state.phase = check_transition(state.phase, Phase.DONE)
        return Decision(
            action="end",
            text="Thank you. That's the end of the interview; your report is next.",
            stage=None,
            kind="end",
        )

    def candidate_done(self, m: Moment) -> Decision:
        """The candidate says the design is complete: go on to a stage never discussed, or
        wrap up when every stage was."""
        if any(not m.state.stages[s].visited for s in STAGES):
            return self.advance(m, lead="Before we wrap up, there's more to cover.")
        return self.wrap_up(m.state)

    def wrap_up(self, state: InterviewState) -> Decision:
        state.wrapped = True
        state.phase = check_transition(state.phase, Phase.WRAP_UP)
        text = "We're at time. Is there anything you'd like to add or change before we finish?"
        return Decision(action="wrap_up", text=text, stage=None, kind="wrap_up")

    def decline(self, m: Moment, reason: str) -> Decision:
        return self._ask(m.state, "decline", f"{reason} {self._next_question(m.state, m.stage)}")

    def decline_rubric(self, m: Moment) -> Decision:
        reason = (
            "I can't share what I'm looking for, or a checklist, while we're in the interview; "
            "you'll get detailed feedback at the end."
        )
        return self.decline(m, reason)

    def ask_for_an_answer(self, m: Moment) -> Decision:
        question = m.state.question or self._next_question(m.state, m.stage)
        text = f"I didn't get an answer there. {question}"
        return Decision(action="nudge", text=text, stage=m.stage, kind="question")

    def answer_questions(self, m: Moment) -> Decision:
        """Every part of every question answered: a new fact read out, a fact given before
        referred to, a design decision handed back, a missing figure said to be missing."""
        asked = list(dict.fromkeys(p.fact for p in m.turn.questions if p.fact is not None))
        revealed = m.state.facts_revealed
        lines = [
            self._earlier(i) if i in revealed else _sentence_case(self.case.facts[i].text)
            for i in asked
        ]
        revealed.extend(i for i in asked if i not in revealed)
        unanswered = any(p.fact is None for p in m.turn.questions)
        if unanswered and m.turn.design_question and not asked:
            text = "That's your call: what would you choose, and why?"
            return Decision(action="your_call", text=text, stage=m.stage, kind="question")
        if unanswered:
            lines.append(
                "I don't have a figure for the rest; state an assumption and carry on."
                if asked
                else "I don't have a specific figure for that. State a reasonable assumption "
                "and carry on with it."
            )
        action = "fact" if asked else "no_fact"
        return Decision(action=action, text=" ".join(lines), stage=m.stage, kind="fact")

    def _earlier(self, index: int) -> str:
        label = self.case.facts[index].label
        return f"I gave you the {label.lower()} earlier." if label else "I answered that earlier."

    def challenge(self, m: Moment) -> Decision:
        flag = self.unchallenged(m)
        assert flag is not None
        return self._challenge(m, flag, "challenge")

    def check(self, m: Moment) -> Decision:
        flag = self.unchecked_number(m)
        assert flag is not None
        return self._challenge(m, flag, "check_number")

    def _challenge(self, m: Moment, flag: FlagHit, action: Action) -> Decision:
        m.state.challenged.append(flag.flag_id)
        m.progress.probes += 1
        text = f'You said "{flag.quote}". {flag.challenge}'
        return self._ask(m.state, action, text, question=flag.challenge, about=flag.quote)

    def ask_about_diagram(self, m: Moment) -> Decision:
        gap = self.diagram_gap(m)
        assert gap is not None
        m.state.diagram_asked.append(gap.name)
        m.progress.probes += 1
        return self._ask(m.state, "diagram", gap.question, question=gap.question)

    def probe_technique(self, m: Moment) -> Decision:
        """Ask about the technique named, in the stage the candidate moved to if they did."""
        found = self.technique_to_probe(m)
        assert found is not None
        hit, question = found
        target, lead = self.jumped_to(m), ""
        if target is not None:
            self._jump(m.state, target)
            lead = JUMP_LEAD if m.state.skipped else ""
        progress = m.state.stages[m.stage]
        m.state.techniques_probed.append(hit.concept)
        progress.technique_probes += 1
        progress.probes += 1
        text = f"{lead} You mentioned {hit.named}. {question}".strip()
        return self._ask(m.state, "technique", text, question=question, about=hit.named)

    def follow(self, m: Moment) -> Decision:
        """The candidate drives: follow, and remember what was skipped to come back to it."""
        target = self.jumped_to(m)
        assert target is not None
        state = m.state
        if self._redirect_to_requirements(m):
            text = (
                "We'll get to the model. Before that, what do you need to know about the "
                "requirements and constraints?"
            )
            return self._ask(state, "redirect_requirements", text)
        curveball = self._curveball(state, target)
        if curveball is not None:
            return curveball
        self._jump(state, target)
        return self._probe_stage(state, target, JUMP_LEAD if state.skipped else "")

    def _redirect_to_requirements(self, m: Moment) -> bool:
        """A jump straight from the opening to the model, before any requirement is known."""
        return (
            m.stage == Stage.CLARIFY_REQUIREMENTS
            and self.jumped_to(m) is not None
            and not m.state.facts_revealed
            and self.coverage(m.state, m.stage) < 0.34
        )

    def _jump(self, state: InterviewState, target: Stage) -> None:
        """Enter a later stage, remembering the unvisited stages jumped over."""
        current = state.stage
        assert current is not None
        for stage in STAGES:
            jumped_over = current.index < stage.index < target.index
            if jumped_over and not state.stages[stage].visited and stage not in state.skipped:
                state.skipped.append(stage)
        self._enter(state, target)

    def advance(self, m: Moment, lead: str = "") -> Decision:
        state = m.state
        current = state.stage
        assert current is not None
        target = self._next_stage(state, current)
        if target is None:
            return self.wrap_up(state)
        curveball = self._curveball(state, target)
        if curveball is not None:
            return curveball
        returning = target.index < current.index
        self._enter(state, target)
        opener = self._opener(target)
        if self.coverage(state, target) > 0:
            opener = self._next_question(state, target)
        if returning:
            text = f"Let's come back to {STAGE_NAMES[target]}, which we skipped. {opener}"
            return self._ask(state, "return", text, question=opener)
        lead = f"{lead} " if lead else ""
        text = f"{lead}Let's move on to {STAGE_NAMES[target]}. {opener}"
        return self._ask(state, "advance", text, question=opener, phrase=True)

    def probe(self, m: Moment) -> Decision:
        return self._probe_stage(m.state, m.stage, _acknowledge(m.turn.choice))

    def steer_back(self, m: Moment) -> Decision:
        stage, state = m.stage, m.state
        ahead = max((m.turn.strength[s] for s in STAGES if s.index > stage.index), default=0.0)
        state.stages[stage].probes += 1
        question = self._next_question(state, stage)
        lead = (
            f"We'll get there. Before we move on, let's pin down {STAGE_NAMES[stage]} a bit more."
            if ahead >= RELEVANT - 0.06
            else f"Let's stay with {STAGE_NAMES[stage]} for now."
        )
        return self._ask(state, "steer_back", f"{lead} {question}", question=question)

    def concept(self, m: Moment) -> Decision | None:
        if self.answer_concept is None or m.turn.answered_parts:
            return None
        found = self.answer_concept(m.turn.text)
        if found is None:
            return None
        answer, sources = found
        return self.concept_decision(m.state, m.turn.text, answer, sources)

    def concept_decision(
        self, state: InterviewState, question: str, answer: str, sources: list[str]
    ) -> Decision:
        item = {
            "kind": "concept",
            "stage": state.stage.value if state.stage else None,
            "text": question,
            "sources": sources,
        }
        state.help_used.append(item)
        return Decision(action="concept", text=answer, stage=state.stage, kind="concept", help=item)

    def hint(self, state: InterviewState) -> Decision:
        """Progressive: the framework's nudges first, then a pointer at a missed point."""
        stage = state.stage or Stage.CLARIFY_REQUIREMENTS
        progress = state.stages[stage]
        progress.hints += 1
        level = progress.hints
        hints = self.framework[stage].hints if stage in self.framework else []
        if level <= len(hints):
            text = hints[level - 1]
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

    def end_now(self, state: InterviewState) -> None:
        state.wrapped = True
        if state.phase not in (Phase.WRAP_UP, Phase.DONE):
            state.phase = check_transition(state.phase, Phase.WRAP_UP)
        state.phase = check_transition(state.phase, Phase.DONE)

    # ---- the questions ----------------------------------------------------------------

    def _probe_stage(self, state: InterviewState, stage: Stage, lead: str = "") -> Decision:
        state.stages[stage].probes += 1
        question = self._next_question(state, stage)
        text = f"{lead} {question}" if lead else question
        return self._ask(state, "probe", text, question=question, phrase=True)

    def _opener(self, stage: Stage) -> str:
        note = self.framework.get(stage)
        if note and note.opening_question:
            return note.opening_question
        return f"How would you approach {STAGE_NAMES[stage]}?"

    def _next_question(self, state: InterviewState, stage: Stage) -> str:
        """A curated follow-up aimed at a missed point, else a stage probe; never a repeat."""
        missed = [p for p in self.case.rubric(stage) if p.id not in state.stages[stage].covered]
        pool = [q for q in self.case.stages[stage].follow_ups if q not in state.asked]
        if pool and missed:
            return self._closest(pool, [p.text for p in missed])
        staff = self.case.staff_probes if state.policy.staff_probes and stage.index >= 3 else []
        generic = self.framework[stage].probes if stage in self.framework else []
        fresh = [q for q in pool + staff + generic if q not in state.asked]
        return fresh[0] if fresh else LAST_QUESTION

    def _closest(self, questions: list[str], targets: list[str]) -> str:
        q, t = self.matcher.embed(questions), self.matcher.embed(targets)
        return questions[int(np.argmax((q @ t.T).max(axis=1)))]

    def _ask(
        self,
        state: InterviewState,
        action: Action,
        text: str,
        question: str | None = None,
        phrase: bool = False,
        about: str | None = None,
    ) -> Decision:
        state.asked.append(text)
        if question:
            state.question = question
            if question not in state.asked:
                state.asked.append(question)
        return Decision(action=action, text=text, stage=state.stage, phrase=phrase, about=about)

    def _enter(self, state: InterviewState, stage: Stage) -> None:
        state.phase = check_transition(state.phase, Phase(stage.value), state.skipped)
        state.stages[stage].visited = True
        if stage in state.skipped:
            state.skipped.remove(stage)

    def _next_stage(self, state: InterviewState, current: Stage) -> Stage | None:
        if state.skipped:
            return sorted(state.skipped, key=lambda s: s.index)[0]
        later = [s for s in STAGES if s.index > current.index and not state.stages[s].visited]
        return later[0] if later else None

    def _curveball_due(self, state: InterviewState, target: Stage) -> bool:
        return state.curveball is None and bool(self.case.curveballs) and target == Stage.EVALUATION

    def _curveball(self, state: InterviewState, target: Stage) -> Decision | None:
        """One requirement change, when the candidate reaches evaluation (mid-way)."""
        if not self._curveball_due(state, target):
            return None
        index = state.policy.curveball % len(self.case.curveballs)
        state.curveball = index
        self._enter(state, target)
        change = self.case.curveballs[index].text
        question = "How would that change your design?"
        text = f"A change of plans before we go on: {change} {question}"
        state.asked.append(text)
        state.question = question
        return Decision(action="curveball", text=text, stage=target, kind="curveball")


def _acknowledge(choice: str | None) -> str:
    """Name the candidate's own choice back to them, neutrally ("Two-tower retrieval with
    in-batch negatives, okay."); nothing when the turn named none."""
    if not choice:
        return ""
    return f"{choice[:1].upper()}{choice[1:]}, okay."


def _sentence_case(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
