"""Collecting responses from OpenAI-compatible endpoints: a real `transformers serve` on loopback for
what a server does, a small fake endpoint for the statuses a real one cannot give on demand."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.collect import PromptSelection, collect, coverage
from annotator.endpoint_runs import last_run
from annotator.endpoints import load_endpoints
from annotator.importers import add_labels
from annotator.published.exports import ExportOptions, build_export, read_export_data
from annotator.store import open_db
from tests.browser_support import free_port, wait_until
from tests.builders import store_prompts
from tests.chat_server import FakeEndpoint, TransformersServer, completion_body, echo_reply
from tests.endpoint_data import endpoints_file, entry, run_cli

ROOT = Path(__file__).parent.parent


def stored(db, model):
    return dict(db.execute("SELECT prompt_id, text FROM responses WHERE model = ?", [model]).fetchall())


def generations(db, model):
    return db.execute(
        "SELECT g.* FROM response_generations g JOIN responses r ON r.id = g.response_id WHERE r.model = ?",
        [model],
    ).fetchall()


def test_collect_from_two_models_stores_each_answer_with_its_provenance_and_a_rerun_sends_nothing_twice(
    tmp_db_path, tmp_path, capsys, transformers_server, chat_models
):
    db = open_db(tmp_db_path)
    prompt_ids = store_prompts(db, 4)
    server = transformers_server
    path = endpoints_file(
        tmp_path / "endpoints.toml",
        entry("model", "Refuser", server.base_url, chat_models["refuses"], max_tokens=10, concurrency=2),
        entry("model", "Agreer", server.base_url, chat_models["agrees"], system="你是助手", seed=1),
    )
    before = {name: server.requests_for(chat_models[name]) for name in ("refuses", "agrees")}

    code, summary, _ = run_cli(capsys, tmp_db_path, "collect", "--endpoints", str(path), "--json")

    assert code == 0
    assert summary["models"] == {
        "Refuser": {"asked": 4, "stored": 4, "failed": 0, "empty": 0, "errors": {}},
        "Agreer": {"asked": 4, "stored": 4, "failed": 0, "empty": 0, "errors": {}},
    }
    assert stored(db, "Refuser") == dict.fromkeys(prompt_ids, "拒绝")
    assert stored(db, "Agreer") == dict.fromkeys(prompt_ids, "好")
    batches = db.execute(
        "SELECT b.kind, b.added, count(r.id) FROM import_batches b "
        "JOIN responses r ON r.batch = b.id GROUP BY b.id"
    ).fetchall()
    assert sorted(batches) == [("responses", 4, 4), ("responses", 4, 4)]  # one import batch per model
    row = db.execute(
        "SELECT g.endpoint_model, g.settings, g.finish_reason, g.answer, g.completion_tokens, g.latency_ms "
        "FROM response_generations g JOIN responses r ON r.id = g.response_id "
        "WHERE r.model = 'Agreer' LIMIT 1"
    ).fetchone()
    assert row[:5] == (str(chat_models["agrees"]), '{"seed": 1, "system": "你是助手"}', "stop", "text", 2)
    assert row[5] > 0
    assert server.requests_for(chat_models["refuses"]) - before["refuses"] == 4

    code, summary, _ = run_cli(capsys, tmp_db_path, "collect", "--endpoints", str(path), "--json")

    assert (code, summary["models"]) == (0, {})
    assert {name: server.requests_for(chat_models[name]) - before[name] for name in before} == {
        "refuses": 4,
        "agrees": 4,
    }
    assert [(c.model, c.present, c.missing) for c in coverage(db, ["Refuser", "Agreer"])] == [
        ("Refuser", 4, 0),
        ("Agreer", 4, 0),
    ]


def test_an_empty_answer_is_stored_and_marked_and_a_cut_answer_keeps_its_finish_reason(
    db, tmp_path, transformers_server, chat_models
):
    store_prompts(db, 2)
    path = endpoints_file(
        tmp_path / "endpoints.toml",
        entry("model", "Silent", transformers_server.base_url, chat_models["silent"]),
        entry("model", "Short", transformers_server.base_url, chat_models["refuses"], max_tokens=1),
    )
    summary = collect(db, load_endpoints(path, db))
    assert summary.tallies["Silent"].empty == 2
    assert set(stored(db, "Silent").values()) == {""}
    assert {(g["answer"], g["finish_reason"]) for g in map(dict, _rows(db, "Silent"))} == {("empty", "stop")}
    assert set(stored(db, "Short").values()) == {"拒"}
    assert {(g["answer"], g["finish_reason"]) for g in map(dict, _rows(db, "Short"))} == {("text", "length")}
    assert coverage(db, ["Silent"])[0].empty == 2


def _rows(db, model):
    cursor = db.execute(
        "SELECT g.answer, g.finish_reason FROM response_generations g "
        "JOIN responses r ON r.id = g.response_id WHERE r.model = ?",
        [model],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_a_dead_port_is_reported_and_the_other_models_answers_are_stored(
    tmp_db_path, tmp_path, capsys, transformers_server, chat_models
):
    db = open_db(tmp_db_path)
    store_prompts(db, 3)
    dead = f"http://127.0.0.1:{free_port()}/v1"
    path = endpoints_file(
        tmp_path / "endpoints.toml",
        entry("model", "Alive", transformers_server.base_url, chat_models["agrees"]),
        entry("model", "Dead", dead, "whatever", retries=1),
    )
    code, summary, _ = run_cli(capsys, tmp_db_path, "collect", "--endpoints", str(path), "--json")
    assert code == 1
    assert summary["models"]["Alive"]["stored"] == 3
    assert summary["models"]["Dead"]["failed"] == 3
    assert list(summary["models"]["Dead"]["errors"]) == ["connection"]
    assert len(stored(db, "Alive")) == 3 and not stored(db, "Dead")
    recorded = last_run(db, "collect").tallies["Dead"]
    assert recorded.errors["connection"].startswith("cannot connect")
    # the page's message key is kept with the run's record, the command line's JSON is as it was
    assert recorded.reasons["connection"].key == "run_error_connection"
    assert "reasons" not in summary["models"]["Dead"]

    code, text, _ = run_cli(capsys, tmp_db_path, "collect", "--endpoints", str(path))
    assert code == 1
    assert "Alive" not in text and "Dead: asked 3, stored 0, failed 3" in text


def test_a_server_killed_mid_run_keeps_what_arrived_and_a_rerun_completes(
    db, tmp_path, transformers_server, chat_models
):
    prompt_ids = store_prompts(db, 6)
    doomed = TransformersServer(tmp_path / "doomed.log").start()
    try:
        path = endpoints_file(
            tmp_path / "endpoints.toml",
            entry("model", "Agreer", doomed.base_url, chat_models["agrees"], retries=1, concurrency=1),
        )

        def kill_after_two(done: int, total: int) -> None:
            if done == 2:
                doomed.stop()

        summary = collect(db, load_endpoints(path, db), on_progress=kill_after_two)
    finally:
        doomed.stop()
    first = stored(db, "Agreer")
    assert summary.tallies["Agreer"].stored == len(first) == 2
    assert summary.tallies["Agreer"].failed == 4
    assert len(generations(db, "Agreer")) == 2

    path = endpoints_file(
        tmp_path / "endpoints.toml",
        entry("model", "Agreer", transformers_server.base_url, chat_models["agrees"]),
    )
    before = transformers_server.requests_for(chat_models["agrees"])
    summary = collect(db, load_endpoints(path, db))
    assert (summary.tallies["Agreer"].asked, summary.failed) == (4, 0)
    assert transformers_server.requests_for(chat_models["agrees"]) - before == 4
    assert stored(db, "Agreer") == dict.fromkeys(prompt_ids, "好")


def test_429_is_retried_after_the_time_retry_after_asks(db, tmp_path):
    def limited(body, count):
        if count == 1:
            return 429, {"Retry-After": "1"}, {"error": {"message": "slow down"}}
        return echo_reply(body, count)

    store_prompts(db, 1)
    with FakeEndpoint(limited) as fake:
        path = endpoints_file(tmp_path / "e.toml", entry("model", "M", fake.base_url, "m", retries=2))
        summary = collect(db, load_endpoints(path, db))
    assert (summary.tallies["M"].stored, summary.failed) == (1, 0)
    assert len(fake.received) == 2
    assert fake.received[1].at - fake.received[0].at >= 0.9


@pytest.mark.parametrize(("failures", "retries", "stored_", "requests"), [(2, 2, 1, 3), (9, 1, 0, 2)])
def test_5xx_is_retried_with_backoff_then_counted_as_failed(
    db, tmp_path, failures, retries, stored_, requests
):
    def broken(body, count):
        if count <= failures:
            return 500, {}, {"error": {"message": "internal error"}}
        return echo_reply(body, count)

    store_prompts(db, 1)
    with FakeEndpoint(broken) as fake:
        path = endpoints_file(tmp_path / "e.toml", entry("model", "M", fake.base_url, "m", retries=retries))
        summary = collect(db, load_endpoints(path, db))
    assert summary.tallies["M"].stored == stored_
    assert len(fake.received) == requests
    if not stored_:
        assert summary.tallies["M"].errors == {"HTTP 500": "Error code: 500 - internal error"}
        assert summary.exit_code == 1


def test_a_filtered_answer_is_stored_as_returned_and_marked(db, tmp_path):
    def filtered(body, count):
        if count == 1:
            return 200, {}, completion_body(body["model"], None, "content_filter")
        return 200, {}, completion_body(body["model"], None, "stop", **{})

    store_prompts(db, 1)
    with FakeEndpoint(filtered) as fake:
        path = endpoints_file(tmp_path / "e.toml", entry("model", "M", fake.base_url, "m"))
        summary = collect(db, load_endpoints(path, db))
    assert summary.tallies["M"].empty == 1
    assert list(stored(db, "M").values()) == [""]
    assert [r["answer"] for r in _rows(db, "M")] == ["filtered"]


def test_selection_by_dimension_batch_and_limit(db, tmp_path):
    store_prompts(db, 6)
    with FakeEndpoint() as fake:
        path = endpoints_file(tmp_path / "e.toml", entry("model", "M", fake.base_url, "m"))
        endpoints = load_endpoints(path, db)
        collect(db, endpoints, selection=PromptSelection(dimension="Legality", limit=2))
        assert len(fake.received) == 2
        batch = db.execute("SELECT id FROM import_batches WHERE kind = 'prompts'").fetchone()[0]
        collect(db, endpoints, selection=PromptSelection(batch=batch))
    assert len(fake.received) == 6
    legality = {f"问题{i}：怎么办？" for i in (1, 3, 5)}  # store_prompts alternates the dimensions
    assert {r.body["messages"][-1]["content"] for r in fake.received[:2]} < legality
    assert fake.received[0].body["messages"][0]["role"] == "user"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--dimension", "Nope"], "unknown dimension 'Nope'"),
        (["--batch", "nope"], "no prompts import batch 'nope'"),
        (["--model", "Other"], "no [[model]] named 'Other'"),
        (["--limit", "0"], "the limit must be 1 or more"),
        (["--concurrency", "0"], "--concurrency must be from 1 to 256"),
    ],
)
def test_a_bad_option_exits_2_and_sends_nothing(tmp_db_path, tmp_path, capsys, args, expected):
    store_prompts(open_db(tmp_db_path), 2)
    with FakeEndpoint() as fake:
        path = endpoints_file(tmp_path / "e.toml", entry("model", "M", fake.base_url, "m"))
        code, _, err = run_cli(capsys, tmp_db_path, "collect", "--endpoints", str(path), *args)
    assert code == 2
    assert expected in err and "nothing was sent" in err
    assert fake.received == []


def test_a_bad_file_exits_2_naming_it(tmp_db_path, tmp_path, capsys):
    path = endpoints_file(tmp_path / "e.toml", '[[model]]\nname = "M"\n')
    code, _, err = run_cli(capsys, tmp_db_path, "collect", "--endpoints", str(path))
    assert code == 2 and str(tmp_db_path) in err  # no database yet: named, and none is created
    assert not tmp_db_path.exists()
    open_db(tmp_db_path)
    code, _, err = run_cli(capsys, tmp_db_path, "collect", "--endpoints", str(path))
    assert code == 2
    assert f"{path}: [[model]] entry 1 ('M'), key 'base_url': missing" in err


KEY = "sk-test-Zq81vXw0PpLm3NoR"


def test_the_api_key_never_reaches_the_database_the_output_or_an_export(
    tmp_db_path, tmp_path, capsys, monkeypatch
):
    def picky(body, count):
        if body["model"] == "refused":  # as hosted APIs do: the error echoes the key it was given
            return 401, {}, {"error": {"message": f"Incorrect API key provided: {KEY}."}}
        if body["model"] == "echoing":  # not a chat completion: its excerpt is in the summary
            return 200, {}, {"note": f"key {KEY}"}
        return echo_reply(body, count)

    monkeypatch.setenv("TEST_ENDPOINT_KEY", KEY)
    db = open_db(tmp_db_path)
    store_prompts(db, 2)
    with FakeEndpoint(picky) as fake:
        path = endpoints_file(
            tmp_path / "e.toml",
            entry("model", "Good", fake.base_url, "good", api_key_env="TEST_ENDPOINT_KEY"),
            entry("model", "Refused", fake.base_url, "refused", api_key_env="TEST_ENDPOINT_KEY"),
            entry("model", "Echoing", fake.base_url, "echoing", api_key_env="TEST_ENDPOINT_KEY"),
        )
        code, summary, err = run_cli(capsys, tmp_db_path, "collect", "--endpoints", str(path), "--json")
        _, text, err2 = run_cli(capsys, tmp_db_path, "collect", "--endpoints", str(path))
    assert {r.headers["authorization"] for r in fake.received} == {f"Bearer {KEY}"}
    assert code == 1 and summary["models"]["Good"]["stored"] == 2
    assert "Incorrect API key provided: [key]" in summary["models"]["Refused"]["errors"]["HTTP 401"]
    assert "[key]" in summary["models"]["Echoing"]["errors"]["bad reply"]
    assert "[key]" in last_run(db).tallies["Echoing"].reasons["bad reply"].values["reply"]
    add_labels(
        db,
        [
            (i, {"prompt_id": pid, "model": "Good", "annotator": "ann", "score": 3})
            for i, (pid,) in enumerate(
                db.execute("SELECT prompt_id FROM responses WHERE model = 'Good'").fetchall(), 1
            )
        ],
        "labels.jsonl",
    )
    export = build_export(read_export_data(db), "pointwise", ExportOptions())
    rows = [json.loads(line) for line in export.data.decode().splitlines()]
    assert [json.loads(r["generation"])["endpoint_model"] for r in rows] == ["good", "good"]
    db.conn.close()
    files = [p.read_bytes() for p in tmp_db_path.parent.glob("annotations.db*")]
    for blob in (*files, export.data, export.card.encode(), json.dumps(summary).encode(), text.encode()):
        assert KEY.encode() not in blob and KEY[:12].encode() not in blob
    assert KEY not in err + err2


@pytest.mark.parametrize("signal_", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_or_killed_collect_keeps_what_arrived_and_the_rerun_sends_only_the_rest(
    tmp_db_path, tmp_path, capsys, signal_
):
    db = open_db(tmp_db_path)
    store_prompts(db, 12)
    with FakeEndpoint(delay=0.2) as fake:
        path = endpoints_file(tmp_path / "e.toml", entry("model", "M", fake.base_url, "m", concurrency=2))
        command = [
            sys.executable,
            "-m",
            "annotator",
            "--db",
            str(tmp_db_path),
            "collect",
            "--endpoints",
            str(path),
        ]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_until(lambda: len(stored(db, "M")) >= 3, 60, "three stored responses")
            process.send_signal(signal_)
            _, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        kept = len(stored(db, "M"))
        assert 3 <= kept < 12
        assert len(generations(db, "M")) == kept
        if signal_ == signal.SIGINT:
            assert process.returncode == 1
            assert b"interrupted: what arrived is stored" in err
        sent_before = len(fake.received)
        code, summary, _ = run_cli(capsys, tmp_db_path, "collect", "--endpoints", str(path), "--json")
    assert code == 0
    assert summary["models"]["M"]["asked"] == 12 - kept
    assert len(fake.received) - sent_before == 12 - kept
    assert len(stored(db, "M")) == 12
