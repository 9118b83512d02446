"""The app in-process with Streamlit's AppTest: login, role guard, scoring, autosave, submit,
revise, skip, flag, suggestion modes and the language switch."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from annotator import auth
from annotator.annotation import blind_key, blind_token, prompt_view, save_score, submit_prompt
from annotator.i18n import text as t_text
from annotator.ids import response_id
from annotator.store import set_setting, transaction
from annotator.users import add_user
from pages.common import PAGE_ROLES
from tests.builders import PASSWORD, add_response, add_suggestion, responses_of

ROOT = Path(__file__).parent.parent
ANNOTATE = "pages/annotate.py"


def _app(db, user: str | None, page: str = "app.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    if user is not None:
        at.session_state["token"] = auth.login(db, user, PASSWORD).token
        at.session_state["language"] = "en"
    return at


def _annotating(db, user: str = "alice") -> AppTest:
    at = _app(db, user)
    at.run()
    at.switch_page(ANNOTATE)
    return at.run()


def _labels(db, annotator: str = "alice") -> dict[str, tuple[int | None, str, str]]:
    return {
        rid: (score, explanation, status)
        for rid, score, explanation, status in db.execute(
            "SELECT response_id, score, explanation, status FROM labels WHERE annotator = ?", [annotator]
        )
    }


def test_login_form(workspace_file_db):
    at = _app(workspace_file_db, None)
    at.session_state["language"] = "en"
    at.run()
    at.text_input[0].input("alice")
    at.text_input[1].input("not-the-password")
    at.button[0].click().run()
    assert "wrong user name or password" in at.error[0].value
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["token"]
    assert any("alice" in caption.value for caption in at.sidebar.caption)


def test_login_refusals_and_the_role_are_in_the_ui_language(workspace_file_db):
    set_setting(workspace_file_db, "default_language", "zh")
    at = _app(workspace_file_db, None)
    at.run()
    for _ in range(auth.FREE_FAILURES + 1):
        at.text_input[0].input("alice")
        at.text_input[1].input("not-the-password")
        at.button[0].click().run()
    waited = re.fullmatch("登录失败次数过多：请 ([0-9]+) 秒后再试", at.error[0].value)
    assert waited and 1 <= int(waited[1]) <= auth.wait_seconds(auth.FREE_FAILURES)  # what is left of it
    with transaction(workspace_file_db):  # the wait has passed
        workspace_file_db.execute("UPDATE users SET last_failed_at = '2000-01-01T00:00:00.000Z'")
    at.button[0].click().run()
    assert at.error[0].value == "用户名或密码错误，或账号已停用"
    with transaction(workspace_file_db):
        workspace_file_db.execute("UPDATE users SET last_failed_at = '2000-01-01T00:00:00.000Z'")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert "当前用户：alice（标注员）" in [caption.value for caption in at.sidebar.caption]


@pytest.mark.parametrize(
    ("page", "user"),
    [(page, None) for page in PAGE_ROLES]
    + [(page, "alice") for page, roles in PAGE_ROLES.items() if "annotator" not in roles]
    + [(page, "lea") for page, roles in PAGE_ROLES.items() if "lead" not in roles],
)
def test_every_page_checks_the_role_again(workspace_file_db, page, user):
    at = _app(workspace_file_db, user, f"pages/{page}.py")
    at.run()
    assert at.error[0].value in ("您没有权限查看此页面。", "You are not allowed to see this page.")
    assert not at.text_area and not at.button and not at.dataframe and not at.title


@pytest.mark.parametrize("page", [page for page, roles in PAGE_ROLES.items() if "annotator" not in roles])
def test_a_page_the_role_may_not_open_refuses_in_the_ui_language(workspace_file_db, page):
    at = _app(workspace_file_db, "alice")
    at.session_state["language"] = "zh"
    at.run()
    # Registered (hidden from the menu) so its address is not Streamlit's English "Page not found".
    at.switch_page(str(ROOT / f"pages/{page}.py"))
    at.run()
    assert not at.exception
    assert [error.value for error in at.error] == ["您没有权限查看此页面。"]
    assert not at.title


def _page(at: AppTest) -> dict:
    """What the scoring component was given to draw (its data)."""
    element = next(e for e in at.main if getattr(e.proto, "component_name", "") == "flames_scoring")
    return json.loads(element.proto.json)


def _send(at: AppTest, edits: dict[str, dict[str, object]], *, submit: bool = False) -> AppTest:
    """Send the component's state as the page's script does: every edit the person made so far
    on the shown prompt, each field with a sequence number, and (on Enter) a submit request."""
    sent = vars(at).setdefault("sent", {"seq": 0, "edits": {}})
    prompt = _page(at)["prompt"]
    for target, fields in edits.items():
        for field, value in fields.items():
            sent["seq"] += 1
            sent["edits"].setdefault(prompt, {}).setdefault(target, {})[field] = [value, sent["seq"]]
    state = {"work": {"prompt": prompt, "edits": sent["edits"].get(prompt, {})}}
    if submit:
        sent["seq"] += 1
        state["action"] = {"kind": "submit", "seq": sent["seq"]}
    at.session_state["scoring"] = state
    return at.run()


def _scores(at: AppTest, *scores: int) -> AppTest:
    """Score the shown prompt's first responses, one edit each (as digit keys do)."""
    items = _page(at)["items"]
    for item, score in zip(items, scores, strict=False):
        _send(at, {item["id"]: {"score": score}})
    return at


