"""Reading the markdown notes: front matter, links, framework and concept notes."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bot.errors import NotFoundError
from bot.knowledge.sections import (
    RED_FLAGS_GROUP,
    NoteFormatError,
    RedFlag,
    plain_text,
    red_flag,
    walk_sections,
)
from bot.stages import DEFAULT_BUDGET_MINUTES, Stage

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def split_front_matter(text: str, source: str = "note") -> tuple[dict, str]:
    """YAML front matter (or {}) and the body."""
    match = _FRONT.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        raise NoteFormatError(f"{source}: front matter is not valid YAML ({error})") from None
    if not isinstance(meta, dict):
        raise NoteFormatError(f"{source}: front matter must be a mapping of keys to values")
    return meta, text[match.end() :]


class FrameworkNote(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Stage
    title: str
    budget_minutes: float
    hints: list[str]
    source: str
    red_flags: list[RedFlag] = Field(default_factory=list)
    opening_question: str | None = None
    probes: list[str] = Field(default_factory=list)


class ConceptNote(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    aliases: list[str]
    source: str
    probes: list[str] = Field(default_factory=list)


def _section(body: str, heading: str) -> str:
    """The text of one `## heading` section, up to the next one ('' when absent)."""
    found = re.search(rf"^##\s+{re.escape(heading)}\s*$(.*?)(?=^##\s|\Z)", body, re.M | re.S)
    return found.group(1) if found else ""


def _numbered_items(body: str, heading: str) -> list[str]:
    return [plain_text(m) for m in re.findall(r"^\s*\d+\.\s+(.+)$", _section(body, heading), re.M)]


def _section_bullets(body: str, heading: str) -> list[str]:
    return [plain_text(m) for m in re.findall(r"^[-*]\s+(.+)$", _section(body, heading), re.M)]


def _section_paragraph(body: str, heading: str) -> str | None:
    return plain_text(" ".join(_section(body, heading).split())) or None


def read_framework_note(path: Path, root: Path) -> FrameworkNote:
    source = path.relative_to(root).as_posix()
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), source)
    stage = Stage(meta.get("stage", path.stem))
    title = re.search(r"^#\s+(.+)$", body, re.M)
    bullets = [b for items in walk_sections(body).bullets.values() for b in items]
    flags = [b for b in bullets if b.group == RED_FLAGS_GROUP]
    return FrameworkNote(
        stage=stage,
        title=title.group(1).strip() if title else stage.heading,
        budget_minutes=float(meta.get("budget_minutes", DEFAULT_BUDGET_MINUTES[stage])),
        hints=_numbered_items(body, "Hints"),
        source=source,
        opening_question=_section_paragraph(body, "Opening question"),
        probes=[q for q in _section_bullets(body, "Probes") if q.endswith("?")],
        red_flags=[
            red_flag(b, f"framework/{stage.value}/rf{i}", stage, source)
            for i, b in enumerate(flags, 1)
        ],
    )


def read_concept_note(path: Path, root: Path) -> ConceptNote:
    source = path.relative_to(root).as_posix()
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), source)
    title = meta.get("title") or _first_heading(body) or path.stem
    aliases = [str(a) for a in meta.get("aliases") or []]
    probes = [q for q in _section_bullets(body, "Probes") if q.endswith("?")]
    return ConceptNote(
        id=path.stem, title=str(title), aliases=aliases, source=source, probes=probes
    )


def _first_heading(body: str) -> str | None:
    match = re.search(r"^#\s+(.+)$", body, re.M)
    return match.group(1).strip() if match else None


@lru_cache(maxsize=8)
def framework_notes(root: Path) -> dict[Stage, FrameworkNote]:
    notes = [read_framework_note(p, root) for p in sorted((root / "framework").glob("*.md"))]
    return {note.stage: note for note in notes}


@lru_cache(maxsize=8)
def concept_notes(root: Path) -> dict[str, ConceptNote]:
    paths = sorted((root / "concepts").glob("*.md"))
    return {note.id: note for note in (read_concept_note(p, root) for p in paths)}


def note_files(root: Path) -> list[Path]:
    """Every note that goes into the index (the README is about the format, not content)."""
    return sorted(p for p in root.rglob("*.md") if p.name != "README.md")


def framework_red_flags(root: Path) -> list[RedFlag]:
    """Mistakes that apply to every case, from the framework notes."""
    return [flag for note in framework_notes(root).values() for flag in note.red_flags]


class KnowledgeNote(BaseModel):
    """A note as a reader opens it from a citation: its title and its Markdown body."""

    model_config = ConfigDict(extra="forbid")

    source: str
    title: str
    body: str


_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def read_note(root: Path, source: str) -> KnowledgeNote:
    """The note at `source` (a path relative to the knowledge folder, as citations give it),
    with links reduced to their text; a path outside the folder is NotFoundError."""
    path = (root / source).resolve()
    if path.suffix != ".md" or not path.is_file() or not path.is_relative_to(root.resolve()):
        raise NotFoundError(f"no note {source!r} in the knowledge folder")
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), source)
    title = str(meta.get("title") or _first_heading(body) or path.stem)
    return KnowledgeNote(source=source, title=title, body=_LINK.sub(r"\1", body))
