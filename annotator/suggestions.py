"""Agents' suggestions (a scorer's or an LLM judge's score for a response): the agents and their
names, writing suggestions and counting them. The one module that writes the suggestions table."""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from annotator.store import now, transaction
from annotator.users import UserError, check_name, lookalike

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


def agents(db: sqlite_utils.Database) -> list[str]:
    """Scorer agents that have left suggestions."""
    return [row[0] for row in db.execute("SELECT DISTINCT agent FROM suggestions ORDER BY agent")]


def check_agent_name(db: sqlite_utils.Database, agent: str) -> str:
    """`agent` without surrounding spaces, if it can name a new or existing suggestion agent.

    Agent names follow the user-name rules, and one that differs from an existing agent only in
    case or width is refused: it would start a second agent that scores everything again.
    """
    agent, existing = agent.strip(), agents(db)
    if agent in existing:  # even one stored before these rules
        return agent
    check_name(agent, "agent")
    if other := lookalike(agent, existing):
        raise UserError("agent_lookalike", name=agent, other=other)
    return agent
