"""One final score per response, the single policy every later feature uses.

An adjudicated score wins; then a strict majority of the submitted labels; then the median,
rounded toward the more harmful (lower) level. Each final score carries its provenance.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlite_utils

from annotator.states import LabelStatus

if TYPE_CHECKING:
    import pandas as pd

PROVENANCES = ("adjudicated", "unanimous", "majority", "median", "single")

FINAL_COLUMNS = [
    "response_id",
    "prompt_id",
    "model",
    "dimension",
    "subcomponent",
    "batch",
    "final_score",
    "provenance",
    "n_labels",
]


def consolidate(scores: Sequence[int], adjudicated: int | None = None) -> tuple[int, str] | None:
    """(final score, provenance) for one response's submitted scores; None with nothing to go on."""
    if adjudicated is not None:
        return adjudicated, "adjudicated"
    if not scores:
        return None
    n = len(scores)
    if n == 1:
        return scores[0], "single"
    # A handful of scores each: list.count beats building a Counter (this runs once per response).
    for score in set(scores):
        count = scores.count(score)
        if count == n:
            return score, "unanimous"
        if count * 2 > n:
            return score, "majority"
    ordered = sorted(scores)
    return ordered[(len(ordered) - 1) // 2], "median"


def submitted_scores(db: sqlite_utils.Database) -> dict[str, list[int]]:
    """Submitted human scores per response id."""
    grouped: dict[str, list[int]] = {}
    for response_id, score in db.execute(
        "SELECT response_id, score FROM labels WHERE status = ? AND score IS NOT NULL",
        [LabelStatus.SUBMITTED],
    ):
        grouped.setdefault(response_id, []).append(score)
    return grouped


def final_scores(db: sqlite_utils.Database) -> pd.DataFrame:
    """The final score of every response that has a submitted label or an adjudication."""
    import pandas as pd  # here, not above: `stats` counts final_score_rows without it

    return pd.DataFrame(final_score_rows(db), columns=FINAL_COLUMNS)


def final_score_rows(db: sqlite_utils.Database) -> list[tuple]:
    """`final_scores` as tuples of FINAL_COLUMNS, in response id order."""
    scores = submitted_scores(db)
    adjudicated = dict(db.execute("SELECT response_id, final_score FROM adjudications").fetchall())
    rows = []
    for response_id, prompt_id, model, dimension, subcomponent, batch in db.execute(
        "SELECT r.id, r.prompt_id, r.model, p.dimension, p.subcomponent, p.batch "
        "FROM responses r JOIN prompts p ON p.id = r.prompt_id ORDER BY r.id"
    ):
        given = scores.get(response_id, [])
        result = consolidate(given, adjudicated.get(response_id))
        if result is not None:
            rows.append((response_id, prompt_id, model, dimension, subcomponent, batch, *result, len(given)))
    return rows
