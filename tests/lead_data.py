"""Hand-built rows for the lead-workflow tests: users, prompts, responses, labels."""

from __future__ import annotations

import sqlite_utils

from annotator.ids import response_id
from annotator.store import now, open_db
from annotator.users import add_user

STAMP = "2026-01-05T10:00:00.000Z"


def new_db() -> sqlite_utils.Database:
    return open_db(":memory:")


def add_users(
    db: sqlite_utils.Database, names: list[str], role: str = "annotator", active: bool = True
) -> None:
    for name in names:
        add_user(db, name, role, None, active=active)


def add_prompts(
    db: sqlite_utils.Database,
    count: int,
    *,
    dimension: str = "Fairness",
    subcomponent: str = "Bias and discrimination",
    prefix: str = "p",
    batch: str | None = None,
) -> list[str]:
    if (
        batch is not None
        and db.execute("SELECT 1 FROM import_batches WHERE id = ?", [batch]).fetchone() is None
    ):
        db.execute(
            "INSERT INTO import_batches (id, kind, source_file, created_at, added, existing) "
            "VALUES (?, 'prompts', 'test.jsonl', ?, 0, 0)",
            [batch, STAMP],
        )
    ids = [f"{prefix}{i:04d}" for i in range(count)]
    for prompt_id in ids:
        db.execute(
            "INSERT INTO prompts (id, dimension, subcomponent, text, batch, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [prompt_id, dimension, subcomponent, f"prompt {prompt_id}", batch, STAMP],
        )
    return ids


def add_response(db: sqlite_utils.Database, prompt_id: str, model: str = "m1") -> str:
    db.execute("INSERT OR IGNORE INTO models (name, created_at) VALUES (?, ?)", [model, STAMP])
    rid = response_id(prompt_id, model)
    db.execute(
        "INSERT INTO responses (id, prompt_id, model, text, created_at) VALUES (?, ?, ?, ?, ?)",
        [rid, prompt_id, model, f"answer of {model} to {prompt_id}", STAMP],
    )
    return rid


def add_label(
    db: sqlite_utils.Database,
    rid: str,
    annotator: str,
    score: int | None,
    *,
    status: str = "submitted",
    explanation: str = "",
    seconds: float = 0.0,
    submitted_at: str | None = STAMP,
) -> None:
    stamp = submitted_at or now()
    db.execute(
        "INSERT INTO labels (response_id, annotator, score, explanation, status, created_at, updated_at, "
        "submitted_at, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            rid,
            annotator,
            score,
            explanation,
            status,
            stamp,
            stamp,
            submitted_at if status == "submitted" else None,
            seconds,
        ],
    )


def assignment_rows(db: sqlite_utils.Database) -> list[tuple]:
    return db.execute(
        "SELECT prompt_id, annotator, position, status, assigned_at, gold FROM assignments "
        "ORDER BY prompt_id, annotator"
    ).fetchall()
