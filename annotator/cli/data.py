"""Commands for the database itself: init, import, users, stats."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from annotator import demo, importers, users
from annotator.cli import add_command
from annotator.migrations import LATEST_VERSION
from annotator.rubric import load_rubric
from annotator.states import Role, values
from annotator.stats import format_stats, project_stats
from annotator.store import default_db_path, open_db, set_project_rubric


def register(subparsers: argparse._SubParsersAction) -> None:
    init = add_command(subparsers, "init", description=_INIT_HELP)
    init.add_argument(
        "--demo", action="store_true", help="fill a new database with the demo data and accounts"
    )
    init.add_argument(
        "--demo-password", metavar="PW", help="password of the demo accounts (default: generated)"
    )
    init.add_argument("--rubric", metavar="FILE", help="use this rubric (TOML) instead of FLAMES")
    init.set_defaults(run=run_init)

    imp = add_command(
        subparsers,
        "import",
        description="Import a .jsonl or .csv file in one transaction: one bad line and nothing is imported.",
    )
    imp.add_argument("kind", choices=importers.KINDS, help="what the file holds")
    imp.add_argument("file", metavar="FILE", help="a .jsonl, .json or .csv file (UTF-8)")
    imp.add_argument("--agent", metavar="NAME", help="the scorer's name (predictions only)")
    imp.add_argument("--no-progress", action="store_true", help="no progress bar")
    imp.set_defaults(run=run_import)

    user_parser = add_command(subparsers, "users", description="Manage accounts.")
    commands = user_parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = commands.add_parser(
        "add",
        help="add an account",
        description="Add an account; the password is read from a prompt or stdin.",
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=values(Role))
    add.set_defaults(run=run_users_add)
    listing = commands.add_parser("list", help="list accounts", description="List accounts.")
    listing.add_argument("--json", action="store_true", help='JSON list of {"name", "role", "active"}')
    listing.set_defaults(run=run_users_list)
    set_role = commands.add_parser("set-role", help="change an account's role", description="Change a role.")
    set_role.add_argument("name")
    set_role.add_argument("role", choices=values(Role))
    set_role.set_defaults(run=run_users_set_role)
    reset = commands.add_parser(
        "reset-password",
        help="set a new password",
        description="Set a new password (read from a prompt or stdin); ends the account's sessions.",
    )
    reset.add_argument("name")
    reset.set_defaults(run=run_users_reset_password)
    for action, text in (
        ("deactivate", "stop an account logging in (its labels stay)"),
        ("activate", "let a deactivated account log in again"),
    ):
        command = commands.add_parser(action, help=text, description=text[0].upper() + text[1:] + ".")
        command.add_argument("name")
        command.set_defaults(run=run_users_set_active, active=action == "activate")

    stats = add_command(subparsers, "stats", description="Counts, per dimension.")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(run=run_stats)


_INIT_HELP = (
    "Create the database (or upgrade an older one). --demo fills a new database with demo prompts, "
    "responses, labels and accounts, and prints the accounts and their password."
)


def run_init(args: argparse.Namespace) -> int:
    if args.demo and args.rubric:
        raise ValueError("the demo uses the FLAMES rubric: leave out --rubric")
    if args.demo_password and not args.demo:
        raise ValueError("--demo-password needs --demo")
    db = open_db(args.db)
    path = args.db or default_db_path()
    if args.rubric:
        rubric = load_rubric(args.rubric)
        set_project_rubric(db, rubric)
        print(f"rubric: {rubric.label} ({', '.join(rubric.dimension_names)})")
    if not args.demo:
        print(f"database ready: {path} (schema version {LATEST_VERSION})")
        return 0
    summary = demo.build_demo(db, args.demo_password or demo.generate_password())
    print(
        f"demo database ready: {path}: {summary.prompts} prompts, {summary.responses} responses "
        f"from {summary.models} models, {summary.labels} labels"
    )
    print(f"demo accounts (password: {summary.password}):")
    for name, role in summary.accounts:
        print(f"  {name:<16} {role}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    db = open_db(args.db)
    progress = False if args.no_progress else None
    summary = importers.import_file(db, args.kind, args.file, agent=args.agent, progress=progress)
    print(summary.sentence)
    return 0


def read_password() -> str:
    """A new password: asked twice at a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        password = getpass.getpass("New password: ")
        if getpass.getpass("Repeat it: ") != password:
            raise ValueError("the two passwords differ; nothing was changed")
        return password
    line = sys.stdin.readline()
    if not line:
        raise ValueError("no password: type it at a terminal or give it as one line on stdin")
    return line.rstrip("\r\n")


def run_users_add(args: argparse.Namespace) -> int:
    db = open_db(args.db)
    users.check_name(args.name)
    users.add_user(db, args.name, args.role, read_password())
    print(f"added {args.role} {args.name!r}")
    return 0


def run_users_list(args: argparse.Namespace) -> int:
    accounts = users.list_users(open_db(args.db, create=False))
    if args.json:
        print(
            json.dumps(
                [{"name": u.name, "role": u.role, "active": u.active} for u in accounts], ensure_ascii=False
            )
        )
        return 0
    for user in accounts:
        print(f"{user.name:<24} {user.role:<10} {'active' if user.active else 'inactive'}")
    return 0


def run_users_set_role(args: argparse.Namespace) -> int:
    users.set_role(open_db(args.db, create=False), args.name, args.role)
    print(f"{args.name!r} is now {args.role}")
    return 0


def run_users_reset_password(args: argparse.Namespace) -> int:
    db = open_db(args.db, create=False)
    users.require_user(db, args.name)
    users.reset_password(db, args.name, read_password())
    print(f"new password set for {args.name!r}; their sessions were ended")
    return 0


def run_users_set_active(args: argparse.Namespace) -> int:
    users.set_active(open_db(args.db, create=False), args.name, args.active)
    print(f"{args.name!r} is now {'active' if args.active else 'inactive'}")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    stats = project_stats(open_db(args.db, create=False))
    print(json.dumps(stats, ensure_ascii=False, indent=2) if args.json else format_stats(stats))
    return 0
