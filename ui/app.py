"""The web app: mock interview, concept Q&A, report and history.

Thin by design: every action calls `bot.engine.Engine`, the same engine as the CLI. The
session id lives in the URL (`?session=...`), so a reload or a dropped connection restores
the conversation from the store. Model and candidate text is shown as escaped Markdown,
never as HTML. An API key typed here stays in this browser session's memory only.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime

import altair as alt
import streamlit as st

from bot.commands import read_command
from bot.config import Settings, load_settings
from bot.diagram import DiagramError, parse_diagram, to_dot
from bot.engine import Engine
from bot.errors import InputError, MlsdError, ModelError
from bot.grading import Report
from bot.report import md_escape, to_html, to_json, to_markdown
from bot.stages import STAGES

LEVELS = ["mid", "senior", "staff"]
VIEWS = {"interview": "Mock interview", "ask": "Concept Q&A", "history": "History"}
SURPRISE = "🎲 Surprise me"


def safe_md(text: str) -> str:
    """Text shown as Markdown with nothing able to form HTML, links, images or code."""
    return md_escape(text, keep_lines=True, streamlit=True) or " "


# ---- settings and engine (per browser session) ------------------------------------------


def session_settings() -> Settings:
    base = load_settings()
    choice = st.session_state.get("model_choice", "embedded")
    if choice == "embedded":
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


def test_connection() -> None:
    from bot.llm import to_messages

    try:
        with st.sidebar.status("Asking the model for a short reply…"):
            reply = engine().chat.complete(
                to_messages("Reply with OK.", [("user", "ping")]), max_tokens=5
            )
        st.sidebar.success(f"Connected: the model replied {reply.strip()[:40]!r}")
    except MlsdError as error:
        st.sidebar.error(str(error))


# ---- interview ---------------------------------------------------------------------------


def start_form() -> None:
    st.header("Start a mock interview")
    cases = engine().cases()
    options = [SURPRISE, *cases]
    case_id = st.selectbox(
        "Case", options, format_func=lambda c: c if c == SURPRISE else cases[c].title
    )
    level = st.radio("Level", LEVELS, index=1, horizontal=True)
    minutes = st.slider("Duration (minutes)", 20, 60, 45, step=5)
    st.caption(f"Interviewer model: {engine().settings.describe_model}")
    if st.button("Start interview", type="primary"):
        chosen = random.choice(list(cases)) if case_id == SURPRISE else case_id
        with st.spinner(
            "Preparing the interviewer: index and model (the first start takes longest)…"
        ):
            engine().warm_up()
            interview = engine().new_interview(chosen, level, float(minutes), owner=viewer())
            "".join(interview.open())
        st.query_params["session"] = interview.session_id
        st.query_params["view"] = "interview"
        st.rerun()


def stage_tracker(interview) -> None:
    state = interview.state
    current = state.stage
    cols = st.columns(len(STAGES))
    for col, stage in zip(cols, STAGES, strict=True):
        if stage == current:
            col.markdown(f"**▶ {stage.heading}**")
        elif state.stages[stage].visited:
            col.markdown(f"✓ {stage.heading}")
        else:
            col.markdown(f"{stage.heading}")
    used = (state.elapsed_s + interview.seconds_since_last_turn()) / 60
    st.progress(
        min(1.0, used / state.minutes),
        text=f"about {max(0, state.minutes - used):.0f} of {state.minutes:.0f} min left",
    )


def show_turns(interview) -> None:
    for turn in interview.turns():
        role = "assistant" if turn.role == "interviewer" else "user"
        with st.chat_message(role):
            st.markdown(safe_md(turn.content))
            if not turn.complete:
                st.caption("incomplete reply")


def run_and_show(generator_factory, interview=None) -> None:
    """Stream an interviewer reply; errors become one clear message with a retry."""
    try:
        with st.chat_message("assistant"):
            thinking = st.empty()
            thinking.caption("The interviewer is thinking…")
            pieces = generator_factory()
            first = next(pieces, "")
            thinking.empty()
            st.write_stream(safe_md(piece) for piece in itertools.chain([first], pieces))
    except InputError as error:
        st.error(str(error))
        return
    except ModelError as error:
        st.session_state.model_error = str(error)
    if interview is not None and interview.model_notice:
        st.session_state.model_notice = interview.model_notice
    st.rerun()


def interview_view(session_id: str) -> None:
    try:
        interview = engine().load_interview(session_id, user=viewer())
    except MlsdError as error:
        st.error(str(error))
        return
    if interview.finished and engine().report(session_id, viewer()):
        st.query_params["view"] = "report"
        st.rerun()
    st.header(f"{interview.case.title} · {interview.state.level}")
    stage_tracker(interview)
    side_panel(interview)
    chat, board = st.columns([3, 2], gap="medium")
    with board:
        whiteboard(interview)
    with chat:
        conversation(interview)
    draft = st.session_state.pop("draft", None)
    if draft is not None:
        st.session_state.answer_box = draft
    answer = st.chat_input(
        "Your answer… (/hint, /ask QUESTION, /end)", key="answer_box", disabled=interview.finished
    )
    if answer:
        with chat:
            handle_input(interview, answer)


def conversation(interview) -> None:
    show_turns(interview)
    notice = st.session_state.pop("model_notice", None)
    if notice:
        st.warning(notice)
    if st.session_state.get("model_error"):
        st.error(f"{st.session_state.model_error} — your answer is saved.")
        if st.button("Retry"):
            st.session_state.model_error = None
            run_and_show(interview.resume_pending)
    elif interview.pending_answer() is not None:
        run_and_show(interview.resume_pending)
    if "input_error" in st.session_state:
        st.error(st.session_state.pop("input_error"))
    end_controls(interview)


WHITEBOARD_HELP = (
    "A small Mermaid flowchart: one box or arrow per line. Boxes: id[Label], id(Label), "
    "id[(Database)]. Arrows: a --> b, a -->|label| b, a -- label --> b. "
    "It is sent with your next answer; the interviewer and the grader read it."
)
WHITEBOARD_EXAMPLE = "req[Request] --> cg[Candidate generation]\ncg -->|top 500| rank[Ranker]"


def board_key(interview) -> str:
    return f"board_{interview.session_id}"


def whiteboard(interview) -> None:
    """The drawing, rendered live; a line that cannot be read is one error and the text stays."""
    key = board_key(interview)
    if key not in st.session_state:
        st.session_state[key] = interview.state.diagram
    source = st.text_area(
        "Whiteboard",
        key=key,
        height=200,
        help=WHITEBOARD_HELP,
        placeholder=WHITEBOARD_EXAMPLE,
        disabled=interview.finished,
    )
    if not source.strip():
        st.caption("Draw your architecture here; it goes with your next answer.")
        return
    try:
        st.graphviz_chart(to_dot(parse_diagram(source)))
    except DiagramError as error:
        st.error(f"{error} (your text is kept)")
        return
    sent = source.strip() == interview.state.diagram
    st.caption("The interviewer has this version." if sent else "Sent with your next answer.")


def handle_input(interview, answer: str) -> None:
    """An answer or a slash command typed in the chat; a refused one goes back in the box."""
    diagram = st.session_state.get(board_key(interview), "").strip() or None
    try:
        command = read_command(answer)
        if command.name == "answer":
            interview.check_answer(answer)
            if diagram:
                parse_diagram(diagram)
    except InputError as error:
        st.session_state.draft = answer
        st.session_state.input_error = f"{error} (your draft is back in the box)"
        st.rerun()
    if command.name == "end":
        finish(interview)
    elif command.name == "hint":
        run_and_show(interview.hint)
    elif command.name == "ask":
        run_and_show(lambda: interview.ask(command.argument))
    else:
        run_and_show(lambda: interview.respond(answer, diagram=diagram), interview)


def end_controls(interview) -> None:
    """End beside the chat, with a confirmation step."""
    if interview.finished:
        if st.button("See the report", type="primary"):
            finish(interview)
        return
    if not st.session_state.get("confirm_end"):
        if st.button("End interview", key="end_main"):
            st.session_state.confirm_end = True
            st.rerun()
        return
    st.warning("End the interview now and grade it? Stages not reached score 0.")
    yes, no = st.columns(2)
    if yes.button("Yes, end and grade", type="primary"):
        st.session_state.confirm_end = False
        finish(interview)
    if no.button("Keep going"):
        st.session_state.confirm_end = False
        st.rerun()


def finish(interview) -> None:
    with st.spinner("Grading…"):
        engine().finish(interview)
    st.query_params["view"] = "report"
    st.rerun()


def side_panel(interview) -> None:
    with st.sidebar:
        st.subheader("During the interview")
        if st.button("💡 Hint", help="Progressive; each hint is noted in the report."):
            run_and_show(interview.hint)
        question = st.text_input(
            "Ask a concept question",
            key="concept_q",
            help="Answered from our notes; noted as help used.",
        )
        if st.button("Ask") and question:
            run_and_show(lambda: interview.ask(question))


# ---- report ------------------------------------------------------------------------------


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
            x=alt.X(
                "score:Q",
                scale=alt.Scale(domain=[0, 4]),
                axis=alt.Axis(values=[0, 1, 2, 3, 4], format="d"),
                title="score (0-4)",
            ),
            y=alt.Y(
                "stage:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelLimit=220)
            ),
        )
    )


def report_view(session_id: str) -> None:
    data = engine().report(session_id, viewer())
    if data is None:
        st.info("This session has no report yet.")
        return
    report = Report.model_validate(data)
    st.header(f"Report: {report.case_title}")
    st.metric("Overall", f"{report.overall_score:g}/100")
    st.subheader(f"Verdict: {report.verdict.replace('_', ' ')}")
    for reason in report.verdict_reasons:
        st.markdown(f"- {safe_md(reason)}")
    if report.flags:
        st.warning("Flags: " + ", ".join(report.flags))
    st.altair_chart(stage_chart(report), use_container_width=True)
    st.subheader("Practise next")
    for number, item in enumerate(report.practise_next, 1):
        st.markdown(f"{number}. {safe_md(item)}")
    for stage in STAGES:
        grade = report.stages[stage]
        with st.expander(f"{stage.heading}: {grade.score}/4"):
            for quote in grade.evidence:
                st.markdown(f"> {safe_md(quote)}")
            if grade.missing:
                st.markdown("**Missing**")
                for item in grade.missing:
                    st.markdown(f"- {safe_md(item)}")
            st.markdown("**What a strong answer covers**")
            for item in grade.strong_answer:
                st.markdown(f"- {safe_md(item)}")
            if grade.reading:
                st.caption("Reading: " + ", ".join(grade.reading))
    if report.diagram:
        st.subheader("Whiteboard")
        drawing(report.diagram)
    help_and_time(report)
    st.caption(f"Graded by {report.graded_by}.")
    if st.button("Read the conversation"):
        st.query_params["view"] = "transcript"
        st.rerun()
    downloads(report, session_id)


def drawing(source: str) -> None:
    try:
        st.graphviz_chart(to_dot(parse_diagram(source)))
    except DiagramError as error:
        st.caption(f"The diagram cannot be drawn: {error}")


def transcript_view(session_id: str) -> None:
    """The conversation after the interview: every turn, each drawing sent, the help used."""
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
        st.query_params["view"] = "report"
        st.rerun()


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


# ---- concept Q&A and history -------------------------------------------------------------


def ask_view() -> None:
    st.header("Concept Q&A")
    question = st.text_input("Ask about a concept (metrics, losses, retrieval, serving…)")
    if question:
        with st.spinner("Searching the notes…"):
            answer = engine().ask(question)
        st.markdown(safe_md(answer.answer))
        for n, citation in enumerate(answer.citations, 1):
            st.caption(f"[{n}] {citation.source}")


def history_view() -> None:
    st.header("History")
    sessions = engine().sessions(viewer())
    if not sessions:
        st.info("No interviews yet.")
        return
    header = st.columns([2.2, 3, 1, 1, 1.6])
    for col, label in zip(header, ["when", "case", "level", "score", ""], strict=True):
        col.caption(label)
    for info in sessions:
        when = datetime.fromtimestamp(info.created_at).strftime("%Y-%m-%d %H:%M")
        score = "–" if info.overall_score is None else f"{info.overall_score:g}"
        cols = st.columns([2.2, 3, 1, 1, 1.6])
        cols[0].write(when)
        cols[1].write(info.case_id)
        cols[2].write(info.level)
        cols[3].write(score)
        if info.status == "graded" and cols[4].button("Report", key=f"r-{info.id}"):
            open_session(info.id, "report")
        if info.status == "active" and cols[4].button("Resume", key=f"c-{info.id}"):
            open_session(info.id, "interview")
    progress_chart(sessions)


def open_session(session_id: str, view: str) -> None:
    st.query_params["session"] = session_id
    st.query_params["view"] = view
    st.rerun()


def progress_chart(sessions) -> None:
    rows = []
    for info in sorted(sessions, key=lambda s: s.created_at):
        data = engine().report(info.id, viewer()) if info.status == "graded" else None
        for stage, grade in (data or {}).get("stages", {}).items():
            rows.append(
                {
                    "session": datetime.fromtimestamp(info.created_at).isoformat(),
                    "stage": stage,
                    "score": grade["score"],
                }
            )
    if rows:
        st.subheader("Stage scores across sessions")
        chart = (
            alt.Chart(alt.Data(values=rows))
            .mark_line(point=True)
            .encode(
                x=alt.X("session:T", title=None),
                y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 4])),
                color="stage:N",
            )
        )
        st.altair_chart(chart, use_container_width=True)


# ---- routing -----------------------------------------------------------------------------


def navigate() -> None:
    st.query_params["view"] = st.session_state.nav
    if st.session_state.nav == "interview" and st.query_params.get("view") == "interview":
        session = st.query_params.get("session")
        if session and _status(session) in ("graded", None):
            del st.query_params["session"]


def _status(session_id: str) -> str | None:
    try:
        return engine().session(session_id, viewer()).status
    except MlsdError:
        return None


def main() -> None:
    st.set_page_config(page_title="mlsd: ML system design mock interviewer", page_icon="🧭")
    try:
        if not signed_in():
            return
        sidebar_model_settings()
    except MlsdError as error:
        st.error(str(error))
        return
    view = st.query_params.get("view", "interview")
    labels = list(VIEWS)
    st.sidebar.radio(
        "Go to",
        labels,
        format_func=VIEWS.get,
        key="nav",
        index=labels.index(view) if view in labels else 0,
        on_change=navigate,
    )
    session_id = st.query_params.get("session")
    try:
        if view == "report" and session_id:
            report_view(session_id)
            if st.button("New interview"):
                st.query_params.clear()
                st.rerun()
        elif view == "transcript" and session_id:
            transcript_view(session_id)
        elif view == "ask":
            ask_view()
        elif view == "history":
            history_view()
        elif session_id:
            interview_view(session_id)
        else:
            start_form()
    except MlsdError as error:
        st.error(str(error))


main()
