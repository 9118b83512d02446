"""Audit: who changed which label or final score, when, from what to what."""

from __future__ import annotations

import streamlit as st

from annotator.audit import changes
from annotator.users import list_users
from pages.common import db, require_access, t

user = require_access("audit")
st.title(t("page_audit"))
st.caption(t("audit_intro"))

names = {"": t("audit_everyone")} | {u.name: u.name for u in list_users(db())}
left, middle, right = st.columns([2, 3, 1])
who = left.selectbox(t("audit_who"), list(names), format_func=names.__getitem__)
response_id = middle.text_input(t("audit_response")).strip()
limit = right.number_input(t("audit_limit"), min_value=10, max_value=100_000, value=1000, step=100)

log = changes(db(), who=who or None, response_id=response_id or None, limit=int(limit))
if log.empty:
    st.info(t("audit_empty"))
else:
    st.dataframe(log, hide_index=True, use_container_width=True)
