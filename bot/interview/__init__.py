"""The interviewer: a turn is read once into signals, an ordered rule list picks the move,
and the session commits every turn before any model is called."""

from __future__ import annotations

from bot.interview.conductor import Conductor, Decision, InterviewState
from bot.interview.session import Interview, build_conductor, transcript_of

__all__ = [
    "Conductor",
    "Decision",
    "Interview",
    "InterviewState",
    "build_conductor",
    "transcript_of",
]
