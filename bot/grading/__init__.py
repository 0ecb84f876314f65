"""Grading: stage scores backed by the candidate's own words, mistakes caught, a fitted total."""

from bot.grading.grade import VERDICT_BARS, finish_report, grade, verdict_for
from bot.grading.models import (
    LEVELS,
    DimensionGrade,
    Level,
    Mistake,
    Report,
    StageGrade,
    Verdict,
)

__all__ = [
    "LEVELS",
    "VERDICT_BARS",
    "DimensionGrade",
    "Level",
    "Mistake",
    "Report",
    "StageGrade",
    "Verdict",
    "finish_report",
    "grade",
    "verdict_for",
]
