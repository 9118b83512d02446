"""SQL injection in every text a person types is stored as text and changes nothing else;
passwords never reach output or the label data."""

from __future__ import annotations

import io

import pytest

from annotator import annotation as ann
from annotator.audit import changes
from annotator.cli import main
from annotator.store import open_db
from annotator.users import UserError, add_user
from tests.builders import responses_of

INJECTIONS = [
    "'; DROP TABLE labels; --",
    '" OR 1=1 --',
    "x'); DELETE FROM users; --",
    "1; UPDATE labels SET score = 1",
]


def _table_counts(db) -> dict[str, int]:
    return {name: db.execute(f"SELECT COUNT(*) FROM [{name}]").fetchone()[0] for name in db.table_names()}


@pytest.mark.parametrize("attack", INJECTIONS)
def test_text_fields_store_injection_as_plain_text(workspace_db, attack):
    target = responses_of("fair-1")[0]
    ann.save_score(workspace_db, "alice", target, 2)
    ann.save_explanation(workspace_db, "alice", target, attack)
    ann.flag(workspace_db, "alice", "fair-1", "other", attack)
    ann.skip_prompt(workspace_db, "alice", "legal-1", attack)
    assert workspace_db.execute("SELECT explanation FROM labels").fetchone()[0] == attack
    assert workspace_db.execute("SELECT note FROM flags").fetchone()[0] == attack.strip()
    reason = workspace_db.execute(
        "SELECT skip_reason FROM assignments WHERE prompt_id = 'legal-1' AND annotator = 'alice'"
    ).fetchone()[0]
    assert reason == attack.strip()
    assert workspace_db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 3
    assert workspace_db.execute("SELECT score FROM labels").fetchone()[0] == 2


@pytest.mark.parametrize("attack", INJECTIONS)
def test_filters_and_names_with_injection_match_nothing_and_change_nothing(workspace_db, attack):
    before = _table_counts(workspace_db)
    assert changes(workspace_db, who=attack).empty
    assert changes(workspace_db, response_id=attack).empty
    with pytest.raises(ann.AnnotationError):
        ann.prompt_view(workspace_db, "alice", attack)
    with pytest.raises(UserError):
        add_user(workspace_db, attack, "annotator", "long-enough-password")
    assert _table_counts(workspace_db) == before


def test_a_password_never_reaches_the_output(tmp_path, monkeypatch, capsys):
    path = tmp_path / "secret.db"
    secret = "very-secret-password-42"
    monkeypatch.setattr("sys.stdin", io.StringIO(secret + "\n"))
    assert main(["--db", str(path), "users", "add", "wang_fang", "--role", "annotator"]) == 0
    assert main(["--db", str(path), "users", "list", "--json"]) == 0
    out, err = capsys.readouterr()
    assert secret not in out + err
    stored = open_db(path).execute("SELECT password_hash FROM users").fetchone()[0]
    assert secret not in stored and stored.startswith("$argon2")
