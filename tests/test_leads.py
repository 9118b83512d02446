from __future__ import annotations

import pytest

from annotator.leads import require_lead
from annotator.users import UserError
from tests.builders import add_users, new_db


@pytest.mark.parametrize(
    ("name", "message"),
    [("ann", "only a lead or admin"), ("gone", "inactive"), ("nobody", "no user named")],
)
def test_require_lead_refuses_non_leads(name, message):
    db = new_db()
    add_users(db, ["ann"])
    add_users(db, ["gone"], role="lead", active=False)
    with pytest.raises(UserError, match=message):
        require_lead(db, name)


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_require_lead_returns_leads_and_admins(role):
    db = new_db()
    add_users(db, ["boss"], role=role)
    assert require_lead(db, "boss").role == role
