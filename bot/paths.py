"""Where the bundled folders live, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """The top-level folder `name` (knowledge, prompts, ui).

    A checkout (or an editable install) has it next to `bot/`; a wheel carries a copy under
    `bot/_data/`.
    """
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    raise FileNotFoundError(f"cannot find the bundled folder {name!r}; reinstall mlsd-interviewer")


def knowledge_dir() -> Path:
    return bundled_dir("knowledge")


def prompts_dir() -> Path:
    return bundled_dir("prompts")


def ui_app_path() -> Path:
    return bundled_dir("ui") / "app.py"
