"""The web app: a chat with the configured model (the full interview UI builds on this)."""

from __future__ import annotations

import streamlit as st

from bot.chat import ChatSession
from bot.config import load_settings
from bot.errors import MlsdError


@st.cache_resource(show_spinner="Loading the chat model…")
def _chat_session_factory() -> tuple[object, str]:
    settings = load_settings()
    return settings, settings.describe_model


def _session() -> ChatSession:
    if "chat" not in st.session_state:
        settings, _ = _chat_session_factory()
        st.session_state.chat = ChatSession.from_settings(settings)
    return st.session_state.chat


def main() -> None:
    st.set_page_config(page_title="mlsd: ML system design mock interviewer", page_icon="🧭")
    st.title("ML system design mock interviewer")
    try:
        session = _session()
    except MlsdError as error:
        st.error(str(error))
        return
    st.caption(f"Model: {session.chat_description}")
    for role, text in session.turns:
        st.chat_message("user" if role == "user" else "assistant").text(text)
    prompt = st.chat_input("Ask about ML system design…")
    if prompt:
        st.chat_message("user").text(prompt)
        with st.chat_message("assistant"):
            try:
                st.write_stream(session.send(prompt))
            except MlsdError as error:
                st.error(f"{error} — send your message again to retry.")


main()
