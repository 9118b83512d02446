"""The team's own annotation guidelines in markdown, versioned; labels record the version."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlite_utils

from annotator.i18n import Refusal
from annotator.leads import require_lead
from annotator.store import now, transaction


@dataclass(frozen=True)
class Guideline:
    version: int
    markdown: str
    author: str
    created_at: str


# "![" opens an image in markdown (inline or by reference); escaping the bracket turns it into text.
_IMAGE_OPENER = re.compile(r"!\[")


def inert_markdown(markdown: str) -> str:
    """The guidelines' markdown with image syntax neutralised, so rendering loads nothing remote.

    Raw HTML needs no treatment here: the page renders markdown with HTML escaped.
    """
    return _IMAGE_OPENER.sub(r"!\\[", markdown)


_COLUMNS = "version, markdown, author, created_at"


def current_guidelines(db: sqlite_utils.Database) -> Guideline | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM guidelines ORDER BY version DESC LIMIT 1").fetchone()
    return None if row is None else Guideline(*row)


def save_guidelines(db: sqlite_utils.Database, markdown: str, author: str) -> int:
    """Store the text as a new version if it differs from the current one; return the current version."""
    text = markdown.replace("\r\n", "\n").rstrip() + "\n"
    if not text.strip():
        raise Refusal("guidelines_empty")
    with transaction(db):
        require_lead(db, author)
        current = current_guidelines(db)
        if current is not None and current.markdown == text:
            return current.version
        version = 1 if current is None else current.version + 1
        db.execute(f"INSERT INTO guidelines ({_COLUMNS}) VALUES (?, ?, ?, ?)", [version, text, author, now()])
    return version


def guideline_history(db: sqlite_utils.Database) -> list[Guideline]:
    """Every version, newest first."""
    return [Guideline(*row) for row in db.execute(f"SELECT {_COLUMNS} FROM guidelines ORDER BY version DESC")]
