"""Agents' suggestions (a scorer's or an LLM judge's score for a response): the agents and their
names, writing suggestions, reading them (for the annotate and adjudication pages, the agreement
report, the leaderboard and the scorer's evaluation) and counting them. The one module with SQL on
the suggestions table (migrations aside)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlite_utils

from annotator.store import now, transaction
from annotator.users import UserError, check_name, lookalike

if TYPE_CHECKING:
    import pandas as pd

SuggestionRow = tuple[str, str, int, float | None]  # response id, agent, score, confidence
# The condition that response `r` has no suggestion from an agent yet (one parameter: the agent),
# for the queries over responses that pick what a scorer or a judge still has to score.
NOT_SUGGESTED_BY = "NOT EXISTS (SELECT 1 FROM suggestions s WHERE s.response_id = r.id AND s.agent = ?)"


@dataclass(frozen=True)
class Suggestion:
    agent: str
    score: int
    confidence: float | None


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


def shown_suggestions(
    db: sqlite_utils.Database, response_ids: Sequence[str], agent: str | None
) -> dict[str, Suggestion]:
    """The suggestion each response shows: `agent`'s, or with no agent the newest of any agent."""
    placeholders = ",".join("?" * len(response_ids))
    rows = db.execute(
        f"SELECT response_id, agent, score, confidence FROM suggestions "
        f"WHERE response_id IN ({placeholders}) ORDER BY created_at, agent",
        list(response_ids),
    ).fetchall()
    chosen: dict[str, Suggestion] = {}
    for response_id, row_agent, score, confidence in rows:
        if agent is None or row_agent == agent:
            chosen[response_id] = Suggestion(row_agent, score, confidence)
    return chosen


def response_suggestions(db: sqlite_utils.Database, response_id: str) -> tuple[Suggestion, ...]:
    """Every agent's suggestion for one response, by agent name."""
    rows = db.execute(
        "SELECT agent, score, confidence FROM suggestions WHERE response_id = ? ORDER BY agent", [response_id]
    )
    return tuple(Suggestion(*row) for row in rows)


def prompt_confidences(db: sqlite_utils.Database, annotator: str, agent: str | None) -> dict[str, float]:
    """Mean confidence of `agent`'s suggestions (any agent's when None) over each prompt assigned to
    `annotator`, by prompt id; prompts without a confidence are left out."""
    rows = db.execute(
        "SELECT r.prompt_id, AVG(s.confidence) FROM assignments a "
        "JOIN responses r ON r.prompt_id = a.prompt_id JOIN suggestions s ON s.response_id = r.id "
        "WHERE a.annotator = ? AND s.confidence IS NOT NULL AND (? IS NULL OR s.agent = ?) "
        "GROUP BY r.prompt_id",
        [annotator, agent, agent],
    )
    return dict(rows.fetchall())


def suggested_scores(db: sqlite_utils.Database, agent: str) -> dict[str, int]:
    """`agent`'s score for each response it suggested one for, by response id."""
    rows = db.execute("SELECT response_id, score FROM suggestions WHERE agent = ?", [agent])
    return dict(rows.fetchall())


def all_suggested_scores(db: sqlite_utils.Database) -> list[tuple[str, str, int]]:
    """(response id, agent, score) of every suggestion."""
    return db.execute("SELECT response_id, agent, score FROM suggestions").fetchall()


def agent_suggestion_frame(db: sqlite_utils.Database, agent: str) -> pd.DataFrame:
    """`agent`'s suggestions with their response's model and dimension (columns response_id,
    model, dimension, score), in response id order."""
    import pandas as pd  # only the leaderboard needs it; settings and the CLI import this module

    return pd.read_sql_query(
        "SELECT r.id AS response_id, r.model, p.dimension, s.score FROM suggestions s "
        "JOIN responses r ON r.id = s.response_id JOIN prompts p ON p.id = r.prompt_id "
        "WHERE s.agent = ? ORDER BY r.id",
        db.conn,
        params=[agent],
    )


def suggestion_counts_by_dimension(db: sqlite_utils.Database) -> dict[str, int]:
    """Number of stored suggestions per dimension of their prompt."""
    rows = db.execute(
        "SELECT p.dimension, COUNT(*) FROM suggestions s JOIN responses r ON r.id = s.response_id "
        "JOIN prompts p ON p.id = r.prompt_id GROUP BY 1"
    )
    return dict(rows.fetchall())


def suggestions_version(db: sqlite_utils.Database) -> tuple:
    """A cheap fingerprint of the suggestions: it changes when one is added, changed or removed."""
    return tuple(db.execute("SELECT count(*), max(created_at), total(score) FROM suggestions").fetchone())
