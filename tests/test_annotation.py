from __future__ import annotations

import pytest

from annotator import annotation as ann
from annotator.store import open_db, set_setting, transaction
from annotator.suggestions import store_suggestions
from tests.builders import add_label, responses_of


def _label_rows(db, annotator):
    return db.execute(
        "SELECT response_id, score, status FROM labels WHERE annotator = ? ORDER BY response_id", [annotator]
    ).fetchall()


@pytest.mark.parametrize(("index", "expected"), [(0, "A"), (11, "L"), (25, "Z"), (26, "AA"), (27, "AB")])
def test_letters(index, expected):
    assert ann.letter(index) == expected


def test_blind_order_is_stable_and_differs_between_annotators_and_keys():
    ids = [f"r{i}" for i in range(12)]
    order = ann.blind_order("alice", "p", ids, "key")
    assert order == ann.blind_order("alice", "p", list(reversed(ids)), "key")
    assert order != ann.blind_order("bob", "p", ids, "key")
    assert order != ann.blind_order("alice", "p", ids, "another key")
    assert sorted(order) == sorted(ids)


def test_each_database_gets_its_own_secret_blind_key(tmp_path):
    keys = [ann.blind_key(open_db(tmp_path / f"{name}.db")) for name in ("a", "b")]
    assert all(len(key) == 32 for key in keys)
    assert keys[0] != keys[1]


def test_view_is_blind_and_only_shows_own_labels(workspace_db):
    bob_target = responses_of("fair-1")[0]
    ann.save_score(workspace_db, "bob", bob_target, 1)
    view = ann.prompt_view(workspace_db, "alice", "fair-1")
    assert [i.letter for i in view.items] == ["A", "B", "C"]
    assert all(i.model is None for i in view.items)
    assert all(i.score is None for i in view.items)
    revealed = ann.prompt_view(workspace_db, "lea", "fair-1", reveal_models=True)
    assert {i.model for i in revealed.items} == {"model-a", "model-b", "model-c"}


def test_editing_an_imported_submitted_label_makes_it_a_draft_until_the_prompt_is_submitted(workspace_db):
    first = responses_of("fair-1")[0]
    add_label(workspace_db, first, "alice", 1)  # a label import, while alice's assignment is still open
    ann.save_score(workspace_db, "alice", first, 3)
    assert (first, 3, "draft") in _label_rows(workspace_db, "alice")  # not a submitted 3 nobody submitted


def test_unassigned_prompt_is_refused(workspace_db):
    with transaction(workspace_db):
        workspace_db.execute("DELETE FROM assignments WHERE annotator = 'alice' AND prompt_id = 'legal-1'")
    with pytest.raises(ann.AnnotationError, match="not assigned"):
        ann.prompt_view(workspace_db, "alice", "legal-1")
    with pytest.raises(ann.AnnotationError, match="not assigned"):
        ann.save_score(workspace_db, "alice", responses_of("legal-1")[0], 3)


def test_save_is_a_draft_and_every_change_lands_in_history(workspace_db):
    target = responses_of("fair-1")[0]
    ann.save_score(workspace_db, "alice", target, 2, seconds=4.0)
    ann.save_score(workspace_db, "alice", target, 3, seconds=2.5)
    ann.save_explanation(workspace_db, "alice", target, "指出了偏见")
    assert _label_rows(workspace_db, "alice") == [(target, 3, "draft")]
    history = workspace_db.execute(
        "SELECT score, explanation FROM label_history WHERE response_id = ? ORDER BY id", [target]
    ).fetchall()
    assert history == [(2, ""), (3, ""), (3, "指出了偏见")]
    seconds = workspace_db.execute("SELECT seconds FROM labels WHERE response_id = ?", [target]).fetchone()[0]
    assert seconds == pytest.approx(6.5)


@pytest.mark.parametrize(("prompt_id", "score"), [("legal-1", 2), ("fair-1", 4), ("fair-1", 0)])
def test_scores_outside_the_scale_are_refused(workspace_db, prompt_id, score):
    with pytest.raises(ValueError, match="not allowed"):
        ann.save_score(workspace_db, "alice", responses_of(prompt_id)[0], score)
    assert _label_rows(workspace_db, "alice") == []


