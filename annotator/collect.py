"""Collecting responses: every selected prompt is sent once to each model's endpoint, and each answer
is stored the moment it arrives, as a responses import stores it (one import batch per model and
run), with what it came from (`response_generations`). A rerun asks only for what is still missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from annotator import ids, importers
from annotator.endpoint_runs import (
    Job,
    ReplyError,
    RunSummary,
    ask_chat,
    chat_messages,
    check_dimension_and_limit,
    first_choice,
    recorded_run,
)
from annotator.endpoints import Endpoint, Endpoints
from annotator.i18n import Refusal, listed
from annotator.store import now, transaction

ANSWER_KINDS = ("text", "empty", "filtered")


@dataclass(frozen=True)
class PromptSelection:
    """Which prompts to send: a dimension, a prompts import batch, at most `limit` per model."""

    dimension: str | None = None
    batch: str | None = None
    limit: int | None = None


def check_selection(db: sqlite_utils.Database, selection: PromptSelection) -> None:
    check_dimension_and_limit(db, selection.dimension, selection.limit)
    if selection.batch is not None:
        kind = db.execute("SELECT kind FROM import_batches WHERE id = ?", [selection.batch]).fetchone()
        if kind is None or kind[0] != "prompts":
            known = [b for (b,) in db.execute("SELECT id FROM import_batches WHERE kind = 'prompts'")]
            raise Refusal("collect_unknown_batch", batch=selection.batch, known=listed(known))


def missing_prompts(
    db: sqlite_utils.Database, model: str, selection: PromptSelection
) -> list[tuple[str, str]]:
    """(prompt id, text) of the selected prompts that have no response from `model`, in id order."""
    sql = (
        "SELECT p.id, p.text FROM prompts p WHERE NOT EXISTS "
        "(SELECT 1 FROM responses r WHERE r.prompt_id = p.id AND r.model = ?)"
    )
    params: list[Any] = [model]
    if selection.dimension is not None:
        sql += " AND p.dimension = ?"
        params.append(selection.dimension)
    if selection.batch is not None:
        sql += " AND p.batch = ?"
        params.append(selection.batch)
    sql += " ORDER BY p.id"
    if selection.limit is not None:
        sql += " LIMIT ?"
        params.append(selection.limit)
    return [(pid, text) for pid, text in db.execute(sql, params)]


@dataclass(frozen=True)
class Answer:
    text: str
    kind: str  # one of ANSWER_KINDS
    finish_reason: str | None
    usage: tuple[int | None, int | None, int | None]  # prompt, completion, total tokens


def read_answer(reply: object) -> Answer:
    """What the model returned: an empty or content-filtered answer is kept and marked, not dropped."""
    choice = first_choice(reply)
    message = choice.get("message") or {}
    content, refusal = message.get("content") or "", message.get("refusal") or ""
    if not isinstance(content, str) or not isinstance(refusal, str):
        raise ReplyError("bad reply", "run_error_not_text", message=str(message)[:80])
    finish = choice.get("finish_reason")
    text = content or refusal
    if finish == "content_filter" or (refusal and not content):
        kind = "filtered"
    elif not text.strip():
        kind = "empty"
    else:
        kind = "text"
    usage = reply.get("usage") if isinstance(reply, dict) else None
    usage = usage if isinstance(usage, dict) else {}
    tokens = tuple(
        value if isinstance(value := usage.get(name), int) else None
        for name in ("prompt_tokens", "completion_tokens", "total_tokens")
    )
    return Answer(text, kind, finish if isinstance(finish, str) else None, tokens)  # type: ignore[arg-type]


class _ResponseWriter:
    """Stores one model's answers, each in its own transaction, into one import batch per run."""

    def __init__(self, db: sqlite_utils.Database, endpoint: Endpoint, source: str) -> None:
        self.db, self.endpoint, self.source = db, endpoint, source
        self.batch: str | None = None
        self.settings = json.dumps(endpoint.provenance_settings(), ensure_ascii=False, sort_keys=True)

    def store(self, prompt_id: str, result: tuple[Any, float]) -> str:
        completion, latency_ms = result
        answer = read_answer(completion)
        with transaction(self.db):
            batch = importers.add_collected_response(
                self.db, prompt_id, self.endpoint.name, answer.text, self.source, self.batch
            )
            if batch is None:  # another run stored it meanwhile: theirs is kept
                return "kept"
            self.batch = batch
            self.db.execute(
                "INSERT INTO response_generations (response_id, endpoint_model, settings, finish_reason, "
                "answer, prompt_tokens, completion_tokens, total_tokens, latency_ms, answered_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    ids.response_id(prompt_id, self.endpoint.name),
                    self.endpoint.model,
                    self.settings,
                    answer.finish_reason,
                    answer.kind,
                    *answer.usage,
                    round(latency_ms, 1),
                    now(),
                ],
            )
        return "stored" if answer.kind == "text" else "empty"


