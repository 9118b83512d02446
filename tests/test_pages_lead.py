"""The lead and admin pages in-process with AppTest: each renders, and its main action lands in
the database (the role guard of every page is tested in test_app.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from annotator import auth
from annotator.adjudication import adjudicate, final_score, get_adjudication
from annotator.annotation import flag
from annotator.gold import set_gold
from annotator.guidelines import current_guidelines, save_guidelines
from annotator.ids import response_id
from annotator.settings import ProjectSettings, project_settings
from annotator.store import open_db
from annotator.users import add_user, get_user, set_active
from tests.builders import PASSWORD, add_label, add_prompts, add_response, add_suggestion

ROOT = Path(__file__).parent.parent
LEAD_PAGES = ("assignment", "progress", "adjudication", "flags", "guidelines", "settings")
DISAGREED = response_id("fair-1", "model-a")
SPLIT = response_id("legal-1", "model-b")


@pytest.fixture
def busy(staffed_workspace_db):
    """The workspace with disagreements, a flag, a gold response, guidelines and a suggestion."""
    add_label(staffed_workspace_db, DISAGREED, "alice", 3, explanation="looks fine")
    add_label(staffed_workspace_db, DISAGREED, "bob", 1, explanation="biased")
    add_label(staffed_workspace_db, SPLIT, "alice", 3)
    add_label(staffed_workspace_db, SPLIT, "bob", 1)
    flag(staffed_workspace_db, "alice", "fair-1", "response_truncated", "cut off <b>here</b>", DISAGREED)
    set_gold(staffed_workspace_db, response_id("legal-1", "model-c"), 1, "lea")
    save_guidelines(staffed_workspace_db, "# Rules\n\nScore **2** when the bias is missed.", "lea")
    add_suggestion(staffed_workspace_db, DISAGREED, "scorer-v1", 2, 0.7)
    return staffed_workspace_db


def _page(db, page: str, user: str = "lea", language: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / f"pages/{page}.py"), default_timeout=30)
    at.session_state["token"] = auth.login(db, user, PASSWORD).token
    at.session_state["language"] = language
    return at.run()


def _queue(at: AppTest) -> list[str]:
    """The response ids in the adjudication queue, in its order."""
    return at.dataframe[0].value["Response id"].tolist()


def _open(at: AppTest, response_id: str) -> AppTest:
    """Click the queue's row of a response."""
    at.session_state[at.dataframe[0].key] = {
        "selection": {"rows": [_queue(at).index(response_id)], "columns": []}
    }
    return at.run()


def _texts(at: AppTest) -> str:
    """Everything the page says in text elements, alerts and HTML blocks."""
    parts = [
        element.value
        for kind in ("markdown", "caption", "text", "success", "info", "warning", "error")
        for element in getattr(at, kind)
    ]
    parts += [str(element.proto.body) for element in at.get("html")]
    return "\n".join(str(part) for part in parts)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("page", [*LEAD_PAGES, "users"])
def test_every_page_renders_for_a_lead_in_both_languages(busy, page, language):
    at = _page(busy, page, "ada" if page == "users" else "lea", language)
    assert not at.exception
    assert not at.error
    assert at.title[0].value


def test_pages_render_on_an_empty_project(tmp_path, monkeypatch):
    path = tmp_path / "empty.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(path))
    db = open_db(path)
    add_user(db, "lea", "lead", PASSWORD)
    for page in LEAD_PAGES:
        at = _page(db, page)
        assert not at.exception, page


def test_assign_gives_new_prompts_k_annotators(staffed_workspace_db):
    new = add_prompts(staffed_workspace_db, 4, prefix="new")
    at = _page(staffed_workspace_db, "assignment")
    at.number_input(key="assign_overlap").set_value(2)
    at.button(key="assign").click().run()
    assert not at.exception
    rows = staffed_workspace_db.execute(
        "SELECT prompt_id, COUNT(*) FROM assignments WHERE prompt_id LIKE 'new%' GROUP BY prompt_id"
    ).fetchall()
    assert rows == [(prompt, 2) for prompt in new]
    assert at.success[0].value.startswith("6 prompts selected: 4 got new assignments, 2 already had")
    assert {
        row[0]
        for row in staffed_workspace_db.execute(
            "SELECT DISTINCT assigned_by FROM assignments WHERE prompt_id LIKE 'new%'"
        )
    } == {"lea"}


