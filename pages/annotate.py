"""Scoring one prompt at a time: blind responses, every key saved at once, keyboard first.

The prompt's responses, the scores, the focus, explanations and evidence live in one client-side
component (pages/annotate.js): keys answer at once in the browser, and the page gets the person's
current edits as the component's state, each applied once, in order (annotator.edits).
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st
from streamlit.components.v2.types import ComponentRenderer

from annotator.annotation import (
    AnnotationError,
    PromptView,
    flag,
    next_prompt,
    prompt_view,
    queue,
    queue_progress,
    reopen_prompt,
    save_evidence,
    save_explanation,
    save_score,
    skip_prompt,
    submit_prompt,
    unskip_prompt,
)
from annotator.edits import pending_edits
from annotator.i18n import text
from annotator.messages import annotate as annotate_messages
from annotator.states import AssignmentStatus, FlagKind
from annotator.store import project_rubric
from pages.common import current_user, db, language, refusal, require_access, show_untrusted

user = require_access("annotate")
conn = db()
LANGUAGE = language()  # once per run: each look-up checks the session in the database


def t(key: str, **values: object) -> str:
    return text(key, LANGUAGE, **values)


rubric = project_rubric(conn)
HERE = Path(__file__).parent
SCORING = "scoring"  # the component's key: its state is the person's edits


@st.cache_resource(show_spinner=False)
def _scoring_component() -> ComponentRenderer:
    """Registered once per process, not on every key's rerun: mounting it registers it again on a
    runtime that lacks it (a new AppTest), so one definition serves every session."""
    return st.components.v2.component(
        "flames_scoring",
        html='<div class="fl-root"><aside class="fl-panel"></aside><div class="fl-cards"></div></div>',
        css=(HERE / "annotate.css").read_text(encoding="utf-8"),
        js=(HERE / "annotate.js").read_text(encoding="utf-8"),
        isolate_styles=False,  # selections for evidence are plain document selections
    )


scoring_component = _scoring_component()
SAVERS = {"score": save_score, "explanation": save_explanation, "evidence": save_evidence}


def _elapsed() -> float:
    """Server-measured seconds since the person's previous action on this prompt."""
    moment = time.monotonic()
    last = st.session_state.get("last_action", moment)
    st.session_state.last_action = moment
    return moment - last


def _revealed() -> bool:
    return user.is_lead and bool(st.session_state.get("reveal"))


def _report(action, *args, **kwargs) -> bool:
    """Run a store action as this page's user; on a refusal show why in a toast (where the eyes
    are) instead of a traceback. Callbacks run before the page checks the session again, so it is
    checked here: after a logout in another tab, an expiry or a deactivation nothing more is saved."""
    if not _session_is_ours():
        return False
    try:
        action(*args, **kwargs)
    except ValueError as exc:  # refusals, and StoreError: a read-only or full database
        st.session_state.toast = refusal(exc)
        return False
    return True


def _session_is_ours() -> bool:
    current = current_user()
    return current is not None and current.name == user.name


def _component_state() -> dict:
    state = st.session_state.get(SCORING)
    return dict(state) if state else {}


def _apply_edits() -> None:
    """Save the person's edits the server has not seen yet, oldest first; a refused one is kept with
    its reason, shown next to its response. Applying twice changes nothing (sequence numbers)."""
    work = _component_state().get("work")
    if not isinstance(work, dict) or not isinstance(work.get("prompt"), str) or not _session_is_ours():
        return
    prompt_id = work["prompt"]
    applied = st.session_state.setdefault("applied", {}).setdefault(prompt_id, {})
    edits = pending_edits(work.get("edits"), applied)
    if not edits:
        return
    refused = st.session_state.setdefault("refused", {}).setdefault(prompt_id, {})
    try:
        targets = {item.blind_id: item.response_id for item in prompt_view(conn, user.name, prompt_id).items}
    except AnnotationError as exc:  # e.g. moved to someone else meanwhile
        st.session_state.toast = refusal(exc)
        return
    for edit in edits:
        # Counted as applied only once saved or refused: a run stopped between the two (a newer
        # rerun) applies it again, which changes nothing.
        if edit.target in targets:
            value = [tuple(span) for span in edit.value] if edit.field == "evidence" else edit.value
            try:
                SAVERS[edit.field](conn, user.name, targets[edit.target], value, seconds=_elapsed())
            except ValueError as exc:
                refused.setdefault(edit.target, {})[edit.field] = [edit.seq, refusal(exc)]
        applied.setdefault(edit.target, {})[edit.field] = edit.seq


def _on_action() -> None:
    """Submit when the page asked to: after the edits sent with it, and once per request."""
    _apply_edits()
    action = _component_state().get("action")
    if not isinstance(action, dict) or action.get("kind") != "submit":
        return
    if not isinstance(action.get("seq"), int):
        return
    if action["seq"] <= st.session_state.get("notice", ("", 0))[1]:
        return
    st.session_state.notice = ("", action["seq"])
    prompt_id = st.session_state.prompt_id
    try:
        if _session_is_ours():
            submit_prompt(conn, user.name, prompt_id)
            _open(next_prompt(conn, user.name))
    except ValueError as exc:
        st.session_state.notice = (refusal(exc), action["seq"])


def _open(prompt_id: str | None) -> None:
    st.session_state.prompt_id = prompt_id
    st.session_state.pop("last_action", None)


def _skip() -> None:
    reason = st.session_state.get("skip_reason", "")
    if _report(skip_prompt, conn, user.name, st.session_state.prompt_id, reason):
        _open(next_prompt(conn, user.name))


