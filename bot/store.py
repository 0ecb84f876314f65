"""The session store: interviews, their turns and reports, never lost.

`SessionStore` is the interface; `SQLiteStore` the embedded default (WAL, one connection per
thread, every write its own transaction). A candidate's turn is committed before any model
is called; an interviewer's turn and the conductor's state are committed together, so a
crash at any moment leaves a session that resumes exactly where it stopped.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from bot.errors import ConfigError, NotFoundError
from bot.stages import Stage

Role = Literal["interviewer", "candidate"]


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    content: str
    stage: Stage | None = None
    kind: str = "answer"
    complete: bool = True
    meta: dict[str, Any] = Field(default_factory=dict)
    seq: int = 0
    created_at: float = Field(default_factory=time.time)


class SessionInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    case_id: str
    level: str
    status: str = "active"
    created_at: float = Field(default_factory=time.time)
    updated_at: float = Field(default_factory=time.time)
    overall_score: float | None = None
    owner: str | None = None


class SessionStore(Protocol):
    def create(
        self, case_id: str, level: str, state: dict, owner: str | None = None
    ) -> SessionInfo: ...

    def get(self, session_id: str) -> SessionInfo: ...

    def list(self, limit: int = 100, owner: str | None = None) -> list[SessionInfo]: ...

    def add_turn(self, session_id: str, turn: Turn, state: dict | None = None) -> Turn: ...

    def turns(self, session_id: str) -> list[Turn]: ...

    def state(self, session_id: str) -> dict: ...

    def set_status(self, session_id: str, status: str) -> None: ...

    def save_state(self, session_id: str, state: dict) -> None: ...

    def save_report(self, session_id: str, report: dict, overall: float) -> None: ...

    def report(self, session_id: str) -> dict | None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    level TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    state TEXT NOT NULL,
    overall_score REAL,
    owner TEXT
);
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    stage TEXT,
    kind TEXT NOT NULL,
    complete INTEGER NOT NULL,
    meta TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (session_id, seq)
);
CREATE TABLE IF NOT EXISTS reports (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id),
    report TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

#: Columns added after the first release, for databases created before them.
_ADDED_COLUMNS = {"owner": "TEXT"}
_OWNER_INDEX = "CREATE INDEX IF NOT EXISTS sessions_by_owner ON sessions (owner, created_at)"


class SQLStore:
    """The queries, shared by the SQLite and PostgreSQL stores.

    Subclasses provide a connection per thread (`_conn`), a write transaction (`_write`) that
    also serialises writers of one session, and the placeholder style.
    """

    placeholder = "?"

    def _sql(self, query: str) -> str:
        return query if self.placeholder == "?" else query.replace("?", self.placeholder)

    def _conn(self) -> Any:
        raise NotImplementedError

    @contextmanager
    def _write(self, session_id: str | None = None) -> Iterator[Any]:
        raise NotImplementedError
        yield

    def _execute(self, conn: Any, query: str, params: tuple = ()) -> Any:
        return conn.execute(self._sql(query), params)

    def _one(self, query: str, params: tuple = ()) -> Any:
        return self._execute(self._conn(), query, params).fetchone()

    def _all(self, query: str, params: tuple = ()) -> list[Any]:
        return self._execute(self._conn(), query, params).fetchall()

    def create(
        self, case_id: str, level: str, state: dict, owner: str | None = None
    ) -> SessionInfo:
        """A new session; `owner` is the signed-in user when a deployment has several."""
        info = SessionInfo(id=uuid.uuid4().hex[:12], case_id=case_id, level=level, owner=owner)
        with self._write() as conn:
            self._execute(
                conn,
                "INSERT INTO sessions (id, case_id, level, status, created_at, updated_at, "
                "state, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    info.id,
                    case_id,
                    level,
                    info.status,
                    info.created_at,
                    info.updated_at,
                    json.dumps(state),
                    owner,
                ),
            )
        return info

    def _row(self, session_id: str) -> Any:
        row = self._one("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if row is None:
            raise NotFoundError(f"no session {session_id!r}; `mlsd sessions` lists them")
        return row

    def get(self, session_id: str) -> SessionInfo:
        return _info(self._row(session_id))

    def list(self, limit: int = 100, owner: str | None = None) -> list[SessionInfo]:
        """The newest sessions first; only `owner`'s when one is given."""
        if owner is None:
            rows = self._all("SELECT * FROM sessions ORDER BY created_at DESC LIMIT ?", (limit,))
        else:
            rows = self._all(
                "SELECT * FROM sessions WHERE owner = ? ORDER BY created_at DESC LIMIT ?",
                (owner, limit),
            )
        return [_info(row) for row in rows]

    def add_turn(self, session_id: str, turn: Turn, state: dict | None = None) -> Turn:
        """Append a turn (and the conductor state that goes with it) in one transaction."""
        with self._write(session_id) as conn:
            row = self._execute(
                conn,
                "SELECT COALESCE(MAX(seq), 0) AS last FROM turns WHERE session_id = ?",
                (session_id,),
            ).fetchone()
            saved = turn.model_copy(update={"seq": row["last"] + 1})
            self._execute(
                conn,
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    saved.seq,
                    saved.role,
                    saved.content,
                    saved.stage.value if saved.stage else None,
                    saved.kind,
                    int(saved.complete),
                    json.dumps(saved.meta),
                    saved.created_at,
                ),
            )
            self._touch(conn, session_id, state)
        return saved

    def _touch(self, conn: Any, session_id: str, state: dict | None) -> None:
        if state is None:
            self._execute(
                conn, "UPDATE sessions SET updated_at = ? WHERE id = ?", (time.time(), session_id)
            )
            return
        self._execute(
            conn,
            "UPDATE sessions SET updated_at = ?, state = ? WHERE id = ?",
            (time.time(), json.dumps(state), session_id),
        )

    def turns(self, session_id: str) -> list[Turn]:
        rows = self._all("SELECT * FROM turns WHERE session_id = ? ORDER BY seq", (session_id,))
        return [_turn(row) for row in rows]

    def state(self, session_id: str) -> dict:
        return json.loads(self._row(session_id)["state"])

    def set_status(self, session_id: str, status: str) -> None:
        with self._write(session_id) as conn:
            self._execute(
                conn,
                "UPDATE sessions SET status = ?, updated_at = ? WHERE id = ?",
                (status, time.time(), session_id),
            )

    def save_state(self, session_id: str, state: dict) -> None:
        with self._write(session_id) as conn:
            self._touch(conn, session_id, state)

    def save_report(self, session_id: str, report: dict, overall: float) -> None:
        with self._write(session_id) as conn:
            self._execute(conn, "DELETE FROM reports WHERE session_id = ?", (session_id,))
            self._execute(
                conn,
                "INSERT INTO reports VALUES (?, ?, ?)",
                (session_id, json.dumps(report), time.time()),
            )
            self._execute(
                conn,
                "UPDATE sessions SET status = 'graded', overall_score = ?, updated_at = ? "
                "WHERE id = ?",
                (overall, time.time(), session_id),
            )

    def report(self, session_id: str) -> dict | None:
        row = self._one("SELECT report FROM reports WHERE session_id = ?", (session_id,))
        return json.loads(row["report"]) if row else None