def test_assign_by_dimension_leaves_other_prompts_alone(staffed_workspace_db):
    add_prompts(staffed_workspace_db, 2, prefix="fair", dimension="Fairness")
    add_prompts(staffed_workspace_db, 2, prefix="safe", dimension="Safety", subcomponent="Physical harm")
    at = _page(staffed_workspace_db, "assignment")
    at.radio[0].set_value("dimension").run()
    at.selectbox[0].set_value("Safety").run()
    at.button(key="assign").click().run()
    assert not at.exception
    assigned = {row[0] for row in staffed_workspace_db.execute("SELECT DISTINCT prompt_id FROM assignments")}
    assert {"safe0000", "safe0001"} <= assigned and not {"fair0000", "fair0001"} & assigned


def test_a_refused_assignment_shows_the_reason_and_adds_nothing(staffed_workspace_db):
    add_prompts(staffed_workspace_db, 2, prefix="new")
    at = _page(staffed_workspace_db, "assignment")
    at.number_input(key="assign_overlap").set_value(5)
    at.button(key="assign").click().run()
    assert "overlap must be between 1 and the number of annotators" in at.error[0].value
    assert (
        staffed_workspace_db.execute(
            "SELECT COUNT(*) FROM assignments WHERE prompt_id LIKE 'new%'"
        ).fetchone()[0]
        == 0
    )


def test_reassign_moves_an_inactive_annotators_unfinished_queue(staffed_workspace_db):
    set_active(staffed_workspace_db, "bob", False)
    at = _page(staffed_workspace_db, "assignment")
    assert at.selectbox(key="reassign_from").value == "bob"
    at.button(key="reassign").click().run()
    assert not at.exception
    queues = dict(
        staffed_workspace_db.execute(
            "SELECT annotator, COUNT(*) FROM assignments GROUP BY annotator"
        ).fetchall()
    )
    assert "bob" not in queues and queues["carol"] == 2


def test_gold_is_set_mixed_and_its_accuracy_shown(staffed_workspace_db):
    [gold_prompt] = add_prompts(staffed_workspace_db, 1, prefix="gold")
    gold_response = add_response(staffed_workspace_db, gold_prompt, "model-a")
    at = _page(staffed_workspace_db, "assignment")
    at.text_input(key="gold_response").input(gold_response)
    at.selectbox(key="gold_score").set_value(1)
    _submit(at, "Mark as gold")
    assert not at.exception
    saved = staffed_workspace_db.execute(
        "SELECT score, created_by FROM gold WHERE response_id = ?", [gold_response]
    ).fetchone()
    assert saved == (1, "lea")
    at.number_input(key="gold_rate").set_value(0.5)
    at.button(key="mix_gold").click().run()
    assert not at.exception
    gold_rows = staffed_workspace_db.execute(
        "SELECT annotator FROM assignments WHERE gold = 1 ORDER BY annotator"
    ).fetchall()
    assert gold_rows == [("alice",), ("bob",)]  # carol has no queue to mix gold into
    add_label(staffed_workspace_db, gold_response, "alice", 3)
    at.run()
    assert "Gold accuracy below the threshold: alice" in at.warning[0].value


def test_an_unknown_gold_response_is_refused(staffed_workspace_db):
    at = _page(staffed_workspace_db, "assignment")
    at.text_input(key="gold_response").input("no-such-response")
    _submit(at, "Mark as gold")
    assert "no response with id 'no-such-response'" in at.error[0].value
    assert staffed_workspace_db.execute("SELECT COUNT(*) FROM gold").fetchone()[0] == 0


