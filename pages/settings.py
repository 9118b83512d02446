"""Settings (leads): how suggestions are shown to annotators, whose suggestions, the UI language
people start with, and the order of annotators' queues."""

from __future__ import annotations

import streamlit as st

from annotator.annotation import QUEUE_ORDERS, SUGGESTION_MODES
from annotator.i18n import LANGUAGES
from annotator.settings import ProjectSettings, project_settings, save_settings, suggestion_agents
from pages.common import db, require_access, t

user = require_access("settings")
st.title(t("page_settings"))
conn = db()

if message := st.session_state.pop("settings_message", None):
    st.success(message)

current = project_settings(conn)
modes = {mode: t(f"suggestion_mode_{mode}") for mode in SUGGESTION_MODES}
orders = {order: t(f"queue_order_{order}") for order in QUEUE_ORDERS}
agents: dict[str | None, str] = {None: t("newest_any_agent"), **{a: a for a in suggestion_agents(conn)}}
with st.form("settings"):
    mode = st.radio(
        t("suggestion_mode"),
        list(modes),
        index=list(modes).index(current.suggestion_mode),
        format_func=modes.__getitem__,
        key="suggestion_mode",
    )
    agent = st.selectbox(
        t("suggestion_agent"),
        list(agents),
        index=list(agents).index(current.suggestion_agent),
        format_func=agents.__getitem__,
        key="suggestion_agent",
    )
    default_language = st.radio(
        t("default_language"),
        list(LANGUAGES),
        index=list(LANGUAGES).index(current.default_language),
        format_func=LANGUAGES.__getitem__,
        horizontal=True,
        key="default_language",
    )
    order = st.radio(
        t("queue_order"),
        list(orders),
        index=list(orders).index(current.queue_order),
        format_func=orders.__getitem__,
        help=t("queue_order_help"),
        key="queue_order",
    )
    if st.form_submit_button(t("save_settings"), type="primary", key="save_settings"):
        try:
            save_settings(conn, ProjectSettings(mode, agent, default_language, order), user.name)
        except ValueError as exc:
            st.error(t("error", message=str(exc)))
        else:
            st.session_state.settings_message = t("settings_saved")
            st.rerun()
st.caption(t("suggestion_mode_help"))
