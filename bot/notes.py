"""Reading the markdown notes: front matter, links, framework and concept notes."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict

from bot.errors import InputError
from bot.stages import DEFAULT_BUDGET_MINUTES, Stage

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_MD = MarkdownIt("commonmark")


class NoteFormatError(InputError):
    """A note that cannot be read; the message names the file and the problem."""


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


def strip_links(text: str) -> tuple[str, list[str]]:
    """Markdown links replaced by their text, and the link targets."""
    targets = [m.group(2) for m in _LINK.finditer(text)]
    return _LINK.sub(r"\1", text), targets


def plain_text(markdown: str) -> str:
    """Inline markdown without links, emphasis or code marks."""
    text, _ = strip_links(markdown)
    return re.sub(r"(\*\*|__|`)", "", text).strip()


def tokens(markdown: str) -> list:
    return _MD.parse(markdown)


class FrameworkNote(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Stage
    title: str
    budget_minutes: float
    hints: list[str]
    source: str


class ConceptNote(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    aliases: list[str]
    source: str


def _numbered_items(body: str, heading: str) -> list[str]:
    section = re.search(rf"^##\s+{re.escape(heading)}\s*$(.*?)(?=^##\s|\Z)", body, re.M | re.S)
    if not section:
        return []
    return [plain_text(m) for m in re.findall(r"^\s*\d+\.\s+(.+)$", section.group(1), re.M)]


def read_framework_note(path: Path, root: Path) -> FrameworkNote:
    source = path.relative_to(root).as_posix()
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), source)
    stage = Stage(meta.get("stage", path.stem))
    title = re.search(r"^#\s+(.+)$", body, re.M)
    return FrameworkNote(
        stage=stage,
        title=title.group(1).strip() if title else stage.heading,
        budget_minutes=float(meta.get("budget_minutes", DEFAULT_BUDGET_MINUTES[stage])),
        hints=_numbered_items(body, "Hints"),
        source=source,
    )


def read_concept_note(path: Path, root: Path) -> ConceptNote:
    source = path.relative_to(root).as_posix()
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), source)
    title = meta.get("title") or _first_heading(body) or path.stem
    aliases = [str(a) for a in meta.get("aliases") or []]
    return ConceptNote(id=path.stem, title=str(title), aliases=aliases, source=source)


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
