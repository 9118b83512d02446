"""Adjudication: the queue of disagreeing responses, most disagreeing first; for one response
everything the labels say, and the lead's final score with a reason."""

from __future__ import annotations

import streamlit as st

from annotator.adjudication import (
    adjudicate,
    adjudication_item,
    adjudication_queue,
    final_score,
    model_names,
)
from annotator.annotation import submitted_evidence
from annotator.states import AdjudicationReason
from annotator.store import project_rubric
from pages.common import MISSING, db, language, local_time, refusal, require_access, show_untrusted, t
from pages.evidence import show_evidence

user = require_access("adjudication")
st.title(t("page_adjudication"))
conn = db()
rubric = project_rubric(conn)
lang = language()
FOCUS = "adjudication_focus"  # set by the agreement dashboard: {"title": str, "response_ids": [str]}


def _clear_focus() -> None:
    st.session_state.pop(FOCUS, None)


if saved := st.session_state.pop("adjudication_saved", None):
    result = final_score(conn, saved)
    if result is not None:
        st.success(t("adjudication_saved", score=result[0], provenance=t(f"provenance_{result[1]}")))

focus = st.session_state.get(FOCUS)
focused: set[str] | None = None
if isinstance(focus, dict) and isinstance(focus.get("response_ids"), list):
    focused = {str(rid) for rid in focus["response_ids"]}
    with st.container(border=True):
        st.caption(t("focus_heading"))
        show_untrusted(str(focus.get("title", "")))
        st.button(t("clear_focus"), key="clear_focus", on_click=_clear_focus)

dimensions = {None: t("all"), **{d.name: d.display_name(lang) for d in rubric.dimensions}}
models = {None: t("all"), **{name: name for name in model_names(conn)}}
left, middle, right = st.columns(3)
dimension = left.selectbox(t("dimension"), list(dimensions), format_func=dimensions.__getitem__)
model = middle.selectbox(t("model"), list(models), format_func=models.__getitem__)
include_done = right.toggle(t("include_adjudicated"), value=focused is not None)
items = adjudication_queue(conn, dimension=dimension, model=model, include_adjudicated=include_done)
if focused is not None:
    items = [item for item in items if item.response_id in focused]
st.caption(t("queue_size", n=len(items)))
if not items:
    st.info(t("nothing_to_adjudicate"))
    st.stop()

# Click a row to open it (the first one is open until then). The key follows the queue's filters,
# so a row number never points into another list.
picked = st.dataframe(
    [
        {
            t("col_response_id"): item.response_id,
            t("dimension"): dimensions.get(item.dimension, item.dimension),
            t("model"): item.model,
            t("col_scores"): ", ".join(str(score) for score in item.scores),
            t("col_spread"): item.spread,
            t("col_adjudicated"): t("yes") if item.adjudicated else t("no"),
        }
        for item in items
    ],
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key=f"adjudication_queue-{dimension}-{model}-{include_done}-{focused is not None}",
)
rows = [row for row in picked.selection.rows if row < len(items)]
chosen = items[rows[0] if rows else 0].response_id
st.caption(t("adjudication_pick_row"))
detail = adjudication_item(conn, chosen)
entry = detail.queue
scale = rubric.dimension(entry.dimension)

st.subheader(
    f"{scale.display_name(lang)} · {scale.subcomponent_name(entry.subcomponent, lang)}", anchor=False
)
st.caption(t("prompt"))
show_untrusted(detail.prompt_text, css_class="prompt-text")
st.text(t("model_name", model=entry.model))
show_untrusted(detail.response_text)
st.dataframe(
    [
        {
            t("annotator"): label.annotator,
            t("score"): label.score,
            t("explanation"): label.explanation,
            t("col_submitted_at"): local_time(label.submitted_at) if label.submitted_at else MISSING,
        }
        for label in entry.labels
    ],
    hide_index=True,
)
show_evidence(detail.response_text, submitted_evidence(conn, entry.response_id), t("evidence_marked"))
for suggestion in detail.suggestions:
    confidence = "–" if suggestion.confidence is None else f"{suggestion.confidence:.2f}"
    st.text(t("suggestion", score=suggestion.score, agent=suggestion.agent, confidence=confidence))
with st.expander(t("other_responses", n=len(detail.other_responses))):
    for other in detail.other_responses:
        st.text(t("model_name", model=other.model))
        show_untrusted(other.text)

if detail.adjudication is not None:
    current = detail.adjudication
    st.info(
        t(
            "current_adjudication",
            score=current.final_score,
            lead=current.lead,
            reason=t(f"reason_{current.reason}"),
            time=local_time(current.changed_at),
        )
    )
    if current.note:
        st.text(current.note)

levels = {level.score: f"{level.score} · {level.description.get(lang) or ''}" for level in scale.levels}
reasons = {reason.value: t(f"reason_{reason}") for reason in AdjudicationReason}
with st.form(f"adjudicate-{chosen}"):
    score = st.radio(
        t("final_score"),
        list(levels),
        index=None if detail.adjudication is None else list(levels).index(detail.adjudication.final_score),
        format_func=levels.__getitem__,
        key=f"adjudicate_score-{chosen}",
    )
    reason = st.selectbox(
        t("reason"), list(reasons), format_func=reasons.__getitem__, key=f"adjudicate_reason-{chosen}"
    )
    note = st.text_area(t("note"), key=f"adjudicate_note-{chosen}")
    if st.form_submit_button(t("save_adjudication"), type="primary", key="adjudicate"):
        if score is None:
            st.error(t("choose_final_score"))
        else:
            try:
                adjudicate(conn, chosen, score, user.name, reason, note)
            except ValueError as exc:
                st.error(refusal(exc))
            else:
                st.session_state.adjudication_saved = chosen
                st.rerun()
