"""Named states stored in the database; each enum's values are exactly a CHECK constraint of the schema.

StrEnum members are strings, so they compare equal to and are stored as their values.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """users.role"""

    ANNOTATOR = "annotator"
    LEAD = "lead"
    ADMIN = "admin"


class AssignmentStatus(StrEnum):
    """assignments.status"""

    OPEN = "open"
    SUBMITTED = "submitted"
    SKIPPED = "skipped"


class LabelStatus(StrEnum):
    """labels.status"""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class FlagKind(StrEnum):
    """flags.kind"""

    PROMPT_UNCLEAR = "prompt_unclear"
    RESPONSE_TRUNCATED = "response_truncated"
    NOT_CHINESE = "not_chinese"
    OTHER = "other"


class AdjudicationReason(StrEnum):
    """adjudications.reason (an assignment's skip_reason is the annotator's free text, not a state)"""

    ANNOTATOR_ERROR = "annotator_error"
    AMBIGUOUS_PROMPT = "ambiguous_prompt"
    GUIDELINE_GAP = "guideline_gap"
    OTHER = "other"


def values(states: type[StrEnum]) -> list[str]:
    """The plain string values, for argparse choices (whose error message shows each choice's repr)."""
    return [state.value for state in states]
