"""Running many chat requests against the endpoints of an endpoints file, and what a run reports.

Requests run concurrently, at most `concurrency` in flight per endpoint. The `openai` client
retries connection errors, timeouts, 429 (waiting as `Retry-After` says) and 5xx with
exponential backoff, `retries` times per request. Each finished request is handed to its job's
`store` at once, so an interrupted run keeps everything that arrived. Error texts are cut short
and never contain an API key.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlite_utils

from annotator.endpoints import Endpoint
from annotator.i18n import MESSAGES, Phrase, Refusal
from annotator.store import now, project_rubric, set_setting, transaction

if TYPE_CHECKING:
    from openai import AsyncOpenAI

RUN_KINDS = ("collect", "judge")
ENDPOINTS_FILE_SETTING = "endpoints_file"
MAX_ERROR_CHARS = 300
# Kinds of failure this tool names (others are a status code or an exception's name); the Models
# page shows each in the UI language (message key `run_failure_` + the kind, spaces as `_`).
FAILURE_KINDS = ("timeout", "connection", "bad reply", "unparsed reply", "no majority")


class ReplyError(Refusal):
    """An answer that arrived but cannot be used (a judge reply that is not a score); `kind` sums it up."""

    def __init__(self, kind: str, key: str, /, **values: object) -> None:
        super().__init__(key, **values)
        self.kind = kind


@dataclass
class Tally:
    """One model's (or, for a judge, one judged model's) counts in a run."""

    asked: int = 0
    stored: int = 0
    failed: int = 0
    empty: int = 0  # collect: stored answers that were empty or filtered
    errors: dict[str, str] = field(default_factory=dict)  # kind -> first message of that kind
    # kind -> that message's key and values, when the words are the tool's own (the page shows it
    # in the UI language); kept with the run's record, not in `as_dict`
    reasons: dict[str, Phrase] = field(default_factory=dict)

    def add_failure(self, kind: str, message: Refusal | str, secrets: Sequence[str]) -> None:
        """Count a failed request; the first of its kind is kept without a key, cut short."""
        self.failed += 1
        if kind in self.errors:
            return
        self.errors[kind] = _shown(str(message), secrets)
        if isinstance(message, Refusal):
            values = message.values.items()
            self.reasons[kind] = Phrase(
                message.key, {name: _shown(v, secrets) if isinstance(v, str) else v for name, v in values}
            )

    def as_dict(self) -> dict[str, Any]:
        return {
            "asked": self.asked,
            "stored": self.stored,
            "failed": self.failed,
            "empty": self.empty,
            "errors": dict(self.errors),
        }


@dataclass
class RunSummary:
    kind: str  # "collect" or "judge"
    endpoints_file: str
    tallies: dict[str, Tally] = field(default_factory=dict)
    judge: str | None = None
    interrupted: bool = False

    @property
    def failed(self) -> int:
        return sum(tally.failed for tally in self.tallies.values())

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.interrupted else 0

    def as_dict(self) -> dict[str, Any]:
        """The summary the command line prints (`--json`)."""
        data: dict[str, Any] = {"kind": self.kind, "endpoints_file": self.endpoints_file}
        if self.judge is not None:
            data["judge"] = self.judge
        data["interrupted"] = self.interrupted
        data["models"] = {name: tally.as_dict() for name, tally in self.tallies.items()}
        return data

    def record(self) -> dict[str, Any]:
        """`as_dict` with each model's message keys (`reasons`), as `endpoint_runs` keeps it."""
        data = self.as_dict()
        for name, tally in self.tallies.items():
            data["models"][name]["reasons"] = {
                kind: {"key": reason.key, "values": dict(reason.values)}
                for kind, reason in tally.reasons.items()
            }
        return data

    def lines(self) -> list[str]:
        """The summary as text, a line per model and one per kind of error."""
        stored = "suggested" if self.kind == "judge" else "stored"
        head = f"{self.kind}" + (f" with judge {self.judge!r}" if self.judge else "")
        out = [f"{head}: {self.endpoints_file}" + (" (interrupted)" if self.interrupted else "")]
        if not self.tallies:
            out.append("  nothing to ask: every selected item already has its answer")
        for name, tally in self.tallies.items():
            line = f"  {name}: asked {tally.asked}, {stored} {tally.stored}, failed {tally.failed}"
            if tally.empty:
                line += f" ({tally.empty} of the stored answers empty or filtered)"
            out.append(line)
            out.extend(f"    {kind}: {message}" for kind, message in tally.errors.items())
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSummary:
        """The summary of `as_dict` or `record`; a message key this version does not know (or a record
        from before keys were kept) leaves that message in its recorded English."""
        tallies = {
            name: Tally(
                t["asked"],
                t["stored"],
                t["failed"],
                t["empty"],
                dict(t["errors"]),
                {
                    kind: Phrase(reason["key"], reason["values"])
                    for kind, reason in t.get("reasons", {}).items()
                    if reason["key"] in MESSAGES
                },
            )
            for name, t in data["models"].items()
        }
        return cls(data["kind"], data["endpoints_file"], tallies, data.get("judge"), data["interrupted"])


