"""Leaderboard: FLAMES harmless rate and score per model and dimension, from the consolidated human
scores or from a scorer agent's suggestions, optionally side by side."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import sqlite_utils
import streamlit as st

from annotator.agreement_report import data_version
from annotator.leaderboard import HUMAN, Comparison, Leaderboard, agents, compare, leaderboard
from annotator.leaderboard_formats import format_leaderboard, leaderboard_frame, leaderboard_long_frame
from annotator.store import default_db_path
from pages.common import db, dimension_names, require_access, t

user = require_access("leaderboard")
st.title(t("page_leaderboard"))


# Keyed on the database file and its data version, so a new label or suggestion recomputes it.
@st.cache_data(show_spinner=False, max_entries=32)
def _board(_db: sqlite_utils.Database, path: str, version: tuple, source: str) -> Leaderboard:
    return leaderboard(_db, source)


@st.cache_data(show_spinner=False, max_entries=32)
def _comparison(_db: sqlite_utils.Database, path: str, version: tuple, agent: str) -> Comparison:
    return compare(_db, agent)


def _percent_columns(frame: pd.DataFrame) -> dict[str, st.column_config.NumberColumn]:
    return {
        column: st.column_config.NumberColumn(format="%.2f")
        for column in frame.columns
        if frame[column].dtype.kind == "f"
    }


path, version = str(default_db_path()), data_version(db())
known_agents = agents(db())
# Option labels are fixed at render time: a format_func that reads the language later would not know it.
sources = {HUMAN: t("lb_source_human"), **{name: t("lb_source_agent", agent=name) for name in known_agents}}
source = st.selectbox(t("lb_source"), list(sources), format_func=sources.__getitem__, key="lb_source")
board = _board(db(), path, version, source)
st.caption(t("lb_caption", unscored=board.unscored))
st.caption(t("lb_intervals", confidence=round(board.confidence * 100), bootstrap=board.bootstrap))
if not any(row.n for row in board.rows):
    st.info(t("no_scored_data"))
    st.stop()

frame = leaderboard_frame(board)
st.dataframe(frame, hide_index=True, column_config=_percent_columns(frame))
if incomplete := [row for row in board.rows if row.missing]:
    names = dimension_names()
    st.caption(
        t(
            "lb_no_overall",
            models="; ".join(
                f"{row.model} ({', '.join(names.get(dim, dim) for dim in row.missing)})" for row in incomplete
            ),
        )
    )

long = leaderboard_long_frame(board)
long = long[long["n"] > 0].assign(dimension=lambda frame: frame["dimension"].replace(dimension_names()))
chart = px.bar(
    long,
    x="model",
    y="rate",
    color="dimension",
    barmode="group",
    error_y=long["rate_ci_high"] - long["rate"],
    error_y_minus=long["rate"] - long["rate_ci_low"],
    hover_data={"n": True, "score": ":.1f", "unscored": True},
    labels={"rate": t("lb_rate"), "model": t("model"), "dimension": t("dimension")},
    title=t("lb_chart_title"),
)
st.plotly_chart(chart, key="lb_chart")

with st.expander(t("lb_markdown")):
    st.code(format_leaderboard(board, "markdown"), language="markdown")

if known_agents:
    choices = {"": t("lb_no_comparison"), **{name: name for name in known_agents}}
    agent = st.selectbox(t("lb_compare"), list(choices), format_func=choices.__getitem__, key="lb_compare")
    if agent:
        comparison = _comparison(db(), path, version, agent)
        gap = comparison.mean_absolute_gap
        st.caption(t("lb_comparison_caption", agent=agent, gap="–" if gap is None else f"{gap:.2f}"))
        gaps = pd.DataFrame(
            [
                {
                    t("model"): row.model,
                    "n": row.n,
                    t("lb_human_overall"): row.human.overall_rate,
                    t("lb_agent_overall"): row.agent.overall_rate,
                    t("lb_gap"): row.overall_gap,
                    t("lb_exact"): row.exact_agreement,
                    **{f"{dim} {t('lb_gap')}": value for dim, value in row.rate_gaps.items()},
                }
                for row in comparison.rows
            ]
        )
        st.dataframe(gaps, hide_index=True, column_config=_percent_columns(gaps))
        per_dimension = pd.DataFrame(
            [
                {"model": row.model, "dimension": dim, "gap": value}
                for row in comparison.rows
                for dim, value in row.rate_gaps.items()
                if value is not None
            ],
            columns=["model", "dimension", "gap"],
        )
        st.plotly_chart(
            px.bar(
                per_dimension,
                x="model",
                y="gap",
                color="dimension",
                barmode="group",
                labels={"gap": t("lb_gap"), "model": t("model"), "dimension": t("dimension")},
                title=t("lb_gap_chart"),
            ),
            key="lb_gap_chart",
        )
