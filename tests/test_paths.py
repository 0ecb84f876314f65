from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.paths import knowledge_dir, prompts_dir, ui_app_path

ROOT = Path(__file__).resolve().parents[1]


def test_checkout_finds_the_bundled_folders() -> None:
    assert (knowledge_dir() / "README.md").is_file()
    assert any(prompts_dir().glob("*.j2"))
    assert ui_app_path().is_file()


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("*.whl"))


def test_wheel_carries_knowledge_prompts_and_ui(built_wheel: Path) -> None:
    names = zipfile.ZipFile(built_wheel).namelist()
    assert "bot/_data/knowledge/README.md" in names
    assert any(n.startswith("bot/_data/prompts/") and n.endswith(".j2") for n in names)
    assert "bot/_data/ui/app.py" in names


def test_installed_copy_finds_its_folders(built_wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(built_wheel).extractall(target)
    code = "from bot.paths import knowledge_dir, prompts_dir; print(knowledge_dir(), prompts_dir())"
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(target / "bot" / "_data" / "knowledge") in result.stdout
    assert str(target / "bot" / "_data" / "prompts") in result.stdout
