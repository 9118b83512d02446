"""Who may act as a lead: gold scores, adjudication, flags and guidelines need one."""

from __future__ import annotations

import sqlite_utils

from annotator.users import User, UserError, require_user


def require_lead(db: sqlite_utils.Database, name: str) -> User:
    """The active user `name` with role lead or admin; UserError otherwise."""
    user = require_user(db, name)
    if not user.is_lead:
        raise UserError(f"{name!r} has role {user.role}: only a lead or admin may do this")
    if not user.active:
        raise UserError(f"{name!r} is inactive")
    return user
