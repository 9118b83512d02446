from __future__ import annotations

import pytest

from annotator import demo, ids, users
from annotator.settings import is_demo
from annotator.store import get_setting

PASSWORD = "demo-password-1"


def test_build_demo_fills_a_new_database(db, demo_content):
    summary = demo.build_demo(db, PASSWORD)
    assert (summary.prompts, summary.responses, summary.models, summary.labels) == (2, 4, 2, 4)
    assert db.execute("SELECT COUNT(*) FROM suggestions WHERE agent = 'demo-scorer'").fetchone()[0] == 4
    assert summary.accounts == (
        ("ann1", "annotator"),
        ("ann2", "annotator"),
        ("ann3", "annotator"),
        ("lead1", "lead"),
        ("admin1", "admin"),
    )
    assert is_demo(db) and get_setting(db, "demo") == "1"
    for name, role in summary.accounts:
        assert users.require_user(db, name).role == role
        hashed = db.execute("SELECT password_hash FROM users WHERE name = ?", [name]).fetchone()[0]
        assert users.verify_password(hashed, PASSWORD)
    assert db.execute("SELECT id FROM responses WHERE prompt_id = 'd1' AND model = '模型A'").fetchone()[
        0
    ] == (ids.response_id("d1", "模型A"))
    assignments = db.execute(
        "SELECT prompt_id, annotator, position, status FROM assignments ORDER BY annotator, position"
    ).fetchall()
    assert assignments == [
        ("d1", "ann1", 0, "submitted"),
        ("d2", "ann1", 1, "open"),
        ("d1", "ann2", 0, "submitted"),
        ("d2", "ann2", 1, "open"),
        ("d1", "ann3", 0, "open"),
        ("d2", "ann3", 1, "open"),
    ]


def test_building_again_adds_nothing_and_resets_the_password(db, demo_content):
    demo.build_demo(db, PASSWORD)
    summary = demo.build_demo(db, "another-password")
    assert (summary.prompts, summary.labels) == (2, 4)
    assert db.execute("SELECT COUNT(*) FROM assignments").fetchone()[0] == 6
    hashed = db.execute("SELECT password_hash FROM users WHERE name = 'lead1'").fetchone()[0]
    assert users.verify_password(hashed, "another-password")
    assert not users.verify_password(hashed, PASSWORD)


def test_demo_refused_in_a_database_with_data(db, demo_content):
    users.add_user(db, "real-person", "admin", "a-real-password")
    with pytest.raises(ValueError, match="not a demo database"):
        demo.build_demo(db, PASSWORD)
    assert db.execute("SELECT COUNT(*) FROM prompts").fetchone()[0] == 0
    assert not is_demo(db)


def test_bad_demo_content_builds_nothing(db, demo_content):
    bad = {"prompt_id": "d2", "model": "模型A", "annotator": "ann1", "score": 2}
    demo_content.LABELS = [*demo_content.LABELS, bad]
    with pytest.raises(ValueError, match="demo, line 5, field 'score'"):
        demo.build_demo(db, PASSWORD)
    assert db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM prompts").fetchone()[0] == 0


def test_short_password_refused(db, demo_content):
    with pytest.raises(users.UserError, match="at least"):
        demo.build_demo(db, "short")


def test_generated_passwords_are_long_and_differ():
    first, second = demo.generate_password(), demo.generate_password()
    assert first != second and len(first) >= users.MIN_PASSWORD_LENGTH


@pytest.mark.usefixtures("fast_hashing")
def test_the_real_demo_content_goes_through_the_importers(db):
    from annotator import demo_content

    summary = demo.build_demo(db, PASSWORD)
    assert summary.prompts == len(demo_content.PROMPTS)
    assert summary.responses == len(demo_content.RESPONSES)
    assert summary.models == len(demo_content.MODELS)
    assert summary.labels == len(demo_content.LABELS)
    labelled = {(label["prompt_id"], label["annotator"]) for label in demo_content.LABELS}
    statuses = db.execute("SELECT prompt_id, annotator, status FROM assignments").fetchall()
    assert len(statuses) == len(demo_content.PROMPTS) * len(demo_content.ANNOTATORS)
    assert all((status == "submitted") == ((p, a) in labelled) for p, a, status in statuses)
