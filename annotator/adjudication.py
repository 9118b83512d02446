"""The lead's adjudication queue, adjudications themselves, and the annotators' flags.

A response needs adjudication when its submitted labels (two or more) have no strict majority
or lie two or more levels apart on the dimension's scale. The queue puts the most disagreeing
first: the widest spread in levels, then the highest normalised entropy of the scores (how
evenly they split), then the most labels. An adjudicated score is final (consolidation gives it
provenance "adjudicated"); every change is kept in adjudication_history by a trigger.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from annotator.annotation import blind_key, blind_order, letter
from annotator.consolidation import consolidate, submitted_scores
from annotator.i18n import Refusal
from annotator.leads import require_lead
from annotator.rubric import Dimension
from annotator.states import AdjudicationReason, LabelStatus
from annotator.store import now, project_rubric, transaction
from annotator.suggestions import Suggestion, response_suggestions

SPREAD_THRESHOLD = 2  # levels apart that need a lead even with a majority


class AdjudicationError(Refusal):
    """A response, reason or flag that cannot be adjudicated or resolved."""


@dataclass(frozen=True)
class LabelView:
    annotator: str
    score: int
    explanation: str
    submitted_at: str | None


@dataclass(frozen=True)
class QueueItem:
    response_id: str
    prompt_id: str
    model: str
    dimension: str
    subcomponent: str
    labels: tuple[LabelView, ...]
    spread: int  # levels between the lowest and highest score
    entropy: float  # of the score distribution, 0 (unanimous) to 1 (even over all levels)
    majority: bool  # a strict majority exists
    adjudicated: bool

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(label.score for label in self.labels)


@dataclass(frozen=True)
class OtherResponse:
    response_id: str
    model: str
    text: str


@dataclass(frozen=True)
class Adjudication:
    response_id: str
    final_score: int
    lead: str
    reason: str
    note: str
    changed_at: str


@dataclass(frozen=True)
class AdjudicationItem:
    """Everything a lead sees when deciding one response."""

    queue: QueueItem
    prompt_text: str
    response_text: str
    suggestions: tuple[Suggestion, ...]
    other_responses: tuple[OtherResponse, ...]
    adjudication: Adjudication | None


@dataclass(frozen=True)
class Flag:
    id: int
    prompt_id: str
    response_id: str | None
    reporter: str
    kind: str
    note: str
    created_at: str
    dimension: str
    prompt_text: str
    resolved_at: str | None = None
    resolved_by: str | None = None


def disagreement(scores: Sequence[int], dimension: Dimension) -> tuple[int, float, bool]:
    """(spread in levels, normalised entropy, strict majority exists) of one response's scores."""
    scale = dimension.scores
    level = {score: i for i, score in enumerate(scale)}
    levels = [level.get(score, score) for score in scores]
    counts = Counter(scores)
    total = len(scores)
    entropy = -sum(c / total * math.log2(c / total) for c in counts.values()) if total else 0.0
    normalised = entropy / math.log2(len(scale)) if len(scale) > 1 else 0.0
    majority = bool(counts) and counts.most_common(1)[0][1] * 2 > total
    spread = max(levels) - min(levels) if levels else 0
    return spread, round(normalised, 6), majority


def _disagrees(measure: tuple[int, float, bool]) -> bool:
    spread, _, majority = measure
    return not majority or spread >= SPREAD_THRESHOLD


def _submitted_labels(db: sqlite_utils.Database, response_ids: set[str]) -> dict[str, list[LabelView]]:
    """Submitted labels of the given responses, by annotator name."""
    sql = (
        "SELECT response_id, annotator, score, explanation, submitted_at FROM labels "
        f"WHERE status = '{LabelStatus.SUBMITTED}' AND score IS NOT NULL"
    )
    if len(response_ids) == 1:
        rows = db.execute(f"{sql} AND response_id = ? ORDER BY annotator", list(response_ids))
    else:
        rows = db.execute(f"{sql} ORDER BY response_id, annotator")
    grouped: dict[str, list[LabelView]] = {}
    for rid, annotator, score, explanation, submitted_at in rows:
        if rid in response_ids:
            grouped.setdefault(rid, []).append(LabelView(annotator, score, explanation, submitted_at))
    return grouped


