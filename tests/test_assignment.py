from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.annotation import skip_prompt
from annotator.assignment import (
    AssignmentError,
    assign,
    assignment_stats,
    pairs_without_shared_prompt,
    prompt_batches,
    reassign_unfinished,
)
from annotator.rubric import RubricError
from annotator.users import UserError, set_active
from tests.builders import (
    WEEK2,
    add_label,
    add_prompts,
    add_response,
    add_users,
    assign_to,
    assignment_rows,
    import_prompts,
    new_db,
    prompt_records,
    score_prompt,
)

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def team(n: int) -> list[str]:
    return [f"a{i}" for i in range(n)]


def members(db) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for prompt_id, annotator, *_ in assignment_rows(db):
        result.setdefault(prompt_id, []).append(annotator)
    return result


def loads(db, names: list[str]) -> Counter:
    counts = Counter({name: 0 for name in names})
    counts.update(annotator for _, annotator, *_ in assignment_rows(db))
    return counts


@st.composite
def plans(draw):
    n = draw(st.integers(1, 7))
    k = draw(st.integers(1, n))
    prompts = draw(st.integers(0, 30))
    seed = draw(st.integers(0, 2**32))
    return n, k, prompts, seed


@FAST
@given(plans())
def test_every_prompt_gets_exactly_k_distinct_annotators_and_loads_stay_within_one(plan):
    n, k, count, seed = plan
    db = new_db()
    names = team(n)
    add_users(db, names)
    ids = add_prompts(db, count)
    summary = assign(db, names, k, seed=seed)
    got = members(db)
    assert sorted(got) == ids
    for annotators in got.values():
        assert len(annotators) == k
        assert len(set(annotators)) == k
    counts = loads(db, names)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert summary.rows_added == count * k
    assert summary.added_by_annotator == dict(counts)


@FAST
@given(plans(), st.integers(0, 20), st.booleans())
def test_incremental_assignment_leaves_old_rows_unchanged(plan, more, add_annotator):
    n, k, count, seed = plan
    db = new_db()
    names = team(n)
    add_users(db, names)
    add_prompts(db, count)
    assign(db, names, k, seed=seed)
    before = assignment_rows(db)
    add_prompts(db, more, prefix="q")
    if add_annotator:
        add_users(db, ["late"])
        names = [*names, "late"]
    summary = assign(db, names, k, seed=seed + 1)
    after = assignment_rows(db)
    assert set(before) <= set(after)
    assert summary.already_complete == count
    assert summary.rows_added == more * k
    assert all(len(set(a)) == len(a) == k for a in members(db).values())
    if not add_annotator:
        counts = loads(db, names)
        assert max(counts.values()) - min(counts.values()) <= 1


@FAST
@given(plans())
def test_the_same_seed_gives_the_same_assignment(plan):
    n, k, count, seed = plan
    results = []
    for _ in range(2):
        db = new_db()
        add_users(db, team(n))
        add_prompts(db, count)
        assign(db, list(reversed(team(n))), k, seed=seed)
        results.append([(p, a, pos) for p, a, pos, *_ in assignment_rows(db)])
    assert results[0] == results[1]


def test_different_seeds_give_different_assignments():
    results = set()
    for seed in range(3):
        db = new_db()
        add_users(db, team(5))
        add_prompts(db, 20)
        assign(db, team(5), 2, seed=seed)
        results.add(tuple(assignment_rows(db)))
    assert len(results) > 1


@FAST
@given(st.integers(2, 8).flatmap(lambda n: st.tuples(st.just(n), st.integers(2, n), st.integers(0, 1000))))
def test_every_pair_shares_a_prompt_when_there_are_enough_prompts(plan):
    n, k, seed = plan
    db = new_db()
    names = team(n)
    add_users(db, names)
    add_prompts(db, 2 * math.comb(n, 2))
    assign(db, names, k, seed=seed)
    assert pairs_without_shared_prompt(db, names) == []


def test_pairs_are_covered_when_prompts_are_assigned_one_at_a_time():
    db = new_db()
    names = team(6)
    add_users(db, names)
    for prompt_id in add_prompts(db, 20):
        assign(db, names, 2, prompt_ids=[prompt_id], seed=7)
    assert pairs_without_shared_prompt(db, names) == []


