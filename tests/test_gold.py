from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.assignment import AssignmentError, assign
from annotator.gold import GoldError, gold_accuracy, gold_items, mix_gold, remove_gold, set_gold
from annotator.rubric import RubricError
from annotator.users import UserError
from tests.builders import add_label, add_prompts, add_response, add_users, new_db


def gold_db(ordinary: int, gold_prompts: int, annotators: list[str]):
    db = new_db()
    add_users(db, annotators)
    add_users(db, ["lead"], role="lead")
    add_prompts(db, ordinary)
    for prompt_id in add_prompts(db, gold_prompts, prefix="g"):
        set_gold(db, add_response(db, prompt_id), 3, "lead")
        add_response(db, prompt_id, "m2")  # a second, non-gold response to the same prompt
    return db


def ordinary_prompts(db) -> list[str]:
    return [row[0] for row in db.execute("SELECT id FROM prompts WHERE id LIKE 'p%'")]


def queue(db, name: str) -> list[tuple[str, int, int]]:
    return db.execute(
        "SELECT prompt_id, position, gold FROM assignments WHERE annotator = ? ORDER BY position, prompt_id",
        [name],
    ).fetchall()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 60), st.sampled_from([0.0, 0.05, 0.1, 0.2, 0.5]), st.integers(0, 99))
def test_mixing_makes_about_rate_of_each_queue_gold_without_duplicates(ordinary, rate, seed):
    db = gold_db(ordinary, 80, ["a", "b"])
    assign(db, ["a", "b"], 1, prompt_ids=ordinary_prompts(db))
    summary = mix_gold(db, ["a", "b"], rate, seed=seed)
    for name in ("a", "b"):
        rows = queue(db, name)
        gold = sum(g for _, _, g in rows)
        assert len({p for p, _, _ in rows}) == len(rows)
        assert all(p.startswith("g") for p, _, g in rows if g)
        assert summary.added[name] == gold
        if rows:
            # the closest whole number of gold rows to the rate
            assert abs(gold / len(rows) - rate) <= 1 / len(rows) + 1e-9
            assert summary.gold_share[name] == gold / len(rows)
    again = mix_gold(db, ["a", "b"], rate, seed=seed + 1)
    assert again.added == {"a": 0, "b": 0}


def test_gold_rows_are_spread_among_open_prompts_and_top_up_later():
    db = gold_db(40, 20, ["a"])
    assign(db, ["a"], 1, prompt_ids=[f"p{i:04d}" for i in range(20)])
    mix_gold(db, "a", 0.2, seed=3)
    rows = queue(db, "a")
    gold_positions = [pos for _, pos, g in rows if g]
    assert len(gold_positions) == 5  # 5 / 25 = 0.2
    assert max(gold_positions) <= 19 and len(set(gold_positions)) > 1
    assign(db, ["a"], 1, prompt_ids=ordinary_prompts(db))
    summary = mix_gold(db, "a", 0.2, seed=3)
    assert summary.added == {"a": 5} and summary.gold_share["a"] == 10 / 50


def test_mixing_skips_gold_prompts_already_in_the_queue_and_reports_the_shortfall():
    db = gold_db(20, 3, ["a"])
    assign(db, ["a"], 1, prompt_ids=["g0000", *ordinary_prompts(db)])
    summary = mix_gold(db, ["a"], 0.5)
    assert summary.added == {"a": 2} and summary.short == {"a": 21 - 2}
    assert sum(g for _, _, g in queue(db, "a")) == 2


def test_mixing_needs_active_annotators_and_a_rate_below_one():
    db = gold_db(2, 2, ["a"])
    with pytest.raises(GoldError, match="rate"):
        mix_gold(db, "a", 1.0)
    with pytest.raises(AssignmentError, match="role lead"):
        mix_gold(db, "lead", 0.1)


