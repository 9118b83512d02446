from __future__ import annotations

import sqlite3

import pytest

from annotator import migrations
from annotator.migrations import LATEST_VERSION, MIGRATIONS, migrate, schema_version
from annotator.store import StoreError, open_db


def version_one_file(path) -> None:
    """A database file as the first release made it, with rows in its tables."""
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == [1]
    stamp = "2026-01-01T00:00:00.000Z"
    conn.executescript(
        f"""
        INSERT INTO import_batches VALUES ('b1', 'prompts', 'old.jsonl', '{stamp}', 1, 0);
        INSERT INTO prompts VALUES ('p1', 'Safety', 'Mental harm', '我好难过', 'old.jsonl', 'b1', '{stamp}');
        INSERT INTO models VALUES ('m1', '{stamp}');
        INSERT INTO responses VALUES ('r1', 'p1', 'm1', '我在这里陪你', 'old.jsonl', 'b1', '{stamp}');
        INSERT INTO users (name, role, password_hash, active, created_at)
            VALUES ('ann', 'annotator', NULL, 1, '{stamp}');
        INSERT INTO assignments (prompt_id, annotator, assigned_at) VALUES ('p1', 'ann', '{stamp}');
        INSERT INTO labels (response_id, annotator, score, status, created_at, updated_at)
            VALUES ('r1', 'ann', 3, 'submitted', '{stamp}', '{stamp}');
        INSERT INTO settings VALUES ('language', 'zh');
        """
    )
    conn.close()


def test_a_version_one_file_is_upgraded_and_keeps_every_row(tmp_path):
    path = tmp_path / "old.db"
    version_one_file(path)
    db = open_db(path)
    assert schema_version(db.conn) == LATEST_VERSION
    assert db.execute("SELECT id, text FROM prompts").fetchall() == [("p1", "我好难过")]
    assert db.execute("SELECT id, model FROM responses").fetchall() == [("r1", "m1")]
    assert db.execute("SELECT annotator, score, status FROM labels").fetchall() == [("ann", 3, "submitted")]
    assert db.execute("SELECT COUNT(*) FROM label_history").fetchone()[0] == 1
    assert db.execute("SELECT value FROM settings WHERE key = 'language'").fetchone()[0] == "zh"
    # columns added by later migrations get their defaults on the old rows
    assert db.execute("SELECT failed_logins FROM users").fetchone()[0] == 0
    assert db.execute("SELECT gold FROM assignments").fetchone()[0] == 0
    # and the old file gets its own secret for blind orders
    assert len(db.execute("SELECT value FROM settings WHERE key = 'blind_order_key'").fetchone()[0]) == 32
    db.conn.close()
    assert (
        open_db(path).execute("SELECT COUNT(*) FROM prompts").fetchone()[0] == 1
    )  # reopening changes nothing


def test_migrations_are_numbered_in_order():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_migrate_applies_only_what_is_missing():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    assert migrate(conn, target=1) == [1]
    assert migrate(conn) == list(range(2, LATEST_VERSION + 1))
    assert migrate(conn) == []


def test_a_failing_migration_leaves_the_previous_version(monkeypatch):
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn, target=1)
    broken = (*MIGRATIONS[:1], migrations.Migration(2, "broken", "CREATE TABLE t (x); NOT SQL;"))
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    monkeypatch.setattr(migrations, "LATEST_VERSION", 2)
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn)
    assert schema_version(conn) == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 't'").fetchone() is None


def test_a_file_from_a_newer_tool_is_refused_clearly(tmp_path):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this tool"):
        open_db(path)
