"""The web app through Streamlit's AppTest, with a fake chat model and the shared index."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

import bot.clock
from bot.llm import Chat
from bot.paths import ui_app_path
from bot.testing import FakeClock, repeating_chat

TIMEOUT = 120


@pytest.fixture
def app(monkeypatch, full_index_settings):
    monkeypatch.setenv("MLSD_DATA_DIR", str(full_index_settings.data_dir))
    monkeypatch.setattr(Chat, "from_settings", classmethod(lambda cls, s: repeating_chat("Ok.")))
    at = AppTest.from_file(str(ui_app_path()), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def _start(at: AppTest, case: str = "news-feed") -> AppTest:
    at.selectbox[0].set_value(case)
    next(b for b in at.button if b.label == "Start interview").click()
    at.run()
    assert not at.exception, at.exception
    return at


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _page(at: AppTest) -> str:
    """The page on screen, by its heading."""
    return at.header[0].value if at.header else ""


def _chat_texts(at: AppTest) -> list[str]:
    return [m.markdown[0].value for m in at.chat_message if m.markdown]


def test_start_page_shows_cases_level_and_active_model(app) -> None:
    assert "Surprise me" in app.selectbox[0].options[0]
    assert "News feed ranking" in app.selectbox[0].options
    assert any("SmolLM2" in c.value for c in app.caption)


def test_interview_answer_hint_concept_end_report_history(app) -> None:
    at = _start(app)
    session = at.query_params["session"]
    assert session
    assert _chat_texts(at), "the opening is shown"
    at.chat_input[0].set_value("What is the scale?").run()
    assert not at.exception, at.exception
    assert any("500" in t or "million" in t for t in _chat_texts(at))
    _button(at, "💡 Hint").click().run()
    assert any(t.startswith("Hint") for t in _chat_texts(at))
    at.text_input(key="concept_q").set_value("what is NDCG again?")
    _button(at, "Ask").click().run()
    assert any("ranking\\-metrics" in t or "ranking-metrics" in t for t in _chat_texts(at))
    assert any("You asked: what is NDCG again?" in c.value for c in at.caption), (
        "the concept answer shows its question"
    )
    assert any("ranking-metrics.md" in e.label for e in at.expander), "its citation opens"
    _button(at, "End interview").click().run()
    assert not _page(at).startswith("Report"), "End asks for a confirmation first"
    _button(at, "Yes, end and grade").click().run()
    assert not at.exception, at.exception
    assert _page(at).startswith("Report:") and at.query_params["session"] == session
    assert any(m.label == "Overall" for m in at.metric)
    chart = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert chart["encoding"]["x"]["axis"]["values"] == [0, 1, 2, 3, 4], "whole-number ticks"
    assert len(at.get("download_button")) == 4, "Markdown, HTML, JSON and the transcript"
    _button(at, "Read the conversation").click().run()
    assert not at.exception, at.exception
    assert _page(at).startswith("Conversation:")
    assert "What is the scale?" in _chat_texts(at), "the conversation can be read again"
    _button(at, "Back to the report").click().run()
    assert _page(at).startswith("Report:")
    at.query_params.clear()
    at.query_params["view"] = "history"  # an old-style link still opens its page
    at.run()
    assert not at.exception, at.exception
    assert _page(at) == "History"
    assert any(m.value == "News feed ranking" for m in at.markdown), "history shows titles"
    assert any(b.label == "Report" for b in at.button)


def test_reload_restores_the_conversation(app, monkeypatch, full_index_settings) -> None:
    at = _start(app)
    at.chat_input[0].set_value("How many daily active users are there?").run()
    before = _chat_texts(at)
    session = at.query_params["session"]
    fresh = AppTest.from_file(str(ui_app_path()), default_timeout=TIMEOUT)
    fresh.query_params["session"] = session
    fresh.run()
    assert not fresh.exception, fresh.exception
    assert _chat_texts(fresh) == before


def test_the_countdown_follows_the_wall_clock_through_reruns(app, monkeypatch) -> None:
    wall = FakeClock()
    monkeypatch.setattr(bot.clock, "now", wall)
    at = _start(app)
    assert "about 45 of 45 min left" in at.get("progress")[0].proto.text
    wall.advance(5 * 60)
    at.run()
    assert "about 40 of 45 min left" in at.get("progress")[0].proto.text
    at.chat_input[0].set_value("How many daily active users are there?").run()
    wall.advance(4 * 60)
    at.run()
    assert "about 36 of 45 min left" in at.get("progress")[0].proto.text


def test_too_long_answer_is_refused_and_kept(app) -> None:
    at = _start(app)
    turns = len(_chat_texts(at))
    at.chat_input[0].set_value("x" * 9000).run()
    assert any("limit" in e.value for e in at.error)
    assert len(_chat_texts(at)) == turns
    assert at.chat_input[0].value == "x" * 9000, "the refused draft is back in the box"


def test_slash_commands_typed_in_the_chat_work_as_in_the_terminal(app) -> None:
    at = _start(app)
    at.chat_input[0].set_value("/hint").run()
    assert not at.exception, at.exception
    assert any(t.startswith("Hint") for t in _chat_texts(at))
    assert "/hint" not in _chat_texts(at), "a command is not an answer"
    at.chat_input[0].set_value("/frobnicate").run()
    assert any("unknown command '/frobnicate'" in e.value for e in at.error)
    at.chat_input[0].set_value("/end").run()
    assert not at.exception, at.exception
    assert _page(at).startswith("Report:")


def test_candidate_html_is_shown_as_text(app) -> None:
    at = _start(app)
    at.chat_input[0].set_value("<script>alert(1)</script> [x](javascript:alert(1))").run()
    shown = " ".join(_chat_texts(at))
    assert "<script>" not in shown and "](javascript:" not in shown
    assert "\\<script\\>" in shown


def test_concept_page(app) -> None:
    app.query_params["view"] = "ask"
    app.run()
    app.text_input[0].set_value("When should I prefer PR-AUC over ROC-AUC?").run()
    assert not app.exception, app.exception
    cited = [e for e in app.expander if "roc-auc-vs-pr-auc" in e.label]
    assert cited, "a citation names its note"
    assert any("PR-AUC" in m.value for m in cited[0].markdown), "and opens to the note itself"


def test_history_resumes_an_unfinished_interview(app) -> None:
    at = _start(app, "video-recommendation")
    session = at.query_params["session"]
    at.query_params.clear()
    at.query_params["view"] = "history"
    at.run()
    resume = [b for b in at.button if b.label == "Resume"]
    assert resume
    resume[0].click().run()
    assert not at.exception, at.exception
    assert at.query_params["session"] == session
    assert _page(at).startswith("Video")


def test_unreachable_model_is_one_clear_message(monkeypatch, full_index_settings) -> None:
    monkeypatch.setenv("MLSD_DATA_DIR", str(full_index_settings.data_dir))
    at = AppTest.from_file(str(ui_app_path()), default_timeout=TIMEOUT)
    at.run()
    at.sidebar.radio(key="model_choice").set_value("server").run()
    at.sidebar.text_input(key="base_url").set_value("http://127.0.0.1:9/v1").run()
    next(b for b in at.sidebar.button if b.label == "Test connection").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.sidebar.error]
    assert errors and errors[0].startswith("no server at http://127.0.0.1:9/v1")
    assert "Traceback" not in errors[0]


def test_the_whiteboard_renders_is_read_by_the_interviewer_and_survives_a_reload(app) -> None:
    at = _start(app, "video-recommendation")
    board = at.text_area[0]
    board.set_value("req[Request] --> rank(Deep ranker)\nrank --> feed[Home feed]").run()
    assert not at.exception, at.exception
    assert at.get("graphviz_chart"), "the drawing is rendered live"
    at.chat_input[0].set_value("Here is my serving path.").run()
    assert not at.exception, at.exception
    assert any("narrows the candidates" in t for t in _chat_texts(at))
    at.text_area[0].set_value("req[Request] -> rank").run()
    assert any("line 1: cannot read" in e.value for e in at.error)
    assert at.text_area[0].value == "req[Request] -> rank", "the text is kept"
    fresh = AppTest.from_file(str(ui_app_path()), default_timeout=TIMEOUT)
    fresh.query_params["session"] = at.query_params["session"]
    fresh.run()
    assert fresh.text_area[0].value.startswith("req[Request] --> rank(Deep ranker)")


def _finish(at: AppTest) -> AppTest:
    at.chat_input[0].set_value("/end").run()
    assert not at.exception, at.exception
    return at


def test_a_drill_starts_from_the_report_at_the_weakest_stage(app) -> None:
    at = _start(app)
    at.chat_input[0].set_value("What is the scale?").run()
    _finish(at)
    drill = next(b for b in at.button if b.label.startswith("Start a 12-minute drill"))
    assert "Clarifying requirements" not in drill.label, "clarifying was practised, not weakest"
    assert "News feed ranking" not in drill.label, "a drill picks a case not done recently"
    drill.click().run()
    assert not at.exception, at.exception
    opening = _chat_texts(at)[0]
    assert opening.startswith("A short drill on"), opening
    assert "▶" in at.markdown[0].value and "✓ Clarify" not in at.markdown[0].value


def test_the_report_compares_with_the_last_attempt_on_the_case(app) -> None:
    at = _finish(_start(app, "eta-prediction"))
    _button(at, "New interview").click().run()
    at = _start(at, "eta-prediction")
    at.chat_input[0].set_value("Who uses the ETA, and how accurate must it be?").run()
    _finish(at)
    assert any(m.value.startswith("**Since your last attempt on this case:**") for m in at.markdown)


def test_history_shows_trends_by_attempt_with_readable_stage_names(app) -> None:
    _finish(_start(app, "smart-compose"))
    app.query_params.clear()
    app.query_params["view"] = "history"
    app.run()
    assert not app.exception, app.exception
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    stages = next(s for s in specs if "facet" in s.get("encoding", {}))
    names = stages["encoding"]["color"]["scale"]["domain"]
    assert names[:3] == ["Clarify", "Frame", "Data"], "stage names a reader knows"
    assert len(set(stages["encoding"]["color"]["scale"]["range"])) == 7, "seven distinct colours"
    assert any(s["encoding"]["x"]["field"] == "attempt" for s in specs)
    case_filter = app.selectbox(key="history_case")
    case_filter.set_value("smart-compose").run()
    assert not app.exception, app.exception
    assert all(m.value != "News feed ranking" for m in app.markdown)


def test_the_start_page_says_how_it_works(app) -> None:
    guide = next(e for e in app.expander if e.label == "How it works")
    assert any("Seven stages" in m.value for m in guide.markdown)


def test_local_servers_are_offered_in_the_model_settings(app, monkeypatch) -> None:
    import bot.local_servers
    from tests.openai_stub import StubServer

    with StubServer() as stub:
        port = int(stub.base_url.rsplit(":", 1)[1].split("/")[0])
        monkeypatch.setattr(bot.local_servers, "USUAL_PORTS", {port: "Ollama"})
        app.sidebar.radio(key="model_choice").set_value("server").run()
        assert not app.exception, app.exception
        found = app.sidebar.selectbox(key="local_choice")
        assert found.options == ["Ollama: stub-model"]
        next(b for b in app.sidebar.button if b.label == "Use this model").click().run()
        assert app.sidebar.text_input(key="base_url").value == stub.base_url
        assert app.sidebar.text_input(key="model_name").value == "stub-model"


def test_model_errors_speak_of_the_fields_on_screen(monkeypatch, full_index_settings) -> None:
    monkeypatch.setenv("MLSD_DATA_DIR", str(full_index_settings.data_dir))
    app = AppTest.from_file(str(ui_app_path()), default_timeout=TIMEOUT).run()
    app.sidebar.radio(key="model_choice").set_value("server").run()
    next(b for b in app.sidebar.button if b.label == "Test connection").click().run()
    assert not app.exception, app.exception
    (error,) = [e.value for e in app.sidebar.error]
    assert error.startswith("No API key: type one in the API key field"), error
    assert "OPENAI_API_KEY" not in error and ".env" not in error


def test_leaving_for_another_page_and_coming_back_keeps_the_interview(app) -> None:
    at = _start(app)
    session = at.query_params["session"]
    at.query_params.clear()
    at.query_params["view"] = "ask"
    at.run()
    assert _page(at) == "Concept Q&A"
    at.query_params.clear()
    at.query_params["view"] = "interview"  # the interview page, with no session in the URL
    at.run()
    assert not at.exception, at.exception
    assert at.query_params["session"] == session, "the interview in progress comes back"
    assert _page(at).startswith("News feed ranking")
