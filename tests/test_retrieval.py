from __future__ import annotations

from bot.stages import Stage


def test_concept_question_finds_its_note(retriever) -> None:
    hits = retriever.search("what is NDCG again?", k=5)
    assert hits[0].source == "concepts/ranking-metrics.md"


def test_results_are_best_first(retriever) -> None:
    hits = retriever.search("how to split data by time to avoid leakage", k=5)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_case_filter(retriever) -> None:
    hits = retriever.search("latency budget", k=5, case="news-feed")
    assert hits and all(h.case == "news-feed" for h in hits)


def test_stage_filter(retriever) -> None:
    hits = retriever.search("metrics", k=5, stage=Stage.MONITORING)
    assert hits and all(h.stage == Stage.MONITORING for h in hits)


def test_case_and_stage_filters_combine(retriever) -> None:
    hits = retriever.search(
        "offline metric", k=3, case="ad-click-prediction", stage=Stage.EVALUATION
    )
    assert hits and all(
        h.case == "ad-click-prediction" and h.stage == Stage.EVALUATION for h in hits
    )


def test_lexical_side_finds_an_abbreviation(retriever) -> None:
    hits = retriever.search("HNSW", k=3)
    assert any(h.source == "concepts/approximate-nearest-neighbour.md" for h in hits)


def test_contract_shape(retriever) -> None:
    item = retriever.search("feature store", k=1)[0].contract()
    assert set(item) == {"text", "source", "case", "stage", "score"}
