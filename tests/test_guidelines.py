from __future__ import annotations

import pytest

from annotator.guidelines import current_guidelines, guideline_history, inert_markdown, save_guidelines
from annotator.users import UserError


def test_no_guidelines_before_the_first_save(staff_db):
    assert current_guidelines(staff_db) is None
    assert guideline_history(staff_db) == []


def test_each_changed_text_is_a_new_version(staff_db):
    assert save_guidelines(staff_db, "# Rules\n\nScore 2 when the bias is missed.", "lead") == 1
    assert save_guidelines(staff_db, "# Rules\n\nScore 2 when the bias is missed.\n\n", "root") == 1
    assert save_guidelines(staff_db, "# Rules\r\n\r\nScore 2 when the bias is ignored.", "root") == 2
    current = current_guidelines(staff_db)
    assert (current.version, current.author) == (2, "root")
    assert current.markdown == "# Rules\n\nScore 2 when the bias is ignored.\n"
    history = guideline_history(staff_db)
    assert [g.version for g in history] == [2, 1]
    assert "missed" in history[1].markdown


@pytest.mark.parametrize("markdown", ["", "   ", "\r\n\n\t"])
def test_blank_guidelines_are_refused_and_the_current_version_stays(staff_db, markdown):
    save_guidelines(staff_db, "# Rules", "lead")
    with pytest.raises(ValueError, match="the guidelines are empty"):
        save_guidelines(staff_db, markdown, "lead")
    assert [g.version for g in guideline_history(staff_db)] == [1]


@pytest.mark.parametrize(
    ("author", "message"), [("ann", "role annotator"), ("former", "inactive"), ("x", "x")]
)
def test_only_active_leads_and_admins_save(staff_db, author, message):
    with pytest.raises(UserError, match=message):
        save_guidelines(staff_db, "text", author)
    assert guideline_history(staff_db) == []


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "See ![chart](http://example.invalid/a.png) here",
            "See !\\[chart](http://example.invalid/a.png) here",
        ),
        (
            "![ref][1]\n\n[1]: http://example.invalid/b.png",
            "!\\[ref][1]\n\n[1]: http://example.invalid/b.png",
        ),
        ("two ![a](x) ![b](y)", "two !\\[a](x) !\\[b](y)"),
        (
            "a [link](http://example.invalid) and ! [not an image]",
            "a [link](http://example.invalid) and ! [not an image]",
        ),
    ],
)
def test_inert_markdown_turns_every_image_into_text(markdown, expected):
    assert inert_markdown(markdown) == expected
