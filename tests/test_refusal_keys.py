"""Refusals of gold checks, exports, splits, leaderboards, the rubric, the endpoints file and
collect and judge runs carry message keys, so a
page shows them in the UI language (the command line keeps the English text)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx2
import openai
import pytest

from annotator import collect, endpoint_runs, judge
from annotator.endpoints import EndpointsError, load_endpoints
from annotator.gold import mix_gold, set_gold
from annotator.i18n import Refusal
from annotator.importers import add_responses
from annotator.published.exports import ExportOptions, build_export, read_export_data
from annotator.published.leaderboard import leaderboard
from annotator.rubric import RubricError, flames_rubric, parse_rubric
from annotator.splits import split_by_model
from annotator.store import set_project_rubric
from tests.builders import build_workspace, store_prompts
from tests.ui_text import CODE_SPAN, FILE_NAME, LATIN_WORD, LETTER, PROPER_NAMES

ONE_DIMENSION = 'name = "one"\nversion = "1"\n[[dimensions]]\nname = "Fairness"\n' + "\n".join(
    f'[[dimensions.levels]]\nscore = {s}\nen = "level {s}"' for s in (3, 1)
)


@pytest.fixture
def workspace(db, fast_hashing):
    build_workspace(db)
    return db


@pytest.mark.parametrize(
    ("action", "english", "chinese"),
    [
        (lambda db: set_gold(db, "nope", 3, "lea"), "no response with id 'nope'", "没有 ID 为 'nope' 的回复"),
        (lambda db: mix_gold(db, ["alice"], 1.5), "the gold rate must be", "金标准比例须不小于 0"),
        (lambda db: flames_rubric().check_score("Fairness", 7), "score 7 is not allowed", "不允许评分 7"),
        (
            lambda db: leaderboard(db, "ghost"),
            "no suggestions from agent 'ghost'",
            "评分模型 'ghost' 没有建议",
        ),
        (lambda db: split_by_model([{"model": "a"}], ["b"], None), "validation models not in", "数据中没有"),
        (
            lambda db: set_project_rubric(db, parse_rubric(ONE_DIMENSION)),
            "the rubric lacks dimensions",
            "该评分标准缺少已有提示使用的维度",
        ),
        (
            lambda db: build_export(read_export_data(db), "pointwise", ExportOptions(license="two  spaces")),
            "the licence must be one line",
            "许可证须是一行文字",
        ),
    ],
)
def test_a_refusal_reads_in_either_language(workspace, action, english, chinese):
    with pytest.raises(Refusal) as refused:
        action(workspace)
    assert english in str(refused.value)
    assert chinese in refused.value.in_language("zh")


def _export(db, **options):
    return build_export(read_export_data(db), "pointwise", ExportOptions(**options))


@pytest.mark.parametrize(
    ("action", "english", "chinese"),
    [
        (
            lambda db: split_by_model([{"model": "a"}], ["b"], None),
            "validation models not in the data: b (models present: a)",
            "数据中没有这些验证模型：b（已有模型：a）",
        ),
        (
            lambda db: split_by_model([{"model": "a"}], None, ["b"]),
            "test models not in the data: b (models present: a)",
            "数据中没有这些测试模型：b（已有模型：a）",
        ),
        (lambda db: split_by_model([], ["b"], None), "(models present: none)", "（已有模型：无）"),
        (
            lambda db: _export(db, dimensions=["Fairnes"]),
            "unknown dimension Fairnes (known: ",
            "未知的维度：Fairnes（",
        ),
        (lambda db: _export(db, models=["GPT-5"]), "unknown model GPT-5 (known: ", "未知的模型：GPT-5（"),
        (lambda db: _export(db, batches=["b9"]), "unknown batch b9 (known: ", "未知的批次：b9（"),
        (lambda db: leaderboard(db, "ghost"), "(agents with suggestions: none)", "（有建议的评分模型：无）"),
    ],
)
def test_names_in_a_refusal_read_in_its_language(workspace, action, english, chinese):
    """Split and filter names and "none" are translated with the refusal, data names are not."""
    with pytest.raises(Refusal) as refused:
        action(workspace)
    assert english in str(refused.value)
    zh = refused.value.in_language("zh")
    assert chinese in zh
    assert not re.search(
        r"(?<![A-Za-z0-9_-])(validation|test|dimension|model|batch|none)(?![A-Za-z0-9_-])", zh
    )


def test_a_rubric_refusal_is_still_a_rubric_error():
    with pytest.raises(RubricError):
        flames_rubric().dimension("Nope")


ENTRY = '[[model]]\nname = "A"\nbase_url = "http://127.0.0.1:1/v1"\nmodel = "a"\n'
JUDGE = ENTRY.replace("[[model]]", "[[judge]]")


def _zh_words(zh: str, path: Path) -> list[str]:
    """Latin words of a zh refusal beyond the file's path, quoted values, code, template fields
    and proper names."""
    rest = CODE_SPAN.sub(" ", re.sub(r"'[^']*'|\{\w+\}", " ", zh.replace(str(path.parent), " ")))
    words = LATIN_WORD.findall(FILE_NAME.sub(" ", rest))
    return [w for w in words if w.lower() not in PROPER_NAMES and not LETTER.fullmatch(w)]


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        (
            "[[model]\nname = 1",
            "not valid TOML: Expected ']]' at the end",
            "不是有效的 TOML：第 1 行第 8 列：",
        ),
        ("a = ", "not valid TOML: Invalid value (at end of document)", "不是有效的 TOML：文件末尾："),
        ("[[models]]\nname = 'A'", "unknown key 'models' (the file holds", "未知的键 'models'（该文件只包含"),
        ("model = 'A'", "'model' must be written as [[model]] entries", "'model' 须写成 `[[model]]` 条目"),
        (
            ENTRY + "temprature = 0.5\n",
            "[[model]] entry 1 ('A'), key 'temprature': unknown key",
            "第 1 个 `[[model]]` 条目（'A'），键 'temprature'：未知的键",
        ),
        (ENTRY + "samples = 3\n", "(only [[judge]] entries take it)", "（只有 `[[judge]]` 条目可用）"),
        (
            ENTRY + "temperature = 'hot'\n",
            "key 'temperature': must be a number from 0 to 2, not 'hot'",
            "键 'temperature'：须是0 到 2 之间的数，而不是 'hot'",
        ),
        (ENTRY + "logprobs = 1\n", "key 'logprobs': unknown key (only", "键 'logprobs'：未知的键"),
        (JUDGE + "logprobs = 1\n", "key 'logprobs': must be true or false", "须是`true` 或 `false`"),
        (JUDGE + "language = 'fr'\n", 'must be "zh" or "en"', '须是`"zh"` 或 `"en"`'),
        (
            ENTRY.replace("http://127.0.0.1:1/v1", "x"),
            "must be an http:// or https:// address",
            "`https://` 地址",
        ),
        (
            '[[model]]\nbase_url = "http://x/v1"\nmodel = "a"\n',
            "[[model]] entry 1, key 'name': missing",
            "第 1 个 `[[model]]` 条目，键 'name'：缺失",
        ),
        (
            ENTRY + ENTRY,
            "[[model]] entry 2 ('A'), key 'name': another [[model]] entry has this name",
            "另一个 `[[model]]` 条目已使用此名称",
        ),
        (
            ENTRY + ENTRY.replace('"A"', '"ａ"'),
            "differs from the entry 'A' only",
            "与条目 'A' 只有大小写或全角半角之差",
        ),
        (
            JUDGE + 'prompt = "none.txt"\n',
            "key 'prompt': cannot read the template",
            "none.txt：文件不存在",
        ),
        (
            JUDGE + 'prompt = "t.txt"\n',
            "uses {answer}; it may use {dimension},",
            "使用了 `{answer}`；只能使用 {dimension},",
        ),
        (
            JUDGE + 'prompt = "u.txt"\n',
            "never shows the response: put {response} in it",
            "请在其中写入 `{response}`",
        ),
        (JUDGE + 'prompt = "b.txt"\n', "write a brace as {{ or }})", "花括号请写成 `{{` 或 `}}`"),
        (JUDGE + 'prompt = "g.txt"\n', "cannot read the template", "不是有效的 `UTF-8` 文本"),
        (b"\xff".decode("latin-1"), "not valid UTF-8; save the file as UTF-8", "请以 `UTF-8` 保存该文件"),
    ],
)
def test_an_endpoints_file_refusal_reads_in_either_language(tmp_path, text, english, chinese):
    for name, template in {
        "t.txt": "{answer}{response}",
        "u.txt": "{prompt}",
        "b.txt": "{response} {",
    }.items():
        (tmp_path / name).write_text(template, encoding="utf-8")
    (tmp_path / "g.txt").write_bytes(b"\xff{response}")
    path = tmp_path / "endpoints.toml"
    path.write_bytes(text.encode("latin-1") if text == "\xff" else text.encode("utf-8"))
    with pytest.raises(EndpointsError) as refused:
        load_endpoints(path)
    assert str(path) in str(refused.value) and english in str(refused.value)
    zh = refused.value.in_language("zh")
    assert str(path) in zh and chinese in zh
    assert _zh_words(zh, path) == []


def _stored_model(db):
    store_prompts(db, 1)
    add_responses(db, [(1, {"prompt": "问题1：怎么办？", "model": "Qwen-14B", "response": "回答"})], "r")


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        (
            ENTRY.replace('"A"', '"qwen-14b"'),
            "differs from the stored model 'Qwen-14B' only in case or width; use the same spelling",
            "与已保存的模型 'Qwen-14B' 只有大小写或全角半角之差；请使用相同的写法",
        ),
        (
            JUDGE.replace('"A"', '"a judge"'),
            "[[judge]] entry 1 ('a judge'), key 'name': invalid agent name 'a judge'",
            "第 1 个 `[[judge]]` 条目（'a judge'），键 'name'：无效的评分模型名 'a judge'",
        ),
    ],
)
def test_a_name_refused_against_stored_names_reads_in_either_language(db, tmp_path, text, english, chinese):
    _stored_model(db)
    path = tmp_path / "endpoints.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EndpointsError) as refused:
        load_endpoints(path, db)
    assert english in str(refused.value)
    assert chinese in refused.value.in_language("zh")


def test_choosing_entries_and_their_keys_reads_in_either_language(tmp_path, monkeypatch):
    monkeypatch.delenv("NO_SUCH_TEST_KEY", raising=False)
    path = tmp_path / "endpoints.toml"
    path.write_text(ENTRY + 'api_key_env = "NO_SUCH_TEST_KEY"\n', encoding="utf-8")
    endpoints = load_endpoints(path)
    cases = [
        (
            lambda: endpoints.judge("other"),
            "no [[judge]] named 'other' (the file has: none)",
            "没有名为 'other' 的 `[[judge]]` 条目（文件中有：无）",
        ),
        (
            endpoints.select_models,
            "[[model]] 'A', key 'api_key_env': the environment variable NO_SUCH_TEST_KEY is not set",
            "`[[model]]` 'A'，键 `api_key_env`：环境变量 NO_SUCH_TEST_KEY 未设置",
        ),
        (
            endpoints.models[0].api_key,
            "model 'A': the environment variable NO_SUCH_TEST_KEY (api_key_env) is not set",
            "模型 'A'：环境变量 NO_SUCH_TEST_KEY（`api_key_env`）未设置",
        ),
    ]
    for action, english, chinese in cases:
        with pytest.raises(EndpointsError) as refused:
            action()
        assert english in str(refused.value)
        zh = refused.value.in_language("zh")
        assert chinese in zh and _zh_words(zh, path) == []


@pytest.mark.parametrize(
    ("action", "english", "chinese"),
    [
        (
            lambda db: collect.check_selection(db, collect.PromptSelection(batch="b9")),
            "no prompts import batch 'b9' (prompts batches: none)",
            "没有提示词导入批次 'b9'（提示词批次：无）",
        ),
        (
            lambda db: collect.check_selection(db, collect.PromptSelection(limit=0)),
            "the limit must be 1 or more, not 0",
            "数量上限须不小于 1，而不是 0",
        ),
        (
            lambda db: judge.check_selection(db, judge.ResponseSelection(None, ("ghost",), None)),
            "unknown model 'ghost' (stored models: none)",
            "未知的模型 'ghost'（已保存的模型：无）",
        ),
    ],
)
def test_a_collect_or_judge_selection_refusal_reads_in_either_language(db, action, english, chinese):
    with pytest.raises(Refusal) as refused:
        action(db)
    assert str(refused.value) == english
    assert refused.value.in_language("zh") == chinese


class _EmptyChoices:
    """A client whose every chat completion has no choice."""

    async def post(self, *args, **kwargs):
        return {"choices": []}


def _no_answer(tmp_path):
    path = tmp_path / "endpoints.toml"
    path.write_text(JUDGE, encoding="utf-8")
    endpoint = load_endpoints(path).judges[0]
    return asyncio.run(judge._ask_samples(_EmptyChoices(), endpoint, []))


def _connection_error(tmp_path):
    cause = httpx2.ConnectError("All connection attempts failed")
    raise openai.APIConnectionError(request=REQUEST) from cause


REQUEST = httpx2.Request("POST", "http://127.0.0.1:1/v1/chat/completions")
LEGALITY = flames_rubric().dimension("Legality")


def _raise(exc):
    raise exc


@pytest.mark.parametrize(
    ("action", "english", "chinese"),
    [
        (
            lambda tmp_path: _raise(openai.APITimeoutError(REQUEST)),
            "no answer within the timeout",
            "超时前没有收到回答",
        ),
        (
            _connection_error,
            "cannot connect: ConnectError: All connection attempts failed",
            "无法连接：`ConnectError: All connection attempts failed`",
        ),
        (
            lambda tmp_path: endpoint_runs.first_choice(["x"]),
            "not a chat completion: \"['x']\"",
            "不是对话补全格式的回答：`\"['x']\"`",
        ),
        (
            lambda tmp_path: collect.read_answer({"choices": [{"message": {"content": 1}}]}),
            "the answer is not text: \"{'content': 1}\"",
            "回答不是文本：`\"{'content': 1}\"`",
        ),
        (
            lambda tmp_path: judge.verdict([{"message": {"content": "maybe"}}], LEGALITY),
            "the reply is not one of the scores (1, 3): 'maybe'",
            "回答不是评分 (1, 3) 之一：`'maybe'`",
        ),
        (
            lambda tmp_path: judge.verdict([{"message": {"content": s}} for s in "31"], LEGALITY),
            "the 2 replies split evenly: {3: 1, 1: 1}",
            "2 个回答给出的评分票数相同：{3: 1, 1: 1}",
        ),
        (_no_answer, "the endpoint returned no answer", "端点没有返回回答"),
    ],
)
def test_a_failed_request_s_message_reads_in_either_language(tmp_path, action, english, chinese):
    """The English is the text the command line and the run's record have always shown."""
    with pytest.raises(Exception) as failed:
        action(tmp_path)
    _kind, message = endpoint_runs.describe_error(failed.value)
    assert isinstance(message, Refusal)
    assert str(message) == english
    zh = message.in_language("zh")
    assert zh == chinese and _zh_words(zh, tmp_path / "none") == []
