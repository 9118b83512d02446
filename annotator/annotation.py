"""The annotator's work: queue, one prompt's blind view, saving scores, submit, skip, flag.

Every function here is what the scoring page calls; it holds no Streamlit code. An annotator
only ever reads their own labels, and only prompts assigned to them.
"""

from __future__ import annotations

import bisect
import hmac
import json
from dataclasses import dataclass
from string import ascii_uppercase

import sqlite_utils

from annotator.guidelines import current_guidelines
from annotator.i18n import Refusal
from annotator.settings import queue_order, suggestion_agent, suggestion_mode
from annotator.states import AssignmentStatus, FlagKind, LabelStatus
from annotator.store import get_setting, now, project_rubric, transaction
from annotator.suggestions import Suggestion, prompt_confidences, shown_suggestions

# Queue order of statuses; submitted last.
STATUS_RANK = {AssignmentStatus.OPEN: 0, AssignmentStatus.SKIPPED: 1}
BLIND_KEY_SETTING = "blind_order_key"
MAX_SECONDS_PER_ACTION = 600.0  # an idle gap longer than this is not counted as work


class AnnotationError(Refusal):
    """An action the annotator cannot take (not assigned, incomplete, already submitted)."""


@dataclass(frozen=True)
class Mark:
    """Words of a response marked as evidence for its score: offsets into the text, in characters."""

    start: int
    end: int
    text: str


def marks_from_json(stored: str) -> tuple[Mark, ...]:
    return tuple(Mark(m["start"], m["end"], m["text"]) for m in json.loads(stored or "[]"))


def checked_marks(text: str, spans: list[tuple[int, int]]) -> tuple[Mark, ...]:
    """Marks for (start, end) spans of `text`, in order, overlaps merged; AnnotationError names a
    span outside the text or an empty one."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise AnnotationError("ann_bad_mark", start=start, end=end, length=len(text))
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple(Mark(start, end, text[start:end]) for start, end in merged)


@dataclass(frozen=True)
class ResponseItem:
    response_id: str
    letter: str
    blind_id: str  # names the response in the page (widget keys) without leading back to the model
    text: str
    model: str | None  # only when model names are revealed (leads)
    score: int | None
    explanation: str
    prefilled: bool  # `score` is an unconfirmed suggestion, not the person's label
    suggestion: Suggestion | None  # None when suggestions are hidden or there is none
    evidence: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class PromptView:
    prompt_id: str
    dimension: str
    subcomponent: str
    text: str
    status: str  # the annotator's assignment: open, submitted or skipped
    suggestion_mode: str
    items: tuple[ResponseItem, ...]
    skip_reason: str = ""  # the annotator's own reason, when skipped

    @property
    def missing(self) -> tuple[str, ...]:
        """Letters of responses without a confirmed score."""
        return tuple(i.letter for i in self.items if i.score is None or i.prefilled)

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class QueueItem:
    prompt_id: str
    dimension: str
    status: str
    scored: int
    responses: int


@dataclass(frozen=True)
class QueueProgress:
    done: int
    assigned: int
    done_today: int


def letter(index: int) -> str:
    """A, B, ..., Z, AA, AB, ...: blind response labels."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = ascii_uppercase[rest] + name
    return name


def blind_key(db: sqlite_utils.Database) -> str:
    """The database's secret for blind orders, set once by a migration."""
    key = get_setting(db, BLIND_KEY_SETTING)
    if not key:  # without it the order could be worked out from public names again
        raise RuntimeError("the database has no blind-order key: open it with open_db to upgrade it")
    return key


def blind_token(key: str, annotator: str, prompt_id: str, response_id: str) -> str:
    """A response's secret-keyed token for one annotator: its blind order and its id on the page.

    Keyed by the database's secret: without it, anyone who knows the model names and this code
    could work out which letter is which model.
    """
    return hmac.new(
        key.encode(), f"{annotator}\x1f{prompt_id}\x1f{response_id}".encode(), "sha256"
    ).hexdigest()


def blind_order(annotator: str, prompt_id: str, response_ids: list[str], key: str) -> list[str]:
    """Responses shuffled per annotator and prompt, the same on every reload."""
    return sorted(response_ids, key=lambda rid: blind_token(key, annotator, prompt_id, rid))


