from __future__ import annotations

import time

import pytest
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI

from bot.config import load_settings
from bot.errors import (
    ConfigError,
    ModelAuthError,
    ModelResponseError,
    ModelTimeoutError,
    ModelUnavailableError,
)
from bot.llm import Chat, build_chat_model, to_messages
from bot.llm_local import LlamaCppChatModel
from bot.throwaway import free_port
from tests.conftest import fake_chat

HELLO = [HumanMessage(content="hello")]


def _openai_settings(monkeypatch: pytest.MonkeyPatch, base_url: str, **extra: str):
    monkeypatch.setenv("MLSD_LLM", "openai")
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("MLSD_MODEL", "stub-model")
    for name, value in extra.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def test_fake_model_streams_in_pieces() -> None:
    chat = fake_chat("one two three")
    pieces = list(chat.stream(HELLO))
    assert len(pieces) > 1
    assert "".join(pieces) == "one two three"


def test_local_setting_builds_the_embedded_adapter(settings) -> None:
    model = build_chat_model(settings)
    assert isinstance(model, LlamaCppChatModel)
    assert model.model_path.endswith(".gguf")


def test_openai_setting_builds_chatopenai_with_bounded_timeout(monkeypatch) -> None:
    settings = _openai_settings(monkeypatch, "http://127.0.0.1:9/v1", MLSD_TIMEOUT="7")
    model = build_chat_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.request_timeout.read == 7
    assert model.max_retries == 2


def test_openai_without_key_or_base_url_says_what_to_set(monkeypatch) -> None:
    monkeypatch.setenv("MLSD_LLM", "openai")
    with pytest.raises(ConfigError, match="OPENAI_API_KEY is not set"):
        build_chat_model(load_settings())


def test_to_messages_keeps_roles() -> None:
    messages = to_messages("sys", [("user", "q"), ("assistant", "a")])
    assert [m.type for m in messages] == ["system", "human", "ai"]


def test_streamed_reply_from_an_openai_compatible_server(monkeypatch, stub_server) -> None:
    chat = Chat.from_settings(_openai_settings(monkeypatch, stub_server.base_url))
    pieces = list(chat.stream(HELLO))
    assert len(pieces) > 1
    assert "".join(pieces).strip() == "Hello from the stub server."
    assert stub_server.state.bodies[0]["stream"] is True


def test_server_error_is_mapped_with_a_hint(monkeypatch, stub_server) -> None:
    stub_server.state.mode = "error500"
    settings = _openai_settings(monkeypatch, stub_server.base_url, MLSD_MAX_RETRIES="1")
    with pytest.raises(ModelResponseError, match="failed with HTTP 500; retry"):
        Chat.from_settings(settings).complete(HELLO)
    assert stub_server.state.requests == 2, "one try plus exactly one bounded retry"


def test_connection_refused_names_the_server(monkeypatch) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    settings = _openai_settings(monkeypatch, url, MLSD_MAX_RETRIES="0")
    with pytest.raises(ModelUnavailableError, match=f"no server at {url} — is the server"):
        Chat.from_settings(settings).complete(HELLO)


def test_connection_refused_on_ollama_port_asks_about_ollama() -> None:
    from bot.llm import _connection_error

    message = str(_connection_error(ConnectionError(), "http://localhost:11434/v1"))
    assert message == "no server at http://localhost:11434/v1 — is Ollama running? (`ollama serve`)"


def test_hanging_server_times_out_within_the_bound(monkeypatch, stub_server) -> None:
    stub_server.state.mode = "hang"
    stub_server.state.hang_s = 10
    settings = _openai_settings(
        monkeypatch, stub_server.base_url, MLSD_TIMEOUT="1", MLSD_MAX_RETRIES="0"
    )
    started = time.monotonic()
    with pytest.raises(ModelTimeoutError, match="within 1 s"):
        Chat.from_settings(settings).complete(HELLO)
    assert time.monotonic() - started < 5


def test_bad_key_is_not_retried_and_says_check_the_key(monkeypatch, stub_server) -> None:
    stub_server.state.mode = "unauthorized"
    settings = _openai_settings(
        monkeypatch, stub_server.base_url, OPENAI_API_KEY="sk-wrong-key-123"
    )
    with pytest.raises(ModelAuthError, match="check OPENAI_API_KEY") as caught:
        Chat.from_settings(settings).complete(HELLO)
    assert "sk-wrong-key-123" not in str(caught.value)
    assert stub_server.state.requests == 1


def test_stream_cut_keeps_the_partial_text(monkeypatch, stub_server) -> None:
    stub_server.state.mode = "cut"
    settings = _openai_settings(monkeypatch, stub_server.base_url, MLSD_MAX_RETRIES="0")
    chat = Chat.from_settings(settings)
    received = []
    with pytest.raises(ModelResponseError) as caught:
        for piece in chat.stream(HELLO):
            received.append(piece)
    assert caught.value.partial == "".join(received)
    assert caught.value.partial.startswith("The answer")