def test_submit_needs_every_response_then_moves_the_queue(workspace_db):
    first, second, third = responses_of("fair-1")
    assert ann.next_prompt(workspace_db, "alice") == "fair-1"
    ann.save_score(workspace_db, "alice", first, 3)
    ann.save_score(workspace_db, "alice", second, 2)
    with pytest.raises(ann.AnnotationError, match="without a score"):
        ann.submit_prompt(workspace_db, "alice", "fair-1")
    ann.save_score(workspace_db, "alice", third, 1)
    ann.submit_prompt(workspace_db, "alice", "fair-1")
    assert {row[2] for row in _label_rows(workspace_db, "alice")} == {"submitted"}
    assert ann.next_prompt(workspace_db, "alice") == "legal-1"
    progress = ann.queue_progress(workspace_db, "alice")
    assert (progress.done, progress.assigned, progress.done_today) == (1, 2, 1)
    with pytest.raises(ann.AnnotationError, match="reopen"):
        ann.save_score(workspace_db, "alice", first, 1)


def test_reopen_then_revise_keeps_history(workspace_db):
    for rid in responses_of("legal-1"):
        ann.save_score(workspace_db, "alice", rid, 3)
    ann.submit_prompt(workspace_db, "alice", "legal-1")
    ann.reopen_prompt(workspace_db, "alice", "legal-1")
    assert ann.next_prompt(workspace_db, "alice") == "fair-1"  # queue order: fair-1 comes first
    target = responses_of("legal-1")[0]
    ann.save_score(workspace_db, "alice", target, 1)
    ann.submit_prompt(workspace_db, "alice", "legal-1")
    statuses = workspace_db.execute(
        "SELECT score, status FROM label_history WHERE response_id = ? ORDER BY id", [target]
    ).fetchall()
    assert statuses == [(3, "draft"), (3, "submitted"), (3, "draft"), (1, "draft"), (1, "submitted")]


def test_required_explanation_blocks_submit(workspace_db):
    from annotator.rubric import flames_rubric, parse_rubric
    from annotator.store import set_project_rubric

    source = flames_rubric().source.replace(
        'name = "Fairness"\n', 'name = "Fairness"\nexplanation_required_below = 3\n'
    )
    set_project_rubric(workspace_db, parse_rubric(source))
    first, second, third = responses_of("fair-1")
    ann.save_score(workspace_db, "alice", first, 3)
    ann.save_score(workspace_db, "alice", second, 1)
    ann.save_score(workspace_db, "alice", third, 3)
    with pytest.raises(ann.AnnotationError, match="need an explanation"):
        ann.submit_prompt(workspace_db, "alice", "fair-1")
    ann.save_explanation(workspace_db, "alice", second, "给出了歧视性内容")
    ann.submit_prompt(workspace_db, "alice", "fair-1")


def test_skip_needs_a_reason_and_goes_to_the_back(workspace_db):
    with pytest.raises(ann.AnnotationError, match="why"):
        ann.skip_prompt(workspace_db, "alice", "fair-1", "  ")
    ann.skip_prompt(workspace_db, "alice", "fair-1", "看不懂")
    assert ann.next_prompt(workspace_db, "alice") == "legal-1"
    assert [item.status for item in ann.queue(workspace_db, "alice")] == ["open", "skipped"]
    ann.unskip_prompt(workspace_db, "alice", "fair-1")
    assert ann.next_prompt(workspace_db, "alice") == "fair-1"


def test_flags(workspace_db):
    rid = responses_of("fair-1")[1]
    flag_id = ann.flag(workspace_db, "alice", "fair-1", "response_truncated", "只有半句", response_id=rid)
    row = workspace_db.execute(
        "SELECT prompt_id, response_id, kind, note FROM flags WHERE id = ?", [flag_id]
    ).fetchone()
    assert row == ("fair-1", rid, "response_truncated", "只有半句")
    with pytest.raises(ann.AnnotationError, match="unknown flag"):
        ann.flag(workspace_db, "alice", "fair-1", "boring")
    with pytest.raises(ann.AnnotationError, match="does not belong"):
        ann.flag(workspace_db, "alice", "fair-1", "other", response_id=responses_of("legal-1")[0])


def _suggest(db, rid, score, agent="scorer-v1", confidence=0.9):
    store_suggestions(db, [(rid, agent, score, confidence)])


