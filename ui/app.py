"""The web app: mock interview, report, transcript, concept Q&A and history, as Streamlit
pages (`st.navigation`) over the pages in `webapp/`.

Thin by design: every action calls `bot.engine.Engine`, the same engine as the CLI. The page
is in the URL's path and the session in its query (`/report?session=...`), so a reload or a
dropped connection restores what was on screen from the store; old `?view=` links still
work. Model and candidate text is shown as escaped Markdown, never as HTML. An API key typed
here stays in this browser session's memory only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).parent))  # the webapp package beside this script

from webapp import common, concepts, history, interview, report
from webapp.model_settings import sidebar_model_settings

from bot.errors import MlsdError

#: The `?view=` values of older links, and the page each now lives on.
OLD_VIEWS = {
    "interview": "interview",
    "report": "report",
    "transcript": "transcript",
    "ask": "concepts",
    "history": "history",
}


def pages() -> dict[str, st.Page]:
    return {
        "interview": st.Page(
            interview.page, title="Mock interview", icon="🎙️", url_path="interview", default=True
        ),
        "concepts": st.Page(concepts.page, title="Concept Q&A", icon="📚", url_path="concepts"),
        "history": st.Page(history.page, title="History", icon="📈", url_path="history"),
        "report": st.Page(report.page, title="Report", url_path="report", visibility="hidden"),
        "transcript": st.Page(
            report.transcript_page, title="Conversation", url_path="transcript", visibility="hidden"
        ),
    }


def main() -> None:
    st.set_page_config(page_title="mlsd: ML system design mock interviewer", page_icon="🧭")
    common.PAGES.update(pages())
    current = st.navigation(list(common.PAGES.values()))
    view = st.query_params.get("view")
    if view in OLD_VIEWS:
        common.go(OLD_VIEWS[view], common.session_param())
    try:
        if not common.signed_in():
            return
        sidebar_model_settings()
        current.run()
    except MlsdError as error:
        st.error(str(error))


main()
