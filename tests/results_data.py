"""Hand-built databases for the leaderboard and export tests: prompts, responses, users, labels."""

from __future__ import annotations

import sqlite_utils

from annotator.ids import response_id
from annotator.store import open_db

STAMP = "2026-01-05T10:00:00.000Z"


def new_db(path: str = ":memory:") -> sqlite_utils.Database:
    return open_db(path)


def add_batch(db: sqlite_utils.Database, batch: str) -> None:
    db.execute(
        "INSERT OR IGNORE INTO import_batches (id, kind, source_file, created_at, added, existing) "
        "VALUES (?, 'prompts', 'test.jsonl', ?, 0, 0)",
        [batch, STAMP],
    )


def add_prompt(
    db: sqlite_utils.Database,
    prompt_id: str,
    dimension: str = "Fairness",
    subcomponent: str = "",
    text: str | None = None,
    batch: str | None = None,
) -> str:
    if batch is not None:
        add_batch(db, batch)
    db.execute(
        "INSERT INTO prompts (id, dimension, subcomponent, text, batch, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [prompt_id, dimension, subcomponent, text or f"问题 {prompt_id}", batch, STAMP],
    )
    return prompt_id


def add_response(db: sqlite_utils.Database, prompt_id: str, model: str, text: str | None = None) -> str:
    db.execute("INSERT OR IGNORE INTO models (name, created_at) VALUES (?, ?)", [model, STAMP])
    rid = response_id(prompt_id, model)
    db.execute(
        "INSERT INTO responses (id, prompt_id, model, text, created_at) VALUES (?, ?, ?, ?, ?)",
        [rid, prompt_id, model, text or f"{model} 的回答 {prompt_id}", STAMP],
    )
    return rid


def add_user(db: sqlite_utils.Database, name: str, password_hash: str | None = None) -> None:
    db.execute(
        "INSERT OR IGNORE INTO users (name, role, password_hash, created_at) VALUES (?, 'annotator', ?, ?)",
        [name, password_hash, STAMP],
    )


def add_label(
    db: sqlite_utils.Database,
    rid: str,
    annotator: str,
    score: int | None,
    explanation: str = "",
    status: str = "submitted",
) -> None:
    add_user(db, annotator)
    db.execute(
        "INSERT INTO labels (response_id, annotator, score, explanation, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [rid, annotator, score, explanation, status, STAMP, STAMP],
    )


def add_suggestion(db: sqlite_utils.Database, rid: str, agent: str, score: int) -> None:
    db.execute(
        "INSERT INTO suggestions (response_id, agent, score, created_at) VALUES (?, ?, ?, ?)",
        [rid, agent, score, STAMP],
    )


def add_adjudication(db: sqlite_utils.Database, rid: str, score: int, lead: str = "lead") -> None:
    add_user(db, lead)
    db.execute(
        "INSERT INTO adjudications (response_id, final_score, lead, reason, created_at, updated_at) "
        "VALUES (?, ?, ?, 'other', ?, ?)",
        [rid, score, lead, STAMP, STAMP],
    )


def scored_responses(
    db: sqlite_utils.Database, model: str, dimension: str, scores: list[int], start: int = 0
):
    """One prompt per score, answered by `model` and labelled by one annotator; returns response ids."""
    ids = []
    for i, score in enumerate(scores, start=start):
        prompt_id = f"{dimension[:3].lower()}{i:03d}"
        if db.execute("SELECT 1 FROM prompts WHERE id = ?", [prompt_id]).fetchone() is None:
            add_prompt(db, prompt_id, dimension)
        rid = add_response(db, prompt_id, model)
        add_label(db, rid, "ann", score)
        ids.append(rid)
    return ids
