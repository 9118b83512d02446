"""What is in the project database: counts overall and per rubric dimension."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import sqlite_utils

from annotator.assignment import assignment_stats
from annotator.consolidation import FINAL_COLUMNS, PROVENANCES, final_score_rows
from annotator.states import LabelStatus, Role
from annotator.store import project_rubric
from annotator.suggestions import suggestion_counts, suggestion_counts_by_dimension


def _counts(sql: str) -> Callable[[sqlite_utils.Database], dict[str, int]]:
    """Counts by dimension from a query that returns (dimension, count) rows."""
    return lambda db: dict(db.execute(sql).fetchall())


_BY_DIMENSION: dict[str, Callable[[sqlite_utils.Database], dict[str, int]]] = {
    "prompts_by_dimension": _counts("SELECT dimension, COUNT(*) FROM prompts GROUP BY dimension"),
    "responses_by_dimension": _counts(
        "SELECT p.dimension, COUNT(*) FROM responses r JOIN prompts p ON p.id = r.prompt_id GROUP BY 1"
    ),
    "labels_submitted_by_dimension": _counts(
        "SELECT p.dimension, COUNT(*) FROM labels l JOIN responses r ON r.id = l.response_id "
        f"JOIN prompts p ON p.id = r.prompt_id WHERE l.status = '{LabelStatus.SUBMITTED}' GROUP BY 1"
    ),
    "labels_draft_by_dimension": _counts(
        "SELECT p.dimension, COUNT(*) FROM labels l JOIN responses r ON r.id = l.response_id "
        f"JOIN prompts p ON p.id = r.prompt_id WHERE l.status = '{LabelStatus.DRAFT}' GROUP BY 1"
    ),
    "suggestions_by_dimension": suggestion_counts_by_dimension,
}


def project_stats(db: sqlite_utils.Database) -> dict[str, Any]:
    """Counts of everything, each per dimension too; every rubric dimension appears (0 if empty)."""

    def count(sql: str) -> int:
        return db.execute(sql).fetchone()[0]

    dimensions = project_rubric(db).dimension_names
    roles = dict(db.execute("SELECT role, COUNT(*) FROM users GROUP BY role").fetchall())
    stats: dict[str, Any] = {
        "prompts": count("SELECT COUNT(*) FROM prompts"),
        "responses": count("SELECT COUNT(*) FROM responses"),
        "models": count("SELECT COUNT(*) FROM models"),
        "users": count("SELECT COUNT(*) FROM users"),
        "users_by_role": {role.value: roles.get(role, 0) for role in Role},
        "labels_submitted": count(f"SELECT COUNT(*) FROM labels WHERE status = '{LabelStatus.SUBMITTED}'"),
        "labels_draft": count(f"SELECT COUNT(*) FROM labels WHERE status = '{LabelStatus.DRAFT}'"),
        "suggestions": sum(suggestion_counts(db).values()),
    }
    for key, counts in _BY_DIMENSION.items():
        found = counts(db)
        stats[key] = {name: found.pop(name, 0) for name in dimensions} | found
    at = FINAL_COLUMNS.index("provenance")
    provenance = Counter(row[at] for row in final_score_rows(db))
    stats["final_scores"] = provenance.total()
    stats["final_scores_by_provenance"] = {name: provenance[name] for name in PROVENANCES}
    stats |= assignment_stats(db)
    return stats


def format_stats(stats: dict[str, Any]) -> str:
    """The stats as a short plain-text report."""
    provenance = ", ".join(f"{name} {n:,}" for name, n in stats["final_scores_by_provenance"].items())
    lines = [
        f"prompts      {stats['prompts']:>8,}",
        f"responses    {stats['responses']:>8,}",
        f"models       {stats['models']:>8,}",
        f"users        {stats['users']:>8,}",
        f"labels       {stats['labels_submitted']:>8,} submitted, {stats['labels_draft']:,} draft",
        f"suggestions  {stats['suggestions']:>8,}",
        f"final scores {stats['final_scores']:>8,} ({provenance})",
        "",
        f"{'dimension':<18}{'prompts':>9}{'responses':>11}{'submitted':>11}{'drafts':>8}{'suggestions':>13}",
    ]
    for name, prompts in stats["prompts_by_dimension"].items():
        lines.append(
            f"{name:<18}{prompts:>9,}{stats['responses_by_dimension'].get(name, 0):>11,}"
            f"{stats['labels_submitted_by_dimension'].get(name, 0):>11,}"
            f"{stats['labels_draft_by_dimension'].get(name, 0):>8,}"
            f"{stats['suggestions_by_dimension'].get(name, 0):>13,}"
        )
    return "\n".join(lines)
