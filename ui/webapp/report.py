"""The report page (scores, evidence, what to practise, a drill to start, the change since
the last attempt on the case, downloads) and the transcript page."""

from __future__ import annotations

import altair as alt
import streamlit as st

from bot.grading import Report
from bot.report import to_html, to_json, to_markdown
from bot.stages import STAGES
from webapp.common import drawing, engine, go, safe_md, score_scale, session_param, viewer
from webapp.interview import start


def stage_chart(report: Report) -> alt.Chart:
    rows = [
        {"stage": s.heading, "score": report.stages[s].score, "order": i}
        for i, s in enumerate(STAGES)
    ]
    rows.append(
        {
            "stage": "Driving the interview",
            "score": report.dimensions["driving"].score,
            "order": len(STAGES),
        }
    )
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=score_scale(alt.X),
            y=alt.Y(
                "stage:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelLimit=220)
            ),
        )
    )


def page() -> None:
    session_id = session_param()
    data = engine().report(session_id, viewer()) if session_id else None
    if data is None:
        st.info("This session has no report yet.")
        return
    report = Report.model_validate(data)
    st.header(f"Report: {report.case_title}")
    if report.drill:
        st.info(
            f"A drill on {report.drill.heading}: it started at that stage, so read that stage's "
            "score; the earlier stages were not part of it."
        )
    st.metric("Overall", f"{report.overall_score:g}/100")
    st.subheader(f"Verdict: {report.verdict.replace('_', ' ')}")
    for reason in report.verdict_reasons:
        st.markdown(f"- {safe_md(reason)}")
    if report.flags:
        st.warning("Flags: " + ", ".join(report.flags))
    since_last_attempt(session_id, report)
    st.altair_chart(stage_chart(report), width="stretch")
    practise_next(report)
    stage_details(report)
    if report.diagram:
        st.subheader("Whiteboard")
        drawing(report.diagram)
    help_and_time(report)
    st.caption(f"Graded by {report.graded_by}.")
    read, new = st.columns(2)
    if read.button("Read the conversation"):
        go("transcript", session_id)
    if new.button("New interview"):
        st.session_state.pop("active_session", None)
        go("interview")
    downloads(report, session_id)


def since_last_attempt(session_id: str, report: Report) -> None:
    """The change since this user's previous graded attempt on the same case."""
    earlier = engine().previous_report(session_id, viewer())
    if earlier is None:
        return
    before = Report.model_validate(earlier)
    change = report.overall_score - before.overall_score
    moved = [
        f"{s.heading} {before.stages[s].score} → {report.stages[s].score}"
        for s in STAGES
        if report.stages[s].score != before.stages[s].score
    ]
    st.markdown(
        f"**Since your last attempt on this case:** overall {before.overall_score:g} → "
        f"{report.overall_score:g} ({change:+g})"
        + (f"; {', '.join(moved)}" if moved else "; every stage scored the same")
    )


def practise_next(report: Report) -> None:
    st.subheader("Practise next")
    for number, item in enumerate(report.practise_next, 1):
        st.markdown(f"{number}. {safe_md(item)}")
    plan = engine().plan_drill(viewer(), weakest_in=report)
    label = (
        f"Start a {plan.minutes:g}-minute drill: {plan.stage.heading} on "
        f"{engine().case(plan.case_id).title}"
    )
    if st.button(label, type="primary"):
        start(plan.case_id, report.level, plan.minutes, stage=plan.stage)


def stage_details(report: Report) -> None:
    for stage in STAGES:
        grade = report.stages[stage]
        with st.expander(f"{stage.heading}: {grade.score}/4"):
            for quote in grade.evidence:
                st.markdown(f"> {safe_md(quote)}")
            for mistake in grade.mistakes:
                fix = f" — {safe_md(mistake.fix)}" if mistake.fix else ""
                st.markdown(f"**Mistake:** {safe_md(mistake.quote)}{fix}")
            if grade.missing:
                st.markdown("**Missing**")
                for item in grade.missing:
                    st.markdown(f"- {safe_md(item)}")
            st.markdown("**What a strong answer covers**")
            for item in grade.strong_answer:
                st.markdown(f"- {safe_md(item)}")
            if grade.reading:
                st.caption("Reading: " + ", ".join(grade.reading))


def help_and_time(report: Report) -> None:
    st.subheader("Help used and time")
    if not report.help_used:
        st.markdown("No help used.")
    for item in report.help_used:
        where = f" ({item['stage']})" if item.get("stage") else ""
        st.markdown(
            f"- {safe_md(str(item.get('kind', 'help')) + where)}: "
            f"{safe_md(str(item.get('text', '')))}"
        )
    if report.time_per_stage:
        rows = [
            {"stage": s.heading, "minutes": report.time_per_stage.get(s.value, 0.0)} for s in STAGES
        ]
        st.dataframe(rows, hide_index=True)


def downloads(report: Report, session_id: str) -> None:
    cols = st.columns(4)
    cols[0].download_button("Download Markdown", to_markdown(report), f"report-{session_id}.md")
    cols[1].download_button(
        "Download HTML", to_html(report), f"report-{session_id}.html", mime="text/html"
    )
    cols[2].download_button(
        "Download JSON", to_json(report), f"report-{session_id}.json", mime="application/json"
    )
    transcript = engine().transcript(engine().load_interview(session_id, user=viewer()))
    cols[3].download_button(
        "Download transcript",
        transcript.model_dump_json(indent=2, exclude_none=True),
        f"transcript-{session_id}.json",
        mime="application/json",
    )


def transcript_page() -> None:
    """The conversation after the interview: every turn, each drawing sent, the help used."""
    session_id = session_param()
    if not session_id:
        st.info("Open a conversation from its report or from History.")
        return
    interview = engine().load_interview(session_id, user=viewer())
    st.header(f"Conversation: {interview.case.title} · {interview.state.level}")
    last = ""
    for turn in interview.turns():
        role = "assistant" if turn.role == "interviewer" else "user"
        with st.chat_message(role):
            st.markdown(safe_md(turn.content))
            source = turn.meta.get("diagram", "")
            if source and source != last:
                st.caption("Whiteboard sent with this answer:")
                drawing(source)
                last = source
    if interview.state.help_used:
        st.subheader("Help used")
        for item in interview.state.help_used:
            st.markdown(
                f"- {safe_md(str(item.get('kind', 'help')))}: {safe_md(str(item.get('text', '')))}"
            )
    if st.button("Back to the report"):
        go("report", session_id)
