"""Scoring one prompt at a time: blind responses, every click saved at once, keyboard first."""

from __future__ import annotations

import html
import time
from pathlib import Path

import streamlit as st

from annotator.annotation import (
    FLAG_KINDS,
    AnnotationError,
    PromptView,
    flag,
    next_prompt,
    prompt_view,
    queue,
    queue_progress,
    reopen_prompt,
    save_explanation,
    save_score,
    skip_prompt,
    submit_prompt,
    unskip_prompt,
)
from annotator.store import project_rubric
from pages.common import current_user, db, language, refusal, require_access, show_untrusted, t

user = require_access("annotate")
conn = db()
rubric = project_rubric(conn)
EXPLANATION_DRAFTS_JS = (Path(__file__).parent / "explanation_drafts.js").read_text(encoding="utf-8")


def _elapsed() -> float:
    """Server-measured seconds since the person's previous action on this prompt."""
    moment = time.monotonic()
    last = st.session_state.get("last_action", moment)
    st.session_state.last_action = moment
    return moment - last


def _view() -> PromptView:
    return prompt_view(conn, user.name, st.session_state.prompt_id, reveal_models=_revealed())


def _revealed() -> bool:
    return user.is_lead and bool(st.session_state.get("reveal"))


def _report(action, *args, **kwargs) -> bool:
    """Run a store action as this page's user; on a refusal keep the message for this run instead
    of a traceback. Callbacks run before the page checks the session again, so it is checked here:
    after a logout in another tab, an expiry or a deactivation nothing more is saved."""
    if not _session_is_ours():
        return False
    try:
        action(*args, **kwargs)
    except ValueError as exc:  # refusals, and StoreError: a read-only or full database
        st.session_state.flash = refusal(exc)
        return False
    return True


def _session_is_ours() -> bool:
    current = current_user()
    return current is not None and current.name == user.name


def _current_view() -> PromptView | None:
    """The prompt as it is now, or None (with the reason kept) when it is no longer assigned."""
    try:
        return _view()
    except AnnotationError as exc:  # e.g. moved to someone else, or a gold check removed
        st.session_state.flash = refusal(exc)
        return None


def _focus(view: PromptView) -> int:
    """The index of the focused response; on opening a prompt (a refresh too), the first one still
    to score, so that a digit key never re-scores a response already scored.

    The focus is kept as the response's blind id, not its index: a response imported into an open
    prompt shifts the letters, and a digit key must still score the response that was in focus.
    """
    focus = st.session_state.setdefault("focus", {})
    ids = [item.blind_id for item in view.items]
    if not ids:
        return 0
    if focus.get(view.prompt_id) not in ids:
        focus[view.prompt_id] = ids[max(_next_unscored(view, -1), 0)]
    return ids.index(focus[view.prompt_id])


def _set_focus(view: PromptView, index: int) -> None:
    st.session_state.setdefault("focus", {})[view.prompt_id] = view.items[index].blind_id


def _next_unscored(view: PromptView, after: int) -> int:
    count = len(view.items)
    for step in range(1, count + 1):
        index = (after + step) % count
        if view.items[index].score is None or view.items[index].prefilled:
            return index
    return after


def _score_focused(score: int) -> None:
    view = _current_view()
    if view is None or not view.items:
        return
    if view.status == "submitted":  # e.g. submitted in another tab meanwhile
        st.session_state.flash = refusal(AnnotationError("ann_submitted_revise"))
        return
    index = _focus(view)
    if _report(save_score, conn, user.name, view.items[index].response_id, score, seconds=_elapsed()):
        after = _current_view()
        if after is not None:
            _set_focus(after, _next_unscored(after, index))
        st.session_state.follow_focus = True


def _score_from_widget(response_id: str, key: str) -> None:
    score = st.session_state.get(key)
    if score is not None:
        _report(save_score, conn, user.name, response_id, score, seconds=_elapsed())


def _confirm(response_id: str, score: int) -> None:
    _report(save_score, conn, user.name, response_id, score, seconds=_elapsed())