@dataclass(frozen=True)
class Job:
    """One item to ask about: `ask` sends the request(s), `store` keeps the answer and says how it
    went ("stored" or "empty"); either raises to count a failure."""

    endpoint: Endpoint
    tally: str
    ask: Callable[[AsyncOpenAI], Awaitable[Any]]
    store: Callable[[Any], str]


def redact(text: str, secrets: Sequence[str]) -> str:
    """`text` without any of the secrets, nor a long piece of one (servers echo a key's start)."""
    for secret in secrets:
        if len(secret) < 4:
            continue
        text = text.replace(secret, "[key]")
        for size in (len(secret) // 2, 8):
            if size >= 6:
                text = text.replace(secret[:size], "[key]").replace(secret[-size:], "[key]")
    return text


def describe_error(exc: BaseException) -> tuple[str, Refusal | str]:
    """(kind, message) of a failed request: the kind groups failures in the summary; the message is
    a Refusal when its words are the tool's own, else the server's or the exception's text."""
    import openai

    if isinstance(exc, ReplyError):
        return exc.kind, exc
    if isinstance(exc, openai.APITimeoutError):
        return "timeout", Refusal("run_error_timeout")
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc
        return "connection", Refusal("run_error_connection", error=type(cause).__name__, detail=str(cause))
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}", exc.message
    return type(exc).__name__, str(exc)


def _shown(text: str, secrets: Sequence[str]) -> str:
    return redact(text, secrets)[:MAX_ERROR_CHARS]


def client_for(endpoint: Endpoint) -> AsyncOpenAI:
    import openai

    return openai.AsyncOpenAI(
        base_url=endpoint.base_url,
        api_key=endpoint.api_key(),
        max_retries=endpoint.retries,
        timeout=endpoint.timeout,
    )


