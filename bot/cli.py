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
