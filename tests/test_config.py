from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import ConfigError


def test_nothing_set_means_offline_defaults(settings) -> None:
    assert settings.llm == "local"
    assert settings.embeddings == "local"
    assert "SmolLM2" in settings.describe_model


def test_data_dir_defaults_to_a_per_user_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLSD_DATA_DIR")
    assert "mlsd" in str(load_settings().data_dir)


def test_dotenv_file_is_read() -> None:
    Path(".env").write_text("MLSD_LLM=openai\nMLSD_MODEL=llama3.2\nOTHER_TOOL=1\n")
    settings = load_settings()
    assert settings.llm == "openai"
    assert settings.model == "llama3.2"


def test_environment_wins_over_dotenv(monkeypatch: pytest.MonkeyPatch) -> None:
    Path(".env").write_text("MLSD_MODEL=from-dotenv\n")
    monkeypatch.setenv("MLSD_MODEL", "from-env")
    assert load_settings().model == "from-env"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MLSD_LLM", "gpt"),
        ("MLSD_TIMEOUT", "soon"),
        ("MLSD_MAX_RETRIES", "-1"),
        ("OPENAI_BASE_URL", "localhost:11434"),
        ("MLSD_AUTH", "oauth"),
        ("MLSD_AUTH_HEADER", "X User: alice"),
    ],
)
def test_bad_value_gives_one_line_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{name}:")
    assert "\n" not in message


def test_bad_value_in_dotenv_names_the_variable() -> None:
    Path(".env").write_text("MLSD_LLM=claude\n")
    with pytest.raises(ConfigError, match=r"^MLSD_LLM:"):
        load_settings()


def test_misspelt_mlsd_variable_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSD_MODLE", "x")
    with pytest.raises(ConfigError, match="MLSD_MODLE: not a known setting"):
        load_settings()


def test_api_key_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-123")
    settings = load_settings()
    assert "sk-secret-123" not in repr(settings)
    assert "sk-secret-123" not in settings.describe_model
