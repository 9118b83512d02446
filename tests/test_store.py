from __future__ import annotations

import re
import sqlite3

import pytest
import sqlite_utils

from annotator.rubric import parse_rubric
from annotator.store import (
    StoreError,
    default_db_path,
    get_setting,
    now,
    open_db,
    project_rubric,
    set_project_rubric,
    set_setting,
    transaction,
)

ONE_DIMENSION = (
    'name = "x"\nversion = "1"\n[[dimensions]]\nname = "Tone"\n'
    'levels = [{score = 2, en = "a"}, {score = 1, en = "b"}]\n'
)


def test_a_file_database_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    db = open_db(tmp_path / "sub" / "a.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO responses (id, prompt_id, model, text, created_at) VALUES ('r', 'p', 'm', 't', 'x')"
        )


def test_default_path_follows_the_environment(tmp_db_path):
    assert default_db_path() == tmp_db_path
    open_db()
    assert tmp_db_path.exists()


def test_a_transaction_rolls_back_everything_on_error(db):
    with pytest.raises(KeyError), transaction(db):
        set_setting(db, "a", "1")
        with transaction(db):  # nested: joins the outer transaction
            set_setting(db, "b", "2")
        raise KeyError("boom")
    assert get_setting(db, "a") is None and get_setting(db, "b") is None
    assert not db.conn.in_transaction
    with transaction(db):
        set_setting(db, "a", "1")
    assert get_setting(db, "a") == "1"


def test_a_second_writer_waits_instead_of_failing(tmp_path):
    path = tmp_path / "w.db"
    first, second = open_db(path), open_db(path)
    with transaction(first):
        set_setting(first, "k", "first")
    with transaction(second):
        set_setting(second, "k", "second")
    assert get_setting(first, "k") == "second"


def test_settings_overwrite_and_default(db):
    assert get_setting(db, "language", "zh") == "zh"
    set_setting(db, "language", "en")
    set_setting(db, "language", "zh")
    assert get_setting(db, "language") == "zh"


def test_project_rubric_defaults_to_flames_and_can_be_replaced(db):
    assert project_rubric(db).name == "FLAMES"
    set_project_rubric(db, parse_rubric(ONE_DIMENSION))
    assert project_rubric(db).dimension_names == ("Tone",)


def test_a_rubric_that_drops_used_dimensions_is_refused(db):
    stamp = now()
    db.execute(
        "INSERT INTO prompts (id, dimension, text, created_at) VALUES ('p', 'Safety', 't', ?)", [stamp]
    )
    with pytest.raises(ValueError, match="lacks dimensions that prompts already use: Safety"):
        set_project_rubric(db, parse_rubric(ONE_DIMENSION))
    assert project_rubric(db).name == "FLAMES"


def test_a_rubric_that_no_longer_allows_stored_scores_is_refused(db):
    stamp = now()
    db.execute("INSERT INTO prompts (id, dimension, text, created_at) VALUES ('p', 'Tone', 't', ?)", [stamp])
    db.execute("INSERT INTO models (name, created_at) VALUES ('m', ?)", [stamp])
    db.execute(
        "INSERT INTO responses (id, prompt_id, model, text, created_at) VALUES ('r', 'p', 'm', 'x', ?)",
        [stamp],
    )
    db.execute("INSERT INTO users (name, role, created_at) VALUES ('a', 'annotator', ?)", [stamp])
    db.execute(
        "INSERT INTO labels (response_id, annotator, score, status, created_at, updated_at) "
        "VALUES ('r', 'a', 1, 'draft', ?, ?)",
        [stamp, stamp],
    )
    set_project_rubric(db, parse_rubric(ONE_DIMENSION))  # the same scale: fine
    narrower = ONE_DIMENSION.replace("{score = 1", "{score = 0")
    assert narrower != ONE_DIMENSION
    with pytest.raises(ValueError, match=r"does not allow scores already stored: Tone 1 \(labels\)"):
        set_project_rubric(db, parse_rubric(narrower))
    assert project_rubric(db).source == parse_rubric(ONE_DIMENSION).source


def test_a_rubric_is_checked_and_stored_in_one_write_transaction(tmp_path):
    db = open_db(tmp_path / "a.db")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    set_project_rubric(db, parse_rubric(ONE_DIMENSION))
    db.conn.set_trace_callback(None)
    # No score can be saved between the check and the write: the check reads under the write lock.
    first_read = next(i for i, sql in enumerate(statements) if "FROM labels" in sql)
    assert statements.index("BEGIN IMMEDIATE") < first_read < statements.index("COMMIT")


def test_a_file_that_is_not_a_database_gives_a_store_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open database"):
        open_db(path)


def test_a_read_only_database_says_nothing_was_saved(tmp_path):
    path = tmp_path / "ro.db"
    open_db(path).conn.close()
    db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None))
    with pytest.raises(StoreError, match="read-only: nothing was saved"), transaction(db):
        set_setting(db, "k", "v")


def test_now_is_iso_utc_with_milliseconds():
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", now())
