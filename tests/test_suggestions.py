"""annotator.suggestions is the one owner of the suggestions table."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
# SQL that reads or writes the table, in any module of the app or the library.
TABLE_SQL = re.compile(r"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+suggestions\b", re.IGNORECASE)
# The owner and the schema. (The store's check that a new rubric allows every stored score builds
# its SQL from a list of (table, column) and is not matched.)
ALLOWED = {"annotator/suggestions.py", "annotator/migrations.py"}


def _strings(path: Path) -> list[tuple[int, str]]:
    """The file's string constants (adjacent pieces joined, as Python joins them), with their line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_only_the_suggestions_module_names_the_table_in_sql():
    sources = [ROOT / "app.py", *(ROOT / "annotator").rglob("*.py"), *(ROOT / "pages").rglob("*.py")]
    found = sorted(
        f"{path.relative_to(ROOT).as_posix()}:{number}: {text.strip()[:80]}"
        for path in sources
        if path.relative_to(ROOT).as_posix() not in ALLOWED
        for number, text in _strings(path)
        if TABLE_SQL.search(text)
    )
    assert not found, "\n".join(found)


def test_the_pattern_finds_the_owners_sql():
    owner = " ".join(text for _, text in _strings(ROOT / "annotator/suggestions.py"))
    assert len(TABLE_SQL.findall(owner)) >= 5  # writes, reads and counts: the guard above can see them
