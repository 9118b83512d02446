"""Commands that talk to model endpoints: collect (responses) and judge (suggestions).

Exit codes: 0 nothing failed, 1 some requests failed after their retries (what arrived is kept),
2 a bad endpoints file or option (nothing was sent).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

import sqlite_utils
from tqdm import tqdm

from annotator import collect, judge
from annotator.cli import add_command
from annotator.endpoint_runs import RunSummary
from annotator.endpoints import Endpoints, load_endpoints
from annotator.store import open_db

BAD_INPUT = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    gather = add_command(
        subparsers,
        "collect",
        description=(
            "Send every selected prompt that a model has not answered yet to that model's endpoint and "
            "store each answer as it arrives (as an import does). Rerunning continues where a run stopped. "
            "Exit 0: nothing failed; 1: some requests failed; 2: bad file or option."
        ),
    )
    _common(gather)
    gather.add_argument(
        "--model", metavar="NAME", action="append", default=[], help="only this [[model]] entry (repeatable)"
    )
    gather.add_argument("--batch", metavar="B", help="only the prompts of this prompts import batch")
    gather.add_argument("--limit", metavar="N", type=int, help="at most N prompts per model")
    gather.set_defaults(run=run_collect)

    judging = add_command(
        subparsers,
        "judge",
        description=(
            "Ask a [[judge]] entry to score every selected response it has not scored yet, with the "
            "rubric of the prompt's dimension; scores are stored as suggestions under the judge's name. "
            "Exit 0: nothing failed; 1: some requests failed or replies did not parse; 2: bad file or option."
        ),
    )
    _common(judging)
    judging.add_argument("--judge", metavar="NAME", required=True, help="the [[judge]] entry to ask")
    judging.add_argument(
        "--model", metavar="M", action="append", default=[], help="only responses of this model (repeatable)"
    )
    judging.add_argument("--limit", metavar="N", type=int, help="at most N responses")
    judging.set_defaults(run=run_judge)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoints", metavar="FILE", required=True, help="the endpoints file (TOML)")
    parser.add_argument("--dimension", metavar="D", help="only prompts of this dimension")
    parser.add_argument(
        "--concurrency", metavar="N", type=int, help="requests in flight per endpoint (default: the file's)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run_collect(args: argparse.Namespace) -> int:
    selection = collect.PromptSelection(args.dimension, args.batch, args.limit)
    return _run(
        args,
        "collect",
        check=lambda db, found: (found.select_models(args.model), collect.check_selection(db, selection)),
        action=lambda db, found, **options: collect.collect(db, found, args.model, selection, **options),
    )


def run_judge(args: argparse.Namespace) -> int:
    selection = judge.ResponseSelection(args.dimension, tuple(args.model), args.limit)
    return _run(
        args,
        "judge",
        check=lambda db, found: (found.judge(args.judge), judge.check_selection(db, selection)),
        action=lambda db, found, **options: judge.judge(db, found, args.judge, selection, **options),
    )


def _run(
    args: argparse.Namespace,
    what: str,
    check: Callable[[sqlite_utils.Database, Endpoints], object],
    action: Callable[..., RunSummary],
) -> int:
    """Check the file and the options (exit 2 before any request), run with a progress bar, report."""
    try:
        db = open_db(args.db, create=False)  # a missing database is a bad --db: exit 2, nothing sent
        _check_concurrency(args.concurrency)
        endpoints = load_endpoints(args.endpoints, db)
        check(db, endpoints)
    except ValueError as exc:
        return _refuse(exc)
    with _progress(args, what) as on_progress:
        summary = action(db, endpoints, concurrency=args.concurrency, on_progress=on_progress)
    return _report(summary, args.json)


def _check_concurrency(concurrency: int | None) -> None:
    if concurrency is not None and not 1 <= concurrency <= 256:
        raise ValueError(f"--concurrency must be from 1 to 256, not {concurrency}")


def _refuse(exc: ValueError) -> int:
    print(f"error: {exc}; nothing was sent", file=sys.stderr)
    return BAD_INPUT


class _progress:
    """A progress bar on stderr when it is a terminal; yields the run's on_progress callback."""

    def __init__(self, args: argparse.Namespace, what: str) -> None:
        self.show = not args.no_progress and sys.stderr.isatty()
        self.what = what
        self.bar: tqdm | None = None

    def __enter__(self) -> Callable[[int, int], None]:
        def update(done: int, total: int) -> None:
            if not self.show:
                return
            if self.bar is None:
                self.bar = tqdm(total=total, desc=self.what, unit="req", file=sys.stderr)
            self.bar.update(done - self.bar.n)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


def _report(summary: RunSummary, as_json: bool) -> int:
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(summary.lines()))
    if summary.interrupted:
        print("interrupted: what arrived is stored; run the same command again to continue", file=sys.stderr)
    return summary.exit_code
