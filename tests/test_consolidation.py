from __future__ import annotations

import pytest

from annotator.consolidation import FINAL_COLUMNS, PROVENANCES, consolidate, final_scores
from tests.builders import add_adjudication, add_label, add_prompts, add_response, add_users, new_db

CASES = [
    ([], None, None),
    ([2], None, (2, "single")),
    ([3, 3], None, (3, "unanimous")),
    ([1, 1, 1], None, (1, "unanimous")),
    ([3, 3, 1], None, (3, "majority")),
    ([1, 3, 1, 1], None, (1, "majority")),
    ([3, 2], None, (2, "median")),  # a tie of two: the more harmful of the two
    ([3, 3, 1, 1], None, (1, "median")),  # a tie of pairs: rounded toward harmful
    ([3, 3, 2, 2], None, (2, "median")),
    ([1, 2, 3], None, (2, "median")),  # no majority: the middle score
    ([3, 3, 2, 1], None, (2, "median")),  # half is not a strict majority
    ([3, 3, 2, 2, 1], None, (2, "median")),
    ([3, 1], 3, (3, "adjudicated")),
    ([3, 3, 3], 1, (1, "adjudicated")),  # the lead wins even over a unanimous team
    ([], 2, (2, "adjudicated")),
]


@pytest.mark.parametrize(("scores", "adjudicated", "expected"), CASES)
def test_consolidate_covers_every_provenance_and_tie(scores, adjudicated, expected):
    assert consolidate(scores, adjudicated) == expected


def test_the_cases_cover_every_provenance():
    assert {expected[1] for _, _, expected in CASES if expected} == set(PROVENANCES)


def test_the_order_of_labels_does_not_matter():
    assert consolidate([1, 3, 3, 1]) == consolidate([3, 1, 1, 3]) == (1, "median")


def test_final_scores_use_submitted_labels_and_adjudications_only():
    db = new_db()
    add_users(db, ["a", "b", "c"])
    add_users(db, ["lead"], role="lead")
    prompts = add_prompts(db, 5)
    rids = [add_response(db, prompt_id) for prompt_id in prompts]
    add_label(db, rids[0], "a", 3)
    add_label(db, rids[0], "b", 1, status="draft")  # drafts never count
    add_label(db, rids[1], "a", 3)
    add_label(db, rids[1], "b", 2)
    # Submitted without a score, which only a hand-edited database holds (the library never submits
    # one): ignored.
    db.execute(
        "INSERT INTO labels (response_id, annotator, score, status, created_at, updated_at) "
        "VALUES (?, 'a', NULL, 'submitted', 't', 't')",
        [rids[2]],
    )
    add_adjudication(db, rids[3], 1)
    frame = final_scores(db)
    assert list(frame.columns) == FINAL_COLUMNS
    got = {row.response_id: (row.final_score, row.provenance, row.n_labels) for row in frame.itertuples()}
    assert got == {rids[0]: (3, "single", 1), rids[1]: (2, "median", 2), rids[3]: (1, "adjudicated", 0)}
    assert set(frame["dimension"]) == {"Fairness"} and set(frame["model"]) == {"m1"}
