"""Opening the project's SQLite file, transactions, settings and the project rubric.

Every other module takes the `sqlite_utils.Database` that `open_db` returns. Writes go through
`transaction`, which takes SQLite's write lock up front (BEGIN IMMEDIATE) so that concurrent
writers wait on the busy timeout instead of failing with "database is locked" mid-transaction.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from annotator.i18n import Refusal
from annotator.migrations import migrate
from annotator.rubric import Rubric, flames_rubric, parse_rubric

DEFAULT_DB_PATH = Path("db") / "annotations.db"
DEMO_DB_PATH = Path("db") / "demo.db"  # where `./dev app` builds the demo
BUSY_TIMEOUT_SECONDS = 30


class StoreError(Refusal):
    """The database file cannot be opened or written (read-only, disk full, busy, corrupt).

    A ValueError like every other refusal, so each page and command that shows a refusal as one
    clear line shows this one too.
    """


def default_db_path() -> Path:
    return Path(os.environ.get("ANNOTATOR_DB") or DEFAULT_DB_PATH)


def existing_db_path(path: str | Path | None = None) -> Path:
    """`path` (default: `default_db_path()`) when a file is there; else a refusal saying how to make
    one, or which --db to pass when the demo database exists."""
    path = default_db_path() if path is None else Path(path)
    if path.is_file() or str(path) == ":memory:":
        return path
    if DEMO_DB_PATH.is_file() and path.resolve() != DEMO_DB_PATH.resolve():
        raise StoreError("db_missing_demo", path=path, demo=DEMO_DB_PATH)
    raise StoreError("db_missing", path=path)


def open_db(
    path: str | Path | None = None, *, readonly: bool = False, create: bool = True
) -> sqlite_utils.Database:
    """Open (creating if needed, unless not `create`) the project database and bring its schema up
    to date.

    `readonly` opens an existing file for reading only (every write then fails with StoreError).
    Without `create`, a missing file is refused (`existing_db_path`) and nothing is created.
    """
    path = default_db_path() if path is None else path
    if not create:
        existing_db_path(path)
    memory = str(path) == ":memory:"
    if not memory and not readonly:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(
            f"{Path(path).resolve().as_uri()}?mode=ro" if readonly and not memory else str(path),
            uri=readonly and not memory,
            timeout=BUSY_TIMEOUT_SECONDS,
            isolation_level=None,  # autocommit; `transaction` opens transactions explicitly
            check_same_thread=False,  # a Streamlit session's reruns move between threads
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not memory and not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn)
    except (sqlite3.DatabaseError, RuntimeError) as exc:  # RuntimeError: a file from a newer version
        raise StoreError("db_cannot_open", path=path, problem=exc) from None
    return sqlite_utils.Database(conn)


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """All writes inside commit together or not at all; nested use joins the outer one."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    file = _file_of(conn)
    with _write_turn(file):
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _explain(exc, file) from None
        try:
            yield db
        except BaseException as exc:
            if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):  # read-only, disk full, locked: say so plainly
                raise _explain(exc, file) from exc
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise _explain(exc, file) from None


def _file_of(conn: sqlite3.Connection) -> str:
    """The connection's database file ("" in memory)."""
    return conn.execute("PRAGMA database_list").fetchone()[2]


class FairLock:
    """A lock granted first come, first served, with a timeout.

    SQLite's busy handler polls with growing sleeps, so under many writers one unlucky writer can
    wait past the busy timeout and fail with "database is locked" (seen with 30 sessions). Writers
    in this process (the app's sessions) queue here instead, in order; other processes still
    meet SQLite's busy timeout.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held = False
        self._waiting: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._guard:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._guard:
            if turn.is_set():  # handed over just as the wait timed out
                return True
            self._waiting.remove(turn)
            return False

    def release(self) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().set()  # hand over directly: nobody can jump the queue
            else:
                self._held = False


_WRITE_LOCKS: dict[str, FairLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


@contextmanager
def _write_turn(file: str) -> Iterator[None]:
    """Wait for this process's turn to write to the database file."""
    if not file:  # in memory: one connection, nobody to wait for
        yield
        return
    with _WRITE_LOCKS_GUARD:
        lock = _WRITE_LOCKS.setdefault(file, FairLock())
    if not lock.acquire(BUSY_TIMEOUT_SECONDS):
        raise StoreError("db_busy", database=file)
    try:
        yield
    finally:
        lock.release()


def _explain(exc: sqlite3.OperationalError, file: str) -> StoreError:
    message, database = str(exc), file or ":memory:"
    if "readonly" in message:
        return StoreError("db_read_only", database=database)
    if "disk is full" in message or "full" in message:
        return StoreError("db_disk_full", database=database)
    if "locked" in message or "busy" in message:
        return StoreError("db_busy", database=database)
    return StoreError("db_error", database=database, problem=message)


def now() -> str:
    """UTC timestamp as stored everywhere: ISO 8601 with milliseconds and a Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def get_setting(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return default if row is None else row[0]


def set_setting(db: sqlite_utils.Database, key: str, value: str) -> None:
    with transaction(db):
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )


def project_rubric(db: sqlite_utils.Database) -> Rubric:
    """The rubric this project was set up with; FLAMES unless another was stored."""
    source = get_setting(db, "rubric")
    return flames_rubric() if source is None else _parsed_rubric(source)


@lru_cache(maxsize=8)
def _parsed_rubric(source: str) -> Rubric:
    # Pages ask for the rubric on every rerun; parsing TOML each time would show in keystroke latency.
    return parse_rubric(source, origin="stored rubric")


# Every score stored anywhere, with the dimension of its prompt.
_STORED_SCORES = " UNION ".join(
    f"SELECT DISTINCT p.dimension, t.{column}, '{table}' FROM {table} t "
    "JOIN responses r ON r.id = t.response_id JOIN prompts p ON p.id = r.prompt_id "
    f"WHERE t.{column} IS NOT NULL"
    for table, column in (
        ("labels", "score"),
        ("gold", "score"),
        ("adjudications", "final_score"),
        ("suggestions", "score"),
    )
)


def set_project_rubric(db: sqlite_utils.Database, rubric: Rubric) -> None:
    """Store a rubric; refused once prompts exist whose dimension it lacks, or scores it does not allow.

    Checked and stored in one write transaction, so no score can be saved in between.
    """
    with transaction(db):
        used = {row[0] for row in db.execute("SELECT DISTINCT dimension FROM prompts")}
        missing = sorted(used - set(rubric.dimension_names))
        if missing:
            raise StoreError("rubric_lacks_dimensions", missing=", ".join(missing))
        off_scale = sorted(
            f"{dimension} {score} ({table})"
            for dimension, score, table in db.execute(_STORED_SCORES)
            if score not in rubric.dimension(dimension).scores
        )
        if off_scale:
            more = f" (+{len(off_scale) - 5})" if len(off_scale) > 5 else ""
            raise StoreError("rubric_off_scale", scores=", ".join(off_scale[:5]) + more)
        set_setting(db, "rubric", rubric.source)