@pytest.mark.parametrize("mode", ["hidden", "shown", "prefilled"])
def test_suggestion_modes_are_shown_and_recorded(workspace_db, mode):
    first, second, _ = responses_of("fair-1")
    _suggest(workspace_db, first, 2)
    set_setting(workspace_db, "suggestion_mode", mode)
    view = ann.prompt_view(workspace_db, "alice", "fair-1")
    item = next(i for i in view.items if i.response_id == first)
    assert (item.suggestion is None) == (mode == "hidden")
    assert item.prefilled == (mode == "prefilled")
    assert item.score == (2 if mode == "prefilled" else None)
    assert item.letter in view.missing  # a pre-filled score still needs the person's confirmation
    ann.save_score(workspace_db, "alice", first, 2)
    ann.save_score(workspace_db, "alice", second, 3)
    recorded = dict(
        (rid, (m, s))
        for rid, m, s in workspace_db.execute(
            "SELECT response_id, suggestion_mode, suggestion_score FROM labels"
        )
    )
    assert recorded[first] == (mode, 2)
    assert recorded[second] == ("none", None)
    after = next(i for i in ann.prompt_view(workspace_db, "alice", "fair-1").items if i.response_id == first)
    assert (after.score, after.prefilled) == (2, False)


@pytest.mark.parametrize(
    ("order", "agent", "suggestions", "expected"),
    [
        ("assigned", None, [("scorer", "fair-1", 0.9), ("scorer", "legal-1", 0.5)], ["fair-1", "legal-1"]),
        ("uncertainty", None, [("scorer", "fair-1", 0.9), ("scorer", "legal-1", 0.5)], ["legal-1", "fair-1"]),
        ("uncertainty", None, [("scorer", "fair-1", 0.9)], ["fair-1", "legal-1"]),
        ("uncertainty", None, [("scorer", "legal-1", 0.9)], ["legal-1", "fair-1"]),  # unscored ones last
        ("uncertainty", None, [], ["fair-1", "legal-1"]),
        # Only the configured agent's confidence counts.
        ("uncertainty", "judge", [("judge", "fair-1", 0.8), ("x", "legal-1", 0.1)], ["fair-1", "legal-1"]),
    ],
)
def test_queue_order_by_scorer_uncertainty(workspace_db, order, agent, suggestions, expected):
    for agent_name, prompt_id, confidence in suggestions:
        for rid in responses_of(prompt_id):
            _suggest(workspace_db, rid, 1, agent_name, confidence)
    set_setting(workspace_db, "queue_order", order)
    if agent:
        set_setting(workspace_db, "suggestion_agent", agent)
    assert [item.prompt_id for item in ann.queue(workspace_db, "alice")] == expected
    assert ann.next_prompt(workspace_db, "alice") == expected[0]


@pytest.mark.parametrize(
    ("confidences", "expected"),
    [
        ({"fair-1": 0.5, "legal-1": 0.9}, ["fair-1", "gold-1", "legal-1"]),
        ({"fair-1": 0.5, "legal-1": 0.1}, ["gold-1", "legal-1", "fair-1"]),
    ],
)
def test_a_gold_check_keeps_its_slot_beside_its_prompt_in_uncertainty_order(
    workspace_db, confidences, expected
):
    """The gold prompt's own (high) confidence would sink it to the end; it follows legal-1's."""
    # Raw rows: mix_gold places a gold check at a random slot, and this case needs legal-1's.
    with transaction(workspace_db):
        workspace_db.execute(
            "INSERT INTO prompts (id, dimension, text, created_at) VALUES ('gold-1', 'Fairness', 'g', '2026')"
        )
        workspace_db.execute(
            "INSERT INTO responses (id, prompt_id, model, text, created_at) "
            "VALUES ('gold-1-r', 'gold-1', 'model-a', 'r', '2026')"
        )
        workspace_db.execute(
            "INSERT INTO assignments (prompt_id, annotator, position, assigned_at, gold) "
            "SELECT 'gold-1', 'alice', position, '2026', 1 FROM assignments "
            "WHERE annotator = 'alice' AND prompt_id = 'legal-1'"
        )
    _suggest(workspace_db, "gold-1-r", 3, confidence=0.99)
    for prompt_id, confidence in confidences.items():
        for rid in responses_of(prompt_id):
            _suggest(workspace_db, rid, 1, confidence=confidence)
    set_setting(workspace_db, "queue_order", "uncertainty")
    assert [item.prompt_id for item in ann.queue(workspace_db, "alice")] == expected
    assert ann.next_prompt(workspace_db, "alice") == expected[0]


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(2, 4)], [(2, 4, "是不")]),
        ([(5, 7), (0, 2)], [(0, 2, "女生"), (5, 7, "天生")]),  # in order
        ([(0, 3), (2, 5), (5, 6)], [(0, 6, "女生是不是天")]),  # overlapping and touching marks merge
        ([], []),
    ],
)
def test_marks_are_character_offsets_with_their_text(spans, expected):
    marks = ann.checked_marks("女生是不是天生不适合学理科？", spans)
    assert [(m.start, m.end, m.text) for m in marks] == expected


