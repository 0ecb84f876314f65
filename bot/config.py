"""Settings: one pydantic object read from the environment and a `.env` file.

Nothing set means offline: the embedded chat model, embedded embeddings, and data under a
per-user data directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import platformdirs
from dotenv import dotenv_values
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
LOCAL_MODEL_NAME = "SmolLM2-135M-Instruct (embedded, Q4_1 GGUF)"


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("mlsd", appauthor=False))


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Every knob, with its environment variable as the alias."""

    # extra="ignore" because a .env file is often shared with other tools; unknown MLSD_*
    # names are still refused by `load_settings`, which is what "forbid" would catch.
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        frozen=True,
    )

    llm: Literal["local", "openai"] = Field("local", validation_alias=_env("MLSD_LLM", "llm"))
    model: str | None = Field(None, validation_alias=_env("MLSD_MODEL", "model"))
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=_env("OPENAI_API_KEY", "openai_api_key")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=_env("OPENAI_BASE_URL", "openai_base_url")
    )
    data_dir: Path = Field(
        default_factory=_default_data_dir, validation_alias=_env("MLSD_DATA_DIR", "data_dir")
    )
    knowledge_dir: Path | None = Field(
        None, validation_alias=_env("MLSD_KNOWLEDGE_DIR", "knowledge_dir")
    )
    embeddings: Literal["local", "openai"] = Field(
        "local", validation_alias=_env("MLSD_EMBEDDINGS", "embeddings")
    )
    embedding_model: str = Field(
        "text-embedding-3-small",
        validation_alias=_env("MLSD_EMBEDDING_MODEL", "embedding_model"),
    )
    chroma_url: str | None = Field(None, validation_alias=_env("MLSD_CHROMA_URL", "chroma_url"))
    database_url: SecretStr | None = Field(
        None, validation_alias=_env("MLSD_DATABASE_URL", "database_url")
    )
    timeout_s: float = Field(60.0, gt=0, le=600, validation_alias=_env("MLSD_TIMEOUT", "timeout_s"))
    max_retries: int = Field(
        2, ge=0, le=6, validation_alias=_env("MLSD_MAX_RETRIES", "max_retries")
    )
    local_threads: int = Field(
        2, ge=1, le=64, validation_alias=_env("MLSD_LOCAL_THREADS", "local_threads")
    )
    local_context: int = Field(
        4096, ge=512, le=8192, validation_alias=_env("MLSD_LOCAL_CONTEXT", "local_context")
    )
    phrasing: Literal["auto", "on", "off"] = Field(
        "auto", validation_alias=_env("MLSD_PHRASING", "phrasing")
    )
    max_answer_chars: int = Field(
        8000, ge=100, validation_alias=_env("MLSD_MAX_ANSWER_CHARS", "max_answer_chars")
    )
    auth: Literal["off", "header"] = Field("off", validation_alias=_env("MLSD_AUTH", "auth"))
    auth_header: str = Field(
        "X-Forwarded-User",
        min_length=1,
        pattern=r"^[A-Za-z0-9-]+$",
        validation_alias=_env("MLSD_AUTH_HEADER", "auth_header"),
    )

    @field_validator("openai_base_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("model")
    @classmethod
    def _empty_model_is_none(cls, value: str | None) -> str | None:
        return value or None

    @property
    def chat_model_name(self) -> str:
        """The model name a user would recognise."""
        if self.llm == "local":
            return LOCAL_MODEL_NAME
        return self.model or DEFAULT_OPENAI_MODEL

    @property
    def describe_model(self) -> str:
        """One line for the UI and `mlsd chat`: which model answers."""
        if self.llm == "local":
            return f"{LOCAL_MODEL_NAME}, on this machine's CPU"
        where = self.openai_base_url or "https://api.openai.com/v1"
        return f"{self.chat_model_name} at {where}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


_ENV_NAMES = {
    "llm": "MLSD_LLM",
    "model": "MLSD_MODEL",
    "openai_api_key": "OPENAI_API_KEY",
    "openai_base_url": "OPENAI_BASE_URL",
    "data_dir": "MLSD_DATA_DIR",
    "knowledge_dir": "MLSD_KNOWLEDGE_DIR",
    "embeddings": "MLSD_EMBEDDINGS",
    "embedding_model": "MLSD_EMBEDDING_MODEL",
    "chroma_url": "MLSD_CHROMA_URL",
    "database_url": "MLSD_DATABASE_URL",
    "timeout_s": "MLSD_TIMEOUT",
    "max_retries": "MLSD_MAX_RETRIES",
    "local_threads": "MLSD_LOCAL_THREADS",
    "local_context": "MLSD_LOCAL_CONTEXT",
    "max_answer_chars": "MLSD_MAX_ANSWER_CHARS",
    "phrasing": "MLSD_PHRASING",
    "auth": "MLSD_AUTH",
    "auth_header": "MLSD_AUTH_HEADER",
}


def _one_line(error: ValidationError) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "settings"
    name = _ENV_NAMES.get(field, field)
    got = first.get("input")
    shown = "" if isinstance(got, dict) or got is None else f" (got {str(got)!r})"
    return f"{name}: {first['msg']}{shown}"


def _refuse_unknown_names(env_file: str | Path | None) -> None:
    names = set(os.environ)
    if env_file is not None and Path(env_file).is_file():
        names |= set(dotenv_values(env_file))
    known = set(_ENV_NAMES.values())
    for name in sorted(names):
        if name.startswith("MLSD_") and name not in known:
            raise ConfigError(f"{name}: not a known setting (known: {', '.join(sorted(known))})")


def load_settings(env_file: str | Path | None = ".env", **overrides: object) -> Settings:
    """Read the settings; a bad value raises ConfigError naming the variable."""
    _refuse_unknown_names(env_file)
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as error:
        raise ConfigError(_one_line(error)) from None