def test_a_late_annotator_catches_up_one_prompt_at_a_time():
    db = new_db()
    add_users(db, [*team(3), "late"])
    add_prompts(db, 6)
    assign(db, team(3), 2)  # 4 each
    add_prompts(db, 6, prefix="q")
    assign(db, [*team(3), "late"], 2)
    counts = loads(db, [*team(3), "late"])
    assert counts["late"] == 6  # one per new prompt: the most a prompt allows
    assert sum(counts.values()) == 24


def test_partly_assigned_prompts_are_topped_up_and_complete_ones_left_alone():
    db = new_db()
    add_users(db, [*team(4), "x"])
    p = add_prompts(db, 2)
    assign_to(db, "x", [p[0]])
    assign(db, team(3), 3, prompt_ids=[p[1]])
    summary = assign(db, team(4), 3)
    got = members(db)
    assert sorted(got[p[0]])[-1] == "x" and len(got[p[0]]) == 3
    assert sorted(got[p[1]]) == team(3)
    assert (summary.prompts_assigned, summary.already_complete, summary.rows_added) == (1, 1, 2)
    # the two new rows go to the annotator with nothing yet and one of the others
    assert "a3" in got[p[0]]


def test_annotators_with_imported_labels_on_a_prompt_count_and_never_get_it_again():
    db = new_db()
    add_users(db, team(3))
    p = add_prompts(db, 1)
    add_label(db, add_response(db, p[0]), "a0", 1)  # imported: a label without an assignment
    summary = assign(db, team(3), 2)
    assert "a0" not in members(db)[p[0]]
    assert (summary.rows_added, len(members(db)[p[0]])) == (1, 1)  # a0 + one more make the overlap of 2
    assert assign(db, team(3), 3).rows_added == 1
    assert sorted(members(db)[p[0]]) == ["a1", "a2"]


def test_drafts_left_behind_by_a_reassignment_do_not_count_toward_the_overlap():
    db = new_db()
    add_users(db, team(3))
    p = add_prompts(db, 1)
    add_label(db, add_response(db, p[0]), "a0", 1, status="draft")
    set_active(db, "a0", False)
    reassign_unfinished(db, "a0", ["a1"])  # its assignment moves away, the draft stays
    set_active(db, "a0", True)
    assert assign(db, team(3), 3).rows_added == 2  # a0 again, and a2: the draft made a0 no member
    assert sorted(members(db)[p[0]]) == team(3)


def test_queue_positions_continue_after_the_existing_queue():
    db = new_db()
    add_users(db, team(2))
    add_prompts(db, 3)
    assign(db, team(2), 2, seed=1)
    add_prompts(db, 2, prefix="q")
    assign(db, team(2), 2, seed=1)
    for name in team(2):
        rows = db.execute(
            "SELECT prompt_id, position FROM assignments WHERE annotator = ? ORDER BY position", [name]
        ).fetchall()
        assert [pos for _, pos in rows] == [0, 1, 2, 3, 4]
        assert {pid[0] for pid, _ in rows[3:]} == {"q"}


def test_assigned_by_and_filters_choose_the_prompts():
    db = new_db()
    add_users(db, team(2))
    add_users(db, ["lead"], role="lead")
    fair = add_prompts(db, 3, prefix="f")
    safe = prompt_records(2, dimension="Safety", subcomponent="Physical harm", prefix="s")
    mental = prompt_records(2, dimension="Safety", subcomponent="Mental harm", prefix="m")
    b1 = import_prompts(db, safe + mental)
    safe = [record["id"] for record in safe]
    assert assign(db, team(2), 1, dimension="Fairness", assigned_by="lead").prompts_selected == 3
    assert set(members(db)) == set(fair)
    assert assign(db, team(2), 1, subcomponent="Physical harm").prompts_selected == 2
    assert set(members(db)) == set(fair) | set(safe)
    assert assign(db, team(2), 1, batch=b1).prompts_assigned == 2
    assert db.execute(
        "SELECT DISTINCT assigned_by FROM assignments WHERE prompt_id LIKE 'f%'"
    ).fetchall() == [("lead",)]


