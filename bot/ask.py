"""Concept Q&A grounded in the notes, with citations.

With the embedded model the answer is extractive: the sentences of the best passages that
are closest to the question, each cited. With a capable model (`MLSD_LLM=openai`) the model
writes the answer from the same passages and must cite them; an answer without valid
citations falls back to the extractive one. Out-of-scope questions get a plain refusal.
"""

from __future__ import annotations

import re

import numpy as np
from pydantic import BaseModel, ConfigDict

from bot.cues import SENTENCE_BREAK
from bot.errors import ModelError
from bot.llm import Chat, to_messages
from bot.prompts import render
from bot.retrieval import Hit, Retriever, words

#: Below this cosine similarity (and with no shared key term) the notes do not cover it.
MIN_SIMILARITY = 0.30
NOT_COVERED = (
    "Our notes don't cover that, so I won't make up an answer. Try asking about a concept "
    "from ML system design (metrics, losses, retrieval, serving, monitoring...)."
)
_LINK_LISTS = ("Related", "Further reading")


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    text: str


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str
    citations: list[Citation]
    covered: bool = True

    def contract(self) -> dict:
        return {"answer": self.answer, "citations": [c.model_dump() for c in self.citations]}


def find_passages(retriever: Retriever, question: str, case: str | None, k: int = 3) -> list[Hit]:
    """The best concept and framework passages, plus the case's own when one is given."""
    hits = retriever.search(question, k=k, kinds=("concept", "framework"))
    if case:
        hits += retriever.search(question, k=2, case=case)
        hits.sort(key=lambda h: -h.similarity)
    return hits[:k]


def is_covered(question: str, hits: list[Hit]) -> bool:
    if not hits:
        return False
    best = hits[0]
    if best.similarity >= MIN_SIMILARITY:
        return True
    title_line = best.text.split("\n", 1)[0]
    shared = {w for w in words(question) if len(w) >= 3} & set(words(title_line))
    return best.similarity >= MIN_SIMILARITY / 2 and bool(shared)


def _sentences(text: str) -> list[str]:
    body = text.split("\n", 1)[1] if "\n" in text else text
    parts = [re.sub(r"\*\*|__|`", "", p).strip(" -*#:\t") for p in SENTENCE_BREAK.split(body)]
    return [p for p in parts if len(p.split()) >= 4 and not p.lower().startswith("related")]


def extractive_answer(retriever: Retriever, question: str, hits: list[Hit]) -> Answer:
    """The sentences closest to the question from the top passages, in their own order."""
    top = [h for h in hits if not h.heading.endswith(_LINK_LISTS)][:2]
    candidates = [(i, s) for i, hit in enumerate(top) for s in _sentences(hit.text)]
    if not candidates:
        return Answer(answer=NOT_COVERED, citations=[], covered=False)
    vectors = np.array(retriever.embeddings.embed_documents([s for _, s in candidates]))
    scores = vectors @ np.array(retriever.embeddings.embed_query(question))
    chosen = np.argsort(-scores)[:4].tolist()  # best first: the answer leads with it
    sources = list(dict.fromkeys(top[candidates[j][0]].source for j in chosen))
    lines = [
        f"{candidates[j][1]} [{sources.index(top[candidates[j][0]].source) + 1}]" for j in chosen
    ]
    citations = [Citation(source=src, text=_excerpt(_text_of(top, src))) for src in sources]
    return Answer(answer=" ".join(lines), citations=citations)


def _text_of(hits: list[Hit], source: str) -> str:
    return next(h.text for h in hits if h.source == source)


def _excerpt(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


_CITE = re.compile(r"\[(\d+)\]")


def written_answer(chat: Chat, question: str, hits: list[Hit]) -> Answer | None:
    """A model-written answer; None when it is not grounded (no valid citation)."""
    prompt = render("ask", passages=hits, question=question)
    text = chat.complete(to_messages(prompt, [("user", question)])).strip()
    if text.upper().startswith("NOT COVERED"):
        return Answer(answer=NOT_COVERED, citations=[], covered=False)
    cited = {int(n) for n in _CITE.findall(text)}
    if not cited or not cited <= set(range(1, len(hits) + 1)):
        return None
    citations = [
        Citation(source=hits[n - 1].source, text=_excerpt(hits[n - 1].text)) for n in sorted(cited)
    ]
    return Answer(answer=text, citations=citations)


def ask(
    retriever: Retriever, question: str, case: str | None = None, chat: Chat | None = None
) -> Answer:
    """Answer from the notes only; `chat` (a capable model) writes the answer when given."""
    hits = find_passages(retriever, question, case)
    if not is_covered(question, hits):
        return Answer(answer=NOT_COVERED, citations=[], covered=False)
    if chat is not None:
        try:
            written = written_answer(chat, question, hits)
        except ModelError:
            written = None
        if written is not None:
            return written
    return extractive_answer(retriever, question, hits)
