"""Local OpenAI-compatible servers are found by their model list; other things are not."""

from __future__ import annotations

from bot.local_servers import find_local_servers
from bot.throwaway import free_port
from tests.openai_stub import StubServer


def _port(base_url: str) -> int:
    return int(base_url.rsplit(":", 1)[1].split("/")[0])


def test_a_server_listing_models_is_found_with_its_models() -> None:
    with StubServer() as stub:
        stub.state.models = ["llama3.1", "qwen2.5"]
        (found,) = find_local_servers({_port(stub.base_url): "Ollama"})
    assert found.name == "Ollama" and found.base_url == stub.base_url
    assert found.models == ["llama3.1", "qwen2.5"]


def test_nothing_listening_and_a_server_without_models_are_skipped() -> None:
    with StubServer() as stub:
        stub.state.models = []
        assert find_local_servers({_port(stub.base_url): "Ollama", free_port(): "vLLM"}) == []
