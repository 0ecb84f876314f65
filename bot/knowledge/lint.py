"""`mlsd lint-cases`: what a case file lacks, one line per problem, for the case's author.

The checks follow the v2 form in `knowledge/README.md`: core points in every stage, `also:`
wordings, red flags with a challenge question, a fact for every clarifying point, an
`## Estimates` section, and links that resolve. A file in the minimal form still loads and
runs an interview; the linter says what would make it a full case.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict

from bot.cues import FlagCues
from bot.knowledge.cases import Case, read_case
from bot.knowledge.notes import NoteFormatError
from bot.policy import LINT_FACT_MATCH
from bot.stages import STAGES, Stage

_LINK_TARGET = re.compile(r"\]\(([^)\s]+\.md)(#[^)]*)?\)")
_ASKS = re.compile(
    r"^(asks|states|checks|confirms|learns)\b[^,]*?\b(about|whether|if|how|what)?\s*", re.I
)


class LintProblem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


def lint_paths(paths: list[Path], root: Path, embeddings: Embeddings) -> list[LintProblem]:
    problems: list[LintProblem] = []
    for path in paths:
        base = root if root.resolve() in path.resolve().parents else path.resolve().parent.parent
        try:
            case = read_case(path.resolve(), base.resolve())
        except NoteFormatError as error:
            problems.append(LintProblem(source=_source(path, base), message=_after_source(error)))
            continue
        problems.extend(lint_case(case, path.resolve(), base.resolve(), embeddings))
    return problems


def lint_case(case: Case, path: Path, root: Path, embeddings: Embeddings) -> list[LintProblem]:
    messages = [
        *_stage_problems(case),
        *_cues_on_sound_answers(case),
        *_unanswered_clarify_points(case, embeddings),
        *_broken_links(path, root),
    ]
    if not case.estimates:
        messages.append("no '## Estimates' section (back-of-envelope figures from the facts)")
    return [LintProblem(source=case.source, message=m) for m in messages]


def _stage_problems(case: Case) -> list[str]:
    found = []
    for stage in STAGES:
        notes = case.stages[stage]
        where = stage.heading
        if not notes.core_points:
            found.append(f"{where}: no (core) key point")
        for number, point in enumerate(notes.key_points, 1):
            if not point.also:
                found.append(f"{where}: key point {number} has no 'also:' wordings")
        if not notes.red_flags:
            found.append(f"{where}: no **Red flags** (mistakes with a challenge question)")
        for number, flag in enumerate(notes.red_flags, 1):
            if not flag.challenge:
                found.append(f"{where}: red flag {number} has no 'challenge:' question")
            elif not flag.challenge.rstrip().endswith("?"):
                found.append(f"{where}: red flag {number}'s challenge is not a question")
    return found


def _cues_on_sound_answers(case: Case) -> list[str]:
    """A red flag's `cue:` that fires on a key point or a fix of the same case would accuse
    a candidate of a mistake for saying the right thing."""
    sound = [w for s in STAGES for p in case.rubric(s) for w in p.wordings]
    sound += [f.fix for s in STAGES for f in case.red_flags(s) if f.fix]
    found = []
    for stage in STAGES:
        for number, flag in enumerate(case.red_flags(stage), 1):
            cues = FlagCues.of(flag.cues, flag.unless)
            for text in sound:
                if (hit := cues.state(text)) is not None:
                    found.append(
                        f"{stage.heading}: red flag {number}'s cue {hit.text!r} fires on a sound "
                        f"answer: {_short(text, 12)!r}"
                    )
    return found


def _unanswered_clarify_points(case: Case, embeddings: Embeddings) -> list[str]:
    points = case.rubric(Stage.CLARIFY_REQUIREMENTS)
    if not case.facts:
        return ["no bullets under '## Interviewer facts'"]
    facts = np.array(embeddings.embed_documents([f"{f.label or ''}: {f.text}" for f in case.facts]))
    found = []
    for number, point in enumerate(points, 1):
        wordings = [_ASKS.sub("", w) for w in point.wordings]
        vectors = np.array(embeddings.embed_documents(wordings))
        if float((vectors @ facts.T).max()) < LINT_FACT_MATCH:
            found.append(
                f"{Stage.CLARIFY_REQUIREMENTS.heading}: key point {number} "
                f"({_short(point.text)}) has no interviewer fact that answers it"
            )
    return found


def _broken_links(path: Path, root: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in _LINK_TARGET.finditer(text):
        target = (path.parent / match.group(1)).resolve()
        if not target.is_file() or root.resolve() not in target.parents:
            found.append(f"link to a missing note: {match.group(1)}")
    return found


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("..." if len(parts) > words else "")


def _source(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _after_source(error: NoteFormatError) -> str:
    return str(error).split(": ", 1)[-1]