def run_jobs(
    jobs: Sequence[Job],
    summary: RunSummary,
    *,
    concurrency: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Run every job; counts go into `summary` as answers arrive. `concurrency` overrides each
    endpoint's own limit. Ctrl-C stops the run: what was stored stays, `summary.interrupted` is set."""
    for job in jobs:
        summary.tallies.setdefault(job.tally, Tally()).asked += 1
    try:
        asyncio.run(_run_all(jobs, summary, concurrency, on_progress))
    except KeyboardInterrupt:
        summary.interrupted = True
    return summary


async def _run_all(
    jobs: Sequence[Job],
    summary: RunSummary,
    concurrency: int | None,
    on_progress: Callable[[int, int], None] | None,
) -> None:
    endpoints = {id(job.endpoint): job.endpoint for job in jobs}
    clients = {key: client_for(endpoint) for key, endpoint in endpoints.items()}
    limits = {
        key: asyncio.Semaphore(concurrency or endpoint.concurrency) for key, endpoint in endpoints.items()
    }
    secrets = [endpoint.api_key() for endpoint in endpoints.values()]
    done = 0

    async def one(job: Job) -> None:
        nonlocal done
        key = id(job.endpoint)
        tally = summary.tallies[job.tally]
        async with limits[key]:
            try:
                answer = await job.ask(clients[key])
                outcome = job.store(answer)
            except Exception as exc:
                tally.add_failure(*describe_error(exc), secrets)
            else:
                tally.stored += 1
                tally.empty += outcome == "empty"
        done += 1
        if on_progress is not None:
            on_progress(done, len(jobs))

    try:
        await asyncio.gather(*(one(job) for job in jobs))
    finally:
        for client in clients.values():
            await client.close()


def chat_messages(endpoint: Endpoint, user: str) -> list[dict[str, str]]:
    system = [{"role": "system", "content": endpoint.system}] if endpoint.system is not None else []
    return [*system, {"role": "user", "content": user}]


async def ask_chat(
    client: AsyncOpenAI, endpoint: Endpoint, messages: list[dict[str, str]], **extra: Any
) -> tuple[Any, float]:
    """One chat completion with the entry's settings: the reply's JSON, and the latency in ms.

    The client's generic `post` keeps its retries, backoff and errors but skips building typed
    request and reply objects, which cost more CPU than everything else done for a stored
    response (see bench/collect_bench.py).
    """
    body = {
        "model": endpoint.model,
        "messages": messages,
        **endpoint.settings,
        **extra,
        **endpoint.extra_body,
    }
    start = time.perf_counter()
    reply = await client.post("/chat/completions", body=body, cast_to=object)
    return reply, (time.perf_counter() - start) * 1000


def first_choice(reply: object) -> dict[str, Any]:
    """The first choice of a chat completion's JSON ({} when it has none); ReplyError when the
    reply is not a chat completion."""
    choices = reply.get("choices") if isinstance(reply, dict) else None
    if not isinstance(choices, list) or not all(isinstance(choice, dict) for choice in choices):
        raise ReplyError("bad reply", "run_error_not_completion", reply=str(reply)[:80])
    return choices[0] if choices else {}


def recorded_run(
    db: sqlite_utils.Database,
    jobs: Sequence[Job],
    summary: RunSummary,
    *,
    concurrency: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """`run_jobs`, with the run and its summary kept in `endpoint_runs` (the Models page shows the last)."""
    run = _start_run(db, summary.kind, summary.endpoints_file)
    try:
        run_jobs(jobs, summary, concurrency=concurrency, on_progress=on_progress)
    finally:
        _finish_run(db, run, summary)
    return summary


def check_dimension_and_limit(db: sqlite_utils.Database, dimension: str | None, limit: int | None) -> None:
    if dimension is not None:
        project_rubric(db).dimension(dimension)  # RubricError names the dimensions there are
    if limit is not None and limit < 1:
        raise Refusal("run_bad_limit", limit=limit)


def _start_run(db: sqlite_utils.Database, kind: str, endpoints_file: str) -> int:
    with transaction(db):
        set_setting(db, ENDPOINTS_FILE_SETTING, endpoints_file)
        return db.execute(
            "INSERT INTO endpoint_runs (kind, endpoints_file, started_at) VALUES (?, ?, ?)",
            [kind, endpoints_file, now()],
        ).lastrowid


def _finish_run(db: sqlite_utils.Database, run: int, summary: RunSummary) -> None:
    with transaction(db):
        db.execute(
            "UPDATE endpoint_runs SET finished_at = ?, summary = ? WHERE id = ?",
            [now(), json.dumps(summary.record(), ensure_ascii=False), run],
        )


def last_run(db: sqlite_utils.Database, kind: str | None = None) -> RunSummary | None:
    """The summary of the last finished run (of `kind`, when given)."""
    row = db.execute(
        "SELECT summary FROM endpoint_runs WHERE summary IS NOT NULL"
        + (" AND kind = ?" if kind else "")
        + " ORDER BY id DESC LIMIT 1",
        [kind] if kind else [],
    ).fetchone()
    return RunSummary.from_dict(json.loads(row[0])) if row else None