def test_edits_from_the_page_are_saved_at_once_and_only_once(workspace_file_db):
    at = _annotating(workspace_file_db)
    view = prompt_view(workspace_file_db, "alice", "fair-1")
    _scores(at, 3, 1)
    labels = _labels(workspace_file_db)
    assert labels[view.items[0].response_id][0] == 3
    assert labels[view.items[1].response_id][0] == 1
    assert all(status == "draft" for _, _, status in labels.values())
    page = _page(at)
    assert [item["score"] for item in page["items"]] == [3, 1, None]
    assert set(page["applied"]) == {view.items[0].blind_id, view.items[1].blind_id}
    history = workspace_file_db.execute("SELECT COUNT(*) FROM label_history").fetchone()[0]
    at.run()  # the same state again (a rerun for another reason): nothing is saved twice
    assert workspace_file_db.execute("SELECT COUNT(*) FROM label_history").fetchone()[0] == history


def test_many_edits_in_one_state_are_all_saved_in_order(workspace_file_db):
    """Keys typed faster than the server answers arrive together, as one state: none is lost."""
    at = _annotating(workspace_file_db)
    ids = [item["id"] for item in _page(at)["items"]]
    _send(at, {ids[0]: {"score": 3}, ids[1]: {"score": 2}, ids[2]: {"score": 1}})
    _send(at, {ids[0]: {"score": 1}})  # revised
    view = prompt_view(workspace_file_db, "alice", "fair-1")
    assert [item.score for item in view.items] == [1, 2, 1]
    first = workspace_file_db.execute(
        "SELECT score FROM label_history WHERE response_id = ? ORDER BY id", [view.items[0].response_id]
    ).fetchall()
    assert first == [(3,), (1,)]


def test_nothing_on_the_page_names_a_response_id(workspace_file_db):
    """Response ids can be traced back to models, and everything given to the page is in its HTML."""
    at = _annotating(workspace_file_db)
    _scores(at, 3)
    ids = responses_of("fair-1")
    widgets = [*at.button, *at.text_area, *at.text_input, *at.selectbox]
    shown = [widget.key or "" for widget in widgets]
    shown += [str(option) for box in at.selectbox for option in box.options]
    shown.append(json.dumps(_page(at)))
    shown.append(json.dumps(at.session_state["scoring"]))
    assert [text for text in shown if any(rid in text for rid in ids)] == []


def _import_a_response_that_takes_letter_a(db, view) -> None:
    """A lead imports one more response, whose blind token sorts first: every letter moves on."""
    key = blind_key(db)
    first = min(blind_token(key, "alice", "fair-1", item.response_id) for item in view.items)
    model = next(
        name
        for name in (f"late-{n}" for n in range(1000))
        if blind_token(key, "alice", "fair-1", response_id("fair-1", name)) < first
    )
    add_response(db, "fair-1", model, "新回复")


