"""The scoring page's edits: the browser keeps each response's latest score, explanation and
evidence, each with a sequence number, and sends them all as one state; the server applies each
edit once, oldest first. Reruns that coalesce several keystrokes then lose none of them."""

from __future__ import annotations

from dataclasses import dataclass

EDIT_FIELDS = ("score", "explanation", "evidence")


@dataclass(frozen=True)
class Edit:
    target: str  # the response's blind id on the page
    field: str  # one of EDIT_FIELDS
    value: object
    seq: int


def _valid(field: str, value: object) -> bool:
    if field == "score":
        return isinstance(value, int) and not isinstance(value, bool)
    if field == "explanation":
        return isinstance(value, str)
    return isinstance(value, list) and all(
        isinstance(span, list) and len(span) == 2 and all(isinstance(n, int) for n in span) for span in value
    )


def pending_edits(edits: object, applied: dict[str, dict[str, int]]) -> list[Edit]:
    """The edits newer than the ones already applied (or refused), oldest first.

    Entries of another shape are left out: only the page's own script writes this state.
    """
    found = []
    for target, fields in (edits or {}).items() if isinstance(edits, dict) else ():
        for field, entry in fields.items() if isinstance(fields, dict) else ():
            if field not in EDIT_FIELDS or not (isinstance(entry, list) and len(entry) == 2):
                continue
            value, seq = entry
            if isinstance(seq, int) and _valid(field, value) and seq > applied.get(target, {}).get(field, 0):
                found.append(Edit(target, field, value, seq))
    return sorted(found, key=lambda edit: edit.seq)
