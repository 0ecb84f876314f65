"""Interview cases: one markdown file each, parsed into a validated `Case`.

The minimal contract form (a title, the problem, one section per stage with bullets, and
interviewer facts) is always accepted; front matter, bold group labels, fact labels,
curveballs and staff-level probes are optional extras, and so is the correctness data of the
v2 form: `(core)` points, nested `also:` wordings, `**Red flags**` with `challenge:`/`fix:`,
and `## Estimates`.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.errors import NotFoundError
from bot.knowledge.notes import NoteFormatError, split_front_matter
from bot.knowledge.sections import (
    RED_FLAGS_GROUP,
    Bullet,
    RedFlag,
    plain_text,
    red_flag,
    strip_links,
    walk_sections,
)
from bot.stages import STAGES, Stage

_FACT_LABEL = re.compile(r"^\*\*(?P<label>[^*]+?):?\*\*:?\s*")
_CORE = re.compile(r"^\(core\)\s*", re.IGNORECASE)


class RubricPoint(BaseModel):
    """One idea a strong answer states; `also` holds other wordings and valid alternatives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    stage: Stage
    text: str
    links: list[str] = Field(default_factory=list)
    core: bool = False
    also: list[str] = Field(default_factory=list)

    @property
    def wordings(self) -> list[str]:
        return [self.text, *self.also]


class Estimate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    text: str


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str | None
    text: str


class Curveball(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    expect: str | None = None


class StageNotes(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Stage
    key_points: list[RubricPoint]
    follow_ups: list[str]
    red_flags: list[RedFlag] = Field(default_factory=list)

    @property
    def core_points(self) -> list[RubricPoint]:
        return [p for p in self.key_points if p.core]


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    problem: str
    source: str
    difficulty: str | None = None
    tags: list[str] = Field(default_factory=list)
    stages: dict[Stage, StageNotes]
    facts: list[Fact]
    curveballs: list[Curveball] = Field(default_factory=list)
    staff_probes: list[str] = Field(default_factory=list)
    estimates: list[Estimate] = Field(default_factory=list)

    def rubric(self, stage: Stage) -> list[RubricPoint]:
        return self.stages[stage].key_points

    def red_flags(self, stage: Stage) -> list[RedFlag]:
        return self.stages[stage].red_flags


def _stage_notes(case_id: str, stage: Stage, bullets: list[Bullet], source: str) -> StageNotes:
    points, follow_ups, flags = [], [], []
    for bullet in bullets:
        if bullet.group == RED_FLAGS_GROUP:
            flags.append(
                red_flag(bullet, f"{case_id}/{stage.value}/rf{len(flags) + 1}", stage, source)
            )
            continue
        text, links = strip_links(bullet.text)
        text = plain_text(text)
        if text.endswith("?"):
            follow_ups.append(text)
        else:
            core = bool(_CORE.match(text))
            points.append(
                RubricPoint(
                    id=f"{case_id}/{stage.value}/{len(points) + 1}",
                    stage=stage,
                    text=_CORE.sub("", text),
                    links=links,
                    core=core,
                    also=bullet.nested("also"),
                )
            )
    return StageNotes(stage=stage, key_points=points, follow_ups=follow_ups, red_flags=flags)


def _estimate(bullet: Bullet) -> Estimate:
    fact = _fact(bullet)
    return Estimate(label=fact.label or "", text=fact.text)


def _fact(bullet: Bullet) -> Fact:
    match = _FACT_LABEL.match(bullet.text)
    label = match.group("label").strip() if match else None
    rest = bullet.text[match.end() :] if match else bullet.text
    return Fact(label=label, text=plain_text(rest))


def _curveball(bullet: Bullet) -> Curveball:
    expect = bullet.nested("expect") or [plain_text(c) for c in bullet.children]
    return Curveball(text=plain_text(bullet.text), expect=expect[0] if expect else None)


def parse_case(text: str, case_id: str, source: str) -> Case:
    """Parse one case file; a missing part raises NoteFormatError naming file and problem."""
    meta, body = split_front_matter(text, source)
    found = walk_sections(body)
    if not found.title:
        raise NoteFormatError(f"{source}: the first heading must be '# Title'")
    if not found.intro:
        raise NoteFormatError(f"{source}: a paragraph stating the problem must follow the title")
    stages = {}
    for stage in STAGES:
        bullets = found.bullets.get(stage.heading.lower())
        if bullets is None:
            raise NoteFormatError(f"{source}: missing the section '## {stage.heading}'")
        stages[stage] = _stage_notes(case_id, stage, bullets, source)
        if not stages[stage].key_points:
            raise NoteFormatError(f"{source}: '## {stage.heading}' has no key-point bullets")
    if "interviewer facts" not in found.bullets:
        raise NoteFormatError(f"{source}: missing the section '## Interviewer facts'")
    return Case(
        id=case_id,
        title=found.title,
        problem=" ".join(plain_text(p) for p in found.intro),
        source=source,
        difficulty=meta.get("difficulty"),
        tags=[str(t) for t in meta.get("tags") or []],
        stages=stages,
        facts=[_fact(b) for b in found.bullets["interviewer facts"]],
        curveballs=[_curveball(b) for b in found.bullets.get("curveballs", [])],
        staff_probes=[plain_text(b.text) for b in found.bullets.get("staff-level probes", [])],
        estimates=[_estimate(b) for b in found.bullets.get("estimates", [])],
    )


def read_case(path: Path, root: Path) -> Case:
    source = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise NoteFormatError(f"{source}: cannot read the file ({error})") from None
    return parse_case(text, path.stem, source)


_CASE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def load_cases(root: Path) -> tuple[dict[str, Case], list[NoteFormatError]]:
    """Every readable case, and an error for each file that is not."""
    cases: dict[str, Case] = {}
    errors: list[NoteFormatError] = []
    for path in sorted((root / "cases").glob("*.md")):
        try:
            cases[path.stem] = read_case(path, root)
        except NoteFormatError as error:
            errors.append(error)
    return cases, errors


def all_cases(root: Path) -> dict[str, Case]:
    """The readable cases; each broken file is reported as a warning, the rest keep working."""
    cases, errors = load_cases(root)
    for error in errors:
        warnings.warn(str(error), stacklevel=2)
    return cases


def get_case(root: Path, case_id: str) -> Case:
    """One case, reading only its own file (an interview starts without parsing the other
    cases); an unknown id lists the known ones."""
    path = root / "cases" / f"{case_id}.md"
    if _CASE_ID.fullmatch(case_id) and path.is_file():
        return read_case(path, root)
    cases, errors = load_cases(root)
    if case_id in cases:
        return cases[case_id]
    for error in errors:
        if str(error).startswith(f"cases/{case_id}.md:"):
            raise error
    known = ", ".join(sorted(cases)) or "none"
    raise NotFoundError(f"no case {case_id!r}; known cases: {known}")
