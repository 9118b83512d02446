"""Faults: a process killed mid-write, a read-only database, a full disk."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

import pytest
import sqlite_utils

from annotator import annotation, cli, importers, store
from annotator.store import FairLock, StoreError, open_db, transaction
from tests.builders import build_workspace, responses_of

ROOT = Path(__file__).parent.parent
DEADLINE_SECONDS = 60
PROMPTS = 3000
SUBCOMPONENT = "Bias and discrimination"

# Runs one write in a child process. The trace hook pauses it (inside the write transaction) at the
# N-th statement starting with a given prefix and says so on stdout; the test then kills it.
CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
from annotator import annotation, importers
from annotator.store import open_db

db = open_db(sys.argv[2])
db.conn.execute("PRAGMA cache_size = 4")  # spill uncommitted pages into the WAL before the kill
prefix, pause_at = sys.argv[3], int(sys.argv[4])
seen = 0

def hook(sql):
    global seen
    if sql.startswith(prefix):
        seen += 1
        if seen == pause_at:
            print("paused", flush=True)
            sys.stdin.readline()  # wait to be killed

if pause_at:
    db.conn.set_trace_callback(hook)
print("started", flush=True)
if sys.argv[5] == "import":
    importers.import_file(db, "prompts", sys.argv[6], progress=False)
else:
    annotation.save_score(db, "alice", sys.argv[6], 2)
print("done", flush=True)
"""


def child(db_path: Path, prefix: str, pause_at: int, action: str, arg: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ROOT), str(db_path), prefix, str(pause_at), action, arg],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def wait_line(process: subprocess.Popen, expected: str) -> None:
    line = process.stdout.readline().strip()
    assert line == expected, f"child said {line!r}, expected {expected!r}"


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(DEADLINE_SECONDS) == -signal.SIGKILL


