"""Who may act as a lead: gold scores, adjudication, flags and guidelines need one."""

from __future__ import annotations

import sqlite_utils

from annotator.users import User, UserError, require_user


def require_lead(db: sqlite_utils.Database, name: str) -> User:
    """The active user `name` with role lead or admin; UserError otherwise."""
    user = require_user(db, name)
    if not user.is_lead:
        raise UserError("user_not_lead", name=name, role=user.role)
    if not user.active:
        raise UserError("user_inactive", name=name)
    return user
