"""FLAMES-style harmlessness annotation: store, rubric, importers, agreement, leaderboard."""

import sys

from annotator.telemetry import turn_off_telemetry


def _import_sqlite_utils_alone() -> None:
    """Import sqlite-utils without the pandas and numpy it imports when they are installed.

    sqlite-utils imports both only to map their scalar types to column types when it creates
    tables from Python values; this project creates every table with SQL (annotator.migrations),
    so it never needs that, and pandas alone would add half a second to every command line run.
    A module already imported is left as it is.
    """
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


_import_sqlite_utils_alone()
turn_off_telemetry()