def queue(db: sqlite_utils.Database, annotator: str) -> list[QueueItem]:
    """The annotator's assigned prompts: open ones first in queue order, then skipped, then done."""
    rows = db.execute(
        """
        SELECT a.prompt_id, p.dimension, a.status,
               (SELECT COUNT(*) FROM labels l JOIN responses r ON r.id = l.response_id
                 WHERE r.prompt_id = a.prompt_id AND l.annotator = a.annotator
                   AND l.score IS NOT NULL) AS scored,
               (SELECT COUNT(*) FROM responses r WHERE r.prompt_id = a.prompt_id) AS responses,
               a.position, a.gold
        FROM assignments a JOIN prompts p ON p.id = a.prompt_id
        WHERE a.annotator = ?
        ORDER BY a.position, a.prompt_id
        """,
        [annotator],
    ).fetchall()
    items = [QueueItem(*item) for *item, _, _ in rows]
    keys: list[tuple] = [()] * len(items)
    if queue_order(db) == "uncertainty":
        assigned = [(prompt_id, position, gold) for prompt_id, *_, position, gold in rows]
        keys = _uncertainty_keys(db, annotator, assigned)
    ranked = sorted(range(len(items)), key=lambda i: (STATUS_RANK.get(items[i].status, 2), keys[i], i))
    return [items[i] for i in ranked]


def _uncertainty_keys(
    db: sqlite_utils.Database, annotator: str, assigned: list[tuple[str, int, int]]
) -> list[tuple[bool, float]]:
    """Sort keys for (prompt id, position, gold) in assigned order: the scorer's mean confidence
    over a prompt's responses, lowest first, where a new label teaches it most; prompts without
    one after.

    The confidence is the suggestion agent's, or any agent's when none is chosen. A gold check
    takes the key of the ordinary prompt it was slotted in beside (the last one at or before its
    position), so it stays at a random place instead of sinking to the end (the scorer is sure
    of, or silent on, the prompts it was trained on).
    """
    confidence = prompt_confidences(db, annotator, suggestion_agent(db))
    ordinary = [(position, confidence.get(pid)) for pid, position, gold in assigned if not gold]
    positions = [position for position, _ in ordinary]

    def key(prompt_id: str, position: int, gold: int) -> tuple[bool, float]:
        if gold and ordinary:
            value = ordinary[max(0, bisect.bisect_right(positions, position) - 1)][1]
        else:
            value = confidence.get(prompt_id)
        return (value is None, value or 0.0)

    return [key(*row) for row in assigned]


def next_prompt(db: sqlite_utils.Database, annotator: str) -> str | None:
    """The first open prompt in queue order, if any."""
    open_items = (item for item in queue(db, annotator) if item.status == AssignmentStatus.OPEN)
    return next((item.prompt_id for item in open_items), None)


def queue_progress(db: sqlite_utils.Database, annotator: str) -> QueueProgress:
    today = now()[:10]
    done, assigned, done_today = db.execute(
        "SELECT COALESCE(SUM(status = ?), 0), COUNT(*), "
        "COALESCE(SUM(status = ? AND substr(submitted_at, 1, 10) = ?), 0) "
        "FROM assignments WHERE annotator = ?",
        [AssignmentStatus.SUBMITTED, AssignmentStatus.SUBMITTED, today, annotator],
    ).fetchone()
    return QueueProgress(done=done, assigned=assigned, done_today=done_today)


def _assignment_status(db: sqlite_utils.Database, annotator: str, prompt_id: str) -> str:
    row = db.execute(
        "SELECT status FROM assignments WHERE annotator = ? AND prompt_id = ?", [annotator, prompt_id]
    ).fetchone()
    if row is None:
        raise AnnotationError("ann_not_assigned", prompt_id=prompt_id, annotator=annotator)
    return row[0]


def prompt_view(
    db: sqlite_utils.Database, annotator: str, prompt_id: str, *, reveal_models: bool = False
) -> PromptView:
    """One assigned prompt as the annotator sees it: blind, in their order, with their own labels."""
    status = _assignment_status(db, annotator, prompt_id)
    dimension, subcomponent, text = db.execute(
        "SELECT dimension, subcomponent, text FROM prompts WHERE id = ?", [prompt_id]
    ).fetchone()
    responses = {
        rid: (model, body)
        for rid, model, body in db.execute(
            "SELECT id, model, text FROM responses WHERE prompt_id = ?", [prompt_id]
        )
    }
    labels = {
        rid: (score, explanation, evidence)
        for rid, score, explanation, evidence in db.execute(
            "SELECT l.response_id, l.score, l.explanation, l.evidence FROM labels l "
            "JOIN responses r ON r.id = l.response_id WHERE r.prompt_id = ? AND l.annotator = ?",
            [prompt_id, annotator],
        )
    }
    mode = suggestion_mode(db)
    key = blind_key(db)
    order = blind_order(annotator, prompt_id, list(responses), key)
    suggestions = {} if mode == "hidden" or not order else shown_suggestions(db, order, suggestion_agent(db))
    items = []
    for index, rid in enumerate(order):
        score, explanation, evidence = labels.get(rid, (None, "", "[]"))
        suggestion = suggestions.get(rid)
        prefilled = mode == "prefilled" and score is None and suggestion is not None
        items.append(
            ResponseItem(
                response_id=rid,
                letter=letter(index),
                blind_id=blind_token(key, annotator, prompt_id, rid)[:16],
                text=responses[rid][1],
                model=responses[rid][0] if reveal_models else None,
                score=suggestion.score if prefilled and suggestion else score,
                explanation=explanation,
                prefilled=prefilled,
                suggestion=suggestion,
                evidence=marks_from_json(evidence),
            )
        )
    skip_reason = db.execute(
        "SELECT COALESCE(skip_reason, '') FROM assignments WHERE annotator = ? AND prompt_id = ?",
        [annotator, prompt_id],
    ).fetchone()[0]
    return PromptView(prompt_id, dimension, subcomponent, text, status, mode, tuple(items), skip_reason)


