"""The demo database: the project's own demo content, demo accounts and their assignments.

The content (`annotator.demo_content`) goes through the same checks as any imported file.
Demo accounts exist only in a database marked as a demo (setting "demo" = "1").
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from annotator import importers, settings, users
from annotator.states import AssignmentStatus, LabelStatus, Role
from annotator.store import get_setting, now, transaction

DEMO_SOURCE = "demo"


@dataclass(frozen=True)
class DemoSummary:
    prompts: int
    responses: int
    models: int
    labels: int
    accounts: tuple[tuple[str, str], ...]  # (name, role)
    password: str


def generate_password() -> str:
    return secrets.token_urlsafe(9)  # 12 characters


def build_demo(db: sqlite_utils.Database, password: str) -> DemoSummary:
    """Fill the database with the demo; building it again resets the demo accounts' password.

    Refused for a database that already holds prompts or users and is not a demo database.
    """
    from annotator import demo_content as content  # large, and only `init --demo` needs it

    users.check_password(password)
    with transaction(db):
        has_data = db.execute(
            "SELECT EXISTS (SELECT 1 FROM prompts) OR EXISTS (SELECT 1 FROM users)"
        ).fetchone()[0]
        if has_data and not settings.is_demo(db):
            raise ValueError(
                "this database already holds prompts or users and is not a demo database: "
                "build the demo in a new database file (--db PATH)"
            )
        importers.add_prompts(db, list(enumerate(content.PROMPTS, 1)), DEMO_SOURCE)
        importers.add_responses(db, list(enumerate(content.RESPONSES, 1)), DEMO_SOURCE)
        accounts = (
            *((name, Role.ANNOTATOR) for name in content.ANNOTATORS),
            (content.LEAD, Role.LEAD),
            (content.ADMIN, Role.ADMIN),
        )
        for name, role in accounts:
            if users.get_user(db, name) is None:
                users.add_user(db, name, role, password)
            else:
                users.reset_password(db, name, password)
        importers.add_labels(db, list(enumerate(content.LABELS, 1)), DEMO_SOURCE)
        importers.add_predictions(db, list(enumerate(content.SUGGESTIONS, 1)), DEMO_SOURCE, content.SCORER)
        _assign_everything(db, [prompt["id"] for prompt in content.PROMPTS], content.ANNOTATORS, content.LEAD)
        settings.DEMO.write(db, "1")
        if get_setting(db, settings.SUGGESTION_MODE.key) is None:
            settings.SUGGESTION_MODE.write(db, "shown")  # so the demo shows what suggestions look like
    count = {
        table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("prompts", "responses", "models", "labels")
    }
    return DemoSummary(**count, accounts=accounts, password=password)


def _assign_everything(
    db: sqlite_utils.Database, prompt_ids: Sequence[str], annotators: Sequence[str], lead: str
) -> None:
    """Every prompt to every annotator, in prompt order; prompts someone has labels on are theirs done."""
    labelled = set(
        db.execute(
            "SELECT DISTINCT r.prompt_id, l.annotator FROM labels l JOIN responses r ON r.id = l.response_id "
            f"WHERE l.status = '{LabelStatus.SUBMITTED}'"
        ).fetchall()
    )
    stamp = now()
    rows = []
    for position, prompt_id in enumerate(prompt_ids):
        for annotator in annotators:
            done = (prompt_id, annotator) in labelled
            status = AssignmentStatus.SUBMITTED if done else AssignmentStatus.OPEN
            submitted_at = stamp if done else None
            rows.append((prompt_id, annotator, position, status, stamp, lead, submitted_at))
    db.conn.executemany(
        "INSERT OR IGNORE INTO assignments "
        "(prompt_id, annotator, position, status, assigned_at, assigned_by, submitted_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