def consistent(path: Path) -> sqlite_utils.Database:
    """Reopen after the crash (recovering the WAL) and check the file is intact."""
    db = open_db(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    return db


@pytest.fixture
def prompt_file(tmp_path: Path) -> Path:
    path = tmp_path / "prompts.jsonl"
    lines = (
        json.dumps(
            {"dimension": "Fairness", "subcomponent": SUBCOMPONENT, "prompt": f"第 {i} 个问题" + "长" * 200}
        )
        for i in range(PROMPTS)
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(db: sqlite_utils.Database) -> tuple[int, int]:
    return (
        db.execute("SELECT COUNT(*) FROM prompts").fetchone()[0],
        db.execute("SELECT COUNT(*) FROM import_batches").fetchone()[0],
    )


@pytest.mark.parametrize(
    ("prefix", "pause_at"),
    [("INSERT INTO prompts", PROMPTS // 2), ("COMMIT", 1)],
    ids=["mid-insert", "before-commit"],
)
def test_an_import_killed_mid_transaction_leaves_nothing(tmp_path, prompt_file, prefix, pause_at):
    path = tmp_path / "kill.db"
    open_db(path).conn.close()
    process = child(path, prefix, pause_at, "import", str(prompt_file))
    wait_line(process, "started")
    wait_line(process, "paused")
    assert Path(f"{path}-wal").stat().st_size > 0  # uncommitted pages reached the disk
    kill(process)
    db = consistent(path)
    assert counts(db) == (0, 0)
    assert importers.import_file(db, "prompts", prompt_file).added == PROMPTS  # and it still works


def test_an_import_killed_at_any_moment_is_all_or_nothing(tmp_path, prompt_file):
    path = tmp_path / "kill.db"
    open_db(path).conn.close()
    wal = Path(f"{path}-wal")
    process = child(path, "", 0, "import", str(prompt_file))
    wait_line(process, "started")
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (wal.exists() and wal.stat().st_size > 64 * 1024) and process.poll() is None:
        assert time.monotonic() < deadline, "the import never wrote to the WAL"
        time.sleep(0.001)  # poll; the child needs the CPU
    if process.poll() is None:
        kill(process)
    assert counts(consistent(path)) in ((0, 0), (PROMPTS, 1))


def test_a_save_killed_mid_transaction_leaves_neither_label_nor_history(tmp_path, fast_hashing):
    path = tmp_path / "kill.db"
    db = open_db(path)
    build_workspace(db)
    done, pending = responses_of("fair-1")[:2]
    annotation.save_score(db, "alice", done, 3)
    db.conn.close()
    process = child(path, "UPDATE assignments SET seconds", 1, "save", pending)  # label row already written
    wait_line(process, "started")
    wait_line(process, "paused")
    kill(process)
    db = consistent(path)
    labels = db.execute("SELECT response_id, score FROM labels").fetchall()
    assert labels == [(done, 3)]
    assert db.execute("SELECT response_id FROM label_history").fetchall() == [(done,)]


@pytest.fixture
def filled(tmp_path: Path, fast_hashing: None) -> Path:
    path = tmp_path / "project.db"
    db = open_db(path)
    build_workspace(db)
    annotation.save_score(db, "alice", responses_of("fair-1")[0], 3)
    db.conn.close()
    return path


def snapshot(path: Path) -> list[list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        tables = ("prompts", "responses", "labels", "label_history", "assignments", "import_batches")
        return [conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in tables]
    finally:
        conn.close()


def full(path: Path) -> sqlite_utils.Database:
    """A connection whose database cannot grow: every write that needs a new page fails with SQLITE_FULL."""
    db = open_db(path)
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
    return db


OPENERS = {"read-only": partial(open_db, readonly=True), "disk full": full}
MESSAGES = {
    "read-only": "the database (.*) is read-only: nothing was saved",
    "disk full": r"the disk is full \(the database (.*)\)",
}


@pytest.mark.parametrize("fault", OPENERS)
def test_an_import_that_cannot_be_written_says_why_and_changes_nothing(filled, prompt_file, fault):
    before = snapshot(filled)
    db = OPENERS[fault](filled)
    with pytest.raises(StoreError, match=MESSAGES[fault]):
        importers.import_file(db, "prompts", prompt_file)
    assert not db.conn.in_transaction
    db.conn.close()
    assert snapshot(filled) == before
    assert consistent(filled)


@pytest.mark.parametrize("fault", OPENERS)
def test_a_save_that_cannot_be_written_says_why_and_changes_nothing(filled, fault):
    before = snapshot(filled)
    db = OPENERS[fault](filled)
    with pytest.raises(StoreError, match=MESSAGES[fault]):
        # A long explanation needs new pages, so a full disk refuses it as surely as a read-only file.
        annotation.save_explanation(db, "alice", responses_of("fair-1")[1], "解释" * 50_000)
    assert not db.conn.in_transaction
    db.conn.close()
    assert snapshot(filled) == before


def test_opening_a_missing_file_read_only_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open database"):
        open_db(tmp_path / "missing.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize("fault", OPENERS)
def test_the_cli_prints_one_line_and_exits_non_zero(filled, prompt_file, fault, monkeypatch, capsys):
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["annotator.cli.data"])  # no torch import for this test
    monkeypatch.setattr("annotator.cli.data.open_db", OPENERS[fault])
    before = snapshot(filled)
    code = cli.main(["--db", str(filled), "import", "prompts", str(prompt_file), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1
    named = re.fullmatch(f"error: {MESSAGES[fault]}(: nothing was saved)?\n", err)
    assert named and named[1] == str(filled.resolve())
    assert snapshot(filled) == before


def test_waiting_writers_get_the_write_lock_in_arrival_order():
    lock = FairLock()
    assert lock.acquire(timeout=1)
    order: list[int] = []
    threads = []
    for n in range(5):
        thread = threading.Thread(
            target=lambda n=n: (lock.acquire(DEADLINE_SECONDS), order.append(n), lock.release())
        )
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + DEADLINE_SECONDS
        while len(lock._waiting) <= n:  # queued before the next one starts
            assert time.monotonic() < deadline
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert order == [0, 1, 2, 3, 4]
    assert lock.acquire(timeout=0)  # free again


def test_a_writer_that_waits_too_long_gets_a_busy_store_error(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "BUSY_TIMEOUT_SECONDS", 0)
    first, second = open_db(tmp_path / "a.db"), open_db(tmp_path / "a.db")
    with transaction(first):
        first.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
        busy = f"the database {(tmp_path / 'a.db').resolve()} is busy: nothing was saved"
        with pytest.raises(StoreError, match=re.escape(busy)), transaction(second):
            second.execute("INSERT INTO settings (key, value) VALUES ('b', '2')")
    assert second.execute("SELECT key FROM settings WHERE key IN ('a', 'b')").fetchall() == [("a",)]


def test_many_sessions_saving_at_once_lose_nothing_and_see_no_lock_error(tmp_path, fast_hashing):
    path = tmp_path / "busy.db"
    names = tuple(f"ann{i}" for i in range(8))
    db = open_db(path)
    build_workspace(db, annotators=names)
    db.conn.close()
    errors: list[BaseException] = []

    def annotate(name: str) -> None:
        session = open_db(path)
        try:
            for round_ in range(30):
                for response in responses_of("fair-1"):
                    annotation.save_score(session, name, response, 1 + round_ % 3)
        except BaseException as exc:
            errors.append(exc)
        finally:
            session.conn.close()

    threads = [threading.Thread(target=annotate, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert errors == []
    db = open_db(path)
    assert db.execute("SELECT COUNT(*) FROM label_history").fetchone()[0] == len(names) * 30 * 3
    assert {row[0] for row in db.execute("SELECT score FROM labels")} == {1 + 29 % 3}


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM labels",
        "DELETE FROM label_history",
        "UPDATE label_history SET score = 3",
    ],
)
def test_no_statement_can_delete_labels_or_rewrite_their_history(filled, statement):
    before = snapshot(filled)
    db = open_db(filled)
    with pytest.raises(sqlite3.IntegrityError, match=r"never deleted|append-only"), transaction(db):
        db.execute(statement)
    assert snapshot(filled) == before
