"""Guidelines: the rubric of every dimension and the team's own markdown guidelines. Everyone
reads them; leads and admins edit them, and every saved change is a new version."""

from __future__ import annotations

import streamlit as st

from annotator.guidelines import current_guidelines, guideline_history, inert_markdown, save_guidelines
from annotator.store import project_rubric
from pages.common import db, language, local_time, refusal, require_access, t

user = require_access("guidelines")
st.title(t("page_guidelines"))
conn = db()
rubric = project_rubric(conn)
lang = language()

if message := st.session_state.pop("guidelines_message", None):
    st.success(message)

st.subheader(t("rubric"), anchor=False)
for dimension in rubric.dimensions:
    with st.expander(dimension.display_name(lang)):
        st.table(
            [
                {t("score"): level.score, t("description"): level.description.get(lang) or ""}
                for level in dimension.levels
            ],
            hide_index=True,
        )
        st.caption(
            t(
                "subcomponents",
                names=", ".join(dimension.subcomponent_name(sub, lang) for sub in dimension.subcomponents),
            )
        )

st.subheader(t("team_guidelines"), anchor=False)
current = current_guidelines(conn)
if current is None:
    st.info(t("no_guidelines"))
else:
    st.caption(
        t(
            "guideline_version",
            version=current.version,
            author=current.author,
            time=local_time(current.created_at),
        )
    )
    # Written by people: markdown, but with HTML escaped (st.markdown's default) and images made text.
    with st.container(border=True, key="guidelines_text"):
        st.markdown(inert_markdown(current.markdown))

if user.is_lead:
    with st.form("edit_guidelines"):
        text = st.text_area(
            t("edit_guidelines"),
            value="" if current is None else current.markdown,
            height=300,
            key="guidelines",
        )
        if st.form_submit_button(t("save_guidelines"), type="primary", key="save_guidelines"):
            try:
                version = save_guidelines(conn, text, user.name)
            except ValueError as exc:
                st.error(refusal(exc))
            else:
                changed = current is None or version != current.version
                st.session_state.guidelines_message = t(
                    "guidelines_saved" if changed else "guidelines_unchanged", version=version
                )
                st.rerun()
    history = guideline_history(conn)
    if history:
        with st.expander(t("guideline_history", n=len(history))):
            for version in history:
                st.caption(
                    t(
                        "guideline_version",
                        version=version.version,
                        author=version.author,
                        time=local_time(version.created_at),
                    )
                )
                st.code(version.markdown, language="markdown")
