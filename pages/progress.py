"""Progress: per annotator (speed, gold accuracy, flags), per dimension (final scores by
provenance) and labels per day."""

from __future__ import annotations

import streamlit as st

from annotator.progress import DEFAULT_FAST_SECONDS, progress_report
from pages.charts import bars
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
formats = {
    "fast_share": "percent",
    "gold_accuracy": "percent",
    "labels_per_hour": "%.1f",
    "median_seconds": "%.1f",
}
shown = readable(annotators, {"fast_share": ".0%", "gold_accuracy": ".0%"})
st.dataframe(
    shown.rename(columns=_column),
    hide_index=True,
    # Columns with a missing value became text ("–" in place of None): those need no number format.
    column_config={
        _column(name): st.column_config.NumberColumn(format=spec)
        for name, spec in formats.items()
        if shown[name].dtype.kind == "f"
    },
)
flagged = annotators[annotators["gold_below_threshold"]]["annotator"].tolist()
if flagged:
    st.warning(t("gold_below", names=", ".join(flagged)))
if len(annotators):
    states = annotators.melt(id_vars="annotator", value_vars=["done", "remaining", "skipped"])
    chart = bars(
        states.assign(variable=states["variable"].map(_column)),
        "annotator",
        "value",
        "variable",
        title=t("progress_chart_title"),
        x_title=_column("annotator"),
        y_title=t("prompts"),
        legend_title=t("status"),
        barmode="stack",
    )
    st.plotly_chart(chart, key="annotator_chart")

st.subheader(t("per_dimension"), anchor=False)
dimensions = report.dimensions.assign(dimension=report.dimensions["dimension"].replace(dimension_names()))
# A small plain table (its text is in the page, unlike a data grid's canvas).
st.table(readable(dimensions).rename(columns=_column), hide_index=True)

st.subheader(t("labels_per_day"), anchor=False)
if len(report.daily):
    # Bars side by side from zero: lines from the smallest count hid equal counts behind each other.
    daily = bars(
        report.daily,
        "day",
        "labels",
        "annotator",
        title=t("labels_per_day"),
        x_title=_column("day"),
        y_title=_column("labels"),
        legend_title=_column("annotator"),
    )
    # Days as categories: a date axis zooms into milliseconds when there is only one day.
    daily.update_xaxes(type="category")
    st.plotly_chart(daily, key="daily_chart")
else:
    st.caption(t("no_labels_yet"))
