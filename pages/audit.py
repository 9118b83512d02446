"""Audit: who changed which label or final score, when, from what to what."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from annotator.audit import changes
from annotator.users import list_users
from pages.common import db, readable, require_access, t

user = require_access("audit")
st.title(t("page_audit"))
st.caption(t("audit_intro"))

names = {"": t("audit_everyone")} | {u.name: u.name for u in list_users(db())}
left, middle, right = st.columns([2, 3, 1])
who = left.selectbox(t("audit_who"), list(names), format_func=names.__getitem__)
response_id = middle.text_input(t("audit_response")).strip()
limit = right.number_input(t("audit_limit"), min_value=10, max_value=100_000, value=1000, step=100)


def _status(kind: str, status: object) -> object:
    """A label's status (draft, submitted), or an adjudication's reason, in the UI language."""
    if pd.isna(status):
        return status
    return t(f"audit_status_{status}") if kind == "label" else t(f"reason_{status}")


def _shown(log: pd.DataFrame) -> pd.DataFrame:
    shown = log.assign(
        from_status=[_status(k, v) for k, v in zip(log["kind"], log["from_status"], strict=True)],
        to_status=[_status(k, v) for k, v in zip(log["kind"], log["to_status"], strict=True)],
        kind=log["kind"].map(lambda kind: t(f"audit_kind_{kind}")),
        from_score=log["from_score"].astype("Int64"),
    )
    return readable(shown).rename(columns=lambda column: t(f"audit_col_{column}"))


log = changes(db(), who=who or None, response_id=response_id or None, limit=int(limit))
if log.empty:
    st.info(t("audit_empty"))
else:
    st.dataframe(_shown(log), hide_index=True, width="stretch")
