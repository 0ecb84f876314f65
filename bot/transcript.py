"""The transcript file of the contract: `{"case", "turns": [{"role", "content"}]}`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.errors import InputError
from bot.stages import Stage


class TranscriptTurn(BaseModel):
    # The contract says unknown keys are ignored, so this schema does not forbid extras.
    model_config = ConfigDict(extra="ignore")

    role: Literal["interviewer", "candidate"]
    content: str
    stage: str | None = None
    kind: str | None = None
    diagram: str | None = None


class Transcript(BaseModel):
    model_config = ConfigDict(extra="ignore")

    case: str
    turns: list[TranscriptTurn]
    level: str | None = None
    help_used: list[dict] = []
    time_per_stage: dict[str, float] = {}
    #: A drill's first stage: the interview started there, not at clarifying.
    drill: Stage | None = None

    @field_validator("case")
    @classmethod
    def _case_id(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must name a case id")
        return value.strip()

    def candidate_turns(self) -> list[tuple[int, str]]:
        return [(i, t.content) for i, t in enumerate(self.turns) if t.role == "candidate"]

    def diagram_turns(self) -> list[tuple[int, str]]:
        """Candidate turns that changed the whiteboard, with its source as of that turn."""
        found, last = [], None
        for i, turn in enumerate(self.turns):
            if turn.role == "candidate" and turn.diagram and turn.diagram != last:
                found.append((i, turn.diagram))
                last = turn.diagram
        return found


def load_transcript(path: Path) -> Transcript:
    """Read and validate a transcript file; problems raise a one-line InputError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not valid JSON ({error})") from None
    try:
        return Transcript.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "document"
        raise InputError(f"{path}: {where}: {first['msg']}") from None
