"""Writing agents' suggestions (a scorer's or an LLM judge's score for a response)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from annotator.store import now, transaction

SuggestionRow = tuple[str, str, int, float | None]  # response id, agent, score, confidence


def store_suggestions(db: sqlite_utils.Database, rows: Sequence[SuggestionRow]) -> int:
    """Store the rows in one transaction; a suggestion that exists is kept, never overwritten.
    Returns how many were added."""
    if not rows:
        return 0
    created = now()
    with transaction(db):
        cursor = db.conn.executemany(
            "INSERT INTO suggestions (response_id, agent, score, confidence, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (response_id, agent) DO NOTHING",
            [(*row, created) for row in rows],
        )
    return cursor.rowcount


def suggestion_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Number of stored suggestions per agent, by agent name."""
    rows = db.execute("SELECT agent, count(*) FROM suggestions GROUP BY agent ORDER BY agent")
    return dict(rows.fetchall())
