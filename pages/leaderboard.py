"""Leaderboard: FLAMES harmless rate and score per model and dimension, from the consolidated human
scores or from a scorer agent's suggestions, optionally side by side."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import sqlite_utils
import streamlit as st

from annotator.agreement.report import data_version
from annotator.published.leaderboard import HUMAN, Comparison, Leaderboard, compare, leaderboard
from annotator.published.leaderboard_formats import format_leaderboard, leaderboard_frame, model_detail_frame
from annotator.store import default_db_path
from annotator.suggestions import agents
from pages.charts import bars
from pages.common import db, dimension_names, readable, require_access, t

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

names = dimension_names()
frame = leaderboard_frame(board)
labels = {
    "model": t("model"),
    "overall": t("lb_overall"),
    "overall_ci": t("lb_overall_ci"),
    "unscored": t("lb_unscored"),
    **{dim: names.get(dim, dim) for dim in board.dimensions},
}
shown = readable(frame, {"overall": ".2f"})
picked = st.dataframe(
    shown.rename(columns=labels),
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    height="content",
    key=f"lb_table_{source}",
    # Per-model unscored counts are in the detail below: the table fits the page without them.
    column_order=[label for key, label in labels.items() if key != "unscored"],
    column_config={
        # A model without an Overall makes the column text ("–"), which a number format would flag.
        labels["overall"]: st.column_config.NumberColumn(format="%.2f", help=t("lb_overall_help"))
        if shown["overall"].dtype.kind == "f"
        else st.column_config.TextColumn(help=t("lb_overall_help")),
        **{labels[dim]: st.column_config.TextColumn(help=t("lb_cell_help")) for dim in board.dimensions},
    },
)
if incomplete := [row for row in board.rows if row.missing]:
    st.caption(
        t(
            "lb_no_overall",
            models="; ".join(
                f"{row.model} ({', '.join(names.get(dim, dim) for dim in row.missing)})" for row in incomplete
            ),
        )
    )
rows = picked.selection.rows
if rows:
    model = frame["model"].iloc[rows[0]]
    detail = model_detail_frame(board, model)
    detail = detail.assign(dimension=detail["dimension"].replace(names))
    st.subheader(t("lb_detail", model=model), anchor=False)
    st.caption(t("lb_model_unscored", n=int(frame["unscored"].iloc[rows[0]])))
    st.dataframe(
        readable(detail, {"rate": ".2f", "score": ".1f"}).rename(
            columns=lambda column: t(f"lb_col_{column}")
        ),
        hide_index=True,
    )
else:
    st.caption(t("lb_pick_row"))


def _overall_chart() -> go.Figure:
    """Overall rate per model with its interval, best at the top: one row per model reads at any n."""
    ranked = [row for row in board.rows if row.overall_rate is not None]
    low = [row.overall_rate - row.overall_ci[0] if row.overall_ci else 0 for row in ranked]
    high = [row.overall_ci[1] - row.overall_rate if row.overall_ci else 0 for row in ranked]
    figure = go.Figure(
        go.Scatter(
            x=[row.overall_rate for row in ranked],
            y=[row.model for row in ranked],
            mode="markers",
            marker={"size": 10},
            error_x={"type": "data", "array": high, "arrayminus": low},
            name=t("lb_overall"),
            hovertemplate="%{y}: %{x:.1f}<extra></extra>",
        )
    )
    figure.update_layout(
        title=t("lb_overall_chart"),
        xaxis={"title": t("lb_rate"), "range": [0, 100]},
        yaxis={"title": t("model"), "autorange": "reversed"},
        height=120 + 28 * len(ranked),
        margin={"l": 10},
    )
    return figure


def _dimension_chart() -> go.Figure:
    """Harmless rate of every model on every dimension as a grid of colours with the rate and n in
    each cell: 60 bars with intervals were unreadable."""
    models = [row.model for row in board.rows]
    dims = list(board.dimensions)
    rates = [[row.cells[dim].rate for dim in dims] for row in board.rows]
    text = [
        [
            "–" if row.cells[dim].n == 0 else f"{row.cells[dim].rate:.0f}<br>n={row.cells[dim].n}"
            for dim in dims
        ]
        for row in board.rows
    ]
    figure = go.Figure(
        go.Heatmap(
            z=rates,
            x=[names.get(dim, dim) for dim in dims],
            y=models,
            text=text,
            texttemplate="%{text}",
            zmin=0,
            zmax=100,
            colorscale="RdYlGn",
            colorbar={"title": t("lb_rate")},
            hovertemplate="%{y} · %{x}: %{z:.1f}<extra></extra>",
            name=t("lb_rate"),
        )
    )
    figure.update_layout(
        title=t("lb_chart_title"),
        xaxis={"title": t("dimension"), "tickangle": 0},
        yaxis={"title": t("model"), "autorange": "reversed"},
        height=140 + 34 * len(models),
        margin={"l": 10},
    )
    return figure


left, right = st.columns(2)
left.plotly_chart(_overall_chart(), key="lb_overall_chart")
right.plotly_chart(_dimension_chart(), key="lb_chart")

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
                    **{
                        t("lb_dimension_gap", dimension=names.get(dim, dim)): value
                        for dim, value in row.rate_gaps.items()
                    },
                }
                for row in comparison.rows
            ]
        )
        shown = readable(gaps, {column: ".2f" for column in gaps.columns})
        st.dataframe(shown, hide_index=True, column_config=_percent_columns(shown))
        per_dimension = pd.DataFrame(
            [
                {"model": row.model, "dimension": names.get(dim, dim), "gap": value}
                for row in comparison.rows
                for dim, value in row.rate_gaps.items()
                if value is not None
            ],
            columns=["model", "dimension", "gap"],
        )
        st.plotly_chart(
            bars(
                per_dimension,
                "model",
                "gap",
                "dimension",
                title=t("lb_gap_chart"),
                x_title=t("model"),
                y_title=t("lb_gap"),
                legend_title=t("dimension"),
            ),
            key="lb_gap_chart",
        )
