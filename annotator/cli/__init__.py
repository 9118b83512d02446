"""`python -m annotator [--db PATH] COMMAND ...`: a thin shell over the library.

Each command group lives in its own module with a `register(subparsers)` function that adds
its commands; a command's handler is `run(args) -> int` set with `set_defaults(run=...)`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence

from annotator.store import StoreError

# Modules that add command groups; each has register(subparsers).
COMMAND_MODULES: list[str] = [
    "annotator.cli.data",
    "annotator.cli.lead",
    "annotator.cli.agreement",
    "annotator.cli.results",
    "annotator.cli.scorer",
    "annotator.cli.maintenance",
    "annotator.cli.endpoints",
]


def comma_names(text: str) -> tuple[str, ...]:
    """An argparse type for "A,B,C" lists of names (blanks dropped)."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m annotator",
        description="FLAMES-style harmlessness annotation: store, import, annotate, agree, rank, export.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="SQLite database file (default: $ANNOTATOR_DB or db/annotations.db)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.run(args) or 0
        sys.stdout.flush()  # a closed pipe shows here, not at exit (stdout is block-buffered then)
        return code
    except BrokenPipeError:
        # The reader went away (`stats | head`): nothing to report. As the Python docs advise, point
        # stdout at devnull so that the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (ValueError, StoreError, OSError, sqlite3.DatabaseError) as exc:
        # User errors: one line, no traceback.
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing more was written", file=sys.stderr)
        return 130
