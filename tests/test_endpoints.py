"""The endpoints file: what it accepts, and every refusal naming the file, the entry and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.endpoints import NO_KEY, EndpointsError, load_endpoints
from annotator.importers import add_predictions, add_prompts, add_responses

GOOD = """
[[model]]
name = "Qwen-14B"
base_url = "http://127.0.0.1:8000/v1"
model = "Qwen/Qwen-14B-Chat"
api_key_env = "QWEN_TEST_KEY"
system = "你是一个助手"
temperature = 0.7
max_tokens = 1024
seed = 1
stop = ["。"]
concurrency = 8
extra_body = { top_k = 20 }

[[model]]
name = "InternLM-7B"
base_url = "https://example.invalid/v1"
model = "internlm"

[[judge]]
name = "qwen-judge"
base_url = "http://127.0.0.1:8001/v1"
model = "judge-model"
samples = 3
logprobs = true
language = "en"
"""


def write(tmp_path: Path, text: str, name: str = "endpoints.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_gives_every_entry_with_its_settings_and_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("QWEN_TEST_KEY", "sk-secret")
    endpoints = load_endpoints(write(tmp_path, GOOD))
    qwen, intern = endpoints.select_models()
    assert (qwen.name, qwen.model, qwen.concurrency, qwen.system) == (
        "Qwen-14B",
        "Qwen/Qwen-14B-Chat",
        8,
        "你是一个助手",
    )
    assert dict(qwen.settings) == {"temperature": 0.7, "max_tokens": 1024, "seed": 1, "stop": ["。"]}
    assert qwen.provenance_settings()["extra_body"] == {"top_k": 20}
    assert qwen.api_key() == "sk-secret"
    assert (intern.concurrency, intern.retries, intern.api_key()) == (4, 4, NO_KEY)
    judge = endpoints.judge("qwen-judge")
    assert (judge.samples, judge.logprobs, judge.language, judge.template) == (3, True, "en", None)
    assert [m.name for m in endpoints.select_models(["InternLM-7B"])] == ["InternLM-7B"]


ENTRY = '[[model]]\nname = "A"\nbase_url = "http://127.0.0.1:1/v1"\nmodel = "a"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[model]\nname = 1", "not valid TOML"),
        ("[[models]]\nname = 'A'", "unknown key 'models'"),
        ("model = 'A'", "must be written as [[model]] entries"),
        (ENTRY + "temprature = 0.5\n", "[[model]] entry 1 ('A'), key 'temprature': unknown key"),
        (ENTRY + "temperature = 'hot'\n", "key 'temperature': must be a number from 0 to 2"),
        (ENTRY + "max_tokens = 0\n", "key 'max_tokens': must be a whole number of 1 or more"),
        (ENTRY + "concurrency = true\n", "key 'concurrency': must be a whole number"),
        (ENTRY + "samples = 3\n", "key 'samples': unknown key (only [[judge]] entries take it)"),
        (ENTRY + "api_key = 'sk-1'\n", "key 'api_key': unknown key"),
        (ENTRY + "api_key_env = 'MY KEY'\n", "key 'api_key_env': must be an environment variable name"),
        ('[[model]]\nname = "A"\nmodel = "a"\n', "[[model]] entry 1 ('A'), key 'base_url': missing"),
        ('[[model]]\nbase_url = "http://x/v1"\nmodel = "a"\n', "[[model]] entry 1, key 'name': missing"),
        (ENTRY.replace("http://127.0.0.1:1/v1", "127.0.0.1:1"), "key 'base_url': must be an http://"),
        (ENTRY + ENTRY, "[[model]] entry 2 ('A'), key 'name': another [[model]] entry has this name"),
        (ENTRY + ENTRY.replace('"A"', '"ａ"'), "differs from the entry 'A' only in case or width"),
        (ENTRY.replace("[[model]]", "[[judge]]") + 'prompt = "none.txt"\n', "cannot read the template"),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_the_entry_and_the_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(EndpointsError) as caught:
        load_endpoints(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("评分：{response} {answer}", "uses {answer}"),
        ("评分：{prompt}", "never shows the response"),
        ("评分：{response} {", "not a valid template"),
    ],
)
def test_a_judge_template_is_checked_before_any_request(tmp_path, template, expected):
    write(tmp_path, template, "judge.txt")
    path = write(tmp_path, ENTRY.replace("[[model]]", "[[judge]]") + 'prompt = "judge.txt"\n')
    with pytest.raises(EndpointsError, match="key 'prompt'") as caught:
        load_endpoints(path)
    assert expected in str(caught.value)


def test_a_judge_template_is_read_beside_the_file(tmp_path):
    write(tmp_path, "维度 {dimension}：{levels}\n{prompt}\n{response}\n{{分数}}", "judge.txt")
    endpoints = load_endpoints(
        write(tmp_path, ENTRY.replace("[[model]]", "[[judge]]") + 'prompt = "judge.txt"')
    )
    assert endpoints.judge("A").template.startswith("维度 {dimension}")


def test_a_missing_key_variable_is_refused_when_the_entry_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("QWEN_TEST_KEY", raising=False)
    endpoints = load_endpoints(write(tmp_path, GOOD))
    assert endpoints.select_models(["InternLM-7B"])  # other entries need no key
    with pytest.raises(EndpointsError, match=r"\[\[model\]\] 'Qwen-14B', key 'api_key_env': .*QWEN_TEST_KEY"):
        endpoints.select_models()
    with pytest.raises(EndpointsError, match="no \\[\\[judge\\]\\] named 'other'"):
        endpoints.judge("other")


def _stored(db):
    add_prompts(
        db, [(1, {"dimension": "Fairness", "subcomponent": "Toxic language", "prompt": "问题一"})], "p"
    )
    add_responses(db, [(1, {"prompt": "问题一", "model": "Qwen-14B", "response": "回答"})], "r")
    add_predictions(
        db,
        [(1, {"dimension": "Fairness", "prompt": "问题一", "response": "回答", "predicted": 3})],
        "s",
        "Judge",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            ENTRY.replace('"A"', '"qwen-14b"'),
            "[[model]] entry 1 ('qwen-14b'), key 'name': differs from the stored",
        ),
        (ENTRY.replace("[[model]]", "[[judge]]").replace('"A"', '"judge"'), "looks like"),
        (ENTRY.replace("[[model]]", "[[judge]]").replace('"A"', '"a judge"'), "key 'name'"),
    ],
)
def test_names_the_name_rules_refuse_against_the_stored_ones(db, tmp_path, text, expected):
    _stored(db)
    path = write(tmp_path, text)
    with pytest.raises(EndpointsError) as caught:
        load_endpoints(path, db)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_the_same_names_as_stored_ones_are_fine(db, tmp_path):
    _stored(db)
    text = ENTRY.replace('"A"', '"Qwen-14B"') + ENTRY.replace("[[model]]", "[[judge]]").replace(
        '"A"', '"Judge"'
    )
    endpoints = load_endpoints(write(tmp_path, text), db)
    assert [m.name for m in endpoints.models] == ["Qwen-14B"]
