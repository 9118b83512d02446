"""Commands that keep the data safe: backup and restore."""

from __future__ import annotations

import argparse
import sys

from annotator import backup
from annotator.cli import add_command
from annotator.store import default_db_path, existing_db_path


def register(subparsers: argparse._SubParsersAction) -> None:
    save = add_command(
        subparsers,
        "backup",
        description="Copy a consistent snapshot of the database to PATH with SQLite's online backup; "
        "annotators can keep working meanwhile.",
    )
    save.add_argument("path", metavar="PATH", help="the backup file to create")
    save.add_argument("--overwrite", action="store_true", help="replace PATH if it exists")
    save.set_defaults(run=run_backup)

    load = add_command(
        subparsers,
        "restore",
        description="Replace the database with the backup PATH (checked and upgraded first). Stop the app "
        "first: a database in use is refused. The replaced database is kept as "
        "<db>.before-restore-<time>; everyone logs in again.",
    )
    load.add_argument("path", metavar="PATH", help="a file written by the backup command")
    load.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    load.set_defaults(run=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    target = backup.backup(existing_db_path(args.db), args.path, overwrite=args.overwrite)
    print(f"backup written: {target}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    db_path = args.db or default_db_path()
    if not args.yes and not _confirmed(f"Replace {db_path} with {args.path}? [y/N] "):
        raise ValueError("restore not confirmed: nothing was changed (add --yes to skip the question)")
    result = backup.restore(args.path, db_path)
    kept = f"; the replaced database is kept as {result.previous}" if result.previous else ""
    print(f"restored {result.path} from {args.path} (schema version {result.schema_version}){kept}")
    return 0


def _confirmed(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return input(question).strip().lower() in ("y", "yes")
