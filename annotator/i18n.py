"""UI text in Simplified Chinese and English. `text(key, language)` falls back to English.

Each area of the app keeps its messages in its own module under `annotator/messages/`.
"""

from __future__ import annotations

from annotator.messages import audit, lead, results, workspace

LANGUAGES = {"zh": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

MESSAGES: dict[str, dict[str, str]] = {
    **workspace.MESSAGES,
    **lead.MESSAGES,
    **results.MESSAGES,
    **audit.MESSAGES,
}


def text(key: str, language: str, **values: object) -> str:
    entry = MESSAGES[key]
    template = entry.get(language) or entry["en"]
    return template.format(**values) if values else template
