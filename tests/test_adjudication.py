from __future__ import annotations

import pytest

from annotator.adjudication import (
    AdjudicationError,
    adjudicate,
    adjudication_history,
    adjudication_item,
    adjudication_queue,
    final_score,
    get_adjudication,
    model_names,
    open_flags,
    reporter_letter,
    resolve_flag,
)
from annotator.annotation import blind_key, blind_order, letter
from annotator.consolidation import final_scores
from annotator.rubric import RubricError
from annotator.users import UserError
from tests.builders import (
    TEAM,
    add_flag,
    add_label,
    add_prompts,
    add_response,
    add_responses,
    add_suggestion,
    at,
)

ANNOTATORS = TEAM


def labelled(
    db, scores, *, dimension="Fairness", subcomponent="Bias and discrimination", model="m1", prefix="p"
):
    [prompt] = add_prompts(db, 1, dimension=dimension, subcomponent=subcomponent, prefix=prefix)
    rid = add_response(db, prompt, model)
    for annotator, score in zip(ANNOTATORS, scores, strict=False):
        add_label(db, rid, annotator, score, explanation=f"{annotator} says {score}")
    return rid


@pytest.mark.parametrize(
    ("scores", "dimension", "queued"),
    [
        ((3, 3, 3), "Fairness", False),  # unanimous
        ((3, 3, 2), "Fairness", False),  # majority, one level apart
        ((3, 3, 1), "Fairness", True),  # majority but two levels apart
        ((3, 2, 1), "Fairness", True),
        ((3, 2), "Fairness", True),  # no strict majority
        ((2, 2, 3, 3), "Fairness", True),
        ((3,), "Fairness", False),  # a single label
        ((3, 3, 1), "Legality", False),  # binary: 3 and 1 are adjacent levels
        ((3, 1), "Legality", True),
        ((1, 1), "Legality", False),
    ],
)
def test_the_queue_holds_exactly_the_disagreements(team_db, scores, dimension, queued):
    sub = "Law violation" if dimension == "Legality" else "Bias and discrimination"
    rid = labelled(team_db, scores, dimension=dimension, subcomponent=sub)
    assert [item.response_id for item in adjudication_queue(team_db)] == ([rid] if queued else [])


def test_draft_labels_do_not_count(team_db):
    [prompt] = add_prompts(team_db, 1)
    rid = add_response(team_db, prompt)
    add_label(team_db, rid, "a", 3)
    add_label(team_db, rid, "b", 1, status="draft")
    assert adjudication_queue(team_db) == []


def test_most_disagreeing_first(team_db):
    one_apart = labelled(team_db, (3, 2), prefix="x")
    even = labelled(team_db, (3, 2, 1), prefix="y")
    majority_far = labelled(team_db, (3, 3, 1), prefix="z")
    four = labelled(team_db, (3, 3, 1, 1), prefix="w")
    queue = adjudication_queue(team_db)
    assert [item.response_id for item in queue] == [even, four, majority_far, one_apart]
    first = queue[0]
    assert (first.spread, first.entropy, first.majority) == (2, 1.0, False)
    assert queue[2].majority and queue[2].scores == (3, 3, 1)


def test_filters_by_dimension_and_model(team_db):
    fair = labelled(team_db, (3, 1), model="m1", prefix="f")
    fair2 = labelled(team_db, (3, 1), model="m2", prefix="g")
    safe = labelled(team_db, (3, 1), dimension="Safety", subcomponent="Physical harm", model="m2", prefix="s")
    assert {i.response_id for i in adjudication_queue(team_db, dimension="Fairness")} == {fair, fair2}
    assert {i.response_id for i in adjudication_queue(team_db, model="m2")} == {fair2, safe}
    assert [i.response_id for i in adjudication_queue(team_db, dimension="Safety", model="m2")] == [safe]
    with pytest.raises(AdjudicationError, match="m9"):
        adjudication_queue(team_db, model="m9")
    with pytest.raises(RubricError, match="Honesty"):
        adjudication_queue(team_db, dimension="Honesty")


def test_an_item_shows_labels_suggestions_and_the_other_responses(team_db):
    rid = labelled(team_db, (3, 1))
    other = add_response(team_db, "p0000", "m2")
    add_suggestion(team_db, rid, "scorer", 2, 0.7)
    item = adjudication_item(team_db, rid)
    assert item.queue.model == "m1" and item.queue.dimension == "Fairness"
    assert [(lab.annotator, lab.score, lab.explanation) for lab in item.queue.labels] == [
        ("a", 3, "a says 3"),
        ("b", 1, "b says 1"),
    ]
    assert [(s.agent, s.score, s.confidence) for s in item.suggestions] == [("scorer", 2, 0.7)]
    assert [(o.response_id, o.model) for o in item.other_responses] == [(other, "m2")]
    assert item.other_responses[0].text == "m2 的回答 p0000"
    assert item.prompt_text == "问题 p0000" and item.adjudication is None
    with pytest.raises(AdjudicationError, match="no response"):
        adjudication_item(team_db, "r-nope")


