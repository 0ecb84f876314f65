"""Process handling: stopping `mlsd ui` stops the app, leaving no Streamlit behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.throwaway import free_port
from tests.conftest import clean_env

MLSD = Path(sys.executable).parent / "mlsd"


def _serving(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
        return True
    except OSError:
        return False


def _processes_serving(port: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if f"--server.port={port}" in command:
            found.append(int(entry.name))
    return found


def test_sigterm_to_mlsd_ui_stops_the_app_and_leaves_no_process(tmp_path) -> None:
    port = free_port()
    app = subprocess.Popen(
        [str(MLSD), "ui", "--port", str(port)],
        env=clean_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while not _serving(port):
        assert time.monotonic() < deadline, "the app did not start"
        assert app.poll() is None, "mlsd ui exited early"
        time.sleep(0.5)
    assert _processes_serving(port) == [app.pid], "mlsd ui became the server itself"
    app.send_signal(signal.SIGTERM)
    app.wait(timeout=30)
    time.sleep(0.5)
    assert _processes_serving(port) == []
    assert not _serving(port)
