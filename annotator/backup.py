"""Backups and restores of the project database.

`backup` uses SQLite's online backup API in one step: it copies a consistent snapshot (the last
commit before it started) while annotators keep saving, since in WAL mode a reader blocks no
writer. The copy is a single self-contained file (rollback journal mode, no -wal beside it).

`restore` replaces the database with a backup. It checks the backup first (a database of this
tool, at a schema version this tool knows, intact), upgrades a copy of it, and swaps that copy in
with one atomic rename. It refuses while any other connection has the database open (stop the
app first): a running server would keep writing into the replaced file and those writes would
be lost. The restored database has no login sessions: everyone logs in again. The database it
replaces is kept beside it as `<name>.before-restore-<time>` so a restore never loses work.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from annotator.migrations import LATEST_VERSION, migrate, schema_version, tables_at
from annotator.store import StoreError, now

PROBE_TIMEOUT_SECONDS = 0.2


class BackupError(ValueError):
    """A backup or restore that cannot be done; nothing was changed."""


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    schema_version: int  # of the backup, before it was upgraded
    previous: Path | None  # where the replaced database was kept; None when there was none


def backup(
    db_or_path: sqlite_utils.Database | str | Path, target: str | Path, *, overwrite: bool = False
) -> Path:
    """Copy the database to `target` (a new file unless `overwrite`); safe while others write."""
    target = Path(target)
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists: choose a new file name, or allow overwriting it (--overwrite)")
    if isinstance(db_or_path, sqlite_utils.Database):
        _backup_to(db_or_path.conn, target)
        return target
    source = Path(db_or_path)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    conn = _connect_readonly(source)
    try:
        _backup_to(conn, target)
    finally:
        conn.close()
    return target


def restore(source: str | Path, db_path: str | Path) -> RestoreResult:
    """Replace the database at `db_path` with the backup `source` (checked and upgraded first)."""
    source, db_path = Path(source), Path(db_path)
    if source.is_dir():
        raise BackupError(f"{source} is a folder: give the backup file")
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise BackupError(f"{source} is the database itself")
    conn = _connect_readonly(source)
    try:
        version = _check_backup(conn, source)
        temp = _temp_path(db_path)
        _snapshot(conn, temp, upgrade=True)
    finally:
        conn.close()
    try:
        previous = _replace(temp, db_path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return RestoreResult(db_path, version, previous)


def _connect_readonly(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a database of this tool: {exc}") from None
    return conn


def _check_backup(conn: sqlite3.Connection, source: Path) -> int:
    try:
        version = schema_version(conn)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a database of this tool: {exc}") from None
    if version > LATEST_VERSION:  # first: a newer schema may have other tables
        raise BackupError(
            f"{source} is at schema version {version}, newer than this tool ({LATEST_VERSION}): "
            "upgrade the tool"
        )
    missing = sorted(tables_at(max(version, 1)) - tables)
    if version < 1 or missing:
        lacking = ", ".join(missing) or "schema version"
        raise BackupError(f"{source} is not a database of this tool (it has no {lacking})")
    if integrity != ["ok"]:
        # One row per problem, some of several lines under a "*** in database main ***" heading.
        problems = [line for row in integrity for line in row.splitlines() if not line.startswith("***")]
        more = f" and {len(problems) - 1} more problems" if len(problems) > 1 else ""
        raise BackupError(
            f"{source} is damaged (integrity check: {problems[0] if problems else integrity[0]}{more})"
        )
    return version


def _temp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.partial")


def _snapshot(conn: sqlite3.Connection, path: Path, *, upgrade: bool = False) -> None:
    """Write a durable snapshot of `conn` to the new file `path`.

    With `upgrade`, the copy is migrated to the latest schema and its login sessions are cleared.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    copy = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.backup(copy)  # pages=-1: one step, so the copy is one consistent snapshot
        if upgrade:
            migrate(copy)
            copy.execute("DELETE FROM sessions")
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the upgraded copy of the backup failed its integrity check")
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    except (sqlite3.DatabaseError, RuntimeError) as exc:
        copy.close()
        path.unlink(missing_ok=True)
        raise StoreError("db_cannot_write", path=path, problem=exc) from None
    except BaseException:
        copy.close()
        path.unlink(missing_ok=True)
        raise
    copy.close()
    _fsync(path)


def _backup_to(conn: sqlite3.Connection, target: Path) -> None:
    temp = _temp_path(target)
    try:
        _snapshot(conn, temp)
        os.replace(temp, target)  # a crash mid-backup never leaves a half-written file under the name
    finally:
        temp.unlink(missing_ok=True)
    _fsync(target.parent)


def _replace(new: Path, db_path: Path) -> Path | None:
    """Swap `new` in for `db_path` while holding its lock; keep the old file aside."""
    if not db_path.exists():
        os.replace(new, db_path)
        _fsync(db_path.parent)
        return None
    lock = _exclusive(db_path)
    try:
        previous = db_path.with_name(f"{db_path.name}.before-restore-{now().replace(':', '')}")
        shutil.copyfile(db_path, previous)  # under the exclusive lock, in rollback mode: self-contained
        _fsync(previous)
        for suffix in ("-wal", "-shm", "-journal"):  # stale files would be replayed onto the new database
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(new, db_path)
        _fsync(db_path.parent)
    finally:
        with contextlib.suppress(sqlite3.Error):
            lock.execute("ROLLBACK")
        lock.close()
    return previous


def _exclusive(db_path: Path) -> sqlite3.Connection:
    """A connection holding the only lock on `db_path`; BackupError when anyone else has it open.

    Leaving WAL mode needs every other connection closed, which is how an open one is detected.
    """
    conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=PROBE_TIMEOUT_SECONDS)
    try:
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        conn.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError:
        conn.close()
        raise BackupError(
            f"{db_path} is in use (the app or another command has it open): stop it, then restore"
        ) from None
    return conn


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
