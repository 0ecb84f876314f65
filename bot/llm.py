"""The chat-model boundary: the one place that knows about LLM SDKs.

`build_chat_model` turns the settings into a LangChain chat model (`ChatOpenAI` for any
OpenAI-compatible server, or the embedded SmolLM2 through llama.cpp). `Chat` wraps it with
streaming and maps every provider error, once, into the project's own exceptions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import httpx
import openai
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from bot.config import DEFAULT_OPENAI_MODEL, Settings
from bot.errors import (
    ConfigError,
    MlsdError,
    ModelAuthError,
    ModelError,
    ModelRateLimitError,
    ModelResponseError,
    ModelTimeoutError,
    ModelUnavailableError,
)

OPENAI_DEFAULT_URL = "https://api.openai.com/v1"
_CONNECT_TIMEOUT_S = 5.0


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The configured chat model. Nothing is loaded or contacted until the first call."""
    if settings.llm == "local":
        from bot.llm_local import LlamaCppChatModel, embedded_model_path

        return LlamaCppChatModel(
            model_path=str(embedded_model_path()),
            n_ctx=settings.local_context,
            n_threads=settings.local_threads,
        )
    return _build_openai(settings)


def _build_openai(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.model or DEFAULT_OPENAI_MODEL,
        api_key=_api_key(settings),
        base_url=settings.openai_base_url,
        timeout=httpx.Timeout(settings.timeout_s, connect=_CONNECT_TIMEOUT_S),
        max_retries=settings.max_retries,
        temperature=0.3,
        streaming=True,
    )


def build_openai_embeddings(settings: Settings) -> Embeddings:
    """Embeddings from the configured OpenAI-compatible server (MLSD_EMBEDDINGS=openai)."""
    from langchain_openai import OpenAIEmbeddings

    return OpenAIEmbeddings(
        model=settings.embedding_model,
        api_key=_api_key(settings),
        base_url=settings.openai_base_url,
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
        check_embedding_ctx_length=False,
    )


def _api_key(settings: Settings) -> str:
    if settings.openai_api_key is not None and settings.openai_api_key.get_secret_value():
        return settings.openai_api_key.get_secret_value()
    if settings.openai_base_url:
        # Local servers (Ollama, vLLM, LM Studio, llama.cpp) accept any key.
        return "not-needed"
    raise ConfigError(
        "OPENAI_API_KEY is not set: export it (or put it in .env), point OPENAI_BASE_URL at a "
        "local server, or set MLSD_LLM=local"
    )


def to_messages(system: str, turns: Sequence[tuple[str, str]]) -> list[BaseMessage]:
    """LangChain messages from a system prompt and (role, text) turns.

    Roles are `user` and `assistant`; anything else is treated as user text.
    """
    messages: list[BaseMessage] = [SystemMessage(content=system)] if system else []
    for role, text in turns:
        cls = AIMessage if role == "assistant" else HumanMessage
        messages.append(cls(content=text))
    return messages


@dataclass
class Chat:
    """A chat model plus what is needed to explain its failures to a user."""

    model: BaseChatModel
    where: str = "the embedded model"
    provider: str = "local"
    timeout_s: float = 60.0
    retries: int = 2
    last_partial: str = field(default="", init=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Chat:
        where = (
            "the embedded model"
            if settings.llm == "local"
            else settings.openai_base_url or OPENAI_DEFAULT_URL
        )
        return cls(
            model=build_chat_model(settings),
            where=where,
            provider=settings.llm,
            timeout_s=settings.timeout_s,
            retries=settings.max_retries,
        )

    def stream(self, messages: list[BaseMessage], **options: object) -> Iterator[str]:
        """Yield text as it is generated; a failure raises a ModelError.

        The text streamed before a failure is kept on the error (`partial`) and in
        `last_partial`, so a caller can show it marked incomplete.
        """
        self.last_partial = ""
        finished = False
        try:
            for chunk in self.model.stream(messages, **options):
                finished = finished or bool(chunk.response_metadata.get("finish_reason"))
                text = _chunk_text(chunk.content)
                if text:
                    self.last_partial += text
                    yield text
            if self.provider == "openai" and not finished:
                raise ModelResponseError(f"the reply from {self.where} was cut off; retry")
        except ModelError as error:
            error.partial = self.last_partial
            raise
        except MlsdError:
            raise
        except Exception as error:
            mapped = map_provider_error(error, self)
            mapped.partial = self.last_partial
            raise mapped from error

    def complete(self, messages: list[BaseMessage], **options: object) -> str:
        """The whole reply as one string."""
        return "".join(self.stream(messages, **options))


def _chunk_text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return ""


def map_provider_error(error: Exception, chat: Chat) -> ModelError:
    """One place that turns SDK and transport errors into messages that say how to fix them."""
    where = chat.where
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return ModelAuthError(
            f"the server at {where} refused the API key (HTTP {error.status_code}); "
            "check OPENAI_API_KEY"
        )
    if isinstance(error, openai.APITimeoutError | httpx.TimeoutException):
        return ModelTimeoutError(
            f"no answer from {where} within {chat.timeout_s:g} s; retry, or raise MLSD_TIMEOUT"
        )
    if isinstance(error, openai.APIConnectionError | httpx.ConnectError):
        return _connection_error(error, where)
    if isinstance(error, openai.RateLimitError):
        return ModelRateLimitError(
            f"{where} is rate-limiting requests (HTTP 429) after {chat.retries} retries; "
            "wait a minute and retry"
        )
    if isinstance(error, openai.NotFoundError):
        return ModelResponseError(
            f"{where} does not know this model (HTTP 404); set MLSD_MODEL to a model it serves "
            "(for Ollama: `ollama list`)"
        )
    if isinstance(error, openai.APIStatusError):
        return ModelResponseError(
            f"{where} failed with HTTP {error.status_code}; retry, or check the server's logs"
        )
    if isinstance(error, openai.APIResponseValidationError | json.JSONDecodeError):
        return ModelResponseError(f"{where} sent a reply that is not valid JSON; retry")
    if isinstance(error, httpx.HTTPError):
        return ModelResponseError(f"the connection to {where} broke mid-reply; retry")
    if isinstance(error, ModelError):
        return error
    return ModelResponseError(f"{where} failed: {type(error).__name__}: {_first_line(error)}")


def _connection_error(error: Exception, where: str) -> ModelUnavailableError:
    hint = "is the server running?"
    if ":11434" in where:
        hint = "is Ollama running? (`ollama serve`)"
    elif ":1234" in where:
        hint = "is LM Studio's server started?"
    elif where == OPENAI_DEFAULT_URL:
        hint = "is the network reachable? For offline use set MLSD_LLM=local"
    return ModelUnavailableError(f"no server at {where} — {hint}")


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else "no details"