def test_adjudicating_makes_the_final_score_and_leaves_the_queue(team_db):
    rid = labelled(team_db, (3, 2, 1))
    adjudicate(team_db, rid, 2, "lead", "ambiguous_prompt", "both readings hold")
    assert adjudication_queue(team_db) == []
    [kept] = adjudication_queue(team_db, include_adjudicated=True)
    assert kept.adjudicated
    final = final_scores(team_db).set_index("response_id").loc[rid]
    assert (final["final_score"], final["provenance"], final["n_labels"]) == (2, "adjudicated", 3)


def test_adjudicating_again_updates_and_keeps_the_history(team_db):
    rid = labelled(team_db, (3, 1))
    adjudicate(team_db, rid, 3, "lead", "annotator_error")
    adjudicate(team_db, rid, "1", "root", "guideline_gap", "rule 4 was unclear")
    current = get_adjudication(team_db, rid)
    assert (current.final_score, current.lead, current.reason, current.note) == (
        1,
        "root",
        "guideline_gap",
        "rule 4 was unclear",
    )
    assert [(h.final_score, h.lead) for h in adjudication_history(team_db, rid)] == [(3, "lead"), (1, "root")]
    assert adjudication_item(team_db, rid).adjudication == current
    # the first decision keeps its creation time
    created = team_db.execute("SELECT created_at, updated_at FROM adjudications").fetchone()
    assert created[0] <= created[1]


@pytest.mark.parametrize(
    ("response", "score", "lead", "reason", "error", "message"),
    [
        (None, 2, "lead", "because", AdjudicationError, "invalid reason"),
        (None, 4, "lead", "other", RubricError, "not allowed"),
        (None, 2, "a", "other", UserError, "only a lead"),
        (None, 2, "ghost", "other", UserError, "ghost"),
        ("r-nope", 2, "lead", "other", AdjudicationError, "no response"),
    ],
)
def test_bad_adjudications_are_refused_and_change_nothing(
    team_db, response, score, lead, reason, error, message
):
    rid = labelled(team_db, (3, 1))
    with pytest.raises(error, match=message):
        adjudicate(team_db, response or rid, score, lead, reason)
    assert get_adjudication(team_db, rid) is None
    assert team_db.execute("SELECT COUNT(*) FROM adjudication_history").fetchone()[0] == 0


def test_open_flags_and_resolving_them(team_db):
    add_prompts(team_db, 2)
    with at("2026-01-06T00:00:00.000Z"):
        add_flag(team_db, "b", "p0001", "not_chinese", note="hmm")
    with at():
        add_flag(team_db, "a", "p0000", "prompt_unclear", note="hmm")
    flags = open_flags(team_db)
    assert [(f.prompt_id, f.reporter, f.kind, f.dimension) for f in flags] == [
        ("p0000", "a", "prompt_unclear", "Fairness"),
        ("p0001", "b", "not_chinese", "Fairness"),
    ]
    assert flags[0].prompt_text == "问题 p0000"
    with pytest.raises(UserError):
        resolve_flag(team_db, flags[0].id, "a")
    resolve_flag(team_db, flags[0].id, "lead")
    assert [f.prompt_id for f in open_flags(team_db)] == ["p0001"]
    assert team_db.execute("SELECT resolved_by FROM flags WHERE id = ?", [flags[0].id]).fetchone() == (
        "lead",
    )
    with pytest.raises(AdjudicationError, match="already resolved"):
        resolve_flag(team_db, flags[0].id, "lead")
    with pytest.raises(AdjudicationError, match="no flag"):
        resolve_flag(team_db, 999, "lead")


def test_final_score_of_one_response_follows_consolidation(team_db):
    rid = labelled(team_db, [3, 1, 1])
    assert final_score(team_db, rid) == (1, "majority")
    adjudicate(team_db, rid, 3, "lead", "annotator_error")
    assert final_score(team_db, rid) == (3, "adjudicated")
    finals = final_scores(team_db).set_index("response_id")
    assert (finals.loc[rid, "final_score"], finals.loc[rid, "provenance"]) == (3, "adjudicated")
    [prompt] = add_prompts(team_db, 1, prefix="q")
    assert final_score(team_db, add_response(team_db, prompt)) is None


def test_model_names_list_models_with_responses(team_db):
    labelled(team_db, [3], model="zeta")
    labelled(team_db, [3], model="alpha", prefix="q")
    assert model_names(team_db) == ["alpha", "zeta"]


def test_reporter_letter_is_the_letter_the_reporter_saw(team_db):
    [prompt] = add_prompts(team_db, 1)
    ids = [add_response(team_db, prompt, model) for model in ("m1", "m2", "m3")]
    for response, reporter, kind in ((ids[2], "a", "other"), (None, "b", "prompt_unclear")):
        with at():
            add_flag(team_db, reporter, prompt, kind, response=response or "")
    response_flag, prompt_flag = open_flags(team_db)
    assert reporter_letter(team_db, response_flag) == letter(
        blind_order("a", prompt, ids, blind_key(team_db)).index(ids[2])
    )
    assert reporter_letter(team_db, prompt_flag) is None
    seen = reporter_letter(team_db, response_flag)
    # responses imported after the flag shift the letters; not the one reported
    late = [{"prompt_id": prompt, "model": f"late-{n}", "response": "t"} for n in range(30)]
    add_responses(team_db, late, stamp="2099-01-01T00:00:00.000Z")
    assert reporter_letter(team_db, response_flag) == seen