def adjudication_queue(
    db: sqlite_utils.Database,
    *,
    dimension: str | None = None,
    model: str | None = None,
    include_adjudicated: bool = False,
) -> list[QueueItem]:
    """Responses whose labels disagree, most disagreeing first; unanimous ones never appear."""
    rubric = project_rubric(db)
    if dimension is not None:
        rubric.dimension(dimension)
    if model is not None and db.execute("SELECT 1 FROM models WHERE name = ?", [model]).fetchone() is None:
        raise AdjudicationError("adj_no_model", model=model)
    scores = submitted_scores(db)
    adjudicated = {row[0] for row in db.execute("SELECT response_id FROM adjudications")}
    scales = {d.name: d for d in rubric.dimensions}
    found = []
    for rid, prompt_id, model_name, dim, sub in db.execute(
        "SELECT r.id, r.prompt_id, r.model, p.dimension, p.subcomponent "
        "FROM responses r JOIN prompts p ON p.id = r.prompt_id "
        "WHERE (? IS NULL OR p.dimension = ?) AND (? IS NULL OR r.model = ?)",
        [dimension, dimension, model, model],
    ):
        given = scores.get(rid, ())
        if len(set(given)) < 2 or (rid in adjudicated and not include_adjudicated):
            continue
        measure = disagreement(given, scales[dim] if dim in scales else rubric.dimension(dim))
        if _disagrees(measure):
            found.append((rid, prompt_id, model_name, dim, sub, measure))
    labels = _submitted_labels(db, {row[0] for row in found})
    items = [
        QueueItem(rid, prompt_id, model_name, dim, sub, tuple(labels[rid]), *measure, rid in adjudicated)
        for rid, prompt_id, model_name, dim, sub, measure in found
    ]
    items.sort(key=lambda item: (-item.spread, -item.entropy, -len(item.labels), item.response_id))
    return items


def adjudication_item(db: sqlite_utils.Database, response_id: str) -> AdjudicationItem:
    row = db.execute(
        "SELECT r.prompt_id, r.model, r.text, p.text, p.dimension, p.subcomponent "
        "FROM responses r JOIN prompts p ON p.id = r.prompt_id WHERE r.id = ?",
        [response_id],
    ).fetchone()
    if row is None:
        raise AdjudicationError("adj_no_response", response_id=response_id)
    prompt_id, model, response_text, prompt_text, dim, sub = row
    labels = tuple(_submitted_labels(db, {response_id}).get(response_id, []))
    spread, entropy, majority = disagreement(
        [label.score for label in labels], project_rubric(db).dimension(dim)
    )
    suggestions = response_suggestions(db, response_id)
    others = tuple(
        OtherResponse(*r)
        for r in db.execute(
            "SELECT id, model, text FROM responses WHERE prompt_id = ? AND id != ? ORDER BY model",
            [prompt_id, response_id],
        )
    )
    current = get_adjudication(db, response_id)
    queue = QueueItem(
        response_id, prompt_id, model, dim, sub, labels, spread, entropy, majority, current is not None
    )
    return AdjudicationItem(queue, prompt_text, response_text, suggestions, others, current)


def final_score(db: sqlite_utils.Database, response_id: str) -> tuple[int, str] | None:
    """(final score, provenance) of one response, by the same rule as `consolidation.final_scores`."""
    labels = _submitted_labels(db, {response_id}).get(response_id, [])
    current = get_adjudication(db, response_id)
    return consolidate([label.score for label in labels], None if current is None else current.final_score)


def model_names(db: sqlite_utils.Database) -> list[str]:
    """Models with responses: the choices of the queue's model filter."""
    return [row[0] for row in db.execute("SELECT DISTINCT model FROM responses ORDER BY model")]


