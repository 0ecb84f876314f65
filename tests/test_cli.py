from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot import __version__
from bot.cli import cli
from bot.llm import Chat
from bot.stages import STAGES
from bot.testing import fake_chat


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "chat" in result.output and "ui" in result.output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_chat_streams_the_reply(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Chat, "from_settings", classmethod(lambda cls, s: fake_chat("Hi there")))
    result = runner.invoke(cli, ["chat", "hello"])
    assert result.exit_code == 0
    assert "Hi there" in result.stdout
    assert "model: SmolLM2" in result.stderr


def test_chat_interactive_keeps_the_conversation(runner, monkeypatch) -> None:
    chat = fake_chat("first reply", "second reply")
    monkeypatch.setattr(Chat, "from_settings", classmethod(lambda cls, s: chat))
    result = runner.invoke(cli, ["chat"], input="one\ntwo\n\n")
    assert result.exit_code == 0
    assert "first reply" in result.stdout and "second reply" in result.stdout


def test_bad_configuration_is_one_line_and_non_zero(runner, monkeypatch) -> None:
    monkeypatch.setenv("MLSD_LLM", "nonsense")
    result = runner.invoke(cli, ["chat", "hello"])
    assert result.exit_code != 0
    assert result.stderr.strip().startswith("Error: MLSD_LLM:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_unreachable_server_is_one_line(runner, monkeypatch) -> None:
    monkeypatch.setenv("MLSD_LLM", "openai")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("MLSD_MAX_RETRIES", "0")
    result = runner.invoke(cli, ["chat", "hello"])
    assert result.exit_code == 1
    assert "no server at http://127.0.0.1:9/v1" in result.stderr


def _use_index(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    monkeypatch.setenv("MLSD_DATA_DIR", str(settings.data_dir))


def test_cases_json_lists_id_and_title(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["cases", "--json"])
    assert result.exit_code == 0
    listing = json.loads(result.stdout)
    assert {"id": "news-feed", "title": "News feed ranking"} in listing
    assert len(listing) >= 10


def test_search_json_contract(runner, monkeypatch, full_index_settings) -> None:
    _use_index(monkeypatch, full_index_settings)
    result = runner.invoke(
        cli, ["search", "offline metric", "--k", "3", "--case", "news-feed", "--json"]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    assert all(set(h) == {"text", "source", "case", "stage", "score"} for h in hits)
    assert all(h["case"] == "news-feed" for h in hits)


def test_search_unknown_case_is_one_line(runner, monkeypatch, full_index_settings) -> None:
    _use_index(monkeypatch, full_index_settings)
    result = runner.invoke(cli, ["search", "x", "--case", "chess"])
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: no case 'chess'")


def test_search_bad_stage_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["search", "x", "--stage", "training"])
    assert result.exit_code == 2
    assert "training" in result.stderr


def test_ask_json_contract(runner, monkeypatch, full_index_settings) -> None:
    _use_index(monkeypatch, full_index_settings)
    result = runner.invoke(cli, ["ask", "what is a feature store?", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert set(answer) == {"answer", "citations"}
    assert answer["citations"][0]["source"] == "concepts/feature-store.md"


def test_user_added_case_is_indexed_and_listed(runner, monkeypatch, small_knowledge) -> None:
    import shutil
    from pathlib import Path

    monkeypatch.setenv("MLSD_KNOWLEDGE_DIR", str(small_knowledge))
    minimal = Path(__file__).parent / "data" / "minimal_case.md"
    shutil.copy(minimal, small_knowledge / "cases" / "parking-finder.md")
    result = runner.invoke(cli, ["index"])
    assert result.exit_code == 0, result.output
    assert "chunks added" in result.stderr
    listing = json.loads(runner.invoke(cli, ["cases", "--json"]).stdout)
    assert {"id": "parking-finder", "title": "Parking spot finder"} in listing
    found = json.loads(
        runner.invoke(cli, ["search", "parking sensor outages", "--json", "--k", "1"]).stdout
    )
    assert found[0]["case"] == "parking-finder"


def test_malformed_case_is_reported_and_others_still_listed(runner, monkeypatch, small_knowledge):
    monkeypatch.setenv("MLSD_KNOWLEDGE_DIR", str(small_knowledge))
    (small_knowledge / "cases" / "broken.md").write_text("just text\n")
    result = runner.invoke(cli, ["cases", "--json"])
    assert result.exit_code == 0
    assert "warning: cases/broken.md:" in result.stderr
    assert [c["id"] for c in json.loads(result.stdout)] == ["news-feed"]


def test_interview_unattended_writes_transcript_and_report(
    runner, monkeypatch, full_index_settings, tmp_path
) -> None:
    from bot.testing import repeating_chat

    _use_index(monkeypatch, full_index_settings)
    monkeypatch.setattr(Chat, "from_settings", classmethod(lambda cls, s: repeating_chat("Ok.")))
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            [
                "What's the business goal and the scale?",
                "/hint",
                "/ask what is NDCG again?",
                "I'd rank posts by a weighted sum of predicted engagement because actions "
                "differ in value.",
                "/end",
            ]
        )
    )
    result = runner.invoke(
        cli,
        [
            "interview",
            "--case",
            "news-feed",
            "--answers",
            str(answers),
            "--transcript-out",
            str(tmp_path / "t.json"),
            "--report-out",
            str(tmp_path / "r.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    transcript = json.loads((tmp_path / "t.json").read_text())
    assert transcript["case"] == "news-feed"
    roles = [t["role"] for t in transcript["turns"]]
    assert roles[0] == "interviewer" and "candidate" in roles
    assert [h["kind"] for h in transcript["help_used"]] == ["hint", "concept"]
    report = json.loads((tmp_path / "r.json").read_text())
    assert set(report["stages"]) == {s.value for s in STAGES}
    assert (tmp_path / "r.html").is_file() and (tmp_path / "r.md").is_file()
    listing = runner.invoke(cli, ["sessions", "--json"])
    assert any(s["case_id"] == "news-feed" for s in json.loads(listing.stdout))


def test_a_drill_in_the_terminal_starts_at_its_stage(
    runner, monkeypatch, full_index_settings, tmp_path
) -> None:
    from bot.testing import repeating_chat

    _use_index(monkeypatch, full_index_settings)
    monkeypatch.setattr(Chat, "from_settings", classmethod(lambda cls, s: repeating_chat("Ok.")))
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(["I'd watch calibration and feature drift on dashboards."]))
    result = runner.invoke(
        cli,
        [
            "interview",
            "--case",
            "news-feed",
            "--drill",
            "monitoring",
            "--minutes",
            "12",
            "--answers",
            str(answers),
            "--report-out",
            str(tmp_path / "r.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "A short drill on monitoring" in result.stdout
    assert json.loads((tmp_path / "r.json").read_text())["drill"] == "monitoring"


def test_interview_needs_a_case(runner) -> None:
    result = runner.invoke(cli, ["interview"])
    assert result.exit_code == 1
    assert "give --case ID" in result.stderr


def test_grade_prints_contract_json(runner, monkeypatch, full_index_settings) -> None:
    from pathlib import Path

    _use_index(monkeypatch, full_index_settings)
    path = Path(__file__).parent / "data" / "calibration" / "news-feed__weak.json"
    if not path.exists():
        path = Path(__file__).parent / "data" / "calibration" / "ad-click-prediction__weak.json"
    result = runner.invoke(cli, ["grade", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["case"] == json.loads(path.read_text())["case"]
    assert report["verdict"] in {"strong_hire", "hire", "lean_hire", "lean_no_hire", "no_hire"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"turns": []}', "case"),
        ('{"case": "news-feed", "turns": [{"role": "judge", "content": "x"}]}', "turns.0.role"),
    ],
)
def test_grade_malformed_transcript_is_one_line(runner, tmp_path, content, message) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = runner.invoke(cli, ["grade", str(path)])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and str(path) in line and message in line


def test_interview_resume_continues_a_session(runner, monkeypatch, full_index_settings, tmp_path):
    from bot.engine import Engine
    from bot.store import Turn
    from bot.testing import repeating_chat

    _use_index(monkeypatch, full_index_settings)
    monkeypatch.setattr(Chat, "from_settings", classmethod(lambda cls, s: repeating_chat("Ok.")))
    engine = Engine(full_index_settings, chat=repeating_chat("Ok."))
    interview = engine.new_interview("news-feed", clock="spoken")
    "".join(interview.open())
    engine.store.add_turn(interview.session_id, Turn(role="candidate", content="How many users?"))
    answers = tmp_path / "more.json"
    answers.write_text(json.dumps(["What's the latency budget?", "/end"]))
    result = runner.invoke(
        cli, ["interview", "--resume", interview.session_id, "--answers", str(answers)]
    )
    assert result.exit_code == 0, result.output
    assert f"resuming session {interview.session_id}" in result.stderr
    turns = engine.store.turns(interview.session_id)
    candidate = [t.content for t in turns if t.role == "candidate"]
    assert candidate == ["How many users?", "What's the latency budget?"]
    assert turns[2].role == "interviewer" and "500 million" in turns[2].content


def test_a_diagram_goes_with_an_answer_typed_or_scripted(
    runner, monkeypatch, full_index_settings, tmp_path
) -> None:
    from bot.testing import repeating_chat

    _use_index(monkeypatch, full_index_settings)
    monkeypatch.setattr(Chat, "from_settings", classmethod(lambda cls, s: repeating_chat("Ok.")))
    typed = runner.invoke(
        cli,
        ["interview", "--case", "video-recommendation"],
        input="/diagram\nreq[Request] --> rank[Deep ranker]\nrank --> feed[Feed]\n\n"
        "Here is my serving path.\n/end\n",
    )
    assert typed.exit_code == 0, typed.output
    assert "diagram ready: 3 boxes, 2 arrows" in typed.stderr
    assert 'straight to "Deep ranker"' in typed.stdout
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            [
                {"text": "My serving path.", "diagram": "a[Request] --> r[Ranker] --> f[Feed]"},
                {"text": "Broken drawing.", "diagram": "a -> b"},
                "/end",
            ]
        )
    )
    out = tmp_path / "t.json"
    scripted = runner.invoke(
        cli,
        [
            "interview",
            "--case",
            "video-recommendation",
            "--answers",
            str(answers),
            "--transcript-out",
            str(out),
        ],
    )
    assert scripted.exit_code == 0, scripted.output
    assert "Error: line 1: cannot read 'a -> b'" in scripted.stderr
    turns = json.loads(out.read_text())["turns"]
    assert [t.get("diagram") for t in turns if t["role"] == "candidate"] == [
        "a[Request] --> r[Ranker] --> f[Feed]"
    ]
