"""Models (lead): the endpoints file in use, each model's responses present and missing, collecting
responses or running an LLM judge with a progress bar, and the last run's failures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from annotator import collect, judge
from annotator.endpoint_runs import ENDPOINTS_FILE_SETTING, FAILURE_KINDS, RunSummary, Tally, last_run
from annotator.endpoints import Endpoints, load_endpoints
from annotator.store import get_setting
from annotator.suggestions import suggestion_counts
from pages.common import db, dimension_names, refusal, refusal_text, require_access, t

user = require_access("models")
st.title(t("page_models"))
st.caption(t("md_caption"))


def _progress_callback():
    bar = st.progress(0.0, text=t("md_progress", done=0, total="…"))

    def show(done: int, total: int) -> None:
        bar.progress(done / total, text=t("md_progress", done=done, total=total))

    return show


def _ran(summary: RunSummary) -> None:
    """Rerun the page so every count above is fresh, and say there what the run did."""
    stored = sum(tally.stored for tally in summary.tallies.values())
    st.session_state.md_result = (summary.tallies != {}, stored, summary.failed)
    st.rerun()


def _show_result() -> None:
    asked, stored, failed = st.session_state.pop("md_result")
    if not asked:
        st.info(t("md_nothing_to_do"))
    else:
        (st.warning if failed else st.success)(t("md_done", stored=stored, failed=failed))


def _dimension_choice(key: str) -> str | None:
    names = {"": t("md_all_dimensions"), **dimension_names()}
    # "" for all: a None value set again by the language switch would read as no choice at all
    chosen = st.selectbox(
        t("dimension"),
        list(names),
        format_func=names.__getitem__,
        key=key,
    )
    return chosen or None


def _limit(label: str, key: str) -> int | None:
    value = st.number_input(label, min_value=1, value=None, step=1, key=key)
    return None if value is None else int(value)


def _models_section(endpoints: Endpoints) -> None:
    st.subheader(t("md_models_header"))
    total = collect.prompt_count(db())
    st.caption(t("md_prompts", n=total))
    rows = collect.coverage(db(), [entry.name for entry in endpoints.models])
    ids = {entry.name: entry.model for entry in endpoints.models}
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("model"): row.model,
                    t("md_endpoint_model"): ids[row.model],
                    t("md_present"): row.present,
                    t("md_missing"): row.missing,
                    t("md_empty"): row.empty,
                }
                for row in rows
            ]
        ),
        hide_index=True,
    )
    for entry in endpoints.models:
        generations = collect.recent_generations(db(), entry.name)
        if generations:
            with st.expander(t("md_recent", model=entry.name, n=len(generations))):
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                t("md_prompt_id"): g.prompt_id,
                                t("md_endpoint_model"): g.endpoint_model,
                                t("md_settings"): g.settings,
                                t("md_finish_reason"): g.finish_reason,
                                t("md_answer"): t(f"md_answer_{g.answer}"),
                                t("md_tokens"): g.total_tokens,
                                t("md_latency"): g.latency_ms,
                                t("md_answered_at"): g.answered_at,
                            }
                            for g in generations
                        ]
                    ),
                    hide_index=True,
                )
    st.subheader(t("md_collect_header"))
    st.caption(t("md_collect_help"))
    names = [entry.name for entry in endpoints.models]
    chosen = st.multiselect(t("md_choose_models"), names, default=names, key="md_models")
    left, right = st.columns(2)
    with left:
        dimension = _dimension_choice("md_collect_dimension")
    with right:
        limit = _limit(t("md_limit"), "md_collect_limit")
    if st.button(t("md_run_collect"), type="primary", key="md_run_collect", disabled=not chosen):
        try:
            summary = collect.collect(
                db(),
                endpoints,
                chosen,
                collect.PromptSelection(dimension, None, limit),
                on_progress=_progress_callback(),
            )
        except ValueError as exc:
            st.error(refusal(exc))
        else:
            _ran(summary)


def _judge_section(endpoints: Endpoints) -> None:
    st.subheader(t("md_judge_header"))
    st.caption(t("md_judge_help"))
    if not endpoints.judges:
        st.info(t("md_no_judges"))
        return
    counts = suggestion_counts(db())
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("md_choose_judge"): entry.name,
                    t("md_endpoint_model"): entry.model,
                    t("md_suggestions"): counts.get(entry.name, 0),
                }
                for entry in endpoints.judges
            ]
        ),
        hide_index=True,
    )
    name = st.selectbox(t("md_choose_judge"), [entry.name for entry in endpoints.judges], key="md_judge")
    left, right = st.columns(2)
    with left:
        dimension = _dimension_choice("md_judge_dimension")
    with right:
        limit = _limit(t("md_judge_limit"), "md_judge_limit")
    if st.button(t("md_run_judge"), type="primary", key="md_run_judge"):
        try:
            summary = judge.judge(
                db(),
                endpoints,
                name,
                judge.ResponseSelection(dimension, (), limit),
                on_progress=_progress_callback(),
            )
        except ValueError as exc:
            st.error(refusal(exc))
        else:
            _ran(summary)


def _failure_kind(kind: str) -> str:
    """A failure's kind in the UI language (a status code or an exception's name stays as it is)."""
    return t("run_failure_" + kind.replace(" ", "_")) if kind in FAILURE_KINDS else kind


def _failure_message(tally: Tally, kind: str) -> str:
    """A failure's message in the UI language when its words are the tool's own; else (the server's
    text, a run recorded before message keys were kept) as recorded."""
    reason = tally.reasons.get(kind)
    return t(reason.key, **reason.values) if reason else tally.errors[kind]


def _last_run_section() -> None:
    summary = last_run(db())
    if summary is None:
        st.caption(t("md_no_runs"))
        return
    st.subheader(t("md_last_run", kind=t(f"md_kind_{summary.kind}")))
    st.caption(t("md_last_run_file", file=summary.endpoints_file))
    if summary.interrupted:
        st.warning(t("md_interrupted"))
    if not summary.tallies:
        st.caption(t("md_nothing_to_do"))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("model"): name,
                    t("md_asked"): tally.asked,
                    t("md_stored"): tally.stored,
                    t("md_failed"): tally.failed,
                }
                for name, tally in summary.tallies.items()
            ]
        ),
        hide_index=True,
    )
    failures = [
        {
            t("model"): name,
            t("md_error_kind"): _failure_kind(kind),
            t("md_error_message"): _failure_message(tally, kind),
        }
        for name, tally in summary.tallies.items()
        for kind in tally.errors
    ]
    if failures:
        st.caption(t("md_failures"))
        st.dataframe(pd.DataFrame(failures), hide_index=True)


if "md_result" in st.session_state:
    _show_result()
path = st.text_input(t("md_file"), value=get_setting(db(), ENDPOINTS_FILE_SETTING) or "", key="md_file")
if not path.strip():
    st.info(t("md_no_file"))
else:
    try:
        endpoints = load_endpoints(path.strip(), db())
    except ValueError as exc:
        st.error(t("md_bad_file", problem=refusal_text(exc)))
    else:
        _models_section(endpoints)
        _judge_section(endpoints)
_last_run_section()
