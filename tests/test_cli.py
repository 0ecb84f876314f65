from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot import __version__
from bot.cli import cli
from bot.llm import Chat
from tests.conftest import fake_chat


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "chat" in result.output and "ui" in result.output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_chat_streams_the_reply(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Chat, "from_settings", classmethod(lambda cls, s: fake_chat("Hi there")))
    result = runner.invoke(cli, ["chat", "hello"])
    assert result.exit_code == 0
    assert "Hi there" in result.stdout
    assert "model: SmolLM2" in result.stderr


def test_chat_interactive_keeps_the_conversation(runner, monkeypatch) -> None:
    chat = fake_chat("first reply", "second reply")
    monkeypatch.setattr(Chat, "from_settings", classmethod(lambda cls, s: chat))
    result = runner.invoke(cli, ["chat"], input="one\ntwo\n\n")
    assert result.exit_code == 0
    assert "first reply" in result.stdout and "second reply" in result.stdout


def test_bad_configuration_is_one_line_and_non_zero(runner, monkeypatch) -> None:
    monkeypatch.setenv("MLSD_LLM", "nonsense")
    result = runner.invoke(cli, ["chat", "hello"])
    assert result.exit_code != 0
    assert result.stderr.strip().startswith("Error: MLSD_LLM:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_unreachable_server_is_one_line(runner, monkeypatch) -> None:
    monkeypatch.setenv("MLSD_LLM", "openai")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("MLSD_MAX_RETRIES", "0")
    result = runner.invoke(cli, ["chat", "hello"])
    assert result.exit_code == 1
    assert "no server at http://127.0.0.1:9/v1" in result.stderr
