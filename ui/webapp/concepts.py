"""The concept Q&A page: an answer from our notes, each citation opening the note it cites."""

from __future__ import annotations

import streamlit as st

from webapp.common import cited_note, engine, safe_md


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
