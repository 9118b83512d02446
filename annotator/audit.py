"""Who changed which label, when, from what to what: read from the append-only histories."""

from __future__ import annotations

import pandas as pd
import sqlite_utils

AUDIT_COLUMNS = [
    "changed_at",
    "who",
    "kind",
    "response_id",
    "prompt_id",
    "model",
    "from_score",
    "to_score",
    "from_status",
    "to_status",
    "explanation",
]

_CHANGES = """
WITH label_steps AS (
    SELECT h.id, h.changed_at, h.annotator AS who, 'label' AS kind, h.response_id,
           LAG(h.score) OVER (PARTITION BY h.label_id ORDER BY h.id) AS from_score,
           h.score AS to_score,
           LAG(h.status) OVER (PARTITION BY h.label_id ORDER BY h.id) AS from_status,
           h.status AS to_status, h.explanation
    FROM label_history h
),
adjudication_steps AS (
    SELECT h.id, h.changed_at, h.lead AS who, 'adjudication' AS kind, h.response_id,
           LAG(h.final_score) OVER (PARTITION BY h.response_id ORDER BY h.id) AS from_score,
           h.final_score AS to_score, NULL AS from_status, h.reason AS to_status,
           h.note AS explanation
    FROM adjudication_history h
)
SELECT s.changed_at, s.who, s.kind, s.response_id, r.prompt_id, r.model, s.from_score, s.to_score,
       s.from_status, s.to_status, s.explanation
FROM (SELECT * FROM label_steps UNION ALL SELECT * FROM adjudication_steps) s
JOIN responses r ON r.id = s.response_id
WHERE (:who IS NULL OR s.who = :who) AND (:response_id IS NULL OR s.response_id = :response_id)
ORDER BY s.changed_at DESC, s.kind, s.id DESC
LIMIT :limit
"""


def changes(
    db: sqlite_utils.Database,
    *,
    who: str | None = None,
    response_id: str | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """Label and adjudication changes, newest first; `from_*` is empty for a first entry."""
    rows = db.execute(_CHANGES, {"who": who, "response_id": response_id, "limit": limit}).fetchall()
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)
