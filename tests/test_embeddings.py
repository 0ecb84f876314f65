from __future__ import annotations

import socket

import numpy as np
import pytest

from bot.embeddings import MiniLMEmbeddings, model_files


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_model_files_come_from_installed_packages() -> None:
    model, tokenizer = model_files()
    assert "site-packages" in str(model) and model.stat().st_size > 20_000_000
    assert tokenizer.name == "tokenizer.json"


def test_embeddings_load_and_run_with_the_network_cut(no_network) -> None:
    embeddings = MiniLMEmbeddings()
    vectors = np.array(embeddings.embed_documents(["ranking metric NDCG", "bake bread"]))
    query = np.array(embeddings.embed_query("how do I measure ranking quality"))
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert query @ vectors[0] > query @ vectors[1] + 0.2


def test_server_embeddings_are_an_option_with_their_own_collection(
    monkeypatch, stub_server, small_knowledge
) -> None:
    from bot.config import load_settings
    from bot.embeddings import build_embeddings, embedding_id
    from bot.index import build_index

    monkeypatch.setenv("MLSD_LLM", "openai")
    monkeypatch.setenv("OPENAI_BASE_URL", stub_server.base_url)
    monkeypatch.setenv("MLSD_EMBEDDINGS", "openai")
    monkeypatch.setenv("MLSD_KNOWLEDGE_DIR", str(small_knowledge))
    settings = load_settings()
    vector = build_embeddings(settings).embed_query("ranking metrics")
    assert len(vector) == 8
    store, report = build_index(settings)
    assert report.added > 0
    assert store.name == f"mlsd-{embedding_id(settings)}" == "mlsd-openai-text-embedding-3-small"
    assert any(b.get("input") for b in stub_server.state.bodies)


def test_parallel_batches_keep_each_text_with_its_own_vector() -> None:
    embeddings = MiniLMEmbeddings()
    texts = [f"{word} " * (i % 7 + 1) for i, word in enumerate(["ranking", "bread", "fraud"] * 9)]
    together = np.array(embeddings.embed_documents(texts))
    one_by_one = np.array([embeddings.embed_query(text) for text in texts])
    assert np.allclose(together, one_by_one, atol=1e-4)
