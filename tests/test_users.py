from __future__ import annotations

import pytest

from annotator import users
from annotator.store import now
from annotator.users import UserError

pytestmark = pytest.mark.usefixtures("fast_hashing")


def password_hash(db, name):
    return db.execute("SELECT password_hash FROM users WHERE name = ?", [name]).fetchone()[0]


def add_session(db, name):
    stamp = now()
    db.execute(
        "INSERT INTO sessions (token_hash, user, created_at, expires_at) VALUES (?, ?, ?, ?)",
        [f"t-{name}", name, stamp, "9999-01-01T00:00:00.000Z"],
    )


def test_add_user_hashes_the_password(db):
    user = users.add_user(db, "李华", "annotator", "a-long-password")
    assert user == users.User("李华", "annotator", True)
    stored = password_hash(db, "李华")
    assert stored.startswith("$argon2") and "a-long-password" not in stored
    assert users.verify_password(stored, "a-long-password")
    assert not users.verify_password(stored, "wrong-password")


def test_an_account_without_password_cannot_log_in(db):
    users.add_user(db, "imported", "annotator", None, active=False)
    assert password_hash(db, "imported") is None
    assert not users.verify_password(None, "")
    assert users.get_user(db, "imported").active is False


@pytest.mark.parametrize(
    ("name", "role", "password", "problem"),
    [
        ("a b", "annotator", "long-enough", "invalid user name"),
        ("", "annotator", "long-enough", "invalid user name"),
        ("<script>", "annotator", "long-enough", "invalid user name"),
        ("ok", "boss", "long-enough", "invalid role 'boss'"),
        ("ok", "lead", "short", "at least 8 characters"),
        ("ok", "lead", " " * 8, "only spaces"),
    ],
)
def test_bad_accounts_are_refused(db, name, role, password, problem):
    with pytest.raises(UserError, match=problem):
        users.add_user(db, name, role, password)
    assert users.list_users(db) == []


@pytest.mark.parametrize(
    "action", [lambda db: users.set_role(db, "amy", "lead"), lambda db: users.set_active(db, "amy", False)]
)
def test_the_last_active_admin_stays_one(db, action):
    users.add_user(db, "amy", "admin", None)
    users.add_user(db, "old", "admin", None, active=False)
    with pytest.raises(UserError, match="amy is the last active admin"):
        action(db)
    assert users.require_user(db, "amy") == users.User("amy", "admin", True)
    users.add_user(db, "bea", "admin", None)
    action(db)  # with another admin it is fine
    assert users.require_user(db, "amy") != users.User("amy", "admin", True)


@pytest.mark.parametrize("name", ["LIU_YANG", "Liu_Yang", "ｌｉｕ_yang"])
def test_a_name_that_only_differs_in_case_or_width_is_refused(db, name):
    users.add_user(db, "liu_yang", "annotator", None)
    with pytest.raises(UserError, match="would look like the existing user 'liu_yang'"):
        users.add_user(db, name, "annotator", None)
    assert [u.name for u in users.list_users(db)] == ["liu_yang"]


def test_duplicate_name_refused(db):
    users.add_user(db, "ann", "annotator", None)
    with pytest.raises(UserError, match="already exists"):
        users.add_user(db, "ann", "lead", None)
    assert users.require_user(db, "ann").role == "annotator"


def test_list_set_role_and_activation(db):
    users.add_user(db, "zoe", "annotator", None)
    users.add_user(db, "amy", "admin", None)
    assert [u.name for u in users.list_users(db)] == ["amy", "zoe"]
    users.set_role(db, "zoe", "lead")
    assert users.require_user(db, "zoe").is_lead
    add_session(db, "zoe")
    users.set_active(db, "zoe", False)
    assert users.require_user(db, "zoe").active is False
    assert db.execute("SELECT COUNT(*) FROM sessions WHERE user = 'zoe'").fetchone()[0] == 0
    users.set_active(db, "zoe", True)
    assert users.require_user(db, "zoe").active is True


def test_reset_password_ends_sessions_and_clears_failures(db):
    users.add_user(db, "ann", "annotator", "first-password")
    db.execute("UPDATE users SET failed_logins = 4 WHERE name = 'ann'")
    add_session(db, "ann")
    users.reset_password(db, "ann", "second-password")
    assert users.verify_password(password_hash(db, "ann"), "second-password")
    assert db.execute("SELECT failed_logins FROM users WHERE name = 'ann'").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0
    with pytest.raises(UserError, match="at least"):
        users.reset_password(db, "ann", "short")


@pytest.mark.parametrize(
    "action",
    [
        lambda db: users.set_role(db, "ghost", "lead"),
        lambda db: users.set_active(db, "ghost", False),
        lambda db: users.reset_password(db, "ghost", "long-enough"),
        lambda db: users.require_user(db, "ghost"),
    ],
)
def test_unknown_user(db, action):
    with pytest.raises(UserError, match="no user named 'ghost'"):
        action(db)


def test_set_role_refuses_unknown_roles(db):
    users.add_user(db, "ann", "annotator", None)
    with pytest.raises(UserError, match="invalid role"):
        users.set_role(db, "ann", "root")