def _response_prompt(db: sqlite_utils.Database, response_id: str) -> tuple[str, str]:
    row = db.execute(
        "SELECT r.prompt_id, p.dimension FROM responses r JOIN prompts p ON p.id = r.prompt_id "
        "WHERE r.id = ?",
        [response_id],
    ).fetchone()
    if row is None:
        raise AnnotationError("ann_no_response", response_id=response_id)
    return row[0], row[1]


def _save_label(
    db: sqlite_utils.Database,
    annotator: str,
    response_id: str,
    *,
    score: int | None,
    explanation: str | None,
    seconds: float,
    evidence: list[tuple[int, int]] | None = None,
) -> None:
    seconds = max(0.0, min(float(seconds), MAX_SECONDS_PER_ACTION))
    rubric = project_rubric(db)
    with transaction(db):
        prompt_id, dimension = _response_prompt(db, response_id)
        status = _assignment_status(db, annotator, prompt_id)
        if status == AssignmentStatus.SUBMITTED:
            raise AnnotationError("ann_submitted_revise")
        if score is not None:
            score = rubric.check_score(dimension, score)
        marks = None
        if evidence is not None:
            body = db.execute("SELECT text FROM responses WHERE id = ?", [response_id]).fetchone()[0]
            marks = json.dumps([m.__dict__ for m in checked_marks(body, evidence)], ensure_ascii=False)
        mode = suggestion_mode(db)
        # Recorded even when hidden, so anchoring can be compared across modes.
        suggestion = shown_suggestions(db, [response_id], suggestion_agent(db)).get(response_id)
        guideline = current_guidelines(db)
        timestamp = now()
        # The suggestion context is recorded when the label is first written, as first seen.
        db.execute(
            f"""
            INSERT INTO labels (response_id, annotator, score, explanation, evidence, status,
                                created_at, updated_at, seconds, suggestion_mode, suggestion_agent,
                                suggestion_score, rubric_version, guideline_version)
            VALUES (?, ?, ?, ?, ?, '{LabelStatus.DRAFT}', ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (response_id, annotator) DO UPDATE SET
                -- a submitted label in an open assignment (imported, or its prompt reopened for a new
                -- response): an edit counts once submitted
                status = '{LabelStatus.DRAFT}',
                score = COALESCE(?, labels.score),
                explanation = COALESCE(?, labels.explanation),
                evidence = COALESCE(?, labels.evidence),
                updated_at = excluded.updated_at,
                seconds = labels.seconds + excluded.seconds,
                rubric_version = excluded.rubric_version,
                guideline_version = excluded.guideline_version
            """,
            [
                response_id,
                annotator,
                score,
                explanation or "",
                marks or "[]",
                timestamp,
                timestamp,
                seconds,
                "none" if suggestion is None else mode,
                None if suggestion is None else suggestion.agent,
                None if suggestion is None else suggestion.score,
                rubric.label,
                None if guideline is None else guideline.version,
                score,
                explanation,
                marks,
            ],
        )
        db.execute(
            "UPDATE assignments SET seconds = seconds + ? WHERE annotator = ? AND prompt_id = ?",
            [seconds, annotator, prompt_id],
        )


def save_score(
    db: sqlite_utils.Database, annotator: str, response_id: str, score: int, *, seconds: float = 0.0
) -> None:
    """Save (or change) one score as a draft at once; `seconds` is the server-measured work time."""
    _save_label(db, annotator, response_id, score=score, explanation=None, seconds=seconds)


def save_explanation(
    db: sqlite_utils.Database, annotator: str, response_id: str, explanation: str, *, seconds: float = 0.0
) -> None:
    _save_label(db, annotator, response_id, score=None, explanation=explanation, seconds=seconds)


def save_evidence(
    db: sqlite_utils.Database,
    annotator: str,
    response_id: str,
    spans: list[tuple[int, int]],
    *,
    seconds: float = 0.0,
) -> None:
    """Replace the annotator's marked words in one response (character offsets), saved at once."""
    _save_label(db, annotator, response_id, score=None, explanation=None, seconds=seconds, evidence=spans)