def get_adjudication(db: sqlite_utils.Database, response_id: str) -> Adjudication | None:
    row = db.execute(
        "SELECT response_id, final_score, lead, reason, note, updated_at FROM adjudications "
        "WHERE response_id = ?",
        [response_id],
    ).fetchone()
    return None if row is None else Adjudication(*row)


def adjudication_history(db: sqlite_utils.Database, response_id: str) -> list[Adjudication]:
    """Every version of a response's adjudication, oldest first."""
    return [
        Adjudication(*row)
        for row in db.execute(
            "SELECT response_id, final_score, lead, reason, note, changed_at FROM adjudication_history "
            "WHERE response_id = ? ORDER BY id",
            [response_id],
        )
    ]


def adjudicate(
    db: sqlite_utils.Database,
    response_id: str,
    final_score: object,
    lead: str,
    reason: str,
    note: str = "",
) -> Adjudication:
    """Record (or change) the final score of a response; the earlier version stays in the history."""
    if reason not in tuple(AdjudicationReason):
        raise AdjudicationError("adj_invalid_reason", reason=reason, allowed=", ".join(AdjudicationReason))
    with transaction(db):
        require_lead(db, lead)
        row = db.execute(
            "SELECT p.dimension FROM responses r JOIN prompts p ON p.id = r.prompt_id WHERE r.id = ?",
            [response_id],
        ).fetchone()
        if row is None:
            raise AdjudicationError("adj_no_response", response_id=response_id)
        score = project_rubric(db).check_score(row[0], final_score)
        stamp = now()
        db.execute(
            "INSERT INTO adjudications "
            "(response_id, final_score, lead, reason, note, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (response_id) DO UPDATE SET "
            "final_score = excluded.final_score, lead = excluded.lead, reason = excluded.reason, "
            "note = excluded.note, updated_at = excluded.updated_at",
            [response_id, score, lead, reason, note, stamp, stamp],
        )
    return Adjudication(response_id, score, lead, reason, note, stamp)


_FLAG_COLUMNS = (
    "f.id, f.prompt_id, f.response_id, f.reporter, f.kind, f.note, f.created_at, p.dimension, p.text, "
    "f.resolved_at, f.resolved_by"
)


def open_flags(db: sqlite_utils.Database) -> list[Flag]:
    """Unresolved flags raised by annotators, oldest first."""
    return [
        Flag(*row)
        for row in db.execute(
            f"SELECT {_FLAG_COLUMNS} FROM flags f JOIN prompts p ON p.id = f.prompt_id "
            "WHERE f.resolved_at IS NULL ORDER BY f.created_at, f.id"
        )
    ]


def reporter_letter(db: sqlite_utils.Database, flag: Flag) -> str | None:
    """The letter ("Response C") the flagged response had in the reporter's blind order when the
    flag was raised: responses imported later shift the letters, so they are left out."""
    if flag.response_id is None:
        return None
    ids = [
        row[0]
        for row in db.execute(
            "SELECT id FROM responses WHERE prompt_id = ? AND created_at <= ?",
            [flag.prompt_id, flag.created_at],
        )
    ]
    order = blind_order(flag.reporter, flag.prompt_id, ids, blind_key(db))
    return letter(order.index(flag.response_id)) if flag.response_id in order else None


def resolve_flag(db: sqlite_utils.Database, flag_id: int, lead: str) -> None:
    with transaction(db):
        require_lead(db, lead)
        row = db.execute("SELECT resolved_at FROM flags WHERE id = ?", [flag_id]).fetchone()
        if row is None:
            raise AdjudicationError("flag_unknown", flag_id=flag_id)
        if row[0] is not None:
            raise AdjudicationError("flag_resolved", flag_id=flag_id)
        db.execute("UPDATE flags SET resolved_at = ?, resolved_by = ? WHERE id = ?", [now(), lead, flag_id])
