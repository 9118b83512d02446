"""Every page an admin may open, on the demo database, shows its text in the UI language only: zh
pages have no English words but names and data, en pages no Chinese but data; no table shows
true/false or None, and every chart has a title and axis names. The Annotate page is walked as an
annotator too (an admin has no queue), so its scoring component's text is checked; the Scorer
page shows the demo scorer's agreement with the final scores (its tables and confusion matrices)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from annotator import auth
from annotator.adjudication import adjudicate, adjudication_queue
from annotator.annotation import flag
from annotator.demo import build_demo
from annotator.gold import set_gold
from annotator.guidelines import save_guidelines
from annotator.i18n import LANGUAGES
from annotator.store import open_db, transaction
from annotator.users import set_language
from pages.common import PAGE_ROLES
from tests.ui_text import data_text, foreign_text, page_texts

ROOT = Path(__file__).parent.parent
PASSWORD = "demo-password"
ANNOTATOR = "liu_yang"  # a demo annotator with a queue, whose labels were given with suggestions
# (page, user): every page as the admin, and the Annotate page as an annotator with a queue.
WALKED = [(page, "admin") for page in PAGE_ROLES] + [("annotate", ANNOTATOR)]
# Pages whose tabs draw only when opened, and the key of their tabs' state.
LAZY_TABS = {"agreement": "ag_tab_{language}"}
SHOWN = {("annotate", ANNOTATOR): "bidi_component", ("scorer", "admin"): "plotly_chart"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo database with a flag, a gold response, guidelines, an adjudication and labels
    given with suggestions added."""
    import argon2

    from annotator import users

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "_hasher", argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        path = tmp_path_factory.mktemp("language") / "demo.db"
        db = open_db(path)
        build_demo(db, PASSWORD)
        annotator, prompt = db.execute("SELECT annotator, prompt_id FROM assignments LIMIT 1").fetchone()
        flag(db, annotator, prompt, "prompt_unclear", "看不懂")
        set_language(db, annotator, "en")  # a language column on the Users page
        response = db.execute("SELECT id FROM responses LIMIT 1").fetchone()[0]
        set_gold(db, response, 3, "admin")
        save_guidelines(db, "# 指南\n\n逐条评分。", "admin")
        adjudicate(db, adjudication_queue(db)[0].response_id, 1, "admin", "other", "复核")
        with transaction(db):  # two annotators saw the demo scorer's suggestions: the anchoring tab
            for annotator, mode in ((ANNOTATOR, "shown"), ("zhao_min", "prefilled")):
                db.execute(
                    "UPDATE labels SET suggestion_mode = ?, suggestion_agent = 'demo-scorer', "
                    "suggestion_score = COALESCE((SELECT score FROM suggestions s "
                    "WHERE s.response_id = labels.response_id), 3) WHERE annotator = ?",
                    [mode, annotator],
                )
        yield path, db


def element_kinds(node) -> set[str]:
    kinds = {getattr(node, "type", "")}
    for child in (getattr(node, "children", None) or {}).values():
        kinds |= element_kinds(child)
    return kinds


@pytest.fixture
def streamlit_warnings() -> Iterator[list[str]]:
    """What Streamlit logs as a warning or error while a page runs: deprecations (it logs them, it
    does not warn) and tables it could not convert for the browser."""
    found: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING and "ScriptRunContext" not in record.getMessage():
                found.append(f"{record.name}: {record.getMessage()[:300]}")

    # Streamlit's loggers do not propagate: each has its own handler.
    loggers = [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if name == "streamlit" or name.startswith("streamlit.")
    ]
    handler = Collect()
    for logger in loggers:
        logger.addHandler(handler)
    yield found
    for logger in loggers:
        logger.removeHandler(handler)


# pandas and plotly warn of what they will drop: a page must not use it.
@pytest.mark.filterwarnings("error::FutureWarning", "error::DeprecationWarning")
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize(("page", "user"), WALKED)
def test_every_text_on_the_page_is_in_the_ui_language(
    demo, monkeypatch, streamlit_warnings, page, user, language
):
    path, db = demo
    monkeypatch.setenv("ANNOTATOR_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["token"] = auth.login(db, user, PASSWORD).token
    at.session_state["language"] = language
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception
    if (page, user) in SHOWN:  # the walk reached what it is meant to check
        assert SHOWN[page, user] in element_kinds(at._tree)
    texts, problems = page_texts(at)
    if page in LAZY_TABS:  # the other tabs are drawn when opened: open each
        for label in [tab.label for tab in at.tabs][1:]:
            at.session_state[LAZY_TABS[page].format(language=language)] = label
            at.run()
            assert not at.exception
            more_texts, more_problems = page_texts(at)
            assert set(more_texts) - set(texts), f"tab {label} drew nothing new"  # it did open
            texts, problems = texts + more_texts, problems + more_problems
    # The language choice names each language in its own language.
    data = data_text(db) + "\n".join(LANGUAGES.values())
    found = problems + foreign_text(texts, language, data) + streamlit_warnings
    assert not found, "\n".join(found)


def test_switching_the_language_redraws_a_select_box_s_chosen_label(demo, monkeypatch):
    """Streamlit sends a kept choice's label only when the value is set: the switch sets it."""
    path, db = demo
    monkeypatch.setenv("ANNOTATOR_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["token"] = auth.login(db, "admin", PASSWORD).token
    at.session_state["language"] = "zh"
    at.run()
    at.switch_page("pages/leaderboard.py")
    at.run()
    assert at.selectbox(key="lb_source").proto.options[0] == "人工（合并后的最终得分）"
    at.radio(key="language_choice").set_value("en").run()
    source = at.selectbox(key="lb_source")
    assert source.value == "human"
    assert source.proto.set_value and source.proto.raw_value == "humans (consolidated final scores)"
