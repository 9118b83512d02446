"""Every page in headless Chromium, as an admin, over data full of HTML, script and markdown
injection (prompt, responses, explanations, flag note, guidelines, skip reason): nothing runs and
nothing remote loads. User names cannot hold markup at all (see users.check_name)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from annotator.annotation import flag, skip_prompt
from annotator.guidelines import save_guidelines
from annotator.ids import response_id
from annotator.store import open_db, transaction
from annotator.users import set_role
from pages.common import PAGE_ROLES
from tests.browser_support import chromium, log_in, streamlit_server
from tests.builders import PASSWORD, add_label, at, build_workspace

pytestmark = pytest.mark.browser

ATTACK = (
    "<script>window.__xss = 1</script>"
    '<img src="http://example.invalid/a.png" onerror="window.__xss = 2">'
    '<iframe src="http://example.invalid/f"></iframe>'
    "![t](http://example.invalid/m.png) [link](javascript:window.__xss=3) **粗体**"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser_security") / "app.db"
    db = open_db(path)
    build_workspace(db, annotators=("alice", "bob", "root"))
    set_role(db, "root", "admin")  # an admin with a queue
    target = response_id("fair-1", "model-a")
    with transaction(db):  # the attack in texts an import stores as they are
        db.execute("UPDATE prompts SET text = ? WHERE id = 'fair-1'", ["提示" + ATTACK])
        db.execute("UPDATE responses SET text = ? WHERE id = ?", ["回复" + ATTACK, target])
    add_label(db, target, "alice", 3, explanation="理由" + ATTACK)
    add_label(db, target, "bob", 1, explanation=ATTACK)
    with at():
        save_guidelines(db, "# 指南\n\n" + ATTACK, "lea")
    flag(db, "alice", "fair-1", "other", ATTACK, response_id=target)
    skip_prompt(db, "bob", "legal-1", ATTACK)
    with streamlit_server(path) as url, chromium() as browser:
        yield url, browser


@pytest.mark.parametrize("page_name", list(PAGE_ROLES))
def test_injected_markup_is_inert_on_every_page(app, page_name):
    url, browser = app
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, url, "root", PASSWORD)
    page.goto(f"{url}/{page_name}")
    page.wait_for_function(
        "document.querySelector('[data-test-script-state]')?.getAttribute('data-test-script-state')"
        " === 'notRunning' && document.querySelector('h1, h2, h3')"
    )
    assert page.evaluate("window.__xss") is None
    assert page.locator("main iframe[src*='example.invalid'], main img[src*='example.invalid']").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    assert [u for u in requests if urlparse(u).hostname not in ("127.0.0.1", None)] == []
    page.close()


def test_a_typed_address_opens_after_login_and_a_forbidden_one_refuses_in_the_ui_language(app, tmp_path):
    _, browser = app  # one Playwright per module: a second one inside it is refused
    path = tmp_path / "app.db"
    build_workspace(open_db(path))
    # A fresh server whose first visitor asks for a page address, like a tab open across a restart.
    with streamlit_server(path) as url:
        page = browser.new_page()
        page.goto(f"{url}/guidelines")  # logged out: the login form, then this page
        page.get_by_label("用户名").fill("alice")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        page.get_by_role("heading", name="标注指南", exact=True).wait_for()
        page.goto(f"{url}/progress")  # a lead page, typed by an annotator
        page.get_by_text("您没有权限查看此页面。").wait_for()
        page.wait_for_function(
            "document.querySelector('[data-test-script-state]')?.getAttribute('data-test-script-state')"
            " === 'notRunning'"
        )
        assert page.get_by_text("Page not found").count() == 0
        menu = page.locator("[data-testid='stSidebarNavLink']").all_inner_texts()
        assert "标注" in menu and "进度" not in menu and "common" not in menu
