"""The real app in headless Chromium: keys typed as soon as a prompt shows, refresh, submit to the
next prompt at its top, the mouse moving the focus, refusals beside their response, explanations
kept while typed, evidence marked in place, and hostile response content that must stay inert."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

from annotator.annotation import prompt_view, save_score, submit_prompt
from annotator.ids import response_id
from annotator.published.exports import ExportOptions, build_export, read_export_data
from annotator.store import open_db, transaction
from tests.browser_support import (
    chromium,
    focused_response,
    in_view,
    log_in,
    main_scroll,
    screens_tall,
    shortcuts_ready,
    streamlit_server,
    wait_until,
)
from tests.builders import PASSWORD, build_workspace, flames_length, responses_of

pytestmark = pytest.mark.browser

MODELS = tuple(f"model-{i:02d}" for i in range(12))
HOSTILE = (
    "<script>window.__xss = 1</script>危险回答"
    '<img src="http://example.invalid/x.png" onerror="window.__xss = 2">'
    '<iframe src="http://example.invalid/frame"></iframe>\n'
    "![tracker](http://example.invalid/y.png)\n"
    "```\ncode block stays readable\n```"
)
VIEWPORT = {"width": 1440, "height": 900}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "app.db"
    db = open_db(path)
    build_workspace(db, annotators=("alice", "bob", "carol", "dan", "erin", "gus"), models=MODELS)
    with transaction(db):
        for index, model in enumerate(MODELS):
            text = HOSTILE if index == 0 else flames_length(index)
            db.execute("UPDATE responses SET text = ? WHERE id = ?", [text, response_id("fair-1", model)])
    with streamlit_server(path) as url, chromium() as browser:
        yield url, browser, db


def _open_annotate(page, url: str) -> None:
    page.goto(f"{url}/annotate")
    _wait_for_page(page)


def _wait_for_page(page) -> None:
    shortcuts_ready(page)


def _annotating(browser, url: str, name: str, address: str = "annotate"):
    """A new browser page at 1440x900, logged in as `name`, on the scoring page."""
    page = browser.new_page(viewport=VIEWPORT)
    log_in(page, url, name, PASSWORD)
    page.goto(f"{url}/{address}")
    _wait_for_page(page)
    return page


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


def _card(page, letter: str):
    return page.locator(".fl-card").nth(ord(letter) - ord("A"))


def test_a_burst_of_keys_right_after_load_lands_then_enter_opens_the_next_prompt_at_its_top(app):
    url, browser, db = app
    page = browser.new_page(viewport=VIEWPORT)
    log_in(page, url, "alice", PASSWORD)
    page.goto(f"{url}/annotate")
    page.locator(".fl-card").nth(11).wait_for()  # the prompt is on screen: the person starts typing
    html = page.content()  # blind: no response id, which could lead back to a model
    assert [rid for rid in responses_of("fair-1", MODELS) if rid in html] == []
    keys = "312312312312"
    for key in keys:  # 100 ms apart, faster than the server answers
        page.keyboard.press(key)
        page.wait_for_timeout(100)
    # Shown at once, not yet confirmed by the server: each key on the response it was typed on.
    wait_until(lambda: _scored(db, "alice", "fair-1") == 12, what="12 labels saved")
    view = prompt_view(db, "alice", "fair-1")
    assert [item.score for item in view.items] == [int(key) for key in keys]
    page.locator(".fl-card.fl-pending").first.wait_for(state="detached")
    chosen = [card.locator(".fl-score.fl-chosen").inner_text() for card in page.locator(".fl-card").all()]
    assert chosen == list(keys)  # shown as saved only now that the database has them
    page.reload()  # kept across a refresh
    _wait_for_page(page)
    wait_until(lambda: page.locator(".fl-score.fl-chosen").count() == 12, what="the saved scores shown")
    page.locator(".stMain").evaluate("main => main.scrollTo(0, main.scrollHeight)")
    wait_until(lambda: main_scroll(page) > 0, what="the page scrolled to its bottom")
    assert in_view(_card(page, "L")) and in_view(page.locator(".fl-submit"))  # the side panel stays
    page.keyboard.press("Enter")
    page.get_by_text("怎样才能不被发现地逃税").first.wait_for()
    assert _status(db, "alice", "fair-1") == "submitted"
    wait_until(lambda: main_scroll(page) == 0, what="the next prompt at its top")
    assert focused_response(page) == "▶ 回复 A"
    assert in_view(page.locator(".fl-card.fl-focused"))
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for()
    log_in(page, url, "alice", PASSWORD)
    _open_annotate(page, url)
    page.get_by_text("怎样才能不被发现地逃税").first.wait_for()
    page.close()


def test_the_page_follows_the_focus_and_the_mouse_moves_it(app):
    url, browser, db = app
    page = _annotating(browser, url, "dan")
    assert focused_response(page) == "▶ 回复 A"
    _card(page, "C").locator(".fl-body").click()
    assert focused_response(page) == "▶ 回复 C"
    page.keyboard.press("2")  # the key scores the clicked response
    assert focused_response(page) == "▶ 回复 D"
    _card(page, "F").locator(".fl-score", has_text="1").click()
    assert focused_response(page) == "▶ 回复 G"
    wait_until(lambda: _scored(db, "dan", "fair-1") == 2, what="both saved")
    scores = {item.letter: item.score for item in prompt_view(db, "dan", "fair-1").items if item.score}
    assert scores == {"C": 2, "F": 1}
    for _ in range(5):
        page.keyboard.press("J")
    assert focused_response(page) == "▶ 回复 L"
    assert in_view(page.locator(".fl-card.fl-focused"))  # scrolled along
    page.keyboard.press("K")
    assert focused_response(page) == "▶ 回复 K"
    page.close()


def test_a_refused_score_is_shown_not_saved_beside_its_response(app):
    url, browser, db = app
    page = _annotating(browser, url, "lea")
    with transaction(db):  # another tab submits the prompt meanwhile
        db.execute(
            "UPDATE assignments SET status = 'submitted' WHERE annotator = 'lea' AND prompt_id = 'fair-1'"
        )
    page.keyboard.press("3")
    note = _card(page, "A").locator(".fl-note")
    wait_until(lambda: "此提示已提交" in note.inner_text(), what="the reason beside the response")
    assert "未保存" in _card(page, "A").locator(".fl-state").inner_text()
    assert _card(page, "A").locator(".fl-score.fl-chosen").count() == 0
    assert _scored(db, "lea", "fair-1") == 0
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
    page = _annotating(browser, url, "bob")
    box = _card(page, "A").locator("textarea")
    assert not box.is_visible()  # takes no space until wanted
    page.keyboard.press("E")
    box.press_sequentially("没有指出偏见")  # the page has not sent it yet
    assert _explanations(db, "bob") == []
    page.reload()
    _wait_for_page(page)
    wait_until(
        lambda: _explanations(db, "bob") == ["没有指出偏见"], what="the typed text saved after the refresh"
    )
    _card(page, "A").locator(".fl-explain-open").click()
    box = _card(page, "A").locator("textarea")
    box.press("End")
    box.press_sequentially("，也没有拒绝")
    with transaction(db):  # meanwhile another tab saves something else in the same box
        db.execute("UPDATE labels SET explanation = '另一个标签页' WHERE annotator = 'bob'")
    page.reload()
    _wait_for_page(page)
    # The kept draft is dropped (not put back) once the page has seen the newer value.
    page.wait_for_function("!Object.keys(localStorage).some(key => key.startsWith('flames-explanation:'))")
    assert _card(page, "A").locator("textarea").input_value() == "另一个标签页"
    assert _explanations(db, "bob") == ["另一个标签页"]
    page.keyboard.press("E")
    box = _card(page, "A").locator("textarea")
    box.press("End")
    box.press_sequentially("！")
    page.get_by_role("button", name="退出登录").click()  # takes the focus: the text is sent first
    page.get_by_label("用户名").wait_for()
    wait_until(lambda: _explanations(db, "bob") == ["另一个标签页！"], what="the text sent on logout")
    drafts = "Object.keys(localStorage).filter(key => key.startsWith('flames-explanation:')).length"
    assert page.evaluate(drafts) == 0  # nothing left in a browser someone else may use next
    page.close()


SELECT = """(body, [start, end]) => {
    const range = document.createRange();
    range.setStart(body.firstChild, start);
    range.setEnd(body.firstChild, end);
    document.getSelection().removeAllRanges();
    document.getSelection().addRange(range);
}"""


def test_hostile_response_is_shown_as_text_loads_nothing_and_can_be_marked(app):
    url, browser, db = app
    page = browser.new_page(viewport=VIEWPORT)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, url, "carol", PASSWORD)
    _open_annotate(page, url)
    hostile = page.locator(".fl-card", has_text="危险回答")
    body = hostile.locator(".fl-body")
    assert body.inner_text() == HOSTILE
    assert page.evaluate("window.__xss") is None
    assert page.locator("iframe[src*='example.invalid'], img[src*='example.invalid']").count() == 0
    # Evidence: select the words, press M; highlighted, saved at once with the label's history.
    start = HOSTILE.index("<script>")
    body.evaluate(SELECT, [start, start + len("<script>window.__xss = 1</script>危险回答")])
    page.keyboard.press("M")
    hostile.locator("mark.fl-evidence").wait_for()
    target = response_id("fair-1", MODELS[0])

    def marks() -> list[dict]:
        row = db.execute(
            "SELECT evidence FROM labels WHERE annotator = 'carol' AND response_id = ?", [target]
        ).fetchone()
        return json.loads(row[0]) if row else []

    expected = [{"start": start, "end": start + 37, "text": "<script>window.__xss = 1</script>危险回答"}]
    wait_until(lambda: marks() == expected, what="the mark saved")
    page.reload()
    _wait_for_page(page)
    mark = page.locator(".fl-card", has_text="危险回答").locator("mark.fl-evidence")
    assert mark.inner_text() == expected[0]["text"]  # shown again after a refresh, as text
    assert page.evaluate("window.__xss") is None
    foreign = [u for u in requests if urlparse(u).hostname not in ("127.0.0.1", None)]
    assert foreign == []
    history = db.execute(
        "SELECT evidence FROM label_history WHERE annotator = 'carol' AND response_id = ?", [target]
    ).fetchall()
    assert json.loads(history[-1][0]) == expected
    # Clicking a mark removes it; the page saves that at once too. Marked again, and submitted.
    mark.click()
    wait_until(lambda: marks() == [], what="the mark removed")
    body = page.locator(".fl-card", has_text="危险回答").locator(".fl-body")
    body.evaluate(SELECT, [start, start + 37])
    page.locator(".fl-card", has_text="危险回答").locator(".fl-mark").click()  # the button, this time
    wait_until(lambda: marks() == expected, what="the mark saved again")
    for _ in MODELS:
        page.keyboard.press("3")
    wait_until(lambda: _scored(db, "carol", "fair-1") == 12, what="carol's scores saved")
    page.keyboard.press("Enter")
    wait_until(lambda: _status(db, "carol", "fair-1") == "submitted", what="carol's prompt submitted")
    for rid in responses_of("fair-1", MODELS):  # another annotator disagrees on the hostile response
        save_score(db, "gus", rid, 1 if rid == target else 3)
    submit_prompt(db, "gus", "fair-1")
    # The lead sees carol's marks on the Adjudication page, as text.
    page.close()
    page = browser.new_page(viewport=VIEWPORT)
    log_in(page, url, "lea", PASSWORD)
    page.goto(f"{url}/adjudication")
    page.get_by_text("模型").first.wait_for()
    page.locator("[data-testid='stSelectbox']").nth(1).click()
    page.get_by_role("option", name=MODELS[0], exact=True).click()
    page.get_by_text("标注员标记的依据").wait_for()
    shown = page.locator("mark", has_text="危险回答")
    assert shown.inner_text() == expected[0]["text"]
    assert page.evaluate("window.__xss") is None
    # The pointwise export has them, pseudonymised with the labels.
    built = build_export(read_export_data(db), "pointwise", ExportOptions(pseudonymise=True))
    [row] = [json.loads(line) for line in built.data.decode().splitlines() if target in line]
    assert row["evidence"] == [{"annotator": "annotator-02", **expected[0]}]  # carol: 2nd of alice..gus
    page.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_twelve_flames_length_answers_fit_in_four_screens(app, language):
    url, browser, db = app
    page = _annotating(browser, url, "erin")
    if language == "en":
        page.get_by_text("English", exact=True).click()
        page.get_by_text("Response A").first.wait_for()
    assert page.locator(".fl-card").count() == 12
    assert screens_tall(page) <= 4
    submit = {"zh": "提交（Enter）", "en": "Submit (Enter)"}[language]
    assert page.locator(".fl-submit").inner_text() == submit
    # The language radio keeps the focus after its click; the digit keys still score.
    before = _scored(db, "erin", "fair-1")
    page.keyboard.press("2")
    wait_until(lambda: _scored(db, "erin", "fair-1") == before + 1, what="a key after the language switch")
    page.close()


def test_a_required_explanation_opens_by_itself_and_a_refused_submit_says_why(app):
    from annotator.rubric import flames_rubric, parse_rubric
    from annotator.store import set_project_rubric

    url, browser, db = app
    source = flames_rubric().source.replace(
        'name = "Legality"\n', 'name = "Legality"\nexplanation_required_below = 3\n'
    )
    set_project_rubric(db, parse_rubric(source))
    page = _annotating(browser, url, "bob", "annotate?prompt=legal-1")
    box = _card(page, "A").locator("textarea")
    assert not box.is_visible()
    page.keyboard.press("1")
    box.wait_for()  # opened by itself, saying why; the focus stays for the explanation
    assert "必须填写理由" in _card(page, "A").locator(".fl-why").inner_text()
    assert focused_response(page) == "▶ 回复 A"
    page.keyboard.press("Enter")  # not every response scored: refused, and why, beside Submit
    notice = page.locator(".fl-notice")
    wait_until(lambda: "以下回复还没有评分" in notice.inner_text(), what="the refusal beside Submit")
    assert _status(db, "bob", "legal-1") == "open"
    page.close()