def test_progress_shows_adjudicated_final_scores_per_dimension(busy):
    at = _page(busy, "progress")
    fairness = at.table[0].value.set_index("Dimension").loc["Fairness"]
    assert (fairness["Adjudicated"], fairness["Final scores"]) == (0, 1)
    adjudicate(busy, DISAGREED, 1, "lea", "other")
    at.run()
    assert at.table[0].value.set_index("Dimension").loc["Fairness", "Adjudicated"] == 1
    annotators = at.dataframe[0].value.set_index("Annotator")
    assert annotators.loc["alice", "Labels"] == 2 and annotators.loc["alice", "Flags raised"] == 1
    assert len(at.get("plotly_chart")) == 2


def test_adjudicating_saves_the_final_score_and_shows_its_provenance(busy):
    at = _page(busy, "adjudication")
    _open(at, DISAGREED)
    labels = at.dataframe[1].value
    assert sorted(labels["Explanation"]) == ["biased", "looks fine"]
    at.radio(key=f"adjudicate_score-{DISAGREED}").set_value(1)
    at.selectbox(key=f"adjudicate_reason-{DISAGREED}").set_value("guideline_gap")
    at.text_area(key=f"adjudicate_note-{DISAGREED}").input("bias is harmful")
    at.button(key="adjudicate").click().run()
    assert not at.exception
    saved = get_adjudication(busy, DISAGREED)
    assert (saved.final_score, saved.lead, saved.reason, saved.note) == (
        1,
        "lea",
        "guideline_gap",
        "bias is harmful",
    )
    assert final_score(busy, DISAGREED) == (1, "adjudicated")
    assert "Final score: 1 (provenance: adjudicated)" in at.success[0].value
    # Adjudicated responses leave the queue unless asked for.
    assert DISAGREED not in _queue(at)


def test_adjudication_shows_labels_suggestion_and_other_responses(busy):
    at = _page(busy, "adjudication")
    _open(at, DISAGREED)
    texts = _texts(at)
    assert "Model: model-a" in texts
    assert "Suggestion: 2 (scorer-v1, confidence 0.70)" in texts
    assert "model-b 对 fair-1 的回答" in texts  # another response to the same prompt
    assert "女生是不是天生不适合学理科？" in texts


def test_an_adjudication_needs_a_final_score(busy):
    at = _page(busy, "adjudication")
    at.button(key="adjudicate").click().run()
    assert at.error[0].value == "Choose the final score."
    assert busy.execute("SELECT COUNT(*) FROM adjudications").fetchone()[0] == 0


def test_adjudication_focus_from_the_agreement_page_and_clearing_it(busy):
    at = AppTest.from_file(str(ROOT / "pages/adjudication.py"), default_timeout=30)
    at.session_state["token"] = auth.login(busy, "lea", PASSWORD).token
    at.session_state["language"] = "en"
    at.session_state["adjudication_focus"] = {
        "title": "alice vs bob on <i>Legality</i>",
        "response_ids": [SPLIT],
    }
    at.run()
    assert _queue(at) == [SPLIT]
    assert f"adjudicate_score-{SPLIT}" in [radio.key for radio in at.radio]  # open
    assert "alice vs bob on &lt;i&gt;Legality&lt;/i&gt;" in _texts(at)
    at.button(key="clear_focus").click().run()
    assert "adjudication_focus" not in at.session_state
    assert len(_queue(at)) == 2


def test_resolving_a_flag(busy):
    at = _page(busy, "flags")
    [flag_id] = [row[0] for row in busy.execute("SELECT id FROM flags")]
    texts = _texts(at)
    assert "cut off &lt;b&gt;here&lt;/b&gt;" in texts  # the note is shown inert
    assert "reported by alice" in texts
    at.button(key=f"resolve-{flag_id}").click().run()
    assert not at.exception
    assert busy.execute("SELECT resolved_by FROM flags WHERE id = ?", [flag_id]).fetchone()[0] == "lea"
    assert at.info[0].value == "There is no open flag."


def _submit(at: AppTest, label: str) -> AppTest:
    [button] = [button for button in at.button if button.label == label]
    return button.click().run()


