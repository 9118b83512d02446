"""annotator.suggestions is the one owner of the suggestions table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
# SQL that reads or writes the table, in any module of the app or the library.
TABLE_SQL = re.compile(r"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+suggestions\b", re.IGNORECASE)
# The owner and the schema. (The store's check that a new rubric allows every stored score builds
# its SQL from a list of (table, column) and is not matched.)
ALLOWED = {"annotator/suggestions.py", "annotator/migrations.py"}


def test_only_the_suggestions_module_names_the_table_in_sql():
    sources = [ROOT / "app.py", *(ROOT / "annotator").rglob("*.py"), *(ROOT / "pages").rglob("*.py")]
    found = sorted(
        f"{path.relative_to(ROOT).as_posix()}:{number}: {line.strip()}"
        for path in sources
        if path.relative_to(ROOT).as_posix() not in ALLOWED
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TABLE_SQL.search(line)
    )
    assert not found, "\n".join(found)


def test_the_pattern_finds_the_owners_sql():
    owner = (ROOT / "annotator/suggestions.py").read_text(encoding="utf-8")
    assert len(TABLE_SQL.findall(owner)) >= 5  # writes, reads and counts: the guard above can see them
