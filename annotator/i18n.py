"""UI text in Simplified Chinese and English. `text(key, language)` falls back to English.

Each area of the app keeps its messages in its own module under `annotator/messages/`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from annotator.messages import (
    annotate,
    audit,
    data_refusals,
    dataset_card,
    display,
    endpoints,
    intervals,
    lead,
    models,
    refusals,
    results,
    scorer,
    setup,
    workspace,
)

LANGUAGES = {"zh": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

# Each area's module; a key is defined by one area only (tests/test_i18n.py checks it).
AREAS = (
    workspace,
    annotate,
    lead,
    results,
    intervals,
    audit,
    display,
    refusals,
    setup,
    dataset_card,
    models,
    scorer,
    data_refusals,
    endpoints,
)
MESSAGES: dict[str, dict[str, str]] = {key: entry for area in AREAS for key, entry in area.MESSAGES.items()}


@dataclass(frozen=True)
class Phrase:
    """A value that is itself UI text (a split's or filter's name, "none"), so a message reads in
    one language: `text` fills it in the message's language, with its own `values` (a place in a
    file, a nested refusal)."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, refusal: Refusal) -> Phrase:
        """A refusal's text as a value of another refusal."""
        return cls(refusal.key, refusal.values)


def text(key: str, language: str, /, **values: object) -> str:
    entry = MESSAGES[key]
    template = entry.get(language) or entry["en"]
    if not values:
        return template
    return template.format(
        **{
            name: text(value.key, language, **value.values) if isinstance(value, Phrase) else value
            for name, value in values.items()
        }
    )


def listed(names: Iterable[str]) -> str | Phrase:
    """Names joined with commas, or "none" in the message's language."""
    return ", ".join(names) or Phrase("none")


class Refusal(ValueError):
    """A refusal whose text is a message key, so a page can show it in the UI language.

    `str()` is the English text (the command line, logs and tests read that).
    """

    def __init__(self, key: str, /, **values: object) -> None:
        super().__init__(text(key, "en", **values))
        self.key = key
        self.values = values

    def in_language(self, language: str) -> str:
        return text(self.key, language, **self.values)