def _switch_to_wal(conn: sqlite3.Connection) -> None:
    """WAL mode, waiting for another process that is creating the same database: switching
    the journal needs a lock that SQLite's busy timeout does not wait for."""
    for attempt in range(WAL_ATTEMPTS):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.1)


#: Tries at switching a new database to WAL while another process holds it (0.1 s apart).
WAL_ATTEMPTS = 100


class SQLiteStore(SQLStore):
    """SQLite in WAL mode; safe to share between threads (a connection per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        conn = self._conn()
        conn.executescript(_SCHEMA)
        with self._write() as conn:
            present = {row["name"] for row in conn.execute("PRAGMA table_info(sessions)")}
            for name, kind in _ADDED_COLUMNS.items():
                if name not in present:
                    conn.execute(f"ALTER TABLE sessions ADD COLUMN {name} {kind}")
            conn.execute(_OWNER_INDEX)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            _switch_to_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def _write(self, session_id: str | None = None) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def integrity_ok(self) -> bool:
        return self._conn().execute("PRAGMA integrity_check").fetchone()[0] == "ok"


class PostgresStore(SQLStore):
    """PostgreSQL, for several app replicas sharing sessions (`MLSD_DATABASE_URL`).

    One connection per thread; every write is a transaction that first takes an advisory
    lock on the session, so two replicas appending to one session cannot collide.
    """

    placeholder = "%s"

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        with self._write("mlsd-schema") as conn:  # two replicas creating the tables at once
            for statement in _SCHEMA.replace("REAL", "DOUBLE PRECISION").split(";"):
                if statement.strip():
                    conn.execute(statement)
            for name, kind in _ADDED_COLUMNS.items():
                conn.execute(f"ALTER TABLE sessions ADD COLUMN IF NOT EXISTS {name} {kind}")
            conn.execute(_OWNER_INDEX)

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            import psycopg
            from psycopg.rows import dict_row

            try:
                conn = psycopg.connect(
                    self.url, autocommit=True, row_factory=dict_row, connect_timeout=10
                )
            except psycopg.OperationalError as error:
                raise ConfigError(
                    f"MLSD_DATABASE_URL: cannot connect ({_first_line(error)}); is PostgreSQL "
                    "running and the URL right?"
                ) from None
            self._local.conn = conn
        return conn

    @contextmanager
    def _write(self, session_id: str | None = None) -> Iterator[Any]:
        conn = self._conn()
        with conn.transaction():
            if session_id is not None:
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (session_id,))
            yield conn

    def integrity_ok(self) -> bool:
        return self._one("SELECT 1 AS ok")["ok"] == 1


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _info(row: sqlite3.Row) -> SessionInfo:
    return SessionInfo(
        id=row["id"],
        case_id=row["case_id"],
        level=row["level"],
        status=row["status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        overall_score=row["overall_score"],
        owner=row["owner"],
    )


def _turn(row: sqlite3.Row) -> Turn:
    return Turn(
        seq=row["seq"],
        role=row["role"],
        content=row["content"],
        stage=Stage(row["stage"]) if row["stage"] else None,
        kind=row["kind"],
        complete=bool(row["complete"]),
        meta=json.loads(row["meta"]),
        created_at=row["created_at"],
    )


_STORES: dict[str, SQLStore] = {}
_STORES_LOCK = threading.Lock()


def open_store(data_dir: Path, database_url: str | None = None) -> SQLStore:
    """One store object per database and process: PostgreSQL when a URL is configured,
    else SQLite under the data directory."""
    key = database_url or str(data_dir / "sessions.sqlite3")
    with _STORES_LOCK:
        if key not in _STORES:
            _STORES[key] = (
                PostgresStore(database_url)
                if database_url
                else SQLiteStore(data_dir / "sessions.sqlite3")
            )
        return _STORES[key]
