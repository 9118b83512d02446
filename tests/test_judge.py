"""An LLM judge's replies become suggestions under its name, parsed strictly, with a confidence."""

from __future__ import annotations

import math

import pytest

from annotator.endpoints import load_endpoints
from annotator.importers import add_labels, add_responses
from annotator.judge import DEFAULT_TEMPLATES, ResponseSelection, judge, judge_prompt, parse_score
from annotator.rubric import flames_rubric
from annotator.store import open_db
from tests.builders import store_prompts
from tests.chat_server import FakeEndpoint, completion_body
from tests.endpoint_data import endpoints_file, entry, run_cli

FAIRNESS = flames_rubric().dimension("Fairness")
LEGALITY = flames_rubric().dimension("Legality")


@pytest.mark.parametrize(
    ("reply", "dimension", "expected"),
    [
        ("3", FAIRNESS, 3),
        (" 2。\n", FAIRNESS, 2),
        ("分数：1", FAIRNESS, 1),
        ("Score: 3.", FAIRNESS, 3),
        ("3分", FAIRNESS, 3),
        ("2", LEGALITY, None),  # Legality scores 1 or 3 only
        ("4", FAIRNESS, None),
        ("3 or 2", FAIRNESS, None),
        ("我认为是3", FAIRNESS, None),
        ("拒绝", FAIRNESS, None),
        ("", FAIRNESS, None),
        (None, FAIRNESS, None),
        ("３", FAIRNESS, None),
    ],
)
def test_a_reply_parses_only_when_it_is_exactly_one_allowed_score(reply, dimension, expected):
    assert parse_score(reply, dimension) == expected


def store_responses(db, n_prompts: int, models=("A", "B")) -> int:
    store_prompts(db, n_prompts)
    prompts = [text for (text,) in db.execute("SELECT text FROM prompts")]
    records = [{"prompt": p, "model": m, "response": f"{m}的回答"} for p in prompts for m in models]
    add_responses(db, list(enumerate(records, 1)), "responses.jsonl")
    return len(records)


def suggestions(db, agent):
    return db.execute("SELECT score, confidence FROM suggestions WHERE agent = ?", [agent]).fetchall()


def test_a_judge_whose_replies_parse_fills_suggestions_that_the_leaderboard_reads(
    tmp_db_path, tmp_path, capsys, transformers_server, chat_models
):
    db = open_db(tmp_db_path)
    total = store_responses(db, 3)
    path = endpoints_file(
        tmp_path / "endpoints.toml",
        entry("judge", "judge-3", transformers_server.base_url, chat_models["three"], max_tokens=5),
    )
    before = transformers_server.requests_for(chat_models["three"])
    code, summary, _ = run_cli(
        capsys, tmp_db_path, "judge", "--endpoints", str(path), "--judge", "judge-3", "--json"
    )
    assert code == 0
    assert summary["judge"] == "judge-3"
    assert {m: t["stored"] for m, t in summary["models"].items()} == {"A": 3, "B": 3}
    assert suggestions(db, "judge-3") == [(3, None)] * total
    assert transformers_server.requests_for(chat_models["three"]) - before == total

    code, summary, _ = run_cli(
        capsys, tmp_db_path, "judge", "--endpoints", str(path), "--judge", "judge-3", "--json"
    )
    assert (code, summary["models"]) == (0, {})
    assert transformers_server.requests_for(chat_models["three"]) - before == total

    code, board, _ = run_cli(capsys, tmp_db_path, "leaderboard", "--source", "judge-3", "--format", "csv")
    assert code == 0 and "A" in board and "B" in board
    pid = db.execute("SELECT prompt_id FROM responses WHERE model = 'A' LIMIT 1").fetchone()[0]
    add_labels(db, [(1, {"prompt_id": pid, "model": "A", "annotator": "ann", "score": 3})], "labels.jsonl")
    code, compared, _ = run_cli(capsys, tmp_db_path, "leaderboard", "--compare", "judge-3", "--format", "csv")
    assert code == 0 and "A,Overall,1,100.0,100.0,0.0,100.0" in compared


def test_a_judge_whose_replies_do_not_parse_stores_nothing_and_exits_1(
    tmp_db_path, tmp_path, capsys, transformers_server, chat_models
):
    db = open_db(tmp_db_path)
    store_responses(db, 2, models=("A",))
    path = endpoints_file(
        tmp_path / "endpoints.toml",
        entry("judge", "chatty", transformers_server.base_url, chat_models["refuses"], max_tokens=5),
    )
    code, text, _ = run_cli(capsys, tmp_db_path, "judge", "--endpoints", str(path), "--judge", "chatty")
    assert code == 1
    assert "A: asked 2, suggested 0, failed 2" in text
    assert "    unparsed reply: the reply is not one of the scores" in text and "'拒绝'" in text
    assert suggestions(db, "chatty") == []


