"""The wall clock interviews read: seconds since the epoch, so a time stored with a session
means the same in every process (a reload, a resume, another replica). Tests replace
`now` with `bot.testing.FakeClock`."""

from __future__ import annotations

import time


def now() -> float:
    return time.time()