def _explain(response_id: str, key: str) -> None:
    text = st.session_state[key]
    saved = _report(save_explanation, conn, user.name, response_id, text, seconds=_elapsed())
    if not saved and text and _session_is_ours():  # never shown to whoever logs in next
        st.session_state.unsaved_text = text  # shown for copying: the box itself may be reset


def _move(step: int) -> None:
    view = _current_view()
    if view is not None and view.items:
        _set_focus(view, (_focus(view) + step) % len(view.items))
        st.session_state.follow_focus = True


def _open(prompt_id: str | None) -> None:
    st.session_state.prompt_id = prompt_id
    st.session_state.pop("last_action", None)


def _submit() -> None:
    if _report(submit_prompt, conn, user.name, st.session_state.prompt_id):
        _open(next_prompt(conn, user.name))


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


# Which prompt: the one being worked on, else the URL's (a refresh), else the next open one.
if not st.session_state.get("prompt_id"):
    _open(st.query_params.get("prompt") or next_prompt(conn, user.name))
if st.session_state.prompt_id is None:
    st.info(t("queue_empty"))
    st.stop()
try:
    view = _view()
except AnnotationError as exc:
    st.error(refusal(exc))
    _open(None)
    st.query_params.clear()
    st.stop()
st.query_params["prompt"] = view.prompt_id
st.session_state.setdefault("last_action", time.monotonic())

lang = language()
dimension = rubric.dimension(view.dimension)
submitted = view.status == "submitted"
progress = queue_progress(conn, user.name)

if message := st.session_state.pop("flash", None):
    st.error(message)
if unsaved := st.session_state.pop("unsaved_text", None):
    st.caption(t("unsaved_text"))
    st.code(unsaved, language=None, wrap_lines=True)
if message := st.session_state.pop("flash_info", None):
    st.success(message)

st.caption(t("progress", done=progress.done, assigned=progress.assigned, today=progress.done_today))
st.subheader(
    f"{dimension.display_name(lang)} · {dimension.subcomponent_name(view.subcomponent, lang)}",
    anchor=False,
)
show_untrusted(view.text, css_class="prompt-text")

with st.expander(t("rubric"), expanded=True):
    rows = "".join(
        f"<tr><td><b>{level.score}</b></td><td>{html.escape(level.description.get(lang) or '')}</td></tr>"
        for level in dimension.levels
    )
    st.html(f"<table class='rubric'>{rows}</table>")

if user.is_lead:
    st.toggle(t("reveal_models"), key="reveal")

if submitted:
    st.success(t("submitted_notice"))
    st.button(t("reopen"), on_click=_report, args=(reopen_prompt, conn, user.name, view.prompt_id))
    st.caption(t("reopen_note"))
elif view.status == "skipped":
    st.warning(t("skipped_banner"))
    show_untrusted(view.skip_reason)
    st.button(t("unskip"), on_click=_report, args=(unskip_prompt, conn, user.name, view.prompt_id))

digits = "/".join(str(s) for s in sorted(dimension.scores))
st.caption(t("shortcuts", digits=digits))
toolbar = st.columns(len(dimension.levels) + 5)
for column, level in zip(toolbar, dimension.levels, strict=False):
    column.button(
        str(level.score),
        key=f"key-{level.score}",
        shortcut=str(level.score),
        on_click=_score_focused,
        args=(level.score,),
        disabled=submitted,
        use_container_width=True,
    )
navigation = toolbar[len(dimension.levels) :]
navigation[0].button("K", key="key-k", shortcut="K", on_click=_move, args=(-1,), help=t("previous"))
navigation[1].button("↑", key="key-up", shortcut="Up", on_click=_move, args=(-1,), help=t("previous"))
navigation[2].button("J", key="key-j", shortcut="J", on_click=_move, args=(1,), help=t("next"))
navigation[3].button("↓", key="key-down", shortcut="Down", on_click=_move, args=(1,), help=t("next"))
navigation[4].button(
    t("submit"),
    key="key-submit",
    shortcut="Enter",
    type="primary",
    on_click=_submit,
    disabled=submitted or not view.complete,
)
if not submitted and view.missing:
    st.caption(t("missing_scores", n=len(view.missing), letters=", ".join(view.missing)))

