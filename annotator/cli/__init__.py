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
from typing import Any

from annotator.store import StoreError

# Every command, the module whose register(subparsers) adds it, and its line in `--help`. A run
# imports only its command's module, so no command waits for another's libraries, and `--help`
# imports none of them.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("annotator.cli.data", "create (or upgrade) the database"),
    "import": ("annotator.cli.data", "import prompts, responses, labels or predictions"),
    "users": ("annotator.cli.data", "manage accounts"),
    "stats": ("annotator.cli.data", "what is in the database"),
    "assign": ("annotator.cli.lead", "give prompts to annotators, k per prompt"),
    "reassign": ("annotator.cli.lead", "move an inactive annotator's unfinished prompts to others"),
    "gold": ("annotator.cli.lead", "gold checks"),
    "adjudicate": ("annotator.cli.lead", "record a response's final score"),
    "adjudication-queue": ("annotator.cli.lead", "responses whose labels disagree"),
    "agreement": ("annotator.cli.agreement", "inter-annotator agreement report"),
    "leaderboard": (
        "annotator.cli.results",
        "harmless rate / score per model and dimension (FLAMES definitions)",
    ),
    "export": ("annotator.cli.results", "write submitted labels for analysis or training"),
    "scorer": ("annotator.cli.scorer", "train, evaluate and run the harmlessness scorer"),
    "backup": ("annotator.cli.maintenance", "copy the database to a file (safe while people work)"),
    "restore": ("annotator.cli.maintenance", "replace the database with a backup"),
    "collect": ("annotator.cli.endpoints", "ask the models of an endpoints file for their responses"),
    "judge": ("annotator.cli.endpoints", "let an LLM judge suggest a score for every response"),
}
# The modules `build_parser()` registers in full (every command: for tests and docs).
COMMAND_MODULES: list[str] = list(dict.fromkeys(module for module, _ in COMMANDS.values()))


def comma_names(text: str) -> tuple[str, ...]:
    """An argparse type for "A,B,C" lists of names (blanks dropped)."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


def add_command(subparsers: argparse._SubParsersAction, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A command's parser, with its `--help` line from COMMANDS."""
    return subparsers.add_parser(name, help=COMMANDS[name][1], **kwargs)


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line with the commands of `modules` in full (default: COMMAND_MODULES); every
    other command is listed by name and help line only."""
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
    full = COMMAND_MODULES if modules is None else modules
    for name in full:
        importlib.import_module(name).register(subparsers)
    for name, (module, line) in COMMANDS.items():
        if module not in full:
            subparsers.add_parser(name, help=line, add_help=False)
    return parser


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for this command line: its command's module in full, or none when it names no
    command (`--help`, a typo: argparse then lists them all)."""
    first = argparse.ArgumentParser(prog="python -m annotator", add_help=False)
    first.add_argument("--db")
    first.add_argument("command", nargs="?")
    known, _ = first.parse_known_args(argv)
    entry = COMMANDS.get(known.command or "")
    return build_parser([] if entry is None else [entry[0]])


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser_for(argv).parse_args(argv)
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
