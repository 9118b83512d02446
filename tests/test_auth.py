from __future__ import annotations

import pytest

from annotator import auth
from annotator.store import open_db, transaction
from annotator.users import add_user, reset_password, set_active


@pytest.fixture
def db():
    database = open_db(":memory:")
    add_user(database, "alice", "annotator", "correct-horse-9")
    return database


def test_login_gives_a_session_whose_token_is_not_stored(db):
    session = auth.login(db, "alice", "correct-horse-9")
    assert auth.session_user(db, session.token).name == "alice"
    stored = [row[0] for row in db.execute("SELECT token_hash FROM sessions")]
    assert session.token not in stored and len(stored) == 1


@pytest.mark.parametrize(("name", "password"), [("alice", "wrong-password"), ("nobody", "correct-horse-9")])
def test_wrong_credentials_do_not_say_which_part(db, name, password):
    with pytest.raises(auth.LoginError, match="wrong user name or password"):
        auth.login(db, name, password)


def test_logout_ends_the_session(db):
    session = auth.login(db, "alice", "correct-horse-9")
    auth.logout(db, session.token)
    assert auth.session_user(db, session.token) is None


def test_expired_session_is_refused(db):
    session = auth.login(db, "alice", "correct-horse-9", hours=-1)
    assert auth.session_user(db, session.token) is None


def test_deactivation_and_password_reset_end_sessions(db):
    first = auth.login(db, "alice", "correct-horse-9")
    reset_password(db, "alice", "new-password-1")
    assert auth.session_user(db, first.token) is None
    second = auth.login(db, "alice", "new-password-1")
    set_active(db, "alice", False)
    assert auth.session_user(db, second.token) is None
    with pytest.raises(auth.LoginError):
        auth.login(db, "alice", "new-password-1")


@pytest.mark.parametrize(("failures", "wait"), [(0, 0), (2, 0), (3, 2), (4, 4), (5, 8), (20, 300)])
def test_wait_grows_with_failures(failures, wait):
    assert auth.wait_seconds(failures) == wait


def test_repeated_failures_slow_down_even_the_right_password(db):
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(auth.LoginError, match="wrong"):
            auth.login(db, "alice", "nope-nope")
    with pytest.raises(auth.LoginError, match="too many failed attempts") as refused:
        auth.login(db, "alice", "correct-horse-9")
    # What is left of the wait: less than all of it when the failures took a while (a loaded machine).
    assert 1 <= refused.value.retry_in <= auth.wait_seconds(auth.FREE_FAILURES)
    with transaction(db):  # the wait has passed
        db.execute("UPDATE users SET last_failed_at = '2000-01-01T00:00:00.000Z'")
    assert auth.login(db, "alice", "correct-horse-9").user.name == "alice"
    assert db.execute("SELECT failed_logins FROM users").fetchone()[0] == 0
