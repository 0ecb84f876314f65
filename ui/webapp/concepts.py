"""The concept Q&A page: an answer from our notes, each citation opening the note it cites."""

from __future__ import annotations

import streamlit as st

from bot.errors import MlsdError
from webapp.common import engine, safe_md


def page() -> None:
    st.header("Concept Q&A")
    question = st.text_input("Ask about a concept (metrics, losses, retrieval, serving…)")
    if not question:
        return
    with st.spinner("Searching the notes…"):
        answer = engine().ask(question)
    st.markdown(f"**You asked:** {safe_md(question)}")
    st.markdown(safe_md(answer.answer))
    for n, citation in enumerate(answer.citations, 1):
        cited_note(n, citation.source)


def cited_note(number: int, source: str) -> None:
    """A citation as the note's title, opening to the whole note (our own trusted text,
    still shown as Markdown without HTML)."""
    try:
        note = engine().note(source)
    except MlsdError:
        st.caption(f"[{number}] {source}")
        return
    with st.expander(f"[{number}] {note.title} ({source})"):
        st.markdown(note.body)
