"""Gold checks: responses with a score a lead has fixed, mixed silently into annotators' queues.

A gold prompt is one with at least one gold response. Mixing adds assignment rows with gold=1
(the annotator's queue must never show that flag), placed at random among the annotator's open
prompts. Accuracy compares each submitted label on a gold response with the gold score.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlite_utils

from annotator.assignment import check_annotators
from annotator.i18n import Refusal
from annotator.leads import require_lead
from annotator.states import AssignmentStatus, LabelStatus
from annotator.store import now, project_rubric, transaction

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_THRESHOLD = 0.8
ACCURACY_COLUMNS = ["annotator", "n", "correct", "accuracy", "below_threshold"]


class GoldError(Refusal):
    """A gold score, response or mixing rate that cannot be accepted."""


@dataclass(frozen=True)
class GoldMixSummary:
    added: dict[str, int] = field(default_factory=dict)  # gold rows added per annotator
    gold_share: dict[str, float] = field(default_factory=dict)  # share of each queue that is gold now
    short: dict[str, int] = field(default_factory=dict)  # rows wanted but no unseen gold prompt left


def _response_dimension(db: sqlite_utils.Database, response_id: str) -> str:
    row = db.execute(
        "SELECT p.dimension FROM responses r JOIN prompts p ON p.id = r.prompt_id WHERE r.id = ?",
        [response_id],
    ).fetchone()
    if row is None:
        raise GoldError("gold_no_response", response_id=response_id)
    return row[0]


@dataclass(frozen=True)
class GoldSet:
    score: int
    replaced: tuple[int, str] | None = None  # the earlier gold score and who set it


def set_gold(db: sqlite_utils.Database, response_id: str, score: object, lead: str) -> GoldSet:
    """Mark a response as gold with its known correct score; an earlier gold score is replaced
    and returned, so the caller can say so."""
    with transaction(db):
        require_lead(db, lead)
        value = project_rubric(db).check_score(_response_dimension(db, response_id), score)
        earlier = db.execute(
            "SELECT score, created_by FROM gold WHERE response_id = ?", [response_id]
        ).fetchone()
        db.execute(
            "INSERT INTO gold (response_id, score, created_by, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (response_id) DO UPDATE SET score = excluded.score, "
            "created_by = excluded.created_by, created_at = excluded.created_at",
            [response_id, value, lead, now()],
        )
    if earlier is None or earlier[0] == value:
        return GoldSet(value)
    return GoldSet(value, (earlier[0], earlier[1] or "unknown"))


def remove_gold(db: sqlite_utils.Database, response_id: str, lead: str) -> None:
    """Unmark a gold response; open gold rows nobody has started on a prompt left without gold go too."""
    with transaction(db):
        require_lead(db, lead)
        if db.execute("DELETE FROM gold WHERE response_id = ?", [response_id]).rowcount == 0:
            raise GoldError("gold_not_gold", response_id=response_id)
        db.execute(
            f"DELETE FROM assignments AS a WHERE a.gold = 1 AND a.status = '{AssignmentStatus.OPEN}' "
            "AND NOT EXISTS (SELECT 1 FROM gold g JOIN responses r ON r.id = g.response_id "
            "  WHERE r.prompt_id = a.prompt_id) "
            "AND NOT EXISTS (SELECT 1 FROM labels l JOIN responses r ON r.id = l.response_id "
            "  WHERE r.prompt_id = a.prompt_id AND l.annotator = a.annotator)"
        )


def gold_items(db: sqlite_utils.Database) -> pd.DataFrame:
    """Every gold response with its prompt, model, dimension, score and who set it."""
    import pandas as pd  # in the two tables only: setting and mixing gold need no pandas

    return pd.read_sql_query(
        "SELECT g.response_id, r.prompt_id, r.model, p.dimension, g.score, g.created_by, g.created_at "
        "FROM gold g JOIN responses r ON r.id = g.response_id JOIN prompts p ON p.id = r.prompt_id "
        "ORDER BY p.dimension, r.prompt_id, r.model",
        db.conn,
    )


def mix_gold(
    db: sqlite_utils.Database,
    annotators: str | Sequence[str],
    rate: float,
    seed: int = 0,
    *,
    assigned_by: str | None = None,
) -> GoldMixSummary:
    """Add gold prompts to each queue until about `rate` of it is gold (never one it already has).

    The gold rows needed are round(rate * n / (1 - rate)) for a queue of n ordinary prompts;
    gold rows already there count, so mixing again only tops up.
    """
    names = check_annotators(db, [annotators] if isinstance(annotators, str) else annotators)
    if not 0 <= rate < 1:
        raise GoldError("gold_bad_rate", rate=rate)
    if assigned_by is not None:
        require_lead(db, assigned_by)
    rng = random.Random(seed)
    summary = GoldMixSummary()
    with transaction(db):
        stamp = now()
        for name in names:
            ordinary, gold = db.execute(
                "SELECT COALESCE(SUM(gold = 0), 0), COALESCE(SUM(gold = 1), 0) FROM assignments "
                "WHERE annotator = ?",
                [name],
            ).fetchone()
            wanted = max(0, round(rate * ordinary / (1 - rate)) - gold)
            unseen = _unseen_gold_prompts(db, name)
            rng.shuffle(unseen)
            chosen = unseen[:wanted]
            positions = _gold_positions(db, name, len(chosen), rng)
            db.conn.executemany(
                "INSERT INTO assignments (prompt_id, annotator, position, assigned_at, assigned_by, gold) "
                "VALUES (?, ?, ?, ?, ?, 1)",
                [(p, name, pos, stamp, assigned_by) for p, pos in zip(chosen, positions, strict=True)],
            )
            total_gold = gold + len(chosen)
            summary.added[name] = len(chosen)
            summary.gold_share[name] = total_gold / (ordinary + total_gold) if ordinary + total_gold else 0.0
            if len(chosen) < wanted:
                summary.short[name] = wanted - len(chosen)
    return summary


def _unseen_gold_prompts(db: sqlite_utils.Database, annotator: str) -> list[str]:
    """Gold prompts the annotator has neither in the queue nor labelled, sorted."""
    gold = {
        row[0]
        for row in db.execute("SELECT r.prompt_id FROM gold g JOIN responses r ON r.id = g.response_id")
    }
    seen = {
        row[0]
        for row in db.execute(
            "SELECT prompt_id FROM assignments WHERE annotator = ? UNION SELECT r.prompt_id FROM labels l "
            "JOIN responses r ON r.id = l.response_id WHERE l.annotator = ?",
            [annotator, annotator],
        )
    }
    return sorted(gold - seen)


def _gold_positions(db: sqlite_utils.Database, annotator: str, count: int, rng: random.Random) -> list[int]:
    """Queue positions for new gold rows: random positions of open prompts, else the queue's end.

    Sharing a position with an open prompt slots the gold one in beside it.
    """
    open_positions = [
        row[0]
        for row in db.execute(
            "SELECT position FROM assignments WHERE annotator = ? AND status = ? AND gold = 0",
            [annotator, AssignmentStatus.OPEN],
        )
    ]
    if open_positions:
        return sorted(rng.choice(sorted(open_positions)) for _ in range(count))
    end = db.execute(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM assignments WHERE annotator = ?", [annotator]
    ).fetchone()[0]
    return list(range(end, end + count))


def gold_accuracy(db: sqlite_utils.Database, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Per annotator with submitted labels on gold responses: n, correct, accuracy, below_threshold."""
    import pandas as pd

    if not 0 <= threshold <= 1:
        raise GoldError("gold_bad_threshold", threshold=threshold)
    rows = db.execute(
        "SELECT l.annotator, COUNT(*), SUM(l.score = g.score) FROM labels l "
        "JOIN gold g ON g.response_id = l.response_id "
        f"WHERE l.status = '{LabelStatus.SUBMITTED}' AND l.score IS NOT NULL "
        "GROUP BY l.annotator ORDER BY l.annotator"
    ).fetchall()
    frame = pd.DataFrame(rows, columns=["annotator", "n", "correct"])
    frame["accuracy"] = (frame["correct"] / frame["n"]).astype(float)
    frame["below_threshold"] = frame["accuracy"] < threshold
    return frame[ACCURACY_COLUMNS]
