"""Shared fixtures: a fresh database per test."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from argon2 import PasswordHasher

from annotator import users
from annotator.store import open_db


@pytest.fixture
def db() -> sqlite_utils.Database:
    """An empty in-memory project database at the latest schema."""
    return open_db(":memory:")


@pytest.fixture
def tmp_db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database file path (not yet created), also set as ANNOTATOR_DB."""
    path = tmp_path / "annotations.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(path))
    return path


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters, for tests that create many accounts."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