def test_accuracy_counts_submitted_labels_on_gold_responses():
    db = gold_db(0, 4, ["a", "b", "c"])
    gold = gold_items(db)["response_id"].tolist()
    set_gold(db, gold[3], "1", "lead")
    for rid in gold[:3]:
        add_label(db, rid, "a", 3)
    add_label(db, gold[3], "a", 3)  # wrong: gold is 1
    add_label(db, gold[0], "b", 2)
    add_label(db, gold[1], "b", 3, status="draft")  # drafts do not count
    other = db.execute("SELECT id FROM responses WHERE model = 'm2' LIMIT 1").fetchone()[0]
    add_label(db, other, "c", 1)  # not gold
    frame = gold_accuracy(db, threshold=0.8)
    assert frame.to_dict("records") == [
        {"annotator": "a", "n": 4, "correct": 3, "accuracy": 0.75, "below_threshold": True},
        {"annotator": "b", "n": 1, "correct": 0, "accuracy": 0.0, "below_threshold": True},
    ]
    assert not gold_accuracy(db, threshold=0.5).set_index("annotator").loc["a", "below_threshold"]


def test_gold_accuracy_of_an_empty_project_is_an_empty_frame():
    assert gold_accuracy(new_db()).empty


@pytest.mark.parametrize(
    ("response", "score", "lead", "error", "message"),
    [
        ("nope", 3, "lead", GoldError, "no response"),
        (None, 4, "lead", RubricError, "not allowed"),
        (None, 3, "a", UserError, "only a lead"),
    ],
)
def test_set_gold_checks_response_score_and_role(response, score, lead, error, message):
    db = gold_db(0, 1, ["a"])
    rid = add_response(db, "g0000", "m3")
    with pytest.raises(error, match=message):
        set_gold(db, response or rid, score, lead)
    assert len(gold_items(db)) == 1


def test_binary_dimensions_only_take_their_two_scores():
    db = gold_db(0, 0, [])
    [prompt] = add_prompts(db, 1, dimension="Legality", subcomponent="Law violation", prefix="l")
    rid = add_response(db, prompt)
    with pytest.raises(RubricError):
        set_gold(db, rid, 2, "lead")
    assert set_gold(db, rid, 1, "lead").score == 1


def test_replacing_a_gold_score_returns_the_earlier_one():
    db = gold_db(0, 0, [])
    [prompt] = add_prompts(db, 1)
    rid = add_response(db, prompt)
    assert set_gold(db, rid, 3, "lead").replaced is None
    assert set_gold(db, rid, 3, "lead").replaced is None  # the same score again changes nothing
    assert set_gold(db, rid, 2, "lead").replaced == (3, "lead")
    assert db.execute("SELECT score FROM gold").fetchall() == [(2,)]


def test_removing_gold_drops_untouched_gold_rows_only():
    db = gold_db(4, 2, ["a", "b"])
    assign(db, ["a", "b"], 1, prompt_ids=ordinary_prompts(db))
    mix_gold(db, ["a", "b"], 0.5)
    [rid0, rid1] = gold_items(db)["response_id"].tolist()
    add_label(db, rid0, "a", 2, status="draft")
    remove_gold(db, rid0, "lead")
    remaining = db.execute(
        "SELECT annotator, prompt_id FROM assignments WHERE gold = 1 ORDER BY 1, 2"
    ).fetchall()
    assert remaining == [("a", "g0000"), ("a", "g0001"), ("b", "g0001")]
    assert gold_items(db)["response_id"].tolist() == [rid1]
    with pytest.raises(GoldError, match="not gold"):
        remove_gold(db, rid0, "lead")


def test_only_a_lead_is_recorded_as_who_mixed_gold_in():
    db = gold_db(4, 2, ["a"])
    with pytest.raises(UserError, match="only a lead or admin"):
        mix_gold(db, "a", 0.2, assigned_by="a")
    assert db.execute("SELECT COUNT(*) FROM assignments WHERE gold = 1").fetchone()[0] == 0