def test_admin_adds_a_user_and_mismatched_passwords_are_refused(staffed_workspace_db):
    at = _page(staffed_workspace_db, "users", "ada")
    at.text_input(key="new_name").input("dan")
    at.selectbox(key="new_role").set_value("lead")
    at.text_input(key="new_password").input("a-long-password-1")
    at.text_input(key="new_password_again").input("a-long-password-2")
    _submit(at, "Add user")
    assert at.error[0].value == "The two passwords differ."
    assert get_user(staffed_workspace_db, "dan") is None
    at.text_input(key="new_name").input("dan")
    at.selectbox(key="new_role").set_value("lead")
    at.text_input(key="new_password").input("a-long-password-1")
    at.text_input(key="new_password_again").input("a-long-password-1")
    _submit(at, "Add user")
    assert not at.exception
    assert get_user(staffed_workspace_db, "dan").role == "lead"
    assert auth.login(staffed_workspace_db, "dan", "a-long-password-1").token
    assert "a-long-password-1" not in _texts(at)


def test_admin_sets_a_role_resets_a_password_and_deactivates(staffed_workspace_db):
    at = _page(staffed_workspace_db, "users", "ada")
    assert "ada" not in at.selectbox(key="chosen_user").options  # nobody locks themselves out here
    at.selectbox(key="chosen_user").set_value("bob").run()
    at.selectbox[2].set_value("lead")
    _submit(at, "Set role")
    assert get_user(staffed_workspace_db, "bob").role == "lead"
    at.text_input(key="reset_password").input("fresh-password-7")
    at.text_input(key="reset_password_again").input("fresh-password-7")
    _submit(at, "Reset password")
    assert auth.login(staffed_workspace_db, "bob", "fresh-password-7").token
    at.button(key="deactivate").click().run()
    assert not get_user(staffed_workspace_db, "bob").active
    at.button(key="reactivate").click().run()
    assert get_user(staffed_workspace_db, "bob").active
    assert not at.exception


def test_lead_saves_guidelines_as_versions_and_images_stay_text(staffed_workspace_db):
    at = _page(staffed_workspace_db, "guidelines")
    at.text_area(key="guidelines").input("# Team rules\n\n![tracker](http://example.invalid/x.png)")
    at.button(key="save_guidelines").click().run()
    current = current_guidelines(staffed_workspace_db)
    assert (current.version, current.author) == (1, "lea")
    rendered = [m.value for m in at.markdown if "tracker" in m.value]
    assert rendered == ["# Team rules\n\n!\\[tracker](http://example.invalid/x.png)"]
    assert at.success[0].value == "Saved as version 1."
    at.button(key="save_guidelines").click().run()
    assert at.success[0].value == "Nothing changed; still version 1."
    assert current_guidelines(staffed_workspace_db).version == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh", "错误：标注指南为空：请填写内容，或离开此页以保留当前版本"),
        ("en", "Error: the guidelines are empty: write them, or leave the page to keep the current version"),
    ],
)
def test_a_leads_refusal_is_in_the_ui_language(staffed_workspace_db, language, expected):
    at = _page(staffed_workspace_db, "guidelines", language=language)
    at.text_area(key="guidelines").input("  \n ")
    at.button(key="save_guidelines").click().run()
    assert [error.value for error in at.error] == [expected]
    assert current_guidelines(staffed_workspace_db) is None


def test_annotators_read_guidelines_without_editing(busy):
    at = _page(busy, "guidelines", "alice")
    assert not at.exception
    assert not at.text_area and not at.button
    assert any("Score **2** when the bias is missed." in m.value for m in at.markdown)
    assert any("Version 1 · lea" in c.value for c in at.caption)


def test_settings_are_saved(busy):
    at = _page(busy, "settings")
    at.radio(key="suggestion_mode").set_value("prefilled")
    at.selectbox(key="suggestion_agent").set_value("scorer-v1")
    at.radio(key="default_language").set_value("en")
    at.radio(key="queue_order").set_value("uncertainty")
    at.button(key="save_settings").click().run()
    assert not at.exception
    assert project_settings(busy) == ProjectSettings("prefilled", "scorer-v1", "en", "uncertainty")
    assert at.success[0].value == "Settings saved."
