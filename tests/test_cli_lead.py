from __future__ import annotations

import json

import pytest

from annotator import cli
from annotator.cli import main
from annotator.consolidation import final_scores
from annotator.store import open_db
from annotator.users import set_active
from tests.builders import add_label, add_prompts, add_response, add_users


@pytest.fixture
def path(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["annotator.cli.lead"])
    path = tmp_path / "project.db"
    db = open_db(path)
    add_users(db, ["a", "b", "c"])
    add_users(db, ["lead"], role="lead")
    add_prompts(db, 4)
    add_prompts(db, 2, dimension="Safety", subcomponent="Physical harm", prefix="s")
    return str(path)


def run(path, *argv):
    return main(["--db", path, *argv])


def test_assign_prints_a_summary_and_writes_rows(path, capsys):
    assert run(path, "assign", "--annotators", "a, b,c", "--overlap", "2", "--dimension", "Fairness") == 0
    out = capsys.readouterr().out
    assert out.startswith("4 prompts chosen: 4 assigned (8 rows: a ") and "0 already had 2 annotators" in out
    db = open_db(path)
    counts = dict(db.execute("SELECT annotator, COUNT(*) FROM assignments GROUP BY 1").fetchall())
    assert sum(counts.values()) == 8 and max(counts.values()) - min(counts.values()) <= 1
    assert run(path, "assign", "--annotators", "a,b,c", "--overlap", "2", "--seed", "5") == 0
    assert "6 prompts chosen: 2 assigned (4 rows" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["assign", "--annotators", "a,lead", "--overlap", "1"], "role lead"),
        (["assign", "--annotators", "a,b", "--overlap", "3"], "overlap"),
        (["assign", "--annotators", "a", "--overlap", "1", "--dimension", "Honesty"], "Honesty"),
        (["reassign", "--from", "a", "--to", "b"], "still active"),
        (["adjudicate", "r-nope", "3", "--lead", "lead", "--reason", "other"], "no response"),
        (["adjudication-queue", "--model", "m9"], "m9"),
        (["gold", "mix", "--annotators", "a", "--rate", "1.5"], "rate"),
        (["gold", "accuracy", "--threshold", "5"], "share between 0 and 1"),
        (["assign", "--annotators", "a", "--overlap", "1", "--by", "a"], "only a lead or admin"),
        (["assign", "--annotators", "a", "--overlap", "1", "--by", "nobody"], "nobody"),
    ],
)
def test_user_errors_print_one_line_and_fail(path, capsys, argv, message):
    assert run(path, *argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_reassign_moves_the_inactive_annotators_open_prompts(path, capsys):
    run(path, "assign", "--annotators", "a,b", "--overlap", "1")
    set_active(open_db(path), "a", False)
    assert run(path, "reassign", "--from", "a", "--to", "b,c") == 0
    out = capsys.readouterr().out
    assert "moved 3 prompts (b 0, c 3)" in out
    db = open_db(path)
    assert db.execute("SELECT COUNT(*) FROM assignments WHERE annotator = 'a'").fetchone()[0] == 0


def test_queue_and_adjudication_round_trip(path, capsys):
    db = open_db(path)
    rid = add_response(db, "p0000")
    calm = add_response(db, "p0001")
    for annotator, score in (("a", 3), ("b", 2), ("c", 1)):
        add_label(db, rid, annotator, score, explanation=f"why {score}")
        add_label(db, calm, annotator, 3)
    assert run(path, "adjudication-queue", "--json", "--dimension", "Fairness") == 0
    [item] = json.loads(capsys.readouterr().out)
    assert item["response_id"] == rid and item["scores"] == [3, 2, 1] and item["spread"] == 2
    assert item["labels"][0] == {
        "annotator": "a",
        "score": 3,
        "explanation": "why 3",
        "submitted_at": item["labels"][0]["submitted_at"],
    }
    assert run(path, "adjudication-queue") == 0
    assert "1 responses to adjudicate" in capsys.readouterr().out
    argv = ["adjudicate", rid, "2", "--lead", "lead", "--reason", "guideline_gap", "--note", "see rule 3"]
    assert run(path, *argv) == 0
    assert "final score 2 (guideline_gap) by lead" in capsys.readouterr().out
    final = final_scores(open_db(path)).set_index("response_id").loc[rid]
    assert (final["final_score"], final["provenance"]) == (2, "adjudicated")
    run(path, "adjudication-queue")
    assert "0 responses to adjudicate" in capsys.readouterr().out


def test_gold_commands(path, capsys):
    db = open_db(path)
    rid = add_response(db, "s0000")
    run(path, "assign", "--annotators", "a", "--overlap", "1", "--dimension", "Fairness")
    assert run(path, "gold", "set", rid, "1", "--lead", "lead") == 0
    assert run(path, "gold", "set", rid, "2", "--lead", "lead") == 0
    assert capsys.readouterr().out.endswith(f"{rid} is gold with score 2 (was 1, set by lead)\n")
    assert run(path, "gold", "set", rid, "1", "--lead", "lead") == 0
    assert run(path, "gold", "mix", "--annotators", "a", "--rate", "0.2") == 0
    out = capsys.readouterr().out
    assert "a: 1 gold prompts added, 20.0% of the queue" in out
    add_label(db, rid, "a", 3)
    assert run(path, "gold", "accuracy", "--json") == 0
    assert json.loads(capsys.readouterr().out) == [
        {"annotator": "a", "n": 1, "correct": 0, "accuracy": 0.0, "below_threshold": True}
    ]
    assert run(path, "gold", "remove", rid, "--lead", "lead") == 0
    assert run(path, "gold", "accuracy") == 0
    assert capsys.readouterr().out.endswith("is no longer gold\n")
