"""What every page shares: this browser session's engine, who is signed in, text made safe
to show, and moving between pages with the session in the URL."""

from __future__ import annotations

from typing import NoReturn

import altair as alt
import streamlit as st

from bot.config import Settings, load_settings
from bot.diagram import DiagramError, parse_diagram, to_dot
from bot.engine import Engine
from bot.errors import MlsdError
from bot.report import md_escape
from bot.stages import Stage

#: Short stage names for the tracker and the charts (the headings are too long for either).
SHORT_NAMES: dict[Stage, str] = {
    Stage.CLARIFY_REQUIREMENTS: "Clarify",
    Stage.FRAME_ML_TASK: "Frame",
    Stage.DATA_PREPARATION: "Data",
    Stage.MODEL_DEVELOPMENT: "Model",
    Stage.EVALUATION: "Evaluate",
    Stage.DEPLOYMENT_SERVING: "Serve",
    Stage.MONITORING: "Monitor",
}

#: The pages by name, filled by `ui/app.py` on every run (st.navigation needs them there).
PAGES: dict[str, st.Page] = {}


def score_scale(channel: type[alt.X] | type[alt.Y]) -> alt.X | alt.Y:
    """The 0-4 stage-score axis of every chart: whole-number ticks only."""
    return channel(
        "score:Q",
        scale=alt.Scale(domain=[0, 4]),
        axis=alt.Axis(values=[0, 1, 2, 3, 4], format="d"),
        title="score (0-4)",
    )


def safe_md(text: str) -> str:
    """Text shown as Markdown with nothing able to form HTML, links, images or code."""
    return md_escape(text, keep_lines=True, streamlit=True) or " "


def session_settings() -> Settings:
    base = load_settings()
    if st.session_state.get("model_choice", "embedded") == "embedded":
        return base.model_copy(update={"llm": "local"})
    update = {
        "llm": "openai",
        "openai_base_url": st.session_state.get("base_url") or None,
        "model": st.session_state.get("model_name") or None,
    }
    key = st.session_state.get("api_key")
    if key:
        from pydantic import SecretStr

        update["openai_api_key"] = SecretStr(key)
    return base.model_copy(update=update)


def engine() -> Engine:
    """One engine per browser session, rebuilt when the model settings change."""
    settings = session_settings()
    signature = (
        settings.llm,
        settings.openai_base_url,
        settings.model,
        bool(settings.openai_api_key),
    )
    if st.session_state.get("engine_signature") != signature:
        st.session_state.engine = Engine(settings)
        st.session_state.engine_signature = signature
    return st.session_state.engine


def viewer() -> str | None:
    """Who is signed in, as the deployment's sign-in proxy says (`MLSD_AUTH=header`); None
    on a machine of one's own, where every session is the user's."""
    settings = engine().settings
    if settings.auth == "off":
        return None
    return (st.context.headers.get(settings.auth_header) or "").strip()[:200] or None


def signed_in() -> bool:
    """With `MLSD_AUTH=header`, a request the proxy did not sign in is refused."""
    settings = engine().settings
    if settings.auth == "off":
        return True
    user = viewer()
    if user is None:
        st.error(
            f"Sign-in required: this app expects its sign-in proxy to send the "
            f"{settings.auth_header} header, and this request has none. Open the app through "
            "the proxy's address."
        )
        return False
    st.sidebar.caption(f"Signed in as {safe_md(user)}")
    return True


def go(page: str, session: str | None = None, **params: str) -> NoReturn:
    """Switch to a page; the session (and any other parameter) stays in the URL."""
    query = {**({"session": session} if session else {}), **params}
    st.switch_page(PAGES[page], query_params=query or None)


def session_param() -> str | None:
    return st.query_params.get("session") or None


def drawing(source: str) -> None:
    try:
        st.graphviz_chart(to_dot(parse_diagram(source)))
    except DiagramError as error:
        st.caption(f"The diagram cannot be drawn: {error}")


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
