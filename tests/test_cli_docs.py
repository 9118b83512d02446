"""docs/cli.md documents every command and option of `python -m annotator`."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.cli import COMMANDS, build_parser

CLI_DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def sections() -> dict[str, str]:
    """docs/cli.md's text under each `## command` heading."""
    parts = re.split(r"^## (\S+)\n", CLI_DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(found[0].choices) if found else {}


def documented_words(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, str]]:
    """(command path, word) for every option, subcommand and positional choice under `parser`."""
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        for word in action.option_strings or [str(choice) for choice in action.choices or ()]:
            yield path, word
    for name, sub in subcommands(parser).items():
        yield path, name
        yield from documented_words(sub, f"{path} {name}")


PARSER = build_parser()
COMMAND_PARSERS = subcommands(PARSER)


def test_the_lazy_command_table_matches_the_full_parser():
    assert list(COMMAND_PARSERS) == list(COMMANDS)  # --help lists what the modules add
    listed = {action.dest: action.help for action in PARSER._subparsers._group_actions[0]._choices_actions}
    assert listed == {name: line for name, (_, line) in COMMANDS.items()}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_option_of_each_command_is_in_its_section(command):
    section = sections().get(command)
    assert section is not None, f"docs/cli.md has no '## {command}' section"
    missing = [
        f"{path}: {word}"
        for path, word in documented_words(COMMAND_PARSERS[command], command)
        if not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", section)
    ]
    assert not missing, f"missing from docs/cli.md: {missing}"


def test_the_global_option_is_documented():
    assert "`--db PATH`" in CLI_DOC.read_text(encoding="utf-8")
