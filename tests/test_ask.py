from __future__ import annotations

from bot.ask import NOT_COVERED, ask
from bot.paths import knowledge_dir
from tests.conftest import fake_chat


def test_answer_cites_real_notes(retriever) -> None:
    answer = ask(retriever, "When should I prefer PR-AUC over ROC-AUC?")
    assert answer.covered
    assert answer.citations[0].source == "concepts/roc-auc-vs-pr-auc.md"
    for citation in answer.citations:
        assert (knowledge_dir() / citation.source).is_file()
    assert "[1]" in answer.answer


def test_extractive_answer_quotes_the_notes(retriever) -> None:
    answer = ask(retriever, "what is focal loss?")
    note = (knowledge_dir() / "concepts" / "focal-loss.md").read_text()
    first_sentence = answer.answer.split(" [")[0]
    assert first_sentence in " ".join(note.split())


def test_out_of_scope_question_is_refused(retriever) -> None:
    for question in ("What is the capital of France?", "How do I cook pasta carbonara?"):
        answer = ask(retriever, question)
        assert not answer.covered
        assert answer.answer == NOT_COVERED and answer.citations == []


def test_capable_model_writes_a_cited_answer(retriever) -> None:
    chat = fake_chat("PR-AUC focuses on the rare positive class [1].")
    answer = ask(retriever, "When should I prefer PR-AUC over ROC-AUC?", chat=chat)
    assert answer.answer.startswith("PR-AUC focuses")
    assert answer.citations[0].source == "concepts/roc-auc-vs-pr-auc.md"


def test_uncited_model_answer_falls_back_to_the_notes(retriever) -> None:
    chat = fake_chat("Trust me, PR-AUC is always better.")
    answer = ask(retriever, "When should I prefer PR-AUC over ROC-AUC?", chat=chat)
    assert "Trust me" not in answer.answer
    assert answer.citations


def test_model_that_invents_a_citation_is_not_trusted(retriever) -> None:
    chat = fake_chat("PR-AUC is better [9].")
    answer = ask(retriever, "When should I prefer PR-AUC over ROC-AUC?", chat=chat)
    assert "[9]" not in answer.answer
