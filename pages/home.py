"""Home: what is in the database, and the annotator's own queue."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from annotator.annotation import queue, queue_progress
from annotator.states import AssignmentStatus
from annotator.stats import project_stats
from pages.charts import bars
from pages.common import db, dimension_names, require_access, t

user = require_access("home")
st.title(t("app_title"))

stats = project_stats(db())
st.subheader(t("database_contents"))
columns = st.columns(4)
for column, key in zip(columns, ("prompts", "responses", "models", "labels_submitted"), strict=True):
    column.metric(t(key), stats[key])
names = dimension_names()
by_dimension = stats["prompts_by_dimension"]
if by_dimension:
    counts = pd.DataFrame(
        {
            "dimension": [names.get(name, name) for name in by_dimension],
            "prompts": list(by_dimension.values()),
        }
    )
    chart = bars(
        counts.assign(series=t("prompts")),
        "dimension",
        "prompts",
        "series",
        title=t("home_chart_title"),
        x_title=t("dimension"),
        y_title=t("prompts"),
        legend_title="",
        horizontal=True,
    )
    chart.update_layout(height=300, showlegend=False)
    chart.update_yaxes(autorange="reversed")  # rubric order from the top
    st.plotly_chart(chart, key="home_chart")

st.subheader(t("my_queue"))
progress = queue_progress(db(), user.name)
st.write(t("progress", done=progress.done, assigned=progress.assigned, today=progress.done_today))
if progress.assigned:
    st.progress(progress.done / progress.assigned)
items = queue(db(), user.name)
if not any(item.status == AssignmentStatus.OPEN for item in items):
    st.info(t("queue_empty"))
if items:
    st.dataframe(
        [
            {
                t("prompt"): item.prompt_id,
                t("dimension"): names.get(item.dimension, item.dimension),
                t("score"): f"{item.scored}/{item.responses}",
                t("status"): t(f"status_{item.status}"),
            }
            for item in items
        ],
        hide_index=True,
    )
if st.button(t("page_annotate"), type="primary"):
    st.switch_page("pages/annotate.py")