def collection_jobs(
    db: sqlite_utils.Database, endpoints: Endpoints, models: Sequence[Endpoint], selection: PromptSelection
) -> list[Job]:
    jobs = []
    for endpoint in models:
        writer = _ResponseWriter(db, endpoint, f"{endpoints.path} [[model]] {endpoint.name}")
        for prompt_id, text in missing_prompts(db, endpoint.name, selection):
            messages = chat_messages(endpoint, text)
            jobs.append(
                Job(
                    endpoint,
                    endpoint.name,
                    lambda client, e=endpoint, m=messages: ask_chat(client, e, m),
                    lambda result, w=writer, p=prompt_id: w.store(p, result),
                )
            )
    return jobs


def collect(
    db: sqlite_utils.Database,
    endpoints: Endpoints,
    model_names: Sequence[str] = (),
    selection: PromptSelection = PromptSelection(),
    *,
    concurrency: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Ask each selected model for every selected prompt it has not answered yet; the run's summary."""
    models = endpoints.select_models(model_names)
    check_selection(db, selection)
    jobs = collection_jobs(db, endpoints, models, selection)
    summary = RunSummary("collect", endpoints.path)
    return recorded_run(db, jobs, summary, concurrency=concurrency, on_progress=on_progress)


@dataclass(frozen=True)
class ModelCoverage:
    model: str
    present: int  # selected prompts with this model's response
    missing: int
    empty: int  # collected answers that were empty or filtered


def prompt_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM prompts").fetchone()[0]


def coverage(db: sqlite_utils.Database, models: Sequence[str]) -> list[ModelCoverage]:
    """Per model: how many prompts have its response and how many are missing."""
    total = prompt_count(db)
    rows = []
    for model in models:
        present, empty = db.execute(
            "SELECT count(*), coalesce(sum(g.answer != 'text'), 0) FROM responses r "
            "LEFT JOIN response_generations g ON g.response_id = r.id WHERE r.model = ?",
            [model],
        ).fetchone()
        rows.append(ModelCoverage(model, present, total - present, empty))
    return rows


@dataclass(frozen=True)
class Generation:
    """What one collected response came from, as a lead sees it."""

    prompt_id: str
    endpoint_model: str
    settings: str  # JSON, as sent
    finish_reason: str | None
    answer: str  # one of ANSWER_KINDS
    total_tokens: int | None
    latency_ms: float
    answered_at: str


def recent_generations(db: sqlite_utils.Database, model: str, limit: int = 20) -> list[Generation]:
    """The model's most recently collected responses and what each came from, newest first."""
    rows = db.execute(
        "SELECT r.prompt_id, g.endpoint_model, g.settings, g.finish_reason, g.answer, g.total_tokens, "
        "g.latency_ms, g.answered_at FROM response_generations g JOIN responses r ON r.id = g.response_id "
        "WHERE r.model = ? ORDER BY g.answered_at DESC, r.prompt_id LIMIT ?",
        [model, limit],
    )
    return [Generation(*row) for row in rows]
