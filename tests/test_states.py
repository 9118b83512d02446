"""Each named state is exactly what the live schema's CHECK constraint allows."""

from __future__ import annotations

import re
import sqlite3
from enum import StrEnum

import pytest
import sqlite_utils

from annotator.states import AdjudicationReason, AssignmentStatus, FlagKind, LabelStatus, Role, values


def check_values(db: sqlite_utils.Database, table: str, column: str) -> list[str]:
    """The values of `CHECK (column IN (...))` in the table's SQL as sqlite_master holds it now."""
    [sql] = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
    [allowed] = re.findall(rf"CHECK\s*\(\s*{column}\s+IN\s*\(([^)]*)\)\s*\)", sql)
    return re.findall(r"'([^']*)'", allowed)


@pytest.mark.parametrize(
    ("states", "table", "column"),
    [
        (Role, "users", "role"),
        (AssignmentStatus, "assignments", "status"),
        (LabelStatus, "labels", "status"),
        (FlagKind, "flags", "kind"),
        (AdjudicationReason, "adjudications", "reason"),
    ],
)
def test_states_are_the_schema_check(
    db: sqlite_utils.Database, states: type[StrEnum], table: str, column: str
):
    assert values(states) == check_values(db, table, column)


def test_a_state_outside_the_check_is_refused_by_the_schema(db: sqlite_utils.Database):
    # The parsed constraint is the one SQLite enforces: a value missing from it is refused.
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO users (name, role, created_at) VALUES ('x', 'owner', '2026-01-01')")
    db.execute("INSERT INTO users (name, role, created_at) VALUES ('x', ?, '2026-01-01')", [Role.LEAD])
    assert db.execute("SELECT role FROM users").fetchone() == ("lead",)


def test_states_compare_and_format_as_their_values():
    assert AssignmentStatus.SUBMITTED == "submitted" == LabelStatus.SUBMITTED
    assert f"role_{Role.ADMIN}" == "role_admin"
    assert ", ".join(FlagKind) == "prompt_unclear, response_truncated, not_chinese, other"
