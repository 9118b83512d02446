from __future__ import annotations

import re
from collections import Counter

import pytest

from annotator.i18n import AREAS, LANGUAGES, MESSAGES, text


def test_no_key_is_defined_by_two_areas():
    counts = Counter(key for area in AREAS for key in area.MESSAGES)
    assert [key for key, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_placeholders(key):
    entry = MESSAGES[key]
    assert set(entry) == set(LANGUAGES)
    placeholders = {lang: set(re.findall(r"\{(\w+)\}", entry[lang])) for lang in LANGUAGES}
    assert placeholders["zh"] == placeholders["en"]


def test_text_fills_values():
    assert text("progress", "en", done=1, assigned=2, today=0) == "Done 1 / 2, today 0"
