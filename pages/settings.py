"""Settings (leads): how suggestions are shown to annotators, whose suggestions, the UI language
people start with, and the order of annotators' queues."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from annotator.i18n import LANGUAGES
from annotator.settings import (
    QUEUE_ORDER,
    SUGGESTION_MODE,
    ProjectSettings,
    project_settings,
    save_settings,
    suggestion_agents,
)
from pages.common import db, refusal, require_access, t

user = require_access("settings")
st.title(t("page_settings"))
conn = db()

if message := st.session_state.pop("settings_message", None):
    st.success(message)

current = project_settings(conn)


def _choice(widget: Callable[..., Any], key: str, labels: Mapping[Any, str], **options: Any) -> Any:
    """A radio or selectbox over `labels` (value -> label), starting at the current setting."""
    values = list(labels)
    return widget(
        t(key),
        values,
        index=values.index(getattr(current, key)),
        format_func=labels.__getitem__,
        key=key,
        **options,
    )


modes = {mode: t(f"suggestion_mode_{mode}") for mode in SUGGESTION_MODE.allowed}
orders = {order: t(f"queue_order_{order}") for order in QUEUE_ORDER.allowed}
agents: dict[str | None, str] = {None: t("newest_any_agent"), **{a: a for a in suggestion_agents(conn)}}
with st.form("settings"):
    mode = _choice(st.radio, "suggestion_mode", modes)
    agent = _choice(st.selectbox, "suggestion_agent", agents)
    default_language = _choice(st.radio, "default_language", LANGUAGES, horizontal=True)
    order = _choice(st.radio, "queue_order", orders, help=t("queue_order_help"))
    if st.form_submit_button(t("save_settings"), type="primary", key="save_settings"):
        try:
            save_settings(conn, ProjectSettings(mode, agent, default_language, order), user.name)
        except ValueError as exc:
            st.error(refusal(exc))
        else:
            st.session_state.settings_message = t("settings_saved")
            st.rerun()
st.caption(t("suggestion_mode_help"))
