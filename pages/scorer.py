"""Scorer (lead): run a trained scorer over the current data as a suggestion agent, with a progress
bar, and see how each agent's suggestions agree with the human final scores."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import sqlite_utils
import streamlit as st

from annotator.agreement.report import data_version
from annotator.scorer.cpu import lacks_fast_instructions
from annotator.scorer.evaluate import agent_agreement
from annotator.scorer.settings import CPU_BATCH_SIZE, DEFAULT_BATCH_SIZE, PRECISIONS, Precision
from annotator.store import default_db_path, project_rubric
from annotator.suggestions import check_agent_name, suggestion_counts
from pages.common import db, dimension_names, refusal, require_access, t

user = require_access("scorer")
st.title(t("page_scorer"))

DEFAULT_AGENT = "scorer"


@st.cache_data(show_spinner=False, max_entries=16)
def _agreement(_db: sqlite_utils.Database, path: str, version: tuple, agent: str) -> dict:
    return agent_agreement(_db, agent, project_rubric(_db))


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _run(model_dir: str, agent: str, batch_size: int | None, precision: Precision) -> None:
    """Load the scorer, store its suggestions batch by batch, and say what happened (errors included)."""
    from annotator.scorer.predict import load_for_predict, predict_db  # torch: seconds, only for a run

    try:
        agent = check_agent_name(db(), agent)  # before the slow load
        with st.spinner(t("sc_loading")):
            scorer = load_for_predict(model_dir, project_rubric(db()), precision)
        bar = st.progress(0.0, text=t("sc_progress", done=0, total="…"))

        def show(done: int, total: int) -> None:
            bar.progress(done / total, text=t("sc_progress", done=done, total=total))

        stored = predict_db(db(), scorer, agent, batch_size, on_progress=show)
    except (ValueError, OSError) as exc:  # a bad directory, a rubric mismatch, a bad agent name
        st.error(refusal(exc))
    else:
        st.success(t("sc_stored", stored=stored, agent=agent))


st.subheader(t("sc_run_header"))
st.caption(t("sc_run_help"))
model_dir = st.text_input(t("sc_model_dir"), key="sc_model_dir")
left, right = st.columns(2)
agent = left.text_input(t("sc_agent"), value=DEFAULT_AGENT, key="sc_agent")
batch_size = right.number_input(
    t("sc_batch_size"),
    min_value=1,
    max_value=1024,
    value=None,
    placeholder=t("sc_batch_default", cpu=CPU_BATCH_SIZE, gpu=DEFAULT_BATCH_SIZE),
    key="sc_batch_size",
)
precision: Precision = st.radio(
    t("sc_precision"),
    PRECISIONS,
    captions=[t(f"sc_precision_{name}") for name in PRECISIONS],
    help=t("sc_precision_help"),
    key="sc_precision",
)
if lacks_fast_instructions(precision):
    st.warning(t(f"sc_slow_{precision}"))
if st.button(t("sc_run"), type="primary", key="sc_run"):
    if model_dir.strip():
        _run(model_dir.strip(), agent, None if batch_size is None else int(batch_size), precision)
    else:
        st.error(t("sc_need_dir"))

st.subheader(t("sc_agents_header"))
counts = suggestion_counts(db())
if not counts:
    st.info(t("ag_no_agents"))
    st.stop()
st.dataframe(
    pd.DataFrame({t("ag_agent"): list(counts), t("sc_suggestions"): list(counts.values())}), hide_index=True
)

st.subheader(t("sc_eval_header"))
st.caption(t("sc_eval_caption"))
chosen = st.selectbox(t("sc_eval_agent"), list(counts), key="sc_eval_agent")
report = _agreement(db(), str(default_db_path()), data_version(db()), chosen)
if not report["n"]:
    st.info(t("sc_nothing_to_evaluate"))
    st.stop()
names = dimension_names()
compared, accuracy, macro_f1 = st.columns(3)
compared.metric(t("sc_compared"), report["n"])
accuracy.metric(t("sc_accuracy"), _percent(report["accuracy"]))
macro_f1.metric(t("sc_macro_f1"), _percent(report["macro_f1"]))
st.dataframe(
    pd.DataFrame(
        [
            {
                t("dimension"): names.get(name, name),
                "n": figures["n"],
                t("sc_accuracy"): _percent(figures["accuracy"]),
                t("sc_macro_f1"): _percent(figures["macro_f1"]),
            }
            for name, figures in report["dimensions"].items()
        ]
    ),
    hide_index=True,
)
st.caption(t("sc_confusion"))
columns = st.columns(min(3, len(report["dimensions"])))
for i, (name, figures) in enumerate(report["dimensions"].items()):
    scores = [str(score) for score in figures["scores"]]
    # Graph objects, not plotly express (about 0.8 s a chart on a busy machine; see pages/charts.py).
    matrix = go.Figure(
        go.Heatmap(
            z=figures["confusion"],
            x=scores,
            y=scores,
            texttemplate="%{z}",
            colorscale="Blues",
            colorbar={"title": "n"},
        )
    )
    # Scores are levels, not numbers: a 1/3 dimension gets two cells, not a 1-to-3 axis.
    matrix.update_layout(
        title=names.get(name, name),
        xaxis={"title": t("sc_predicted"), "type": "category"},
        yaxis={"title": t("sc_human"), "type": "category", "autorange": "reversed"},
    )
    columns[i % len(columns)].plotly_chart(matrix, key=f"sc_confusion_{name}")
st.caption(t("sc_rate_gaps"))
st.dataframe(
    pd.DataFrame(
        [
            {
                t("model"): model,
                t("sc_human"): gaps["human_rate"],
                t("sc_predicted"): gaps["scorer_rate"],
                t("lb_gap"): gaps["gap"],
            }
            for model, gaps in report["models"].items()
        ]
    ),
    hide_index=True,
    column_config={
        name: st.column_config.NumberColumn(format="%.2f")
        for name in (t("sc_human"), t("sc_predicted"), t("lb_gap"))
    },
)
