"""mlsd: a mock interviewer for machine learning system design interviews."""

from __future__ import annotations

__version__ = "0.1.0"