@pytest.mark.parametrize("span", [(-1, 2), (3, 3), (5, 2), (0, 15), (1.5, 3)])
def test_a_mark_outside_the_text_is_refused_with_its_offsets(span):
    with pytest.raises(ann.AnnotationError, match="outside the response text"):
        ann.checked_marks("女生是不是天生不适合学理科？", [span])


def test_evidence_is_saved_at_once_with_the_labels_history(workspace_db):
    target = responses_of("fair-1")[0]  # "model-a 对 fair-1 的回答"
    ann.save_score(workspace_db, "alice", target, 2)
    ann.save_evidence(workspace_db, "alice", target, [(0, 7)])
    view = ann.prompt_view(workspace_db, "alice", "fair-1")
    [item] = [i for i in view.items if i.response_id == target]
    assert (item.score, item.evidence) == (2, (ann.Mark(0, 7, "model-a"),))
    ann.save_evidence(workspace_db, "alice", target, [])  # removed
    history = workspace_db.execute(
        "SELECT score, evidence FROM label_history WHERE response_id = ? ORDER BY id", [target]
    ).fetchall()
    assert history == [(2, "[]"), (2, '[{"start": 0, "end": 7, "text": "model-a"}]'), (2, "[]")]
    with pytest.raises(ann.AnnotationError, match="outside the response text"):
        ann.save_evidence(workspace_db, "alice", target, [(0, 999)])
    assert ann.submitted_evidence(workspace_db, target) == {}  # a draft: leads see submitted labels


def test_required_evidence_blocks_submit(workspace_db):
    from annotator.rubric import flames_rubric, parse_rubric
    from annotator.store import set_project_rubric

    source = flames_rubric().source.replace(
        'name = "Fairness"\n', 'name = "Fairness"\nevidence_required_below = 2\n'
    )
    set_project_rubric(workspace_db, parse_rubric(source))
    first, second, third = responses_of("fair-1")
    for rid, score in ((first, 3), (second, 1), (third, 2)):
        ann.save_score(workspace_db, "alice", rid, score)
    letter = next(
        i.letter for i in ann.prompt_view(workspace_db, "alice", "fair-1").items if i.response_id == second
    )
    with pytest.raises(ann.AnnotationError, match=f"need evidence marked.*: {letter}$"):
        ann.submit_prompt(workspace_db, "alice", "fair-1")
    ann.save_evidence(workspace_db, "alice", second, [(10, 16)])
    ann.submit_prompt(workspace_db, "alice", "fair-1")
    assert ann.submitted_evidence(workspace_db, second) == {"alice": (ann.Mark(10, 16, "fair-1"),)}


def test_edits_from_the_page_are_applied_once_oldest_first_and_malformed_ones_left_out():
    from annotator.edits import Edit, pending_edits

    edits = {
        "b": {"score": [2, 5], "explanation": ["理由", 7], "evidence": [[[0, 2]], 6]},
        "a": {"score": [3, 4], "colour": ["red", 9]},
        "c": {"score": ["3", 8], "evidence": [[[0]], 10], "explanation": [1, 11]},
        "d": "not a table",
    }
    assert pending_edits(edits, {"b": {"explanation": 7}}) == [
        Edit("a", "score", 3, 4),
        Edit("b", "score", 2, 5),
        Edit("b", "evidence", [[0, 2]], 6),
    ]
    assert pending_edits(None, {}) == [] and pending_edits([1, 2], {}) == []
