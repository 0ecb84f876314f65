"""The seven stages of the framework, and the interview phases around them.

`Phase` is the conductor's state machine: intro → the seven stages → wrap-up. Transitions
are an explicit table; anything else raises. The candidate may jump ahead to a later stage,
and the conductor may come back to one that was skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Stage(StrEnum):
    CLARIFY_REQUIREMENTS = "clarify_requirements"
    FRAME_ML_TASK = "frame_ml_task"
    DATA_PREPARATION = "data_preparation"
    MODEL_DEVELOPMENT = "model_development"
    EVALUATION = "evaluation"
    DEPLOYMENT_SERVING = "deployment_serving"
    MONITORING = "monitoring"

    @property
    def heading(self) -> str:
        return STAGE_HEADINGS[self]

    @property
    def index(self) -> int:
        return STAGES.index(self)

    @classmethod
    def from_heading(cls, heading: str) -> Stage | None:
        """The stage whose readable heading matches, case-insensitively."""
        wanted = " ".join(heading.lower().split())
        for stage, text in STAGE_HEADINGS.items():
            if text.lower() == wanted:
                return stage
        return None


STAGE_HEADINGS: dict[Stage, str] = {
    Stage.CLARIFY_REQUIREMENTS: "Clarifying requirements",
    Stage.FRAME_ML_TASK: "Framing as an ML task",
    Stage.DATA_PREPARATION: "Data preparation",
    Stage.MODEL_DEVELOPMENT: "Model development",
    Stage.EVALUATION: "Evaluation",
    Stage.DEPLOYMENT_SERVING: "Deployment and serving",
    Stage.MONITORING: "Monitoring",
}

STAGES: list[Stage] = list(Stage)

#: Minutes of a 45-minute interview, used when a framework note gives no budget.
DEFAULT_BUDGET_MINUTES: dict[Stage, float] = {
    Stage.CLARIFY_REQUIREMENTS: 5,
    Stage.FRAME_ML_TASK: 5,
    Stage.DATA_PREPARATION: 7,
    Stage.MODEL_DEVELOPMENT: 10,
    Stage.EVALUATION: 7,
    Stage.DEPLOYMENT_SERVING: 6,
    Stage.MONITORING: 5,
}


class Phase(StrEnum):
    INTRO = "intro"
    CLARIFY_REQUIREMENTS = "clarify_requirements"
    FRAME_ML_TASK = "frame_ml_task"
    DATA_PREPARATION = "data_preparation"
    MODEL_DEVELOPMENT = "model_development"
    EVALUATION = "evaluation"
    DEPLOYMENT_SERVING = "deployment_serving"
    MONITORING = "monitoring"
    WRAP_UP = "wrap_up"
    DONE = "done"

    @property
    def stage(self) -> Stage | None:
        return Stage(self.value) if self.value in Stage.__members__.values() else None


class TransitionError(ValueError):
    """An impossible move of the interview state machine."""


def _stage_targets(stage: Stage) -> set[Phase]:
    """From a stage: a later stage (the next one, or a jump the candidate made) or wrap-up.
    Going back is allowed only to a stage that was skipped (see `check_transition`)."""
    return {Phase(s.value) for s in STAGES if s.index > stage.index} | {Phase.WRAP_UP}


TRANSITIONS: dict[Phase, set[Phase]] = {
    # An interview opens at clarifying; a drill opens at the stage it practises.
    Phase.INTRO: {Phase(s.value) for s in STAGES} | {Phase.WRAP_UP},
    **{Phase(s.value): _stage_targets(s) for s in STAGES},
    Phase.WRAP_UP: {Phase.DONE},
    Phase.DONE: set(),
}


def check_transition(current: Phase, target: Phase, skipped: Iterable[Stage] = ()) -> Phase:
    """Return `target` if the move is allowed, else raise TransitionError. `skipped` are the
    stages the candidate jumped over: the one move back the table allows is to one of them."""
    returning = current.stage is not None and target.stage in set(skipped)
    if target not in TRANSITIONS[current] and not returning:
        raise TransitionError(f"cannot move the interview from {current} to {target}")
    return target
