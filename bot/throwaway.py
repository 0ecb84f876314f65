"""Throwaway PostgreSQL and Chroma servers on loopback, for the tests and the load benchmark.

Each is a context manager that starts the server in a temporary directory, waits until it
answers, yields its URL and removes everything on exit. `ServerMissing` says which binary is
not installed, so a caller can skip with that reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ServerMissing(RuntimeError):
    """A server binary is not installed here."""


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    """Poll a started server until `url` answers; RuntimeError if it exits or times out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if process.poll() is not None:
                message = f"the server behind {url} exited with {process.returncode}"
                raise RuntimeError(message) from None
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"nothing answered at {url} within {seconds:.0f} s") from None
            time.sleep(0.5)


def _postgres_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server (trust auth, no fsync); yields an admin URL without a database."""
    import pwd

    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise ServerMissing("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="mlsd-postgres-"))
    data = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "mlsd", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://mlsd@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def new_database(server_url: str) -> str:
    """A fresh, empty database on a PostgreSQL server; returns its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{server_url}/{name}"


CHROMA = Path(sys.executable).parent / "chroma"


@contextmanager
def chroma_server() -> Iterator[str]:
    """A `chroma run` server (the chromadb package's command) over a temporary directory."""
    if not CHROMA.exists():
        raise ServerMissing("the chroma command (chromadb package) is not installed")
    root = Path(tempfile.mkdtemp(prefix="mlsd-chroma-"))
    port = free_port()
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(root), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/api/v2/heartbeat", server, 60)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