def _flag(view: PromptView) -> None:
    targets = {item.blind_id: item.response_id for item in view.items}
    response_id = targets.get(st.session_state[f"flag_target-{view.prompt_id}"])
    note = st.session_state.get("flag_note", "")
    if _report(flag, conn, user.name, view.prompt_id, st.session_state.flag_kind, note, response_id):
        st.session_state.flash_info = t("flag_sent")


def _payload(view: PromptView) -> dict:
    """What the component draws: blind (letters and page ids only), in the UI language."""
    lang = LANGUAGE
    dimension = rubric.dimension(view.dimension)
    progress = queue_progress(conn, user.name)
    items = []
    for item in view.items:
        meta = []
        if item.model is not None:
            meta.append(t("model_name", model=item.model))
        if item.suggestion is not None:
            confidence = "–" if item.suggestion.confidence is None else f"{item.suggestion.confidence:.2f}"
            suggestion = item.suggestion
            meta.append(
                t("suggestion", score=suggestion.score, agent=suggestion.agent, confidence=confidence)
            )
        items.append(
            {
                "id": item.blind_id,
                "letter": item.letter,
                "text": item.text,
                "score": item.score,
                "prefilled": item.prefilled,
                "prefilled_note": t("prefilled", score=item.score) if item.prefilled else "",
                "explanation": item.explanation,
                "evidence": [[mark.start, mark.end] for mark in item.evidence],
                "meta": " · ".join(meta),
            }
        )
    notice, notice_seq = st.session_state.get("notice", ("", 0))
    placeholders = {"letter": "{letter}", "n": "{n}", "letters": "{letters}", "below": "{below}"}
    return {
        "prompt": view.prompt_id,
        "prompt_text": view.text,
        "dimension": " · ".join(
            (dimension.display_name(lang), dimension.subcomponent_name(view.subcomponent, lang))
        ),
        "progress": t("progress", done=progress.done, assigned=progress.assigned, today=progress.done_today),
        "levels": [{"score": lv.score, "text": lv.description.get(lang) or ""} for lv in dimension.levels],
        "items": items,
        "submitted": view.status == AssignmentStatus.SUBMITTED,
        "explanation_below": dimension.explanation_required_below,
        "evidence_below": dimension.evidence_required_below,
        "applied": st.session_state.get("applied", {}).get(view.prompt_id, {}),
        "refused": st.session_state.get("refused", {}).get(view.prompt_id, {}),
        "notice": notice,
        "notice_seq": notice_seq,
        "text": {
            key.removeprefix("fl_"): t(key, **placeholders)
            for key in annotate_messages.MESSAGES
            if key.startswith("fl_")
        },
    }


# Which prompt: the one being worked on, else the URL's (a refresh), else the next open one.
if not st.session_state.get("prompt_id"):
    _open(st.query_params.get("prompt") or next_prompt(conn, user.name))
_on_action()  # also when no callback ran: applying twice changes nothing
if message := st.session_state.pop("toast", None):
    st.toast(message, icon="⚠️")
if message := st.session_state.pop("flash_info", None):
    st.toast(message, icon="✅")
if st.session_state.prompt_id is None:
    st.info(t("queue_empty"))
    st.stop()
try:
    view = prompt_view(conn, user.name, st.session_state.prompt_id, reveal_models=_revealed())
except AnnotationError as exc:
    st.error(refusal(exc))
    _open(None)
    st.query_params.clear()
    st.stop()
st.query_params["prompt"] = view.prompt_id
st.session_state.setdefault("last_action", time.monotonic())

if view.status == AssignmentStatus.SUBMITTED:
    columns = st.columns([4, 1])
    columns[0].success(t("submitted_notice") + " " + t("reopen_note"))
    columns[1].button(t("reopen"), on_click=_report, args=(reopen_prompt, conn, user.name, view.prompt_id))
elif view.status == AssignmentStatus.SKIPPED:
    st.warning(t("skipped_banner"))
    show_untrusted(view.skip_reason)
    st.button(t("unskip"), on_click=_report, args=(unskip_prompt, conn, user.name, view.prompt_id))

scoring_component(
    key=SCORING,
    data=_payload(view),
    on_work_change=_apply_edits,
    on_action_change=_on_action,
)

tools = st.columns(4 if user.is_lead else 3)
if view.status != AssignmentStatus.SUBMITTED:
    with tools[0].popover(t("skip"), width="stretch"):
        st.text_input(t("skip_reason"), key="skip_reason")
        st.button(t("skip"), on_click=_skip, key="skip_button")
with tools[1].popover(t("flag"), width="stretch"):
    # Option names are computed here: format functions may be called outside this run.
    targets = {"": t("the_prompt")}
    targets |= {item.blind_id: t("response", letter=item.letter) for item in view.items}
    st.selectbox(
        t("flag_target"), list(targets), key=f"flag_target-{view.prompt_id}", format_func=targets.__getitem__
    )
    kinds = {kind.value: t(f"flag_{kind}") for kind in FlagKind}
    st.selectbox(t("flag_kind"), list(kinds), key="flag_kind", format_func=kinds.__getitem__)
    st.text_input(t("flag_note"), key="flag_note")
    st.button(t("flag"), on_click=_flag, args=(view,), key="flag_button")
with tools[2].popover(t("jump_to"), width="stretch"):
    queued = queue(conn, user.name)
    ids = [entry.prompt_id for entry in queued]
    labels = {entry.prompt_id: f"{entry.prompt_id} · {t(f'status_{entry.status}')}" for entry in queued}
    chosen = st.selectbox(
        t("jump_to"),
        ids,
        index=ids.index(view.prompt_id) if view.prompt_id in ids else 0,
        format_func=labels.get,
    )
    if chosen != view.prompt_id:
        _open(chosen)
        st.rerun()
if user.is_lead:
    tools[3].toggle(t("reveal_models"), key="reveal")
