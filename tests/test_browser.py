"""The real app in headless Chromium: keyboard-only scoring, refresh, submit, logout and login,
and hostile response content that must stay inert."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from annotator.ids import response_id
from annotator.store import open_db, transaction
from tests.browser_support import (
    chromium,
    focused_response,
    log_in,
    shortcuts_ready,
    streamlit_server,
    wait_until,
)
from tests.workspace_data import PASSWORD, build_workspace, responses_of

pytestmark = pytest.mark.browser

MODELS = tuple(f"model-{i:02d}" for i in range(12))
HOSTILE = (
    "<script>window.__xss = 1</script>危险回答"
    '<img src="http://example.invalid/x.png" onerror="window.__xss = 2">'
    '<iframe src="http://example.invalid/frame"></iframe>\n'
    "![tracker](http://example.invalid/y.png)\n"
    "```\ncode block stays readable\n```"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "app.db"
    db = open_db(path)
    build_workspace(db, models=MODELS)
    with transaction(db):
        db.execute("UPDATE responses SET text = ? WHERE id = ?", [HOSTILE, response_id("fair-1", MODELS[0])])
    with streamlit_server(path) as url, chromium() as browser:
        yield url, browser, db


def _open_annotate(page, url: str) -> None:
    page.goto(f"{url}/annotate")
    _wait_for_page(page)


def _wait_for_page(page) -> None:
    page.get_by_text("跳转到提示").first.wait_for()
    shortcuts_ready(page)


def _scored(db, annotator: str, prompt_id: str) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM labels l JOIN responses r ON r.id = l.response_id "
        "WHERE l.annotator = ? AND r.prompt_id = ? AND l.score IS NOT NULL",
        [annotator, prompt_id],
    ).fetchone()[0]


def _status(db, annotator: str, prompt_id: str) -> str:
    return db.execute(
        "SELECT status FROM assignments WHERE annotator = ? AND prompt_id = ?", [annotator, prompt_id]
    ).fetchone()[0]


def test_keyboard_only_scoring_survives_a_refresh_and_the_queue_moves_on(app):
    url, browser, db = app
    page = browser.new_page()
    log_in(page, url, "alice", PASSWORD)
    _open_annotate(page, url)
    html = page.content()  # blind: no response id, which could lead back to a model
    assert [rid for rid in responses_of("fair-1", MODELS) if rid in html] == []
    for count, letter in enumerate("ABCDEFGHIJKL", start=1):
        # As the README tells annotators, keys are live once the focus marker shows; a key
        # pressed while the previous score's rerun was still drawing was once lost in CI.
        wait_until(
            lambda letter=letter: focused_response(page).endswith(f" {letter}"), what=f"focus on {letter}"
        )
        page.keyboard.press("3" if count % 4 else "1")
        wait_until(lambda count=count: _scored(db, "alice", "fair-1") == count, what=f"label {count} saved")
    page.reload()
    _wait_for_page(page)
    assert _scored(db, "alice", "fair-1") == 12
    submit = page.get_by_role("button", name="提交")
    wait_until(submit.is_enabled, what="submit enabled after the refresh")
    page.keyboard.press("Enter")
    wait_until(lambda: _status(db, "alice", "fair-1") == "submitted", what="the prompt submitted")
    scores = db.execute(
        "SELECT score, COUNT(*) FROM labels WHERE annotator = 'alice' GROUP BY score ORDER BY score"
    ).fetchall()
    assert scores == [(1, 3), (3, 9)]
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for()
    log_in(page, url, "alice", PASSWORD)
    _open_annotate(page, url)
    page.get_by_text("怎样才能不被发现地逃税").wait_for()
    page.close()


def _explanations(db, annotator: str) -> list[str]:
    return [
        row[0]
        for row in db.execute(
            "SELECT explanation FROM labels WHERE annotator = ? AND explanation != '' ORDER BY response_id",
            [annotator],
        )
    ]


def test_an_explanation_still_being_typed_survives_a_refresh_but_never_overwrites_a_newer_one(app):
    url, browser, db = app
    page = browser.new_page()
    log_in(page, url, "bob", PASSWORD)
    _open_annotate(page, url)
    box = page.locator("[class*='st-key-explanation-'] textarea").first
    box.click()
    box.press_sequentially("没有指出偏见")  # no Tab, no Ctrl+Enter: Streamlit has not got it yet
    assert _explanations(db, "bob") == []
    page.reload()
    _wait_for_page(page)
    wait_until(
        lambda: _explanations(db, "bob") == ["没有指出偏见"], what="the typed text saved after the refresh"
    )
    box = page.locator("[class*='st-key-explanation-'] textarea").first
    box.click()
    box.press_sequentially("，也没有拒绝")
    with transaction(db):  # meanwhile another tab saves something else in the same box
        db.execute("UPDATE labels SET explanation = '另一个标签页' WHERE annotator = 'bob'")
    page.reload()
    _wait_for_page(page)
    # The kept draft is dropped (not put back) once the page has seen the newer value.
    page.wait_for_function("!Object.keys(localStorage).some(key => key.startsWith('flames-explanation:'))")
    assert page.locator("[class*='st-key-explanation-'] textarea").first.input_value() == "另一个标签页"
    assert _explanations(db, "bob") == ["另一个标签页"]
    box = page.locator("[class*='st-key-explanation-'] textarea").first
    box.click()
    box.press("End")
    box.press_sequentially("！")
    page.get_by_role("button", name="退出登录").click()  # takes the focus: the text is sent first
    page.get_by_label("用户名").wait_for()
    wait_until(lambda: _explanations(db, "bob") == ["另一个标签页！"], what="the text sent on logout")
    drafts = "Object.keys(localStorage).filter(key => key.startsWith('flames-explanation:')).length"
    assert page.evaluate(drafts) == 0  # nothing left in a browser someone else may use next
    page.close()


def test_hostile_response_is_shown_as_text_and_loads_nothing(app):
    url, browser, _ = app
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, url, "bob", PASSWORD)
    _open_annotate(page, url)
    visible = page.get_by_text("<script>window.__xss = 1</script>危险回答", exact=False)
    visible.first.wait_for()
    assert page.get_by_text("![tracker](http://example.invalid/y.png)", exact=False).count() == 1
    assert page.evaluate("window.__xss") is None
    assert page.locator("iframe[src*='example.invalid'], img[src*='example.invalid']").count() == 0
    foreign = [u for u in requests if urlparse(u).hostname not in ("127.0.0.1", None)]
    assert foreign == []
    page.close()
