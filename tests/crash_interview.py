"""Run by a test: an unattended interview that a test kills with SIGKILL mid-way."""

from __future__ import annotations

import sys
import time

from bot.config import load_settings
from bot.engine import Engine

engine = Engine(load_settings())
interview = engine.new_interview(sys.argv[1], clock="spoken")
interview.chat = None
print(interview.session_id, flush=True)
"".join(interview.open())
for n in range(100):
    "".join(interview.respond(f"Answer number {n}: I would use logged impressions as data."))
    print(f"committed {n}", flush=True)
    time.sleep(0.05)
