"""Progress: per annotator (speed, gold accuracy, flags), per dimension (final scores by
provenance) and labels per day."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from annotator.progress import DEFAULT_FAST_SECONDS, progress_report
from pages.common import db, dimension_names, gold_threshold_input, readable, require_access, t

user = require_access("progress")
st.title(t("page_progress"))
conn = db()


def _column(name: str) -> str:
    return t(f"col_{name}")


left, right = st.columns(2)
fast_seconds = left.number_input(
    t("fast_seconds"), min_value=1.0, value=DEFAULT_FAST_SECONDS, step=1.0, key="fast_seconds"
)
threshold = gold_threshold_input(right)
report = progress_report(conn, float(fast_seconds), float(threshold))

st.subheader(t("per_annotator"), anchor=False)
annotators = report.annotators
st.dataframe(
    readable(annotators, {"fast_share": ".0%", "gold_accuracy": ".0%"}).rename(columns=_column),
    hide_index=True,
    column_config={
        _column("fast_share"): st.column_config.NumberColumn(format="percent"),
        _column("gold_accuracy"): st.column_config.NumberColumn(format="percent"),
        _column("labels_per_hour"): st.column_config.NumberColumn(format="%.1f"),
        _column("median_seconds"): st.column_config.NumberColumn(format="%.1f"),
    },
)
flagged = annotators[annotators["gold_below_threshold"]]["annotator"].tolist()
if flagged:
    st.warning(t("gold_below", names=", ".join(flagged)))
if len(annotators):
    states = annotators.melt(id_vars="annotator", value_vars=["done", "remaining", "skipped"])
    chart = px.bar(
        states.assign(variable=states["variable"].map(_column)),
        x="annotator",
        y="value",
        color="variable",
        title=t("progress_chart_title"),
        labels={"annotator": _column("annotator"), "value": t("prompts"), "variable": t("status")},
    )
    st.plotly_chart(chart, key="annotator_chart")

st.subheader(t("per_dimension"), anchor=False)
dimensions = report.dimensions.assign(dimension=report.dimensions["dimension"].replace(dimension_names()))
# A small plain table (its text is in the page, unlike a data grid's canvas).
st.table(readable(dimensions).rename(columns=_column), hide_index=True)

st.subheader(t("labels_per_day"), anchor=False)
if len(report.daily):
    # Bars side by side from zero: lines from the smallest count hid equal counts behind each other.
    daily = px.bar(
        report.daily,
        x="day",
        y="labels",
        color="annotator",
        barmode="group",
        title=t("labels_per_day"),
        labels={"day": _column("day"), "labels": _column("labels"), "annotator": _column("annotator")},
    )
    # Days as categories: a date axis zooms into milliseconds when there is only one day.
    daily.update_xaxes(type="category")
    st.plotly_chart(daily, key="daily_chart")
else:
    st.caption(t("no_labels_yet"))