@pytest.mark.parametrize(
    ("annotators", "overlap", "kwargs", "error", "message"),
    [
        ([], 1, {}, AssignmentError, "no annotators"),
        (["a0", "a0"], 1, {}, AssignmentError, "more than once"),
        (["a0", "nobody"], 1, {}, UserError, "nobody"),
        (["a0", "boss"], 1, {}, AssignmentError, "role lead"),
        (["a0", "gone"], 1, {}, AssignmentError, "inactive"),
        (["a0", "a1"], 3, {}, AssignmentError, "overlap"),
        (["a0", "a1"], 0, {}, AssignmentError, "overlap"),
        (["a0"], 1, {"dimension": "Honesty"}, RubricError, "Honesty"),
        (["a0"], 1, {"batch": "nope"}, AssignmentError, "nope"),
        (["a0"], 1, {"prompt_ids": ["p0000", "zzz"]}, AssignmentError, "zzz"),
        (["a0"], 1, {"prompt_ids": ["p0000"], "batch": "b"}, AssignmentError, "not both"),
        (["a0"], 1, {"subcomponent": "Toxic"}, AssignmentError, "Toxic"),
        (["a0"], 1, {"dimension": "Safety", "subcomponent": "Toxic language"}, RubricError, "Toxic language"),
    ],
)
def test_bad_requests_name_the_problem_and_assign_nothing(annotators, overlap, kwargs, error, message):
    db = new_db()
    add_users(db, team(2))
    add_users(db, ["boss"], role="lead")
    add_users(db, ["gone"], active=False)
    add_prompts(db, 2)
    with pytest.raises(error, match=message):
        assign(db, annotators, overlap, **kwargs)
    assert assignment_rows(db) == []


def test_reassign_moves_only_unfinished_prompts_and_keeps_labels():
    db = new_db()
    add_users(db, ["old", "b", "c", "d"])
    p = add_prompts(db, 6)
    responses = [add_response(db, prompt_id) for prompt_id in p]
    assign(db, ["old", "b", "c"], 2, seed=3)
    mine = [pid for pid, a, *_ in assignment_rows(db) if a == "old"]
    assert len(mine) == 4
    done, partly, skipped, drafted = mine
    score_prompt(db, "old", done, {responses[p.index(done)]: (3, "", 0.0)})
    add_label(db, responses[p.index(partly)], "old", 2)  # submitted label, assignment still open
    skip_prompt(db, "old", skipped, "needs context")
    add_label(db, responses[p.index(drafted)], "old", 1, status="draft")
    with pytest.raises(AssignmentError, match="still active"):
        reassign_unfinished(db, "old", ["b", "c", "d"])
    set_active(db, "old", False)
    summary = reassign_unfinished(db, "old", ["b", "c", "d"], seed=1)
    assert summary.moved == 2 and summary.kept_submitted == 1 and summary.unplaced == ()
    got = members(db)
    assert sorted(
        pid for pid, a in ((q, a) for q, names in got.items() for a in names) if a == "old"
    ) == sorted([done, partly])
    for prompt_id in (skipped, drafted):
        assert "old" not in got[prompt_id] and len(set(got[prompt_id])) == 2
    assert db.execute("SELECT COUNT(*) FROM assignments WHERE status = 'skipped'").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM labels WHERE annotator = 'old'").fetchone()[0] == 3
    # the least-loaded target (d had nothing) takes the work first
    assert summary.moved_to["d"] == 2


def test_reassign_leaves_prompts_that_every_target_already_has():
    db = new_db()
    add_users(db, ["old", "b"])
    add_prompts(db, 1)
    assign(db, ["old", "b"], 2)
    set_active(db, "old", False)
    summary = reassign_unfinished(db, "old", ["b"])
    assert summary.moved == 0 and summary.unplaced == ("p0000",)
    assert sorted(members(db)["p0000"]) == ["b", "old"]


def test_reassign_refuses_moving_to_the_same_annotator():
    db = new_db()
    add_users(db, ["old"], active=False)
    with pytest.raises(AssignmentError, match="inactive"):
        reassign_unfinished(db, "old", ["old"])


def test_assignment_stats_count_rows_per_annotator_and_prompts_per_overlap():
    db = new_db()
    add_users(db, team(3))
    add_prompts(db, 4)
    assign(db, team(3), 2, prompt_ids=["p0000", "p0001", "p0002"])
    assign(db, team(3), 3, prompt_ids=["p0002"])
    stats = assignment_stats(db)
    assert sum(stats["assignments_by_annotator"].values()) == 7
    assert stats["prompts_by_overlap"] == {"0": 1, "2": 2, "3": 1}


def test_prompt_batches_are_the_batches_that_brought_prompts():
    db = new_db()
    late = import_prompts(db, prompt_records(1, prefix="late"), stamp=WEEK2)
    early = import_prompts(db, prompt_records(1, prefix="early"))
    add_response(db, "early0000")  # a responses batch brings no prompts
    assert prompt_batches(db) == [early, late]
