"""The sidebar's chat-model settings: embedded or an OpenAI-compatible server, the local
servers found on this machine, and errors worded for the fields on screen."""

from __future__ import annotations

import streamlit as st

from bot.errors import MlsdError
from bot.local_servers import USUAL_PORTS, LocalServer, find_local_servers
from webapp.common import engine

#: Advice written for the terminal, reworded for the fields on this screen; first match wins.
SCREEN_WORDING: list[tuple[str, str]] = [
    (
        "OPENAI_API_KEY is not set: export it (or put it in .env), point OPENAI_BASE_URL at a "
        "local server, or set MLSD_LLM=local",
        "No API key: type one in the API key field, put a local server's address in Base URL, "
        "or choose Embedded (offline)",
    ),
    ("check OPENAI_API_KEY", "check the API key field"),
    ("set MLSD_MODEL to a model it serves", "type a model it serves in the Model field"),
    ("or raise MLSD_TIMEOUT", "or ask the server's operator about its load"),
    ("OPENAI_BASE_URL", "the Base URL field"),
    ("MLSD_MODEL", "the Model field"),
    ("MLSD_LLM=local", "Embedded (offline)"),
]


def on_screen(message: str) -> str:
    """A model error reworded for the sidebar's fields, when the server option is on."""
    if st.session_state.get("model_choice") != "server":
        return message
    for terminal, screen in SCREEN_WORDING:
        message = message.replace(terminal, screen)
    return message


def sidebar_model_settings() -> None:
    st.sidebar.subheader("Chat model")
    st.sidebar.radio(
        "Model",
        ["embedded", "server"],
        key="model_choice",
        horizontal=True,
        format_func=lambda v: "Embedded (offline)" if v == "embedded" else "OpenAI-compatible",
    )
    if st.session_state.model_choice == "embedded":
        st.sidebar.caption(
            "SmolLM2-135M runs on this machine: private and offline, but small. Our own code "
            "runs the interview and the grade; a stronger model (OpenAI, or Ollama on your "
            "machine) adds follow-ups that react to your words, written concept answers and "
            "a second opinion on the grade."
        )
    else:
        local_servers()
        st.sidebar.text_input(
            "Base URL", key="base_url", placeholder="http://localhost:11434/v1 (empty: OpenAI)"
        )
        st.sidebar.text_input("Model", key="model_name", placeholder="gpt-4o-mini / llama3.1")
        st.sidebar.text_input(
            "API key",
            key="api_key",
            type="password",
            help="Kept in this browser session only; never written to disk.",
        )
    if st.sidebar.button("Test connection"):
        test_connection()
    st.sidebar.caption(f"Active: {engine().settings.describe_model}")


def local_servers() -> None:
    """Offer the OpenAI-compatible servers answering on this machine's usual ports."""
    if "local_servers" not in st.session_state or st.sidebar.button("Look again"):
        st.session_state.local_servers = find_local_servers()
    found: list[LocalServer] = st.session_state.local_servers
    if not found:
        ports = ", ".join(str(p) for p in USUAL_PORTS)
        st.sidebar.caption(f"No local server answered on ports {ports}.")
        return
    choices = [(s.base_url, model) for s in found for model in s.models]
    names = {s.base_url: s.name for s in found}
    st.sidebar.selectbox(
        "Found on this machine",
        choices,
        key="local_choice",
        format_func=lambda c: f"{names[c[0]]}: {c[1]}",
    )
    st.sidebar.button("Use this model", on_click=_use_local_choice)


def _use_local_choice() -> None:
    base_url, model = st.session_state.local_choice
    st.session_state.base_url = base_url
    st.session_state.model_name = model


def test_connection() -> None:
    from bot.llm import to_messages

    try:
        with st.sidebar.status("Asking the model for a short reply…"):
            reply = engine().chat.complete(
                to_messages("Reply with OK.", [("user", "ping")]), max_tokens=5
            )
        st.sidebar.success(f"Connected: the model replied {reply.strip()[:40]!r}")
    except MlsdError as error:
        st.sidebar.error(on_screen(str(error)))
