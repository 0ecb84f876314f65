"""Interview cases: one markdown file each, parsed into a validated `Case`.

The minimal contract form (a title, the problem, one section per stage with bullets, and
interviewer facts) is always accepted; front matter, bold group labels, fact labels,
curveballs and staff-level probes are optional extras.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.errors import NotFoundError
from bot.notes import NoteFormatError, plain_text, split_front_matter, strip_links, tokens
from bot.stages import STAGES, Stage

_FACT_LABEL = re.compile(r"^\*\*(?P<label>[^*]+?):?\*\*:?\s*")
_EXPECT = re.compile(r"^expect:\s*", re.IGNORECASE)
_EXTRA_SECTIONS = {
    "interviewer facts": "facts",
    "curveballs": "curveballs",
    "staff-level probes": "staff_probes",
}


class RubricPoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    stage: Stage
    text: str
    links: list[str] = Field(default_factory=list)


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

    def rubric(self, stage: Stage) -> list[RubricPoint]:
        return self.stages[stage].key_points


@dataclass
class _Bullet:
    text: str
    children: list[str] = field(default_factory=list)


@dataclass
class _Sections:
    title: str | None = None
    intro: list[str] = field(default_factory=list)
    bullets: dict[str, list[_Bullet]] = field(default_factory=dict)


def _walk(body: str) -> _Sections:
    """Headings, the paragraphs before the first section, and bullets per `##` section."""
    found = _Sections()
    section: str | None = None
    depth = 0
    for i, token in enumerate(toks := tokens(body)):
        if token.type == "heading_open":
            text = toks[i + 1].content.strip()
            if token.tag == "h1" and found.title is None:
                found.title = plain_text(text)
            elif token.tag == "h2":
                section = " ".join(text.lower().split())
                found.bullets.setdefault(section, [])
        elif token.type == "bullet_list_open":
            depth += 1
        elif token.type == "bullet_list_close":
            depth -= 1
        elif token.type == "inline" and toks[i - 1].type == "paragraph_open":
            _place(found, section, depth, token.content.strip())
    return found


def _place(found: _Sections, section: str | None, depth: int, text: str) -> None:
    if section is None:
        if depth == 0 and found.title is not None:
            found.intro.append(text)
        return
    items = found.bullets[section]
    if depth == 1:
        items.append(_Bullet(text))
    elif depth > 1 and items:
        items[-1].children.append(text)


def _stage_notes(case_id: str, stage: Stage, bullets: list[_Bullet]) -> StageNotes:
    points, follow_ups = [], []
    for bullet in bullets:
        text, links = strip_links(bullet.text)
        text = plain_text(text)
        if text.endswith("?"):
            follow_ups.append(text)
        else:
            point_id = f"{case_id}/{stage.value}/{len(points) + 1}"
            points.append(RubricPoint(id=point_id, stage=stage, text=text, links=links))
    return StageNotes(stage=stage, key_points=points, follow_ups=follow_ups)


def _fact(bullet: _Bullet) -> Fact:
    match = _FACT_LABEL.match(bullet.text)
    label = match.group("label").strip() if match else None
    rest = bullet.text[match.end() :] if match else bullet.text
    return Fact(label=label, text=plain_text(rest))


def _curveball(bullet: _Bullet) -> Curveball:
    expect = next((_EXPECT.sub("", plain_text(c)) for c in bullet.children), None)
    return Curveball(text=plain_text(bullet.text), expect=expect)


def parse_case(text: str, case_id: str, source: str) -> Case:
    """Parse one case file; a missing part raises NoteFormatError naming file and problem."""
    meta, body = split_front_matter(text, source)
    found = _walk(body)
    if not found.title:
        raise NoteFormatError(f"{source}: the first heading must be '# Title'")
    if not found.intro:
        raise NoteFormatError(f"{source}: a paragraph stating the problem must follow the title")
    stages = {}
    for stage in STAGES:
        bullets = found.bullets.get(stage.heading.lower())
        if bullets is None:
            raise NoteFormatError(f"{source}: missing the section '## {stage.heading}'")
        stages[stage] = _stage_notes(case_id, stage, bullets)
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
    )


def read_case(path: Path, root: Path) -> Case:
    source = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise NoteFormatError(f"{source}: cannot read the file ({error})") from None
    return parse_case(text, path.stem, source)


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
    cases, errors = load_cases(root)
    if case_id in cases:
        return cases[case_id]
    for error in errors:
        if str(error).startswith(f"cases/{case_id}.md:"):
            raise error
    known = ", ".join(sorted(cases)) or "none"
    raise NotFoundError(f"no case {case_id!r}; known cases: {known}")
