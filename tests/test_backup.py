from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from annotator import annotation, auth, cli
from annotator.backup import BackupError, backup, restore
from annotator.cli import main
from annotator.migrations import LATEST_VERSION, migrate
from annotator.store import open_db
from tests.builders import build_workspace, responses_of

DEADLINE_SECONDS = 60


@pytest.fixture
def workspace(tmp_path: Path, fast_hashing: None) -> Path:
    path = tmp_path / "project.db"
    db = open_db(path)
    build_workspace(db)
    db.conn.close()
    return path


class Writer(threading.Thread):
    """An annotator on their own connection, changing scores until told to stop."""

    def __init__(self, path: Path, annotator: str) -> None:
        super().__init__(daemon=True)
        self.path, self.annotator = path, annotator
        self.saves = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        db = open_db(self.path)
        try:
            rounds = 0
            while not self.stop.is_set():
                rounds += 1
                for response in responses_of("fair-1"):
                    annotation.save_score(db, self.annotator, response, 1 + rounds % 3)  # always a change
                    self.saves += 1
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            db.conn.close()


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def history(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM label_history ORDER BY id").fetchall()
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_backup_during_writes_then_restore_keeps_every_row_committed_before_it(workspace, tmp_path):
    writers = [Writer(workspace, name) for name in ("alice", "bob")]
    for writer in writers:
        writer.start()
    wait_for(lambda: all(w.saves >= 30 for w in writers), "the writers to start saving")
    reader = open_db(workspace)
    committed_before = reader.execute("SELECT * FROM label_history ORDER BY id").fetchall()
    labels_before = reader.execute("SELECT id FROM labels").fetchall()
    saves_at_backup = [w.saves for w in writers]

    target = backup(reader, tmp_path / "backup.db")

    wait_for(
        lambda: all(w.saves >= n + 30 for w, n in zip(writers, saves_at_backup, strict=True)),
        "the writers to keep saving after the backup",
    )
    for writer in writers:
        writer.stop.set()
        writer.join(DEADLINE_SECONDS)
        assert writer.error is None, writer.error
    reader.conn.close()
    assert integrity(target) == "ok"
    assert not Path(f"{target}-wal").exists()  # one self-contained file
    assert len(history(workspace)) > len(history(target))  # later saves are not in the backup

    result = restore(target, workspace)

    assert result.previous is not None and result.previous.exists()
    assert integrity(workspace) == "ok"
    restored = open_db(workspace)
    rows = restored.execute("SELECT * FROM label_history ORDER BY id").fetchall()
    assert rows[: len(committed_before)] == committed_before
    assert set(restored.execute("SELECT id FROM labels").fetchall()) >= set(labels_before)
    # A consistent snapshot: every label equals its latest history row.
    mismatched = restored.execute(
        "SELECT COUNT(*) FROM labels l JOIN label_history h ON h.id = "
        "(SELECT MAX(id) FROM label_history WHERE label_id = l.id) WHERE h.score IS NOT l.score"
    ).fetchone()[0]
    assert mismatched == 0
    assert history(result.previous)[-1] != rows[-1]  # the replaced database kept the later saves


def test_backup_of_a_path_and_refusal_to_overwrite(workspace, tmp_path):
    target = backup(workspace, tmp_path / "b.db")
    assert history(target) == history(workspace)
    with pytest.raises(BackupError, match="exists"):
        backup(workspace, target)
    assert backup(workspace, target, overwrite=True) == target
    with pytest.raises(BackupError, match="no database"):
        backup(tmp_path / "missing.db", tmp_path / "c.db")
    assert not (tmp_path / "c.db").exists()


def test_restore_refuses_while_the_database_is_open(workspace, tmp_path):
    target = backup(workspace, tmp_path / "b.db")
    session = open_db(workspace)
    annotation.save_score(session, "alice", responses_of("fair-1")[0], 2)
    with pytest.raises(BackupError, match="in use"):
        restore(target, workspace)
    annotation.save_score(session, "alice", responses_of("fair-1")[0], 1)  # the session still works
    session.conn.close()
    assert history(workspace)[-1][4] == 1
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob("*before-restore*"))


def test_restore_ends_login_sessions_and_removes_stale_wal_files(workspace, tmp_path):
    db = open_db(workspace)
    token = auth.login(db, "alice", "correct-horse-9").token
    db.conn.close()
    target = backup(workspace, tmp_path / "b.db")
    Path(f"{workspace}-wal").write_bytes(b"stale")
    restore(target, workspace)
    assert not Path(f"{workspace}-wal").exists()
    assert auth.session_user(open_db(workspace), token) is None


def test_restore_upgrades_an_older_backup(tmp_path):
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    migrate(conn, target=1)
    conn.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')")
    conn.close()
    result = restore(old, tmp_path / "new.db")
    assert result.schema_version == 1 and result.previous is None
    db = open_db(tmp_path / "new.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert db.execute("SELECT value FROM settings WHERE key = 'k'").fetchone()[0] == "v"
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1  # the backup itself is untouched
    conn.close()


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()


def _without_sessions(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn)
    conn.execute("DROP TABLE sessions")
    conn.close()


def _newer_without_sessions(path: Path) -> None:
    _newer(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE sessions")  # a later version may have dropped or renamed a table
    conn.close()


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE other (x)")
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("not a database"), "not a database of this tool"),
        (_foreign, "not a database of this tool"),
        (_newer, "newer than this tool"),
        (_newer_without_sessions, "newer than this tool"),
        (_without_sessions, r"bad.db is not a database of this tool \(it has no sessions\)"),
        (lambda p: p.mkdir(), "bad.db is a folder: give the backup file"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(workspace, tmp_path, make, message):
    bad = tmp_path / "bad.db"
    make(bad)
    before = history(workspace)
    with pytest.raises(BackupError, match=message):
        restore(bad, workspace)
    assert history(workspace) == before
    assert not list(tmp_path.glob(".*partial")) and not list(tmp_path.glob("*before-restore*"))


def test_restore_refuses_the_database_itself(workspace):
    with pytest.raises(BackupError, match="the database itself"):
        restore(workspace, workspace)


def test_cli_backup_and_restore(workspace, tmp_path, capsys, monkeypatch):
    # Only this command group: the scorer's group imports torch, which takes seconds.
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["annotator.cli.maintenance"])
    target = tmp_path / "cli-backup.db"
    assert main(["--db", str(workspace), "backup", str(target)]) == 0
    assert "backup written" in capsys.readouterr().out
    assert main(["--db", str(workspace), "backup", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "exists" in err

    assert main(["--db", str(workspace), "restore", str(target)]) == 1  # stdin is no terminal: not confirmed
    assert "not confirmed" in capsys.readouterr().err
    assert main(["--db", str(workspace), "restore", str(target), "--yes"]) == 0
    assert "restored" in capsys.readouterr().out
    assert integrity(workspace) == "ok"
