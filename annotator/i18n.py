"""UI text in Simplified Chinese and English. `text(key, language)` falls back to English.

Each area of the app keeps its messages in its own module under `annotator/messages/`.
"""

from __future__ import annotations

from annotator.messages import (
    annotate,
    audit,
    data_refusals,
    dataset_card,
    display,
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

MESSAGES: dict[str, dict[str, str]] = {
    **workspace.MESSAGES,
    **annotate.MESSAGES,
    **lead.MESSAGES,
    **results.MESSAGES,
    **intervals.MESSAGES,
    **audit.MESSAGES,
    **display.MESSAGES,
    **refusals.MESSAGES,
    **setup.MESSAGES,
    **dataset_card.MESSAGES,
    **models.MESSAGES,
    **scorer.MESSAGES,
    **data_refusals.MESSAGES,
}


def text(key: str, language: str, **values: object) -> str:
    entry = MESSAGES[key]
    template = entry.get(language) or entry["en"]
    return template.format(**values) if values else template


class Refusal(ValueError):
    """A refusal whose text is a message key, so a page can show it in the UI language.

    `str()` is the English text (the command line, logs and tests read that).
    """

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(text(key, "en", **values))
        self.key = key
        self.values = values

    def in_language(self, language: str) -> str:
        return text(self.key, language, **self.values)
