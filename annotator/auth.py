"""Logging in: server-side sessions with an expiry, and slowing down repeated failures.

The browser holds only a random token; the store keeps its SHA-256, so a copy of the
database does not let anyone log in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from annotator.store import now, transaction
from annotator.users import User, get_user, verify_password

SESSION_HOURS = 12
FREE_FAILURES = 3  # failures allowed before each new attempt must wait
MAX_WAIT_SECONDS = 300


class LoginError(ValueError):
    """Wrong credentials, an inactive account, or too many recent failures (then `retry_in` seconds)."""

    def __init__(self, message: str, retry_in: int | None = None) -> None:
        super().__init__(message)
        self.retry_in = retry_in


@dataclass(frozen=True)
class Session:
    token: str
    user: User
    expires_at: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _parse(timestamp: str) -> datetime:
    return datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _format(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def wait_seconds(failed_logins: int) -> int:
    """How long an account must wait after its latest failure before the next attempt."""
    if failed_logins < FREE_FAILURES:
        return 0
    return min(2 ** (failed_logins - FREE_FAILURES + 1), MAX_WAIT_SECONDS)


def login(db: sqlite_utils.Database, name: str, password: str, *, hours: float = SESSION_HOURS) -> Session:
    """A new session for correct credentials; LoginError (saying nothing of which part was wrong) else."""
    current = now()
    row = db.execute(
        "SELECT password_hash, active, failed_logins, last_failed_at FROM users WHERE name = ?", [name]
    ).fetchone()
    if row is not None and row[3] is not None:
        remaining = wait_seconds(row[2]) - (_parse(current) - _parse(row[3])).total_seconds()
        if remaining > 0:
            seconds = int(remaining) + 1
            raise LoginError(f"too many failed attempts: try again in {seconds} s", retry_in=seconds)
    if row is None or not row[1] or not verify_password(row[0], password):
        if row is not None:
            with transaction(db):
                db.execute(
                    "UPDATE users SET failed_logins = failed_logins + 1, last_failed_at = ? WHERE name = ?",
                    [current, name],
                )
        raise LoginError("wrong user name or password, or the account is inactive")
    token = secrets.token_urlsafe(32)
    expires_at = _format(_parse(current) + timedelta(hours=hours))
    with transaction(db):
        db.execute("UPDATE users SET failed_logins = 0, last_failed_at = NULL WHERE name = ?", [name])
        db.execute("DELETE FROM sessions WHERE expires_at < ?", [current])
        db.execute(
            "INSERT INTO sessions (token_hash, user, created_at, expires_at) VALUES (?, ?, ?, ?)",
            [_token_hash(token), name, current, expires_at],
        )
    user = get_user(db, name)
    assert user is not None
    return Session(token=token, user=user, expires_at=expires_at)


def session_user(db: sqlite_utils.Database, token: str | None) -> User | None:
    """The active user a live session token belongs to, or None."""
    if not token:
        return None
    row = db.execute(
        "SELECT user FROM sessions WHERE token_hash = ? AND expires_at > ?", [_token_hash(token), now()]
    ).fetchone()
    if row is None:
        return None
    user = get_user(db, row[0])
    return user if user is not None and user.active else None


def logout(db: sqlite_utils.Database, token: str | None) -> None:
    if token:
        with transaction(db):
            db.execute("DELETE FROM sessions WHERE token_hash = ?", [_token_hash(token)])