def test_an_explanation_stays_with_its_response_when_a_new_one_takes_letter_a(workspace_file_db):
    at = _annotating(workspace_file_db)
    view = prompt_view(workspace_file_db, "alice", "fair-1")
    _send(at, {view.items[0].blind_id: {"explanation": "回复甲的理由"}})
    _import_a_response_that_takes_letter_a(workspace_file_db, view)
    at.run()
    by_letter = {item["letter"]: item["explanation"] for item in _page(at)["items"][:2]}
    assert by_letter == {"A": "", "B": "回复甲的理由"}


def test_a_score_lands_on_the_response_that_had_the_focus_even_after_the_letters_moved(workspace_file_db):
    at = _annotating(workspace_file_db)
    view = prompt_view(workspace_file_db, "alice", "fair-1")
    _scores(at, 3, 3)  # A and B scored, the focus on C
    _import_a_response_that_takes_letter_a(
        workspace_file_db, view
    )  # ...while the page still shows the old letters
    _send(at, {view.items[2].blind_id: {"score": 1}})
    labels = _labels(workspace_file_db)
    assert [labels[item.response_id][0] for item in view.items] == [3, 3, 1]


def test_a_score_after_another_tab_submitted_is_shown_refused_beside_its_response(workspace_file_db):
    at = _annotating(workspace_file_db)
    for item in prompt_view(
        workspace_file_db, "alice", "fair-1"
    ).items:  # another tab scores everything and submits
        save_score(workspace_file_db, "alice", item.response_id, 3)
    submit_prompt(workspace_file_db, "alice", "fair-1")
    target = _page(at)["items"][0]["id"]
    _send(at, {target: {"score": 1}})
    seq, message = _page(at)["refused"][target]["score"]
    assert message == "Error: this prompt is submitted: reopen it to revise"
    assert seq == vars(at)["sent"]["seq"]
    assert {score for score, _, _ in _labels(workspace_file_db).values()} == {3}


def test_the_next_person_to_log_in_on_the_tab_sees_nothing_of_the_last_session(workspace_file_db):
    at = _annotating(workspace_file_db)
    view = prompt_view(workspace_file_db, "alice", "fair-1")
    auth.logout(workspace_file_db, at.session_state["token"])  # alice's session ends in another tab...
    _send(at, {view.items[0].blind_id: {"explanation": "alice 的私人理由"}})  # ...while she is typing
    assert _labels(workspace_file_db) == {}
    at.switch_page("app.py")
    at.run()  # the login form
    at.text_input[0].input("bob")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    at.switch_page(ANNOTATE)
    at.run()
    page = _page(at)
    assert page["refused"] == {} and page["applied"] == {}
    assert "alice" not in json.dumps(page, ensure_ascii=False)
    assert "alice" not in " ".join(caption.value for caption in at.sidebar.caption)


def test_nothing_is_saved_once_the_session_has_ended_elsewhere(workspace_file_db):
    at = _annotating(workspace_file_db)
    auth.logout(workspace_file_db, at.session_state["token"])  # in another tab
    _scores(at, 3)
    assert _labels(workspace_file_db) == {}
    assert not at.exception


def test_edits_on_a_prompt_taken_away_meanwhile_say_why_instead_of_crashing(workspace_file_db):
    at = _annotating(workspace_file_db)
    add_user(workspace_file_db, "carol", "annotator", PASSWORD)
    with transaction(workspace_file_db):  # a lead moved the prompt to carol
        workspace_file_db.execute(
            "UPDATE assignments SET annotator = 'carol' WHERE annotator = 'alice' AND prompt_id = 'fair-1'"
        )
    _send(at, {"0123456789abcdef": {"score": 3}})
    assert not at.exception
    assert "prompt fair-1 is not assigned to alice" in at.toast[0].value
    assert _labels(workspace_file_db) == {}


def test_an_explanation_refused_because_another_tab_submitted_says_why_beside_it(workspace_file_db):
    at = _annotating(workspace_file_db)
    view = prompt_view(workspace_file_db, "alice", "fair-1")
    for item in view.items:  # another tab scores everything and submits
        save_score(workspace_file_db, "alice", item.response_id, 3)
    submit_prompt(workspace_file_db, "alice", "fair-1")
    _send(at, {view.items[0].blind_id: {"explanation": "很长的一段理由"}})
    # The page keeps the refused text in its box (pages/annotate.js) beside this reason.
    assert "this prompt is submitted" in _page(at)["refused"][view.items[0].blind_id]["explanation"][1]
    assert _labels(workspace_file_db)[view.items[0].response_id][1] == ""