def submit_prompt(db: sqlite_utils.Database, annotator: str, prompt_id: str) -> None:
    """Mark a fully scored prompt done; AnnotationError names what is still missing."""
    rubric = project_rubric(db)
    with transaction(db):
        view = prompt_view(db, annotator, prompt_id)
        if view.status == AssignmentStatus.SUBMITTED:
            raise AnnotationError("ann_already_submitted")
        if not view.complete:
            raise AnnotationError("ann_unscored", letters=", ".join(view.missing))
        dimension = rubric.dimension(view.dimension)
        unexplained = [
            i.letter for i in view.items if dimension.needs_explanation(i.score) and not i.explanation.strip()
        ]
        if unexplained:
            raise AnnotationError("ann_unexplained", letters=", ".join(unexplained))
        unmarked = [i.letter for i in view.items if dimension.needs_evidence(i.score) and not i.evidence]
        if unmarked:
            raise AnnotationError("ann_no_evidence", letters=", ".join(unmarked))
        timestamp = now()
        db.execute(
            "UPDATE labels SET status = ?, submitted_at = ?, updated_at = ? "
            "WHERE annotator = ? AND response_id IN (SELECT id FROM responses WHERE prompt_id = ?)",
            [LabelStatus.SUBMITTED, timestamp, timestamp, annotator, prompt_id],
        )
        db.execute(
            "UPDATE assignments SET status = ?, submitted_at = ?, skip_reason = NULL "
            "WHERE annotator = ? AND prompt_id = ?",
            [AssignmentStatus.SUBMITTED, timestamp, annotator, prompt_id],
        )


def reopen_prompt(db: sqlite_utils.Database, annotator: str, prompt_id: str) -> None:
    """Make a submitted prompt editable again; its labels count once it is submitted again."""
    with transaction(db):
        if _assignment_status(db, annotator, prompt_id) != AssignmentStatus.SUBMITTED:
            return
        timestamp = now()
        db.execute(
            "UPDATE labels SET status = ?, updated_at = ? "
            "WHERE annotator = ? AND response_id IN (SELECT id FROM responses WHERE prompt_id = ?)",
            [LabelStatus.DRAFT, timestamp, annotator, prompt_id],
        )
        db.execute(
            "UPDATE assignments SET status = ?, submitted_at = NULL WHERE annotator = ? AND prompt_id = ?",
            [AssignmentStatus.OPEN, annotator, prompt_id],
        )


def skip_prompt(db: sqlite_utils.Database, annotator: str, prompt_id: str, reason: str) -> None:
    if not reason.strip():
        raise AnnotationError("ann_skip_reason")
    with transaction(db):
        if _assignment_status(db, annotator, prompt_id) == AssignmentStatus.SUBMITTED:
            raise AnnotationError("ann_submitted_reopen")
        db.execute(
            "UPDATE assignments SET status = ?, skip_reason = ? WHERE annotator = ? AND prompt_id = ?",
            [AssignmentStatus.SKIPPED, reason.strip(), annotator, prompt_id],
        )


def unskip_prompt(db: sqlite_utils.Database, annotator: str, prompt_id: str) -> None:
    with transaction(db):
        db.execute(
            "UPDATE assignments SET status = ? WHERE annotator = ? AND prompt_id = ? AND status = ?",
            [AssignmentStatus.OPEN, annotator, prompt_id, AssignmentStatus.SKIPPED],
        )


def flag(
    db: sqlite_utils.Database,
    reporter: str,
    prompt_id: str,
    kind: str,
    note: str = "",
    response_id: str | None = None,
) -> int:
    """Raise a flag on a prompt (or one of its responses) for the leads; returns its id."""
    if kind not in tuple(FlagKind):
        raise AnnotationError("ann_flag_kind", kind=kind, allowed=", ".join(FlagKind))
    with transaction(db):
        _assignment_status(db, reporter, prompt_id)
        if response_id is not None and _response_prompt(db, response_id)[0] != prompt_id:
            raise AnnotationError("ann_flag_response", response_id=response_id, prompt_id=prompt_id)
        cursor = db.execute(
            "INSERT INTO flags (prompt_id, response_id, reporter, kind, note, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [prompt_id, response_id, reporter, kind, note.strip(), now()],
        )
        return cursor.lastrowid


def submitted_evidence(db: sqlite_utils.Database, response_id: str) -> dict[str, tuple[Mark, ...]]:
    """Every annotator's marked words in one response, from their submitted labels, by name."""
    rows = db.execute(
        "SELECT annotator, evidence FROM labels WHERE response_id = ? AND status = ? "
        "AND evidence != '[]' ORDER BY annotator",
        [response_id, LabelStatus.SUBMITTED],
    )
    return {annotator: marks_from_json(evidence) for annotator, evidence in rows}
