"""The figures behind the progress dashboard: per annotator, per dimension and per day.

Speed comes from `labels.seconds`, the server-measured working time the annotation page adds to
a label on every save (idle gaps are capped there), not from timestamps, which would count
breaks and overnight pauses. Labels with no recorded time (imported ones) are left out of the
speed figures but counted as done.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlite_utils

from annotator.consolidation import PROVENANCES, final_scores
from annotator.gold import DEFAULT_THRESHOLD, gold_accuracy
from annotator.states import AssignmentStatus, LabelStatus
from annotator.store import project_rubric

DEFAULT_FAST_SECONDS = 10.0
ANNOTATOR_COLUMNS = [
    "annotator",
    "active",
    "assigned",
    "done",  # prompts submitted
    "remaining",  # prompts still open
    "skipped",
    "labels",  # submitted labels
    "labels_per_hour",
    "median_seconds",
    "fast_share",  # share of timed labels given in under `fast_seconds`
    "gold_n",
    "gold_accuracy",
    "gold_below_threshold",
    "flags_raised",
]
DIMENSION_COLUMNS = ["dimension", "prompts", "labelled", "fully_done", "final_scores", *PROVENANCES]
DAILY_COLUMNS = ["day", "annotator", "labels"]


@dataclass(frozen=True)
class ProgressReport:
    annotators: pd.DataFrame
    dimensions: pd.DataFrame
    daily: pd.DataFrame


def annotator_progress(
    db: sqlite_utils.Database,
    fast_seconds: float = DEFAULT_FAST_SECONDS,
    gold_threshold: float = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """One row per annotator (and any other user with assignments or labels), by name."""
    people = pd.read_sql_query(
        "SELECT name AS annotator, active = 1 AS active FROM users WHERE role = 'annotator' "
        "OR name IN (SELECT annotator FROM assignments) OR name IN (SELECT annotator FROM labels) "
        "ORDER BY name",
        db.conn,
    )
    queues = pd.read_sql_query(
        "SELECT annotator, COUNT(*) AS assigned, "
        f"SUM(status = '{AssignmentStatus.SUBMITTED}') AS done, "
        f"SUM(status = '{AssignmentStatus.OPEN}') AS remaining, "
        f"SUM(status = '{AssignmentStatus.SKIPPED}') AS skipped "
        "FROM assignments GROUP BY annotator",
        db.conn,
    )
    labels = pd.read_sql_query(
        "SELECT annotator, seconds FROM labels "
        f"WHERE status = '{LabelStatus.SUBMITTED}' AND score IS NOT NULL",
        db.conn,
    )
    timed = labels[labels["seconds"] > 0].groupby("annotator")["seconds"]
    speed = pd.DataFrame(
        {
            "labels_per_hour": timed.count() / (timed.sum() / 3600),
            "median_seconds": timed.median(),
            "fast_share": timed.apply(lambda s: float((s < fast_seconds).mean())),
        }
    )
    gold = gold_accuracy(db, gold_threshold).rename(
        columns={"n": "gold_n", "accuracy": "gold_accuracy", "below_threshold": "gold_below_threshold"}
    )
    flags = pd.read_sql_query(
        "SELECT reporter AS annotator, COUNT(*) AS flags_raised FROM flags GROUP BY 1", db.conn
    )
    frame = (
        people.merge(queues, on="annotator", how="left")
        .merge(
            labels.groupby("annotator").size().rename("labels"),
            left_on="annotator",
            right_index=True,
            how="left",
        )
        .merge(speed, left_on="annotator", right_index=True, how="left")
        .merge(
            gold[["annotator", "gold_n", "gold_accuracy", "gold_below_threshold"]], on="annotator", how="left"
        )
        .merge(flags, on="annotator", how="left")
    )
    counts = ["assigned", "done", "remaining", "skipped", "labels", "gold_n", "flags_raised"]
    frame[counts] = frame[counts].fillna(0).astype(int)
    frame["active"] = frame["active"].astype(bool)
    frame["gold_below_threshold"] = frame["gold_below_threshold"].astype("boolean").fillna(False).astype(bool)
    for column in ("labels_per_hour", "median_seconds", "fast_share", "gold_accuracy"):
        frame[column] = frame[column].astype(float)
    return frame[ANNOTATOR_COLUMNS]


def dimension_progress(db: sqlite_utils.Database) -> pd.DataFrame:
    """Per rubric dimension: prompts, prompts with a submitted label, prompts whose every
    assignment is submitted, and the final scores by provenance."""
    prompts = pd.read_sql_query(
        "SELECT p.dimension, COUNT(*) AS prompts, "
        "SUM(EXISTS (SELECT 1 FROM labels l JOIN responses r ON r.id = l.response_id "
        f"  WHERE r.prompt_id = p.id AND l.status = '{LabelStatus.SUBMITTED}')) AS labelled, "
        "SUM(EXISTS (SELECT 1 FROM assignments a WHERE a.prompt_id = p.id) AND NOT EXISTS "
        "  (SELECT 1 FROM assignments a WHERE a.prompt_id = p.id "
        f"  AND a.status != '{AssignmentStatus.SUBMITTED}')) AS fully_done "
        "FROM prompts p GROUP BY p.dimension",
        db.conn,
    ).set_index("dimension")
    finals = final_scores(db)
    provenance = pd.crosstab(finals["dimension"], finals["provenance"]).reindex(columns=list(PROVENANCES))
    names = list(project_rubric(db).dimension_names)
    names += sorted(set(prompts.index) - set(names))
    frame = prompts.join(provenance, how="outer").reindex(names).fillna(0).astype(int)
    frame["final_scores"] = frame[list(PROVENANCES)].sum(axis=1)
    return frame.rename_axis("dimension").reset_index()[DIMENSION_COLUMNS]


def labels_per_day(db: sqlite_utils.Database) -> pd.DataFrame:
    """Submitted labels per UTC day and annotator (long format, for a stacked chart)."""
    return pd.read_sql_query(
        "SELECT substr(submitted_at, 1, 10) AS day, annotator, COUNT(*) AS labels FROM labels "
        f"WHERE status = '{LabelStatus.SUBMITTED}' AND submitted_at IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
        db.conn,
    )


def progress_report(
    db: sqlite_utils.Database,
    fast_seconds: float = DEFAULT_FAST_SECONDS,
    gold_threshold: float = DEFAULT_THRESHOLD,
) -> ProgressReport:
    return ProgressReport(
        annotators=annotator_progress(db, fast_seconds, gold_threshold),
        dimensions=dimension_progress(db),
        daily=labels_per_day(db),
    )