def test_submit_is_refused_until_complete_then_opens_the_next_prompt(workspace_file_db):
    at = _annotating(workspace_file_db)
    _scores(at, 3, 3)
    _send(at, {}, submit=True)
    assert _page(at)["notice"] == "Error: responses without a score: C"
    assert at.query_params["prompt"] == "fair-1"
    _send(at, {_page(at)["items"][2]["id"]: {"score": 3}}, submit=True)
    assert {status for _, _, status in _labels(workspace_file_db).values()} == {"submitted"}
    assert at.query_params["prompt"] == "legal-1"
    assert _page(at)["prompt"] == "legal-1" and _page(at)["notice"] == ""
    assert not at.exception


def test_scores_and_explanations_are_saved_at_once_and_shown_after_a_refresh(workspace_file_db):
    at = _annotating(workspace_file_db)
    view = prompt_view(workspace_file_db, "alice", "fair-1")
    target = view.items[1]
    _send(at, {target.blind_id: {"score": 2, "explanation": "没有指出偏见"}})
    assert _labels(workspace_file_db)[target.response_id] == (2, "没有指出偏见", "draft")
    again = _annotating(workspace_file_db)  # a fresh session, as after a refresh
    shown = _page(again)["items"][1]
    assert (shown["score"], shown["explanation"]) == (2, "没有指出偏见")


def test_an_explanation_saved_in_another_tab_replaces_the_stale_one_shown_here(workspace_file_db):
    first, second = _annotating(workspace_file_db), _annotating(workspace_file_db)
    target = prompt_view(workspace_file_db, "alice", "fair-1").items[0].blind_id
    _send(first, {target: {"explanation": "第一个标签页的理由"}})
    second.run()
    assert _page(second)["items"][0]["explanation"] == "第一个标签页的理由"
    _send(second, {target: {"explanation": "第二个标签页"}})
    first.run()
    assert _page(first)["items"][0]["explanation"] == "第二个标签页"  # not the stale text it sent


def test_revise_after_submit(workspace_file_db):
    at = _annotating(workspace_file_db)
    _scores(at, 3, 3, 3)
    _send(at, {}, submit=True)
    at.session_state["prompt_id"] = "fair-1"
    at.run()
    assert _page(at)["submitted"]
    assert any("leave the final scores" in alert.value for alert in at.success)
    at.button[[b.label for b in at.button].index("Reopen to revise")].click().run()
    assert not _page(at)["submitted"]
    _send(at, {_page(at)["items"][0]["id"]: {"score": 1}})
    labels = _labels(workspace_file_db)
    assert sorted(labels.values()) == [(1, "", "draft"), (3, "", "draft"), (3, "", "draft")]
    revised = next(rid for rid, (score, _, _) in labels.items() if score == 1)
    history = workspace_file_db.execute(
        "SELECT COUNT(*) FROM label_history WHERE response_id = ?", [revised]
    ).fetchone()[0]
    assert history == 4  # draft 3, submitted 3, reopened draft 3, revised 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh", "错误：请说明跳过此提示的原因"), ("en", "Error: say why the prompt is skipped")],
)
def test_a_refusal_from_the_logic_is_shown_in_the_ui_language(workspace_file_db, language, expected):
    at = _annotating(workspace_file_db)
    at.session_state["language"] = language
    at.run()
    skip = t_text("skip", language)
    at.button(key="skip_button").click().run()  # no reason given
    assert skip in [b.label for b in at.button]
    assert [toast.value for toast in at.toast] == [expected]
    assert at.query_params["prompt"] == "fair-1"


