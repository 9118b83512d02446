"""Accounts: roles, argon2 password hashes, activation. Login sessions live in `auth`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from annotator.i18n import Refusal
from annotator.states import Role
from annotator.store import now, transaction

MIN_PASSWORD_LENGTH = 8
_NAME_PATTERN = re.compile(r"^[\w.@-]{1,64}$")  # \w includes CJK characters
_hasher = PasswordHasher()


class UserError(Refusal):
    """A user name, role or password that cannot be accepted, or an unknown user."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    active: bool
    language: str | None = None

    @property
    def is_lead(self) -> bool:
        return self.role in (Role.LEAD, Role.ADMIN)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_name(name: str, kind: Literal["user", "agent"] = "user") -> str:
    """`name` if it can name a user (or, with `kind="agent"`, a suggestion agent)."""
    if not _NAME_PATTERN.match(name or ""):
        raise UserError(f"{kind}_invalid_name", name=name)
    return name


def check_role(role: str) -> str:
    if role not in tuple(Role):
        raise UserError("user_invalid_role", role=role, allowed=", ".join(Role))
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("user_short_password", n=MIN_PASSWORD_LENGTH)
    if not password.strip():
        raise UserError("user_space_password")
    return password


def lookalike(name: str, names: Iterable[str]) -> str | None:
    """Another of `names` that differs from `name` only in case or character width (liu / LIU / ｌｉｕ),
    which people would take for the same account."""
    key = unicodedata.normalize("NFKC", name).casefold()
    return next(
        (
            other
            for other in names
            if other != name and unicodedata.normalize("NFKC", other).casefold() == key
        ),
        None,
    )


def add_user(
    db: sqlite_utils.Database,
    name: str,
    role: str,
    password: str | None,
    *,
    active: bool = True,
) -> User:
    """Create an account; `password=None` makes one that cannot log in (e.g. imported labels)."""
    check_name(name)
    check_role(role)
    password_hash = None if password is None else hash_password(check_password(password))
    with transaction(db):
        if get_user(db, name) is not None:
            raise UserError("user_exists", name=name)
        if other := lookalike(name, (row[0] for row in db.execute("SELECT name FROM users"))):
            raise UserError("user_lookalike", name=name, other=other)
        db.execute(
            "INSERT INTO users (name, role, password_hash, active, created_at) VALUES (?, ?, ?, ?, ?)",
            [name, role, password_hash, int(active), now()],
        )
    return User(name=name, role=role, active=active)


def get_user(db: sqlite_utils.Database, name: str) -> User | None:
    row = db.execute("SELECT name, role, active, language FROM users WHERE name = ?", [name]).fetchone()
    return None if row is None else User(name=row[0], role=row[1], active=bool(row[2]), language=row[3])


def require_user(db: sqlite_utils.Database, name: str) -> User:
    user = get_user(db, name)
    if user is None:
        raise UserError("user_unknown", name=name)
    return user


def list_users(db: sqlite_utils.Database) -> list[User]:
    rows = db.execute("SELECT name, role, active, language FROM users ORDER BY name").fetchall()
    return [User(name=r[0], role=r[1], active=bool(r[2]), language=r[3]) for r in rows]


def _keep_an_admin(db: sqlite_utils.Database, name: str) -> None:
    """Refuse to demote or deactivate the last active admin: nobody could manage accounts in the app."""
    others = db.execute(
        "SELECT COUNT(*) FROM users WHERE role = ? AND active = 1 AND name != ?", [Role.ADMIN, name]
    ).fetchone()[0]
    user = require_user(db, name)
    if user.role == Role.ADMIN and user.active and not others:
        raise UserError("user_last_admin", name=name)


def set_role(db: sqlite_utils.Database, name: str, role: str) -> None:
    check_role(role)
    with transaction(db):
        require_user(db, name)
        if role != Role.ADMIN:
            _keep_an_admin(db, name)
        db.execute("UPDATE users SET role = ? WHERE name = ?", [role, name])


def reset_password(db: sqlite_utils.Database, name: str, password: str) -> None:
    """Set a new password and end the user's open sessions."""
    password_hash = hash_password(check_password(password))
    with transaction(db):
        require_user(db, name)
        db.execute(
            "UPDATE users SET password_hash = ?, failed_logins = 0, last_failed_at = NULL WHERE name = ?",
            [password_hash, name],
        )
        db.execute("DELETE FROM sessions WHERE user = ?", [name])


def set_active(db: sqlite_utils.Database, name: str, active: bool) -> None:
    """Deactivate (or reactivate) an account; its labels stay, its sessions end."""
    with transaction(db):
        require_user(db, name)
        if not active:
            _keep_an_admin(db, name)
        db.execute("UPDATE users SET active = ? WHERE name = ?", [int(active), name])
        if not active:
            db.execute("DELETE FROM sessions WHERE user = ?", [name])


def set_language(db: sqlite_utils.Database, name: str, language: str) -> None:
    with transaction(db):
        db.execute("UPDATE users SET language = ? WHERE name = ?", [language, name])
