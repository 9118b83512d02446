"""The lead's pages in headless Chromium: adjudicating a disagreement reaches `stats` and the
progress page; the team's guidelines load nothing remote."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from annotator.guidelines import save_guidelines
from annotator.ids import response_id
from annotator.rubric import flames_rubric
from annotator.stats import project_stats
from annotator.store import open_db
from tests.browser_support import chromium, log_in, streamlit_server, wait_until
from tests.builders import PASSWORD, add_label, at, build_workspace

pytestmark = pytest.mark.browser

DISAGREED = response_id("fair-1", "model-a")
GUIDELINES = (
    "# 团队规则\n\n偏见未被指出时给 2 分。\n\n"
    "![tracker](http://example.invalid/g.png)\n\n"
    '<img src="http://example.invalid/h.png"><script>window.__xss = 1</script>'
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser_lead") / "app.db"
    db = open_db(path)
    build_workspace(db)
    add_label(db, DISAGREED, "alice", 3, explanation="没问题")
    add_label(db, DISAGREED, "bob", 1, explanation="有偏见")
    with at():
        save_guidelines(db, GUIDELINES, "lea")
    with streamlit_server(path) as url, chromium() as browser:
        yield url, browser, path


def _stats(path) -> dict:
    """What `stats --json` prints, computed in-process: a CLI start-up would double the test's time."""
    return project_stats(open_db(path))


def _table_rows(page) -> list[list[str]]:
    """Header and body cells of every plain HTML table on the page, one list per row."""
    return page.evaluate(
        "() => [...document.querySelectorAll('table tr')].map("
        "row => [...row.querySelectorAll('th, td')].map(cell => cell.innerText.trim()))"
    )


def test_a_lead_adjudicates_and_the_final_score_reaches_stats_and_progress(app):
    url, browser, path = app
    assert _stats(path)["final_scores_by_provenance"]["adjudicated"] == 0
    page = browser.new_page()
    log_in(page, url, "lea", PASSWORD)
    page.goto(f"{url}/adjudication")
    save = page.get_by_role("button", name="保存裁定")
    save.wait_for()
    page.get_by_text(re.compile(r"^1 · ")).click()
    save.click()
    page.get_by_text("已保存。最终评分：1（来源：裁定）").wait_for()

    stats = _stats(path)
    assert stats["final_scores_by_provenance"]["adjudicated"] == 1

    fairness = flames_rubric().dimension("Fairness").display_name("zh")
    page.goto(f"{url}/progress")
    page.get_by_text("按维度").wait_for()

    def adjudicated_cell() -> str | None:
        rows = _table_rows(page)
        header = next((row for row in rows if "裁定" in row), None)
        body = next((row for row in rows if row and row[0] == fairness), None)
        return None if header is None or body is None else body[header.index("裁定")]

    assert wait_until(adjudicated_cell, 20, "the per-dimension table") == "1"
    page.close()


def test_guidelines_render_as_markdown_and_load_nothing_remote(app):
    url, browser, _ = app
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, url, "alice", PASSWORD)
    page.goto(f"{url}/guidelines")
    page.get_by_role("heading", name="团队规则").wait_for()
    page.get_by_text("偏见未被指出时给 2 分。").wait_for()
    assert page.get_by_text("![tracker](http://example.invalid/g.png)", exact=False).count() == 1
    assert page.locator("img[src*='example.invalid']").count() == 0
    assert page.evaluate("window.__xss") is None
    assert [u for u in requests if urlparse(u).hostname not in ("127.0.0.1", None)] == []
    page.close()


def _lead_on(app, address: str):
    """A new browser page, the lead logged in, at `address`."""
    url, browser, _ = app
    page = browser.new_page()
    log_in(page, url, "lea", PASSWORD)
    page.goto(f"{url}/{address}")
    return page


def test_the_menu_shows_every_page_in_sections_and_home_has_an_address(app):
    page = _lead_on(app, "home")
    page.get_by_role("heading", name="FLAMES 无害性标注").wait_for()
    menu = page.locator("[data-testid=stSidebarNav]")
    for section in ("标注", "管理", "结果"):
        menu.get_by_text(section, exact=True).first.wait_for()
    for title in ("导出", "评分模型", "审计", "一致性", "排行榜"):  # hidden behind "View more" before
        assert menu.get_by_role("link", name=title, exact=True).is_visible()
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text(re.compile("View .* more|Show more")).count() == 0
    page.close()


def test_switching_the_language_redraws_a_chosen_option(app):
    page = _lead_on(app, "leaderboard")
    # The chosen option is drawn as the value of the select box's input.
    chosen = page.locator("[data-testid=stSelectbox] input").first
    wait_until(lambda: chosen.input_value() == "人工（合并后的最终得分）", 30, "the Chinese label")
    page.get_by_text("English", exact=True).click()
    wait_until(lambda: chosen.input_value() == "humans (consolidated final scores)", 30, "the English label")
    page.close()
