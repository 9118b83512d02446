from __future__ import annotations

import pytest

from annotator import auth
from annotator.store import transaction
from annotator.users import reset_password, set_active


def test_login_gives_a_session_whose_token_is_not_stored(annotator_db):
    session = auth.login(annotator_db, "alice", "correct-horse-9")
    assert auth.session_user(annotator_db, session.token).name == "alice"
    stored = [row[0] for row in annotator_db.execute("SELECT token_hash FROM sessions")]
    assert session.token not in stored and len(stored) == 1


@pytest.mark.parametrize(("name", "password"), [("alice", "wrong-password"), ("nobody", "correct-horse-9")])
def test_wrong_credentials_do_not_say_which_part(annotator_db, name, password):
    with pytest.raises(auth.LoginError, match="wrong user name or password"):
        auth.login(annotator_db, name, password)


def test_logout_ends_the_session(annotator_db):
    session = auth.login(annotator_db, "alice", "correct-horse-9")
    auth.logout(annotator_db, session.token)
    assert auth.session_user(annotator_db, session.token) is None


def test_expired_session_is_refused(annotator_db):
    session = auth.login(annotator_db, "alice", "correct-horse-9", hours=-1)
    assert auth.session_user(annotator_db, session.token) is None


def test_deactivation_and_password_reset_end_sessions(annotator_db):
    first = auth.login(annotator_db, "alice", "correct-horse-9")
    reset_password(annotator_db, "alice", "new-password-1")
    assert auth.session_user(annotator_db, first.token) is None
    second = auth.login(annotator_db, "alice", "new-password-1")
    set_active(annotator_db, "alice", False)
    assert auth.session_user(annotator_db, second.token) is None
    with pytest.raises(auth.LoginError):
        auth.login(annotator_db, "alice", "new-password-1")


@pytest.mark.parametrize(("failures", "wait"), [(0, 0), (2, 0), (3, 2), (4, 4), (5, 8), (20, 300)])
def test_wait_grows_with_failures(failures, wait):
    assert auth.wait_seconds(failures) == wait


def test_repeated_failures_slow_down_even_the_right_password(annotator_db):
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(auth.LoginError, match="wrong"):
            auth.login(annotator_db, "alice", "nope-nope")
    with pytest.raises(auth.LoginError, match="too many failed attempts") as refused:
        auth.login(annotator_db, "alice", "correct-horse-9")
    # What is left of the wait: less than all of it when the failures took a while (a loaded machine).
    assert 1 <= refused.value.retry_in <= auth.wait_seconds(auth.FREE_FAILURES)
    with transaction(annotator_db):  # the wait has passed
        annotator_db.execute("UPDATE users SET last_failed_at = '2000-01-01T00:00:00.000Z'")
    assert auth.login(annotator_db, "alice", "correct-horse-9").user.name == "alice"
    assert annotator_db.execute("SELECT failed_logins FROM users").fetchone()[0] == 0