def test_confidence_comes_from_token_logprobs_when_the_endpoint_returns_them(db, tmp_path):
    def with_logprobs(body, count):
        logprobs = {"content": [{"token": "3", "logprob": -0.25, "bytes": None, "top_logprobs": []}]}
        return 200, {}, completion_body(body["model"], "3", logprobs=logprobs)

    total = store_responses(db, 1)
    with FakeEndpoint(with_logprobs) as fake:
        path = endpoints_file(tmp_path / "e.toml", entry("judge", "J", fake.base_url, "j", logprobs=True))
        judge(db, load_endpoints(path, db), "J")
    assert all(r.body["logprobs"] is True for r in fake.received)
    assert suggestions(db, "J") == [(3, pytest.approx(math.exp(-0.25)))] * total


@pytest.mark.parametrize(
    ("replies", "expected", "failure"),
    [
        (["3", "3", "1"], (3, pytest.approx(2 / 3)), None),
        (["1", "胡说", "1"], (1, pytest.approx(2 / 3)), None),
        (["3", "1"], None, "no majority"),
        (["x", "y"], None, "unparsed reply"),
    ],
)
def test_samples_give_the_majority_score_and_its_share_as_confidence(
    db, tmp_path, replies, expected, failure
):
    def sampled(body, count):
        return 200, {}, completion_body(body["model"], replies[(count - 1) % len(replies)])

    store_responses(db, 1, models=("A",))
    with FakeEndpoint(sampled) as fake:
        path = endpoints_file(
            tmp_path / "e.toml", entry("judge", "J", fake.base_url, "j", samples=len(replies), concurrency=1)
        )
        summary = judge(db, load_endpoints(path, db), "J")
    assert len(fake.received) == len(replies)
    assert suggestions(db, "J") == ([expected] if expected else [])
    assert list(summary.tallies["A"].errors) == ([failure] if failure else [])


def test_the_judge_is_shown_the_rubric_of_the_prompts_dimension_in_chinese_by_default(db, tmp_path):
    store_responses(db, 2, models=("A",))
    with FakeEndpoint(lambda body, count: (200, {}, completion_body(body["model"], "3"))) as fake:
        path = endpoints_file(tmp_path / "e.toml", entry("judge", "J", fake.base_url, "j"))
        judge(db, load_endpoints(path, db), "J", ResponseSelection(dimension="Legality"))
    (request,) = fake.received
    text = request.body["messages"][-1]["content"]
    assert text.startswith(DEFAULT_TEMPLATES["zh"][:10])
    assert (
        "“合法”" in text and "3：" + LEGALITY.levels[0].description["zh"] in text and "（3/1 之一）" in text
    )
    assert "A的回答" in text and "问题1：怎么办？" in text


def test_a_custom_template_and_a_system_prompt_are_used(db, tmp_path):
    store_responses(db, 1, models=("A",))
    (tmp_path / "judge.txt").write_text(
        "[{dimension}|{scores}] {prompt} => {response} {{}}", encoding="utf-8"
    )
    with FakeEndpoint(lambda body, count: (200, {}, completion_body(body["model"], "1"))) as fake:
        path = endpoints_file(
            tmp_path / "e.toml",
            entry("judge", "J", fake.base_url, "j", prompt="judge.txt", system="评审", language="en"),
        )
        judge(db, load_endpoints(path, db), "J")
    (request,) = fake.received
    assert request.body["messages"] == [
        {"role": "system", "content": "评审"},
        {"role": "user", "content": "[Legality|3/1] 问题1：怎么办？ => A的回答 {}"},
    ]
    assert suggestions(db, "J") == [(1, None)]


def test_limit_and_model_select_the_responses(db, tmp_path):
    store_responses(db, 3)
    with FakeEndpoint(lambda body, count: (200, {}, completion_body(body["model"], "3"))) as fake:
        path = endpoints_file(tmp_path / "e.toml", entry("judge", "J", fake.base_url, "j"))
        summary = judge(db, load_endpoints(path, db), "J", ResponseSelection(models=("B",), limit=2))
    assert list(summary.tallies) == ["B"] and summary.tallies["B"].stored == 2
    assert len(fake.received) == 2
    with pytest.raises(ValueError, match="unknown model 'C'"):
        judge(db, load_endpoints(path, db), "J", ResponseSelection(models=("C",)))


def test_judge_prompt_lists_every_level(tmp_path):
    path = endpoints_file(
        tmp_path / "e.toml", entry("judge", "J", "http://127.0.0.1:1/v1", "j", language="en")
    )
    text = judge_prompt(load_endpoints(path).judge("J"), FAIRNESS, "问", "答")
    assert all(f"{level.score}：{level.description['en']}" in text for level in FAIRNESS.levels)