focus = _focus(view)
if view.items:
    focused = f".st-key-response-{view.items[min(focus, len(view.items) - 1)].letter}"
    st.html(f"<style>{focused} {{ border: 2px solid #d33 !important; }}</style>")
    # Keep the focused response in view as the keys move through a long prompt; only after a key,
    # so that opening a prompt (or a refresh) starts at its top, with the prompt in view.
    if st.session_state.pop("follow_focus", False):
        st.html(
            f"<script>document.querySelector('{focused}')?.scrollIntoView({{block: 'nearest'}});</script>",
            unsafe_allow_javascript=True,
        )
if not submitted:
    st.html(f"<script>{EXPLANATION_DRAFTS_JS}</script>", unsafe_allow_javascript=True)
options = [level.score for level in dimension.levels]
for index, item in enumerate(view.items):
    with st.container(border=True, key=f"response-{item.letter}"):
        marker = "▶ " if index == focus else ""
        st.markdown(f"**{marker}{t('response', letter=item.letter)}**")
        if item.model is not None:
            st.text(t("model_name", model=item.model))
        if item.suggestion is not None:
            confidence = "–" if item.suggestion.confidence is None else f"{item.suggestion.confidence:.2f}"
            st.text(
                t(
                    "suggestion",
                    score=item.suggestion.score,
                    agent=item.suggestion.agent,
                    confidence=confidence,
                )
            )
        show_untrusted(item.text)
        # Keys end up in the page's HTML: never the response id, which could be traced back to the
        # model. Not the letter either: letters move when responses are added to an open prompt.
        item_key = item.blind_id
        score_key = f"score-{item_key}-{item.score}-{int(item.prefilled)}"
        st.segmented_control(
            t("score"),
            options,
            default=None if item.prefilled else item.score,
            key=score_key,
            on_change=_score_from_widget,
            args=(item.response_id, score_key),
            disabled=submitted,
        )
        if item.prefilled and item.score is not None:
            st.caption(t("prefilled", score=item.score))
            st.button(
                t("confirm"),
                key=f"confirm-{item_key}",
                on_click=_confirm,
                args=(item.response_id, item.score),
            )
        explanation_key = f"explanation-{item_key}"
        # The box follows the stored text whenever it changed since this session last saw it (saved
        # in another tab), so a stale box is never shown; otherwise it keeps what is typed in it.
        seen = st.session_state.setdefault("seen_explanations", {})
        if seen.get(explanation_key) != item.explanation:
            st.session_state[explanation_key] = seen[explanation_key] = item.explanation
        st.text_area(
            t("explanation_required") if dimension.needs_explanation(item.score) else t("explanation"),
            key=explanation_key,
            on_change=_explain,
            args=(item.response_id, explanation_key),
            disabled=submitted,
            height=68,
        )

if not submitted:
    with st.expander(t("skip")):
        st.text_input(t("skip_reason"), key="skip_reason")
        st.button(t("skip"), on_click=_skip)
with st.expander(t("flag")):
    # Option names are computed here: format functions may be called outside this run.
    targets = {"": t("the_prompt")}
    targets |= {item.blind_id: t("response", letter=item.letter) for item in view.items}
    st.selectbox(
        t("flag_target"), list(targets), key=f"flag_target-{view.prompt_id}", format_func=targets.__getitem__
    )
    kinds = {kind: t(f"flag_{kind}") for kind in FLAG_KINDS}
    st.selectbox(t("flag_kind"), list(kinds), key="flag_kind", format_func=kinds.__getitem__)
    st.text_input(t("flag_note"), key="flag_note")
    st.button(t("flag"), on_click=_flag, args=(view,))

with st.expander(t("jump_to")):
    items = queue(conn, user.name)
    ids = [item.prompt_id for item in items]
    labels = {item.prompt_id: f"{item.prompt_id} · {t(f'status_{item.status}')}" for item in items}
    chosen = st.selectbox(
        t("jump_to"),
        ids,
        index=ids.index(view.prompt_id) if view.prompt_id in ids else 0,
        format_func=labels.get,
    )
    if chosen != view.prompt_id:
        _open(chosen)
        st.rerun()
