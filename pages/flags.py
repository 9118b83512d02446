"""Flags: problems annotators reported on prompts and responses, until a lead resolves them."""

from __future__ import annotations

import streamlit as st

from annotator.adjudication import adjudication_item, open_flags, reporter_letter, resolve_flag
from annotator.store import project_rubric
from pages.common import db, language, local_time, refusal, require_access, show_untrusted, t

user = require_access("flags")
st.title(t("page_flags"))
conn = db()
rubric = project_rubric(conn)
lang = language()


def _resolve(flag_id: int) -> None:
    try:
        resolve_flag(conn, flag_id, user.name)
    except ValueError as exc:
        st.session_state.flags_error = refusal(exc)


if message := st.session_state.pop("flags_error", None):
    st.error(message)
flags = open_flags(conn)
st.caption(t("open_flags", n=len(flags)))
if not flags:
    st.info(t("no_open_flags"))
for item in flags:
    with st.container(border=True, key=f"flag-{item.id}"):
        known = item.dimension in rubric.dimension_names
        dimension = rubric.dimension(item.dimension).display_name(lang) if known else item.dimension
        target = (
            t("the_prompt")
            if item.response_id is None
            else t("flag_response", letter=reporter_letter(conn, item) or "?", id=item.response_id)
        )
        st.markdown(f"**{t(f'flag_{item.kind}')}** · {dimension}")
        st.text(t("flag_details", target=target, reporter=item.reporter, time=local_time(item.created_at)))
        show_untrusted(item.prompt_text, css_class="prompt-text")
        if item.response_id is not None:
            with st.expander(t("flagged_response")):
                show_untrusted(adjudication_item(conn, item.response_id).response_text)
        if item.note:
            st.caption(t("flag_note"))
            show_untrusted(item.note)
        st.button(t("resolve"), key=f"resolve-{item.id}", on_click=_resolve, args=(item.id,))
