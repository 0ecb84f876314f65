"""Sections and bullets of a note, tagged with their bold group label, and red flags.

Shared by case files and framework notes: both may hold a `**Red flags**` group whose
bullets carry nested `challenge:`, `also:`, `fix:`, `cue:` and `unless:` lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict, Field

from bot.cues import CueSyntaxError, check_cue_lines
from bot.errors import InputError
from bot.stages import Stage

_CHILD = re.compile(r"^(?P<kind>also|challenge|fix|expect|cue|unless):\s*", re.IGNORECASE)
_MATCHER_LINE = re.compile(r"^[ \t]+[-*] (?:cue|unless):.*\n?", re.IGNORECASE | re.MULTILINE)
RED_FLAGS_GROUP = "red flags"
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MD = MarkdownIt("commonmark")


class NoteFormatError(InputError):
    """A note that cannot be read; the message names the file and the problem."""


def strip_links(text: str) -> tuple[str, list[str]]:
    """Markdown links replaced by their text, and the link targets."""
    targets = [m.group(2) for m in _LINK.finditer(text)]
    return _LINK.sub(r"\1", text), targets


def without_matcher_lines(markdown: str) -> str:
    """The note as a reader sees it: nested `cue:`/`unless:` lines are matcher syntax, not
    prose, so the index neither embeds nor cites them (they were a sixth of its chunks)."""
    return _MATCHER_LINE.sub("", markdown)


def plain_text(markdown: str) -> str:
    """Inline markdown without links, emphasis or code marks."""
    text, _ = strip_links(markdown)
    return re.sub(r"(\*\*|__|`)", "", text).strip()


def tokens(markdown: str) -> list:
    return _MD.parse(markdown)


class RedFlag(BaseModel):
    """A wrong claim or choice, the interviewer's push-back, and what a sound answer says.

    `stage` is None for a framework red flag read outside a stage section.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    stage: Stage | None
    text: str
    also: list[str] = Field(default_factory=list)
    challenge: str | None = None
    fix: str | None = None
    cues: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    source: str = ""

    @property
    def wordings(self) -> list[str]:
        return [self.text, *self.also]


@dataclass
class Bullet:
    text: str
    group: str | None = None
    children: list[str] = field(default_factory=list)

    def nested(self, kind: str) -> list[str]:
        """Nested bullets of one kind (`also`, `challenge`, `fix`, `cue`...), prefix removed."""
        found = []
        for child in self.children:
            match = _CHILD.match(plain_text(child))
            if match and match.group("kind").lower() == kind:
                found.append(plain_text(child)[match.end() :])
        return found


@dataclass
class Sections:
    title: str | None = None
    intro: list[str] = field(default_factory=list)
    bullets: dict[str, list[Bullet]] = field(default_factory=dict)
    group: str | None = None


def walk_sections(body: str) -> Sections:
    """Headings, the paragraphs before the first section, and bullets per `##` section,
    each bullet tagged with the bold group label (`**Red flags**`) it sits under."""
    found = Sections()
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
                found.group = None
        elif token.type == "bullet_list_open":
            depth += 1
        elif token.type == "bullet_list_close":
            depth -= 1
        elif token.type == "inline" and toks[i - 1].type == "paragraph_open":
            _place(found, section, depth, token.content.strip())
    return found


def _place(found: Sections, section: str | None, depth: int, text: str) -> None:
    if section is None:
        if depth == 0 and found.title is not None:
            found.intro.append(text)
        return
    items = found.bullets[section]
    if depth == 0 and re.fullmatch(r"\*\*[^*]+\*\*:?", text):
        found.group = plain_text(text).rstrip(":").lower()
    elif depth == 1:
        items.append(Bullet(text, found.group))
    elif depth > 1 and items:
        items[-1].children.append(text)


def red_flag(bullet: Bullet, flag_id: str, stage: Stage | None, source: str) -> RedFlag:
    challenges, fixes = bullet.nested("challenge"), bullet.nested("fix")
    cues, unless = bullet.nested("cue"), bullet.nested("unless")
    try:
        check_cue_lines(cues, unless)
    except CueSyntaxError as error:
        where = f"{source}: red flag {plain_text(bullet.text)[:40]!r}"
        raise NoteFormatError(f"{where}: {error}") from None
    return RedFlag(
        id=flag_id,
        stage=stage,
        text=plain_text(bullet.text),
        also=bullet.nested("also"),
        challenge=challenges[0] if challenges else None,
        fix=fixes[0] if fixes else None,
        cues=cues,
        unless=unless,
        source=source,
    )
