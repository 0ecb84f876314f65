"""The history page: the user's sessions by case title, the overall trend and the trend of
each stage (readable names, distinct colours), filterable by case."""

from __future__ import annotations

from datetime import datetime

import altair as alt
import streamlit as st

from bot.grading import Report
from bot.stages import STAGES
from bot.store import SessionInfo
from webapp.common import SHORT_NAMES, engine, go, score_scale, viewer

ALL_CASES = "All cases"
#: Seven colours a reader tells apart (Tableau 10 without its look-alike pairs).
STAGE_COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#b07aa1", "#9c755f"]


def page() -> None:
    st.header("History")
    sessions = engine().sessions(viewer())
    if not sessions:
        st.info("No interviews yet.")
        return
    cases = engine().cases()
    title = {case_id: case.title for case_id, case in cases.items()}
    chosen = st.selectbox(
        "Case",
        [ALL_CASES, *sorted({s.case_id for s in sessions}, key=lambda c: title.get(c, c))],
        format_func=lambda c: title.get(c, c),
        key="history_case",
    )
    shown = [s for s in sessions if chosen in (ALL_CASES, s.case_id)]
    session_table(shown, title)
    graded = [(info, Report.model_validate(data)) for info, data in _reports(shown)]
    if graded:
        trend_charts(graded)


def session_table(sessions: list[SessionInfo], title: dict[str, str]) -> None:
    widths = [2.2, 3, 1, 1, 1.6]
    for col, label in zip(st.columns(widths), ["when", "case", "level", "score", ""], strict=True):
        col.caption(label)
    for info in sessions:
        cols = st.columns(widths)
        cols[0].write(datetime.fromtimestamp(info.created_at).strftime("%Y-%m-%d %H:%M"))
        cols[1].write(title.get(info.case_id, info.case_id))
        cols[2].write(info.level)
        cols[3].write("–" if info.overall_score is None else f"{info.overall_score:g}")
        if info.status == "graded" and cols[4].button("Report", key=f"r-{info.id}"):
            go("report", info.id)
        if info.status == "active" and cols[4].button("Resume", key=f"c-{info.id}"):
            st.session_state.active_session = info.id
            go("interview", info.id)


def _reports(sessions: list[SessionInfo]) -> list[tuple[SessionInfo, dict]]:
    found = []
    for info in sorted(sessions, key=lambda s: s.created_at):
        data = engine().report(info.id, viewer()) if info.status == "graded" else None
        if data is not None:
            found.append((info, data))
    return found


def trend_charts(graded: list[tuple[SessionInfo, Report]]) -> None:
    """Attempts numbered in order (not clock times); drills are left out of the overall
    trend, because they start part-way and their overall is not comparable."""
    overall = [
        {"attempt": n, "overall": report.overall_score, "when": _when(info)}
        for n, (info, report) in enumerate(graded, 1)
        if not report.drill
    ]
    stages = [
        {"attempt": n, "stage": SHORT_NAMES[s], "order": s.index, "score": report.stages[s].score}
        for n, (_, report) in enumerate(graded, 1)
        for s in STAGES
        if not report.drill or s.index >= report.drill.index
    ]
    attempt_axis = alt.X("attempt:O", title="attempt", axis=alt.Axis(labelAngle=0))
    if overall:
        st.subheader("Overall score by attempt")
        st.altair_chart(
            alt.Chart(alt.Data(values=overall))
            .mark_line(point=True)
            .encode(
                x=attempt_axis,
                y=alt.Y("overall:Q", scale=alt.Scale(domain=[0, 100]), title="overall (0-100)"),
                tooltip=["when:N", "overall:Q"],
            ),
            width="stretch",
        )
    st.subheader("Each stage by attempt")
    names = [SHORT_NAMES[s] for s in STAGES]
    st.altair_chart(
        alt.Chart(alt.Data(values=stages))
        .mark_line(point=True)
        .encode(
            x=attempt_axis,
            y=score_scale(alt.Y),
            color=alt.Color(
                "stage:N", sort=names, scale=alt.Scale(domain=names, range=STAGE_COLOURS)
            ),
            facet=alt.Facet("stage:N", sort=names, columns=4, title=None),
        )
        .properties(width=150, height=110),
    )


def _when(info: SessionInfo) -> str:
    return datetime.fromtimestamp(info.created_at).strftime("%Y-%m-%d %H:%M")