def test_skip_and_flag(workspace_file_db):
    at = _annotating(workspace_file_db)
    at.selectbox(key="flag_kind").set_value("not_chinese")
    at.text_input(key="flag_note").input("英文回答")
    at.button(key="flag_button").click().run()
    assert workspace_file_db.execute("SELECT kind, note FROM flags").fetchall() == [
        ("not_chinese", "英文回答")
    ]
    at.text_input(key="skip_reason").input("需要背景知识")
    at.button(key="skip_button").click().run()
    status = workspace_file_db.execute(
        "SELECT status, skip_reason FROM assignments WHERE annotator = 'alice' AND prompt_id = 'fair-1'"
    ).fetchone()
    assert status == ("skipped", "需要背景知识")
    assert at.query_params["prompt"] == "legal-1"
    assert prompt_view(workspace_file_db, "alice", "fair-1").skip_reason == "需要背景知识"
    at.session_state["prompt_id"] = "fair-1"
    at.run()
    assert at.warning[0].value.startswith("You skipped this prompt, for the reason below.")


@pytest.mark.parametrize("mode", ["hidden", "shown", "prefilled"])
def test_suggestion_modes(workspace_file_db, mode):
    set_setting(workspace_file_db, "suggestion_mode", mode)
    first = responses_of("fair-1")[0]
    add_suggestion(workspace_file_db, first, "scorer-v1", 2, 0.81)
    at = _annotating(workspace_file_db)
    blind_id = next(
        item.blind_id
        for item in prompt_view(workspace_file_db, "alice", "fair-1").items
        if item.response_id == first
    )
    shown = next(item for item in _page(at)["items"] if item["id"] == blind_id)
    assert ("scorer-v1" in shown["meta"] and "0.81" in shown["meta"]) == (mode != "hidden")
    assert shown["prefilled"] == (mode == "prefilled")
    assert ("Pre-filled" in shown["prefilled_note"]) == (mode == "prefilled")
    assert _labels(workspace_file_db) == {}  # a pre-filled score is not a label until confirmed
    if mode == "prefilled":
        _send(at, {blind_id: {"score": 2}})  # confirmed: its key, or a click on it
        assert _labels(workspace_file_db)[first][0] == 2
        assert not next(item for item in _page(at)["items"] if item["id"] == blind_id)["prefilled"]
        mode_recorded = workspace_file_db.execute(
            "SELECT suggestion_mode, suggestion_score FROM labels WHERE response_id = ?", [first]
        ).fetchone()
        assert mode_recorded == ("prefilled", 2)


def test_language_switch_is_remembered(workspace_file_db):
    at = _app(workspace_file_db, "alice")
    at.session_state["language"] = None
    at.run()
    assert at.sidebar.radio[0].value == "zh"
    at.sidebar.radio[0].set_value("en").run()
    assert workspace_file_db.execute("SELECT language FROM users WHERE name = 'alice'").fetchone()[0] == "en"
    assert "Annotate" in [button.label for button in at.button]
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    fresh.session_state["token"] = at.session_state["token"]
    fresh.run()
    assert fresh.sidebar.radio[0].value == "en"
    assert fresh.sidebar.caption[0].value.startswith("Logged in as")


def test_leads_can_reveal_model_names_annotators_cannot(workspace_file_db):
    annotator = _annotating(workspace_file_db, "alice")
    assert not annotator.toggle
    assert not any("Model:" in item["meta"] for item in _page(annotator)["items"])
    lead = _annotating(workspace_file_db, "lea")
    assert not any("Model:" in item["meta"] for item in _page(lead)["items"])
    lead.toggle(key="reveal").set_value(True).run()
    assert sum(item["meta"].startswith("Model:") for item in _page(lead)["items"]) == 3


def test_audit_page_lists_label_changes(workspace_file_db):
    from annotator.annotation import save_score

    target = responses_of("fair-1")[0]
    save_score(workspace_file_db, "alice", target, 2)
    save_score(workspace_file_db, "alice", target, 1)
    at = _app(workspace_file_db, "lea", "pages/audit.py")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(zip(table["From score"], table["To score"], strict=True))[:2] == [("2", 1), ("–", 2)]
    assert table["Kind"].tolist()[:2] == ["label", "label"] and table["To status (or reason)"][0] == "draft"


def test_a_read_only_database_gives_a_clear_message_not_a_traceback(workspace_file_db):
    at = _annotating(workspace_file_db)
    at.session_state["db"].conn.execute("PRAGMA query_only = ON")  # the page's own connection
    _scores(at, 3)
    assert not at.exception
    [(_, message)] = [fields["score"] for fields in _page(at)["refused"].values()]
    assert "read-only" in message and "nothing was saved" in message
    assert _labels(workspace_file_db) == {}
