"""`mlsd`: the command line. Thin: every command calls the engine and prints."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from bot import __version__
from bot.errors import MlsdError
from bot.stages import STAGES, Stage


def _user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's errors into a one-line message and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MlsdError as error:
            raise click.ClickException(str(error)) from None

    return wrapper


def _settings() -> Any:
    from bot.config import load_settings

    return load_settings()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlsd")
def cli() -> None:
    """A mock interviewer for machine learning system design interviews.

    Runs offline on an embedded model by default; set MLSD_LLM=openai and OPENAI_BASE_URL
    to use OpenAI, Ollama, vLLM or LM Studio.
    """


@cli.command()
@click.argument("message", required=False)
@click.option("--system", default=None, help="Replace the system prompt.")
@_user_errors
def chat(message: str | None, system: str | None) -> None:
    """A plain streamed chat with the configured model (one MESSAGE, or interactive)."""
    from bot.chat import ChatSession

    session = ChatSession.from_settings(_settings(), system=system)
    click.echo(f"model: {session.chat_description}", err=True)
    if message:
        _stream_reply(session, message)
        return
    click.echo("Type a message; an empty line or Ctrl-D ends the chat.", err=True)
    for line in sys.stdin:
        if not line.strip():
            break
        _stream_reply(session, line.strip())


def _stream_reply(session: Any, message: str) -> None:
    for piece in session.send(message):
        click.echo(piece, nl=False)
    click.echo()


def _print_json(document: object) -> None:
    import json

    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _retriever(settings: Any) -> Any:
    from bot.retrieval import open_retriever

    return open_retriever(settings)


def _stage_option() -> Any:
    from bot.stages import STAGES

    return click.option("--stage", type=click.Choice([s.value for s in STAGES]), default=None)


@cli.command()
@click.option("--rebuild", is_flag=True, help="Drop the index and build it from scratch.")
@_user_errors
def index(rebuild: bool) -> None:
    """Build or refresh the retrieval index from the notes (idempotent)."""
    from bot.index import build_index

    settings = _settings()
    _, report = build_index(settings, rebuild=rebuild, progress=True)
    click.echo(
        f"index: {report.added} chunks added, {report.removed} removed, {report.kept} unchanged"
        + (" (rebuilt)" if report.rebuilt else ""),
        err=True,
    )
    _warn_broken_cases(settings)


def _warn_broken_cases(settings: Any) -> None:
    from bot.index import resolve_knowledge_dir
    from bot.knowledge.cases import load_cases

    _, errors = load_cases(resolve_knowledge_dir(settings))
    for error in errors:
        click.echo(f"warning: {error}", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_user_errors
def cases(as_json: bool) -> None:
    """List the interview cases."""
    from bot.index import resolve_knowledge_dir
    from bot.knowledge.cases import load_cases

    settings = _settings()
    found, _ = load_cases(resolve_knowledge_dir(settings))
    _warn_broken_cases(settings)
    listing = [{"id": c.id, "title": c.title} for c in found.values()]
    if as_json:
        _print_json(listing)
        return
    for item in listing:
        click.echo(f"{item['id']:<28} {item['title']}")


@cli.command("lint-cases")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_user_errors
def lint_cases(files: tuple[str, ...], as_json: bool) -> None:
    """Check case files (default: every case) and print one line per problem."""
    from pathlib import Path

    from bot.embeddings import build_embeddings
    from bot.index import resolve_knowledge_dir
    from bot.knowledge.lint import lint_paths

    settings = _settings()
    root = resolve_knowledge_dir(settings)
    paths = [Path(f) for f in files] or sorted((root / "cases").glob("*.md"))
    problems = lint_paths(paths, root, build_embeddings(settings))
    if as_json:
        _print_json([p.model_dump() for p in problems])
    else:
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"{len(paths)} case(s) checked, {len(problems)} problem(s)", err=True)
    if problems:
        sys.exit(1)


@cli.command()
@click.argument("query")
@click.option("--k", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--case", "case_id", default=None, help="Only this case's notes.")
@_stage_option()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_user_errors
def search(query: str, k: int, case_id: str | None, stage: str | None, as_json: bool) -> None:
    """Retrieval only: the best passages of the notes for QUERY."""
    from bot.stages import Stage

    settings = _settings()
    if case_id:
        _known_case(settings, case_id)
    hits = _retriever(settings).search(
        query, k=k, case=case_id, stage=Stage(stage) if stage else None
    )
    if as_json:
        _print_json([h.contract() for h in hits])
        return
    for hit in hits:
        click.echo(f"[{hit.score:.3f}] {hit.source} — {hit.heading}")
        click.echo("    " + " ".join(hit.text.split())[:300])


def _known_case(settings: Any, case_id: str) -> None:
    from bot.index import resolve_knowledge_dir
    from bot.knowledge.cases import get_case

    get_case(resolve_knowledge_dir(settings), case_id)


@cli.command()
@click.argument("question")
@click.option("--case", "case_id", default=None, help="Also use this case's notes.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_user_errors
def ask(question: str, case_id: str | None, as_json: bool) -> None:
    """Answer a concept question from the notes, with citations."""
    from bot.ask import ask as answer_question
    from bot.llm import Chat

    settings = _settings()
    if case_id:
        _known_case(settings, case_id)
    chat = Chat.from_settings(settings) if settings.llm == "openai" else None
    answer = answer_question(_retriever(settings), question, case=case_id, chat=chat)
    if as_json:
        _print_json(answer.contract())
        return
    click.echo(answer.answer)
    for n, citation in enumerate(answer.citations, 1):
        click.echo(f"  [{n}] {citation.source}")


def _engine() -> Any:
    from bot.engine import Engine

    return Engine(_settings())


def _load_answers(path: str) -> list[Any]:
    import json
    from pathlib import Path

    from pydantic import ValidationError

    from bot.commands import Message
    from bot.errors import InputError

    try:
        answers = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: cannot read the answers ({error})") from None
    shape = (
        f"{path}: must be a JSON list of the candidate's messages, each a string or "
        '{"text": ..., "diagram": ...}'
    )
    if not isinstance(answers, list):
        raise InputError(shape)
    try:
        return [
            Message(text=a) if isinstance(a, str) else Message.model_validate(a) for a in answers
        ]
    except ValidationError:
        raise InputError(shape) from None


def _show(pieces: Any, prefix: str = "Interviewer: ") -> None:
    click.echo(prefix, nl=False)
    for piece in pieces:
        click.echo(piece, nl=False)
    click.echo()


def _run_line(interview: Any, message: Any, lines: Any, board: list[str]) -> bool:
    """One candidate input (an answer or a slash command); False when the interview ends.
    `/diagram` reads the whiteboard from the next lines, up to a blank one; `board` holds
    it (at most one source) until the next answer takes it along."""
    from bot.commands import read_command
    from bot.diagram import parse_diagram
    from bot.errors import InputError

    try:
        command = read_command(message.text)
        if command.name == "end":
            return False
        if command.name == "diagram":
            source = _diagram_lines(lines)
            drawn = parse_diagram(source)
            board[:] = [source]
            click.echo(
                f"diagram ready: {len(drawn.nodes)} boxes, {len(drawn.edges)} arrows; "
                "it goes with your next answer",
                err=True,
            )
        elif command.name == "hint":
            _show(interview.hint())
        elif command.name == "ask":
            _show(interview.ask(command.argument))
        else:
            diagram = message.diagram or (board[0] if board else None)
            _show(interview.respond(message.text, diagram=diagram))
            board.clear()
    except InputError as error:
        click.echo(f"Error: {error}", err=True)
    return not interview.finished


def _diagram_lines(lines: Any) -> str:
    click.echo("paste the diagram (Mermaid flowchart lines), then a blank line:", err=True)
    collected = []
    for item in lines:
        if not item.text.strip():
            break
        collected.append(item.text)
    return "\n".join(collected)


@cli.command()
@click.option("--case", "case_id", default=None, help="The case id (see `mlsd cases`).")
@click.option(
    "--level", type=click.Choice(["mid", "senior", "staff"]), default="senior", show_default=True
)
@click.option("--minutes", default=45.0, show_default=True, type=click.FloatRange(10, 120))
@click.option(
    "--answers",
    type=click.Path(dir_okay=False),
    default=None,
    help="A JSON list of candidate messages: run unattended.",
)
@click.option("--transcript-out", type=click.Path(dir_okay=False), default=None)
@click.option(
    "--report-out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report here (.json, plus .md and .html beside it).",
)
@click.option("--resume", "resume_id", default=None, help="Continue an interrupted session.")
@click.option(
    "--drill",
    type=click.Choice([s.value for s in STAGES]),
    default=None,
    help="A short drill that starts at this stage (try --minutes 12).",
)
@_user_errors
def interview(
    case_id: str | None,
    level: str,
    minutes: float,
    answers: str | None,
    transcript_out: str | None,
    report_out: str | None,
    resume_id: str | None,
    drill: str | None,
) -> None:
    """A mock interview in the terminal (/hint, /ask QUESTION, /diagram, /end)."""
    from bot.errors import InputError

    if not case_id and not resume_id:
        raise InputError("give --case ID (see `mlsd cases`) or --resume SESSION_ID")
    engine = _engine()
    scripted = _load_answers(answers) if answers else None
    clock = "spoken" if scripted is not None else "wall"
    if resume_id:
        session = engine.load_interview(resume_id, clock=clock)
        click.echo(f"resuming session {resume_id}", err=True)
        for turn in session.turns():
            click.echo(f"{turn.role.capitalize()}: {turn.content}")
        if session.pending_answer() is not None:
            _show(session.resume_pending())
    else:
        start = Stage(drill) if drill else None
        session = engine.new_interview(case_id, level, minutes, clock=clock, start_stage=start)
        click.echo(f"session {session.session_id} · {session.case.title} · {level}", err=True)
        _show(session.open())
    lines = iter(scripted) if scripted is not None else _stdin_lines()
    board: list[str] = []
    for message in lines:
        if scripted is not None:
            click.echo(f"Candidate: {message.text}")
        if not _run_line(session, message, lines, board):
            break
    _finish(engine, session, transcript_out, report_out)


def _stdin_lines() -> Any:
    from bot.commands import Message

    while True:
        try:
            yield Message(
                text=click.prompt("You", prompt_suffix=": ", default="", show_default=False)
            )
        except (EOFError, click.Abort):
            return


def _finish(engine: Any, session: Any, transcript_out: str | None, report_out: str | None):
    import json
    from pathlib import Path

    from bot.report import to_markdown, write_report

    report = engine.finish(session)
    if transcript_out:
        data = engine.transcript(session).model_dump(mode="json")
        Path(transcript_out).write_text(json.dumps(data, indent=2, ensure_ascii=False))
    if report_out:
        write_report(report, Path(report_out).with_suffix(""))
    click.echo(to_markdown(report))
    click.echo(f"session {session.session_id} saved; report stored with it", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_user_errors
def sessions(as_json: bool) -> None:
    """List interview sessions (newest first)."""
    from datetime import datetime

    items = _engine().store.list()
    if as_json:
        _print_json([i.model_dump(mode="json") for i in items])
        return
    for item in items:
        when = datetime.fromtimestamp(item.created_at).strftime("%Y-%m-%d %H:%M")
        score = "" if item.overall_score is None else f"{item.overall_score:g}"
        click.echo(
            f"{item.id}  {when}  {item.case_id:<26} {item.level:<6} {item.status:<7} {score}"
        )


@cli.command()
@click.argument("transcript", type=click.Path(dir_okay=False))
@click.option(
    "--level",
    type=click.Choice(["mid", "senior", "staff"]),
    default=None,
    help="Level to grade against (default: the transcript's, else senior).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report JSON.")
@click.option("--report-out", type=click.Path(dir_okay=False), default=None)
@_user_errors
def grade(transcript: str, level: str | None, as_json: bool, report_out: str | None) -> None:
    """Grade a transcript file and print the report."""
    from pathlib import Path

    from bot.report import to_json, to_markdown, write_report
    from bot.transcript import load_transcript

    report = _engine().grade(load_transcript(Path(transcript)), level)
    if report_out:
        write_report(report, Path(report_out).with_suffix(""))
    click.echo(to_json(report) if as_json else to_markdown(report))


@cli.command()
@click.option("--port", default=8501, show_default=True, help="Port to serve on.")
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (0.0.0.0 behind a load balancer).",
)
@_user_errors
def ui(port: int, address: str) -> None:
    """Start the web app. The process becomes Streamlit (exec), so stopping it stops the app."""
    from bot.paths import ui_app_path

    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ui_app_path()),
        f"--server.address={address}",
        f"--server.port={port}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
        "--client.toolbarMode=viewer",
    ]
    click.echo(f"mlsd: serving on http://{address}:{port}", err=True)
    sys.stderr.flush()
    os.execv(sys.executable, command)


def main() -> None:
    cli(prog_name="mlsd")


if __name__ == "__main__":
    main()
