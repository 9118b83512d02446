"""The Models page in-process with Streamlit's AppTest, against a fake OpenAI-compatible endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from annotator import auth
from annotator.endpoint_runs import ENDPOINTS_FILE_SETTING, RunSummary, Tally
from annotator.store import set_setting
from tests.app_support import through_app
from tests.browser_support import free_port
from tests.builders import PASSWORD, PROMPTS
from tests.chat_server import FakeEndpoint, completion_body
from tests.endpoint_data import endpoints_file, entry

ROOT = Path(__file__).parent.parent


def _page(db, user: str = "lea", language: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/models.py"), default_timeout=60)
    at.session_state["token"] = auth.login(db, user, PASSWORD).token
    at.session_state["language"] = language
    return at


def _answer(body, count):
    return 200, {}, completion_body(body["model"], "3")


def test_a_lead_collects_and_judges_with_the_page_and_sees_the_last_runs_failures(
    workspace_file_db, tmp_path
):
    with FakeEndpoint(_answer) as fake:
        path = endpoints_file(
            tmp_path / "endpoints.toml",
            entry("model", "new-model", fake.base_url, "served-model"),
            entry("model", "dead-model", f"http://127.0.0.1:{free_port()}/v1", "x", retries=0),
            entry("judge", "page-judge", fake.base_url, "judge-model"),
        )
        at = _page(workspace_file_db)
        at.run()
        assert not at.exception
        at.text_input(key="md_file").input(str(path)).run()
        coverage = at.dataframe[0].value
        assert coverage["Model"].tolist() == ["new-model", "dead-model"]
        assert coverage["Missing"].tolist() == [len(PROMPTS), len(PROMPTS)]

        at.button(key="md_run_collect").click().run()
        assert not at.exception
        assert at.warning[0].value == f"Done: {len(PROMPTS)} stored, {len(PROMPTS)} failed."
        assert at.dataframe[0].value["Responses present"].tolist() == [len(PROMPTS), 0]
        recent = at.dataframe[1].value  # in the expander of the model that answered
        assert recent["Endpoint model id"].tolist() == ["served-model"] * len(PROMPTS)
        assert set(recent["Finish reason"]) == {"stop"} and set(recent["Answer"]) == {"text"}
        failures = at.dataframe[-1].value
        assert failures["Model"].tolist() == ["dead-model"] and failures["Kind"].tolist() == ["connection"]

        at.button(key="md_run_judge").click().run()
        assert not at.exception
        responses = workspace_file_db.execute("SELECT count(*) FROM responses").fetchone()[0]
        assert at.success[0].value == f"Done: {responses} stored, 0 failed."
    assert (
        workspace_file_db.execute("SELECT count(*) FROM suggestions WHERE agent = 'page-judge'").fetchone()[0]
        == responses
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The endpoints file cannot be used: {path}: [[model]] entry 1 ('x'), key 'base_url': missing"),
        ("zh", "端点文件无法使用：{path}：第 1 个 `[[model]]` 条目（'x'），键 'base_url'：缺失"),
    ],
)
def test_a_bad_file_is_shown_in_the_ui_language(workspace_file_db, tmp_path, language, expected):
    path = endpoints_file(tmp_path / "bad.toml", "[[model]]\nname = 'x'\n")
    at = _page(workspace_file_db, language=language)
    at.run()
    at.text_input(key="md_file").input(str(path)).run()
    assert expected.format(path=path) in at.error[0].value


def test_a_failure_s_kind_is_shown_in_the_ui_language(workspace_file_db, tmp_path):
    path = endpoints_file(
        tmp_path / "endpoints.toml",
        entry("model", "dead-model", f"http://127.0.0.1:{free_port()}/v1", "x", retries=0),
    )
    at = _page(workspace_file_db, language="zh")
    at.run()
    at.text_input(key="md_file").input(str(path)).run()
    at.number_input(key="md_collect_limit").set_value(1).run()
    at.button(key="md_run_collect").click().run()
    assert not at.exception
    failures = at.dataframe[-1].value
    assert failures["类型"].tolist() == ["无法连接"]
    # the tool's words in the UI language, the client's own text as it is
    assert failures["错误信息"].str.startswith("无法连接：`ConnectError: ").all()


def test_a_run_recorded_without_message_keys_shows_its_english_message(workspace_file_db):
    summary = RunSummary("collect", "old.toml", {"m": Tally(1, 0, 1, 0, {"connection": "cannot connect: X"})})
    workspace_file_db["endpoint_runs"].insert(  # as runs were recorded before message keys were kept
        {
            "kind": "collect",
            "endpoints_file": "old.toml",
            "started_at": "2026-01-01T00:00:00Z",
            "summary": json.dumps(summary.as_dict()),
        }
    )
    at = _page(workspace_file_db, language="zh")
    at.run()
    assert not at.exception
    failures = at.dataframe[-1].value
    assert failures["类型"].tolist() == ["无法连接"] and failures["错误信息"].tolist() == [
        "cannot connect: X"
    ]


def test_annotators_may_not_open_the_page(workspace_file_db):
    at = _page(workspace_file_db, user="alice")
    at.run()
    assert at.error and not at.text_input


def test_switching_the_language_on_the_page_redraws_it_in_the_other_language(workspace_file_db, tmp_path):
    """Bug: the switch set each widget's value to itself, the keyed buttons too, which Streamlit
    refuses when the page draws them: the page stopped at its first button."""
    path = endpoints_file(tmp_path / "endpoints.toml", entry("model", "m", "http://127.0.0.1:1/v1", "x"))
    set_setting(workspace_file_db, ENDPOINTS_FILE_SETTING, str(path))  # the page fills it in
    at = through_app(workspace_file_db, "models", language="zh")
    assert at.selectbox(key="md_collect_dimension").proto.options[0] == "全部维度"
    at.radio(key="language_choice").set_value("en").run()
    assert not at.exception
    assert at.button(key="md_run_collect").label == "Collect"
    dimension = at.selectbox(key="md_collect_dimension")
    assert dimension.proto.raw_value == "All dimensions"  # not the placeholder "Choose an option"
