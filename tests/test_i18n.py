from __future__ import annotations

import re
from collections import Counter

import pytest

from annotator.i18n import AREAS, LANGUAGES, MESSAGES, Phrase, listed, text
from tests.ui_text import CODE_SPAN, FILE_NAME, LATIN_WORD, LETTER, PROPER_NAMES

# Names a zh message may show as they are, beyond the UI's: models, products, encoders, time zone.
ZH_MESSAGE_NAMES = {"moss", "gpt", "internlm", "openvino", "nncf", "bert", "roberta", "utc", "fleiss"}


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


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_a_chinese_message_has_no_english_words_but_names_and_code(key):
    """Literal commands, options, file values and placeholders are code (`...`, {...}); every other
    Latin word in a zh message is a proper name."""
    zh = FILE_NAME.sub(" ", CODE_SPAN.sub(" ", re.sub(r"\{[^}]*\}", " ", MESSAGES[key]["zh"])))
    words = [word.strip("'’") for word in LATIN_WORD.findall(zh)]
    assert [
        w for w in words if w.lower() not in PROPER_NAMES | ZH_MESSAGE_NAMES and not LETTER.fullmatch(w)
    ] == []


def test_a_phrase_value_is_filled_in_the_message_s_language():
    values = {"split": Phrase("split_name_validation"), "missing": "X", "known": listed([])}
    assert text("split_missing", "zh", **values) == "数据中没有这些验证模型：X（已有模型：无）"
    assert (
        text("split_missing", "en", **values) == "validation models not in the data: X (models present: none)"
    )
    assert listed(["a", "b"]) == "a, b"
