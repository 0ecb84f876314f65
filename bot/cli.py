"""`mlsd`: the command line. Thin: every command calls the engine and prints."""

from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import click

from bot import __version__
from bot.errors import MlsdError


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
    from bot.cases import load_cases
    from bot.index import resolve_knowledge_dir

    _, errors = load_cases(resolve_knowledge_dir(settings))
    for error in errors:
        click.echo(f"warning: {error}", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_user_errors
def cases(as_json: bool) -> None:
    """List the interview cases."""
    from bot.cases import load_cases
    from bot.index import resolve_knowledge_dir

    settings = _settings()
    found, _ = load_cases(resolve_knowledge_dir(settings))
    _warn_broken_cases(settings)
    listing = [{"id": c.id, "title": c.title} for c in found.values()]
    if as_json:
        _print_json(listing)
        return
    for item in listing:
        click.echo(f"{item['id']:<28} {item['title']}")


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
    from bot.cases import get_case
    from bot.index import resolve_knowledge_dir

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


@cli.command()
@click.option("--port", default=8501, show_default=True, help="Port on localhost.")
@_user_errors
def ui(port: int) -> None:
    """Start the web app on localhost."""
    from bot.paths import ui_app_path

    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ui_app_path()),
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
    ]
    click.echo(f"mlsd: serving on http://127.0.0.1:{port}", err=True)
    raise SystemExit(subprocess.call(command))


def main() -> None:
    cli(prog_name="mlsd")
