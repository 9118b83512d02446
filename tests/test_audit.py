from __future__ import annotations

from annotator import annotation as ann
from annotator.adjudication import adjudicate
from annotator.audit import changes
from tests.builders import responses_of


def test_changes_say_who_changed_what_from_what_to_what(workspace_db):
    target = responses_of("legal-1")[0]
    ann.save_score(workspace_db, "alice", target, 3)
    ann.save_score(workspace_db, "alice", target, 1)
    for other in responses_of("legal-1")[1:]:
        ann.save_score(workspace_db, "alice", other, 3)
    ann.submit_prompt(workspace_db, "alice", "legal-1")
    ann.save_score(workspace_db, "bob", target, 3)
    adjudicate(workspace_db, target, 1, "lea", "annotator_error", "指出了违法")
    adjudicate(workspace_db, target, 3, "lea", "other", "改判")
    log = changes(workspace_db, response_id=target)
    steps = list(
        log.sort_values(["kind", "changed_at"], kind="stable")[
            ["who", "kind", "from_score", "to_score", "from_status", "to_status"]
        ].itertuples(index=False, name=None)
    )
    steps = [tuple(None if v != v else v for v in step) for step in steps]  # NaN -> None
    assert ("lea", "adjudication", None, 1, None, "annotator_error") in steps
    assert ("lea", "adjudication", 1, 3, None, "other") in steps
    assert ("alice", "label", None, 3, None, "draft") in steps
    assert ("alice", "label", 3, 1, "draft", "draft") in steps
    assert ("alice", "label", 1, 1, "draft", "submitted") in steps
    assert ("bob", "label", None, 3, None, "draft") in steps
    assert set(changes(workspace_db, who="bob")["who"]) == {"bob"}


def test_limit_and_newest_first(workspace_db):
    for rid in responses_of("fair-1"):
        ann.save_score(workspace_db, "alice", rid, 2)
    log = changes(workspace_db, limit=2)
    assert len(log) == 2
    assert list(log["changed_at"]) == sorted(log["changed_at"], reverse=True)
