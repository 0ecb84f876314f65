"""Prompt templates: files in `prompts/`, rendered with strict variables.

A missing variable raises, so a prompt can never silently go out half-filled. Candidate text
is passed through the `data` filter, which stops it from closing the tags that fence it off
as data.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2

from bot.paths import prompts_dir

_FENCE = re.compile(r"</?\s*(candidate|notes|transcript|data|question)[^>]*>", re.IGNORECASE)


def fence_data(text: object) -> str:
    """Neutralise tags that would let candidate text break out of its data fence."""
    return _FENCE.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), str(text))


@lru_cache(maxsize=4)
def _environment(folder: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["data"] = fence_data
    return env


def prompt_names(folder: Path | None = None) -> list[str]:
    """Every template in the prompts folder, by file name."""
    return sorted(p.name for p in (folder or prompts_dir()).glob("*.j2"))


def render(name: str, folder: Path | None = None, **variables: object) -> str:
    """Render `prompts/<name>` (add `.j2` if missing); a missing variable raises."""
    file_name = name if name.endswith(".j2") else f"{name}.j2"
    template = _environment(str(folder or prompts_dir())).get_template(file_name)
    return template.render(**variables).strip()
