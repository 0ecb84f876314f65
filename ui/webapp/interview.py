"""The interview page: the start form (with how it works), then the conversation beside the
whiteboard, with hint, concept question and End under the chat, where a phone reaches them."""

from __future__ import annotations

import itertools
import random

import streamlit as st

from bot.commands import read_command
from bot.diagram import DiagramError, parse_diagram, to_dot
from bot.errors import InputError, MlsdError, ModelError
from bot.grading import LEVELS
from bot.stages import STAGES, Stage
from webapp.common import SHORT_NAMES, cited_note, engine, go, safe_md, session_param, viewer
from webapp.model_settings import on_screen

SURPRISE = "🎲 Surprise me"
HOW_IT_WORKS = """\
- **Seven stages**, as in a real ML system design round: clarify the requirements, frame
  the ML task, data, model, evaluation, serving, monitoring. The tracker above the chat shows
  where you are; you may move on whenever you like.
- **The interviewer listens.** Ask it questions (it knows the case's facts), state your
  assumptions, and expect it to push back on a mistake or ask why you chose a technique.
- **Help is counted.** Hints (💡 or `/hint`) and concept questions (`/ask …`) are answered,
  and the report lists each one.
- **The whiteboard** beside the chat takes a small flowchart (`a[Label] --> b[Label]`). It
  goes with your next answer, and the interviewer and the grader read it.
- **The report** grades each stage from 0 to 4 and quotes your own words as its evidence.
- **The embedded model** is small and runs on this machine, so nothing leaves it. Our own
  code runs the interview and the grade. A server model (OpenAI, Ollama), set in the
  sidebar, adds follow-ups worded for your answer and a second opinion on the grade.
"""


def page() -> None:
    session_id = session_param() or _still_active(st.session_state.get("active_session"))
    if session_id:
        st.query_params["session"] = session_id
        interview_view(session_id)
    else:
        start_form()


def _still_active(session_id: str | None) -> str | None:
    """The interview this browser left for another page, if it is still going."""
    if not session_id:
        return None
    try:
        return session_id if engine().session(session_id, viewer()).status == "active" else None
    except MlsdError:
        return None


def start_form() -> None:
    st.header("Start a mock interview")
    first_time = not engine().sessions(viewer(), limit=1)
    with st.expander("How it works", expanded=first_time):
        st.markdown(HOW_IT_WORKS)
    cases = engine().cases()
    case_id = st.selectbox(
        "Case", [SURPRISE, *cases], format_func=lambda c: c if c == SURPRISE else cases[c].title
    )
    level = st.radio("Level", LEVELS, index=1, horizontal=True)
    minutes = st.slider("Duration (minutes)", 20, 60, 45, step=5)
    st.caption(f"Interviewer model: {engine().settings.describe_model}")
    if st.button("Start interview", type="primary"):
        chosen = random.choice(list(cases)) if case_id == SURPRISE else case_id
        start(chosen, level, float(minutes))


def start(case_id: str, level: str, minutes: float, stage: Stage | None = None) -> None:
    with st.spinner("Preparing the interviewer: index and model (the first start takes longest)…"):
        engine().warm_up()
        interview = engine().new_interview(
            case_id, level, minutes, owner=viewer(), start_stage=stage
        )
        "".join(interview.open())
    st.session_state.active_session = interview.session_id
    go("interview", interview.session_id)


def stage_tracker(interview) -> None:
    """One line that wraps between stages, never inside a word, and stays short on a phone."""
    state = interview.state
    marks = []
    for stage in STAGES:
        if stage == state.stage:
            marks.append(f"**▶ {stage.heading}**")
        elif state.stages[stage].visited:
            marks.append(f"✓ {SHORT_NAMES[stage]}")
        else:
            marks.append(SHORT_NAMES[stage])
    st.markdown(" · ".join(marks))
    used = (state.elapsed_s + interview.seconds_since_last_turn()) / 60
    st.progress(
        min(1.0, used / state.minutes),
        text=f"about {max(0, state.minutes - used):.0f} of {state.minutes:.0f} min left",
    )


def show_turns(interview) -> None:
    for turn in interview.turns():
        role = "assistant" if turn.role == "interviewer" else "user"
        with st.chat_message(role):
            help_item = turn.meta.get("help") or {}
            if help_item.get("kind") == "concept":
                st.caption(f"You asked: {safe_md(str(help_item.get('text', '')))}")
            st.markdown(safe_md(turn.content))
            for number, source in enumerate(help_item.get("sources") or [], 1):
                cited_note(number, str(source))
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
        st.session_state.model_error = on_screen(str(error))
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
        go("report", session_id)
    st.session_state.active_session = session_id
    st.header(f"{interview.case.title} · {interview.state.level}")
    stage_tracker(interview)
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
    controls(interview)


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


def controls(interview) -> None:
    """Hint, a concept question and End, under the chat (a phone's sidebar is folded away)."""
    if interview.finished:
        if st.button("See the report", type="primary"):
            finish(interview)
        return
    if st.session_state.get("confirm_end"):
        confirm_end(interview)
        return
    hint, ask, end = st.columns([1, 2, 1.3])
    if hint.button("💡 Hint", help="Progressive; each hint is noted in the report."):
        run_and_show(interview.hint)
    with ask.popover("Ask a concept question"):
        question = st.text_input(
            "Concept question", key="concept_q", help="Answered from our notes; noted as help."
        )
        if st.button("Ask") and question:
            run_and_show(lambda: interview.ask(question))
    if end.button("End interview", key="end_main"):
        st.session_state.confirm_end = True
        st.rerun()


def confirm_end(interview) -> None:
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
    st.session_state.pop("active_session", None)
    go("report", interview.session_id)
