"""Every move the interviewer can make, as one ordered list: the first rule that holds wins.

A rule is a name, a condition on the moment (the state, the turn's signals, what the turn
newly covered) and a move on the conductor. A move may decline (return None), for example
a concept question the notes do not cover; then the next rule is tried. The last rule always
holds, so every turn gets a move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.interview.signals import Request
from bot.policy import QUESTION_TURN_WORDS

if TYPE_CHECKING:
    from bot.interview.conductor import Conductor, Decision, Moment


@dataclass(frozen=True)
class Rule:
    name: str
    holds: Callable[[Conductor, Moment], bool]
    move: Callable[[Conductor, Moment], Decision | None]


RULES: list[Rule] = [
    Rule("interview over", lambda c, m: m.state.wrapped, lambda c, m: c.end(m)),
    Rule(
        "candidate is done",
        lambda c, m: m.turn.asks(Request.DONE),
        lambda c, m: c.candidate_done(m),
    ),
    Rule(
        "instructions instead of an answer",
        lambda c, m: m.turn.injection and not m.turn.substantive,
        lambda c, m: c.decline(m, "I'll stick to the interview."),
    ),
    Rule(
        "rubric or checklist request",
        lambda c, m: m.turn.asks(Request.RUBRIC) and not m.turn.asks(Request.HINT),
        lambda c, m: c.decline_rubric(m),
    ),
    Rule("hint request", lambda c, m: m.turn.asks(Request.HINT), lambda c, m: c.hint(m.state)),
    Rule("concept question", lambda c, m: m.turn.concept_question, lambda c, m: c.concept(m)),
    Rule("no content", lambda c, m: not m.turn.content, lambda c, m: c.ask_for_an_answer(m)),
    Rule(
        "clarifying questions",
        lambda c, m: (
            bool(m.turn.questions)
            and (bool(m.turn.answered_parts) or m.turn.words <= QUESTION_TURN_WORDS)
        ),
        lambda c, m: c.answer_questions(m),
    ),
    Rule("a red flag", lambda c, m: c.unchallenged(m) is not None, lambda c, m: c.challenge(m)),
    Rule("a number off", lambda c, m: c.unchecked_number(m) is not None, lambda c, m: c.check(m)),
    Rule(
        "a gap in the diagram",
        lambda c, m: c.diagram_gap(m) is not None,
        lambda c, m: c.ask_about_diagram(m),
    ),
    Rule(
        "a named technique",
        lambda c, m: c.technique_to_probe(m) is not None,
        lambda c, m: c.probe_technique(m),
    ),
    Rule("the candidate jumped", lambda c, m: c.jumped_to(m) is not None, lambda c, m: c.follow(m)),
    Rule(
        "stage covered, out of time, or move-on asked",
        lambda c, m: m.turn.asks(Request.MOVE_ON) or c.stage_done(m.state, m.stage),
        lambda c, m: c.advance(m),
    ),
    Rule("on topic: probe a missed point", lambda c, m: c.on_topic(m), lambda c, m: c.probe(m)),
    Rule("off topic", lambda c, m: True, lambda c, m: c.steer_back(m)),
]
