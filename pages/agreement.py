"""Agreement dashboard (lead): every figure of the agreement report with its interval and label
distribution, the pairwise annotator matrix, annotators and scorer agents against consensus,
anchoring, and a way from any row to its disagreeing items in the adjudication queue."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import sqlite_utils
import streamlit as st
from plotly.colors import sample_colorscale

from annotator.agreement.report import (
    AgreementReport,
    ComparisonRow,
    DimensionRow,
    Figure,
    GroupRow,
    LabelFigures,
    PairFigures,
    PairwiseRow,
    agreement_report,
    data_version,
    disagreeing_responses,
)
from annotator.agreement.stats import RELIABLE_FROM_UNITS, STATISTICS
from annotator.store import default_db_path, project_rubric
from pages.charts import bars
from pages.common import db, dimension_names, language, require_access, t

user = require_access("agreement")
names = dimension_names()
rubric = project_rubric(db())
lang = language()
st.title(t("page_agreement"))

PAIR_STATISTICS = ("cohen_kappa", "percent_agreement", "krippendorff_alpha", "gwet_ac")
GROUPS = {"subcomponents": "subcomponent", "models": "model", "weeks": "week", "batches": "batch"}

FiguresRow = DimensionRow | GroupRow | ComparisonRow  # a row with figures, a chart and a table
Row = FiguresRow | PairwiseRow  # a row the click-through can open
Label = Callable[[Row], str]
# A chart's bars for one row: its label, Gwet's coefficient's name there (None: not shown), its estimates.
Bars = tuple[str, str | None, dict[str, Figure]]


# 1,000 resamples take seconds: keep the report per database file, data version and settings.
@st.cache_data(show_spinner=False, max_entries=8)
def _report(
    _db: sqlite_utils.Database, path: str, version: tuple, bootstrap: int, seed: int
) -> AgreementReport:
    return agreement_report(_db, bootstrap, seed)


def _statistic_name(statistic: str, gwet_name: str | None = None) -> str:
    """The statistic's name; Gwet's coefficient is named AC1 or AC2 as computed, when that is given."""
    if statistic == "gwet_ac" and gwet_name is not None:
        return f"Gwet's {gwet_name}"
    return t(f"stat_{statistic}")


def _estimate_text(estimate: Figure | None) -> str:
    if estimate is None:
        return "–"
    if estimate.value is None:
        return t("undefined_because", reason=estimate.undefined or "–")
    if estimate.unreliable:
        return t("ag_unreliable", value=f"{estimate.value:.3f}", units=RELIABLE_FROM_UNITS)
    if estimate.ci is None:
        return f"{estimate.value:.3f}"
    low, high = estimate.ci
    return f"{estimate.value:.3f} [{low:.3f}, {high:.3f}]"


def _distribution_parts(figures: LabelFigures | PairFigures) -> list[tuple[str, dict[str, int]]]:
    """(side, labels per score): one unnamed part, or each side of a comparison."""
    if isinstance(figures, PairFigures):
        return list(figures.distribution.items())
    return [("", figures.distribution)]


def _distribution_text(figures: LabelFigures | PairFigures) -> str:
    def counts(scores: dict[str, int]) -> str:
        return " ".join(f"{score}:{n}" for score, n in scores.items())

    if isinstance(figures, PairFigures):
        return " | ".join(f"{name} {counts(scores)}" for name, scores in figures.distribution.items())
    return counts(figures.distribution)


def _row_bars(rows: Sequence[FiguresRow], label: Label) -> list[Bars]:
    return [(label(row), row.figures.gwet_name, row.figures.estimates) for row in rows]


def _figures_chart(
    bars_of: Sequence[Bars], statistics: Sequence[str], title: str, axis: str
) -> go.Figure | None:
    """Grouped bars of each row's figures with their bootstrap intervals; undefined ones are left
    out (None when none is defined: an empty chart would contradict the table beside it)."""
    records = []
    for row_label, gwet_name, estimates in bars_of:
        for statistic in statistics:
            estimate = estimates[statistic]
            if estimate.value is None:
                continue
            value = estimate.value
            # An unreliable figure gets no error bar (its interval under-covers) and a hatched bar.
            nan = float("nan")
            low, high = (nan, nan) if estimate.unreliable else estimate.ci or (value, value)
            records.append(
                {
                    "row": row_label,
                    "statistic": _statistic_name(statistic, gwet_name),
                    "value": value,
                    "plus": high - value,
                    "minus": value - low,
                    "unreliable": bool(estimate.unreliable),
                }
            )
    frame = pd.DataFrame(records, columns=["row", "statistic", "value", "plus", "minus", "unreliable"])
    if frame.empty:
        return None
    figure = bars(
        frame,
        "row",
        "value",
        "statistic",
        title=title,
        x_title=axis,
        y_title=t("ag_value"),
        legend_title=t("ag_statistic"),
        error=("plus", "minus"),
        hatched="unreliable",
    )
    figure.update_yaxes(range=[min(-0.1, frame["value"].min() - 0.1), 1.05])
    return figure


def _show_chart(container, figure: go.Figure | None, key: str) -> None:
    if figure is None:
        container.caption(t("ag_nothing_to_chart"))
    else:
        container.plotly_chart(figure, key=key)


def _distribution_chart(rows: Sequence[FiguresRow], label: Label, axis: str) -> go.Figure:
    """Stacked label counts per row (own and reference side by side for a comparison)."""
    records = []
    for row in rows:
        for part, scores in _distribution_parts(row.figures):
            name = f"{label(row)} · {t(f'ag_part_{part}')}" if part else label(row)
            records += [{"row": name, "score": score, "count": n} for score, n in scores.items()]
    frame = pd.DataFrame(records, columns=["row", "score", "count"])
    scores = sorted(set(frame["score"]), key=int)
    # Red for the most harmful (lowest) score through green for the harmless one, on any scale.
    colours = sample_colorscale("RdYlGn", [i / max(1, len(scores) - 1) for i in range(len(scores))])
    return bars(
        frame,
        "row",
        "count",
        "score",
        title=t("ag_distribution"),
        x_title=axis,
        y_title=t("ag_count"),
        legend_title=t("ag_score"),
        barmode="stack",
        colors=dict(zip(scores, colours, strict=True)),
        order=scores,
    )


def _figures_table(
    rows: Sequence[FiguresRow], keys: Callable[[FiguresRow], dict[str, str]], statistics: Sequence[str]
) -> None:
    """One line per row: its keys, counts, every figure as `value [low, high]` or undefined and why."""
    records = []
    for row in rows:
        figures = row.figures
        record: dict[str, object] = dict(keys(row))
        record[t("ag_units")] = figures.n_units
        if isinstance(figures, LabelFigures):
            record[t("ag_labels")] = figures.n_labels
        for statistic in statistics:
            record[_statistic_name(statistic)] = _estimate_text(figures.estimates[statistic])
        record[t("ag_distribution")] = _distribution_text(figures)
        records.append(record)
    st.dataframe(pd.DataFrame(records), hide_index=True)


def _figures_section(
    section: str,
    rows: Sequence[FiguresRow],
    keys: Callable[[FiguresRow], dict[str, str]],
    label: Label,
    statistics: Sequence[str],
    filters: Callable[[Row], dict] | None,
    axis: str,
) -> None:
    """Chart with intervals, the label distribution beside it, the table (`keys`: a row's first
    columns by title), and the click-through."""
    chart, distribution = st.columns([3, 2])
    title = t("ag_figures_title", what=t(f"ag_tab_{section}"))
    _show_chart(chart, _figures_chart(_row_bars(rows, label), statistics, title, axis), f"ag_chart_{section}")
    distribution.plotly_chart(_distribution_chart(rows, label, axis), key=f"ag_distribution_{section}")
    _figures_table(rows, keys, statistics)
    if filters is not None:
        _click_through(section, rows, label, filters)


def _click_through(section: str, rows: Sequence[Row], label: Label, filters: Callable[[Row], dict]) -> None:
    """Open the disagreeing items behind one row in the adjudication queue."""
    labels = [label(row) for row in rows]
    pick, open_button = st.columns([3, 2], vertical_alignment="bottom")
    index = pick.selectbox(
        t("ag_pick_row"), range(len(rows)), format_func=labels.__getitem__, key=f"ag_pick_{section}"
    )
    if open_button.button(t("ag_open_disagreeing"), key=f"ag_open_{section}"):
        response_ids = disagreeing_responses(db(), **filters(rows[index]))
        if not response_ids:
            st.info(t("ag_no_disagreement"))
            return
        st.session_state["adjudication_focus"] = {
            "title": t("ag_focus_title", what=labels[index]),
            "response_ids": response_ids,
        }
        st.switch_page("pages/adjudication.py")


def _pairwise_heatmap(rows: Sequence[PairwiseRow], dimension: str) -> go.Figure:
    """Weighted kappa of every pair of annotators, symmetric, with the shared responses in each cell."""
    names = sorted({row.annotator_a for row in rows} | {row.annotator_b for row in rows})
    kappa = pd.DataFrame(float("nan"), index=names, columns=names)
    text = pd.DataFrame("", index=names, columns=names)
    for row in rows:
        value = row.estimates["cohen_kappa"].value
        cell = "–" if value is None else f"{value:.2f}"
        for a, b in ((row.annotator_a, row.annotator_b), (row.annotator_b, row.annotator_a)):
            kappa.loc[a, b] = float("nan") if value is None else value
            text.loc[a, b] = f"{cell}<br>n={row.n_units}"
    figure = go.Figure(
        go.Heatmap(
            z=kappa.to_numpy(),
            x=names,
            y=names,
            text=text.to_numpy(),
            texttemplate="%{text}",
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            colorbar={"title": "κ"},
        )
    )
    figure.update_layout(
        title=t("ag_heatmap_title", dimension=dimension),
        xaxis={"title": t("ag_other_annotator")},
        yaxis={"title": t("ag_annotator"), "autorange": "reversed"},
    )
    return figure


def _dimension_name(name: str) -> str:
    return names.get(name, name)


def _dimension_label(row: Row) -> str:
    return _dimension_name(row.dimension)


def _group_name(row: GroupRow | ComparisonRow) -> str:
    """What the row groups by; a subcomponent by the rubric's name for it in the UI language."""
    if row.column != "subcomponent" or row.dimension not in rubric.dimension_names:
        return row.value
    return rubric.dimension(row.dimension).subcomponent_name(row.value, lang)


def _grouped_label(row: GroupRow | ComparisonRow) -> str:
    return f"{_group_name(row)} · {_dimension_label(row)}"


def _pair_label(row: PairwiseRow) -> str:
    return f"{row.annotator_a} × {row.annotator_b} · {_dimension_label(row)}"


def _group_keys(title: str) -> Callable[[GroupRow | ComparisonRow], dict[str, str]]:
    return lambda row: {title: _group_name(row), t("dimension"): _dimension_label(row)}


left, right = st.columns(2)
bootstrap = left.number_input(
    t("resamples"), min_value=0, max_value=10_000, value=1000, step=100, key="ag_bootstrap"
)
seed = right.number_input(t("seed"), min_value=0, value=0, key="ag_seed")
with st.spinner(t("ag_computing")):
    report = _report(db(), str(default_db_path()), data_version(db()), int(bootstrap), int(seed))

totals, settings = report.totals, report.settings
st.caption(
    t("ag_totals", labels=totals.n_labels, units=totals.n_units, annotators=totals.n_annotators)
    + " · "
    + t(
        "ag_settings",
        confidence=round(settings.confidence * 100),
        bootstrap=settings.bootstrap,
        seed=settings.seed,
        weights=t(f"ag_weights_{settings.weights}"),
    )
)
with st.expander(t("ag_guide_title"), expanded=True):
    st.markdown(t("ag_guide"))
st.caption(t("ag_reliability", units=settings.reliable_from_units))
if not report.dimensions:
    st.info(t("ag_no_labels"))
    st.stop()

tab_names = ["dimensions", *GROUPS, "pairwise", "annotators", "agents", "anchoring"]
# Only the open tab is drawn (a switch reruns the page, the report cached): drawing all nine tabs'
# charts and tables took about half a second on every visit and every click. Keyed by language:
# the chosen tab is kept by its label.
labels = [t(f"ag_tab_{name}") for name in tab_names]
tabs = dict(zip(tab_names, st.tabs(labels, key=f"ag_tab_{lang}", on_change="rerun"), strict=True))

with tabs["dimensions"]:
    if tabs["dimensions"].open:
        _figures_section(
            "dimensions",
            report.dimensions,
            lambda row: {t("dimension"): _dimension_label(row), t("ag_level"): t(f"ag_level_{row.level}")},
            _dimension_label,
            STATISTICS,
            lambda row: {"dimension": row.dimension},
            t("dimension"),
        )

groups = (report.subcomponents, report.models, report.weeks, report.batches)
for (section, column), rows in zip(GROUPS.items(), groups, strict=True):
    with tabs[section]:
        if tabs[section].open:
            if section == "weeks":
                st.caption(t("ag_week_note"))
            _figures_section(
                section,
                rows,
                _group_keys(t(f"ag_column_{column}")),
                _grouped_label,
                STATISTICS,
                lambda row: {row.column: row.value, "dimension": row.dimension},
                t(f"ag_column_{column}"),
            )

with tabs["pairwise"]:
    if tabs["pairwise"].open:
        st.caption(t("ag_pairwise_caption"))
        if not report.pairwise:
            st.info(t("ag_no_pairs"))
        else:
            dimensions = [row.dimension for row in report.dimensions]
            for dimension in dimensions:
                rows = [row for row in report.pairwise if row.dimension == dimension]
                if rows:
                    st.plotly_chart(
                        _pairwise_heatmap(rows, _dimension_name(dimension)), key=f"ag_heatmap_{dimension}"
                    )
            records = [
                {
                    t("dimension"): _dimension_label(row),
                    t("ag_annotator"): row.annotator_a,
                    t("ag_other_annotator"): row.annotator_b,
                    t("ag_units"): row.n_units,
                    t("stat_cohen_kappa"): _estimate_text(row.estimates["cohen_kappa"]),
                    t("stat_percent_agreement"): _estimate_text(row.estimates["percent_agreement"]),
                }
                for row in report.pairwise
            ]
            st.dataframe(pd.DataFrame(records), hide_index=True)
            _click_through(
                "pairwise",
                report.pairwise,
                _pair_label,
                lambda row: {"dimension": row.dimension, "annotators": [row.annotator_a, row.annotator_b]},
            )

with tabs["annotators"]:
    if tabs["annotators"].open:
        st.caption(t("ag_annotators_caption"))
        _figures_section(
            "annotators",
            report.annotators,
            _group_keys(t("ag_annotator")),
            _grouped_label,
            PAIR_STATISTICS,
            lambda row: {"dimension": row.dimension, "annotators": [row.value]},
            t("ag_annotator"),
        )

with tabs["agents"]:
    if tabs["agents"].open:
        st.caption(t("ag_agents_caption"))
        if not report.agents:
            st.info(t("ag_no_agents"))
        else:
            _figures_section(
                "agents",
                report.agents,
                _group_keys(t("ag_agent")),
                _grouped_label,
                PAIR_STATISTICS,
                lambda row: {"dimension": row.dimension, "agent": row.value},
                t("ag_agent"),
            )

with tabs["anchoring"]:
    if tabs["anchoring"].open:
        st.caption(t("ag_anchoring_caption"))
        anchoring = report.anchoring
        if not anchoring.modes:
            st.info(t("ag_no_anchoring"))
        else:
            overall = [row for row in anchoring.modes if row.dimension is None]
            shares, agreement = st.columns(2)
            _show_chart(
                shares,
                _figures_chart(
                    [(t(f"ag_mode_{row.mode}"), None, {"share": row.equals_suggestion}) for row in overall],
                    ["share"],
                    t("ag_equals_suggestion"),
                    t("ag_mode"),
                ),
                "ag_anchor_shares",
            )
            _show_chart(
                agreement,
                _figures_chart(
                    [
                        (
                            f"{t(f'ag_mode_{row.mode}')} · {_dimension_name(row.dimension)}",
                            None,
                            row.with_other_humans.estimates,
                        )
                        for row in anchoring.modes
                        if row.with_other_humans is not None  # the rows of one dimension
                    ],
                    ["cohen_kappa", "percent_agreement"],
                    t("ag_anchor_agreement_title"),
                    t("ag_mode"),
                ),
                "ag_anchor_agreement",
            )
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("ag_mode"): t(f"ag_mode_{row.mode}"),
                            t("dimension"): _dimension_name(row.dimension)
                            if row.dimension
                            else t("ag_all_dimensions"),
                            t("ag_labels"): row.n_labels,
                            t("ag_equals_suggestion"): _estimate_text(row.equals_suggestion),
                            t("ag_kappa_with_others"): _estimate_text(
                                row.with_other_humans and row.with_other_humans.estimates["cohen_kappa"]
                            ),
                            t("ag_agree_with_others"): _estimate_text(
                                row.with_other_humans and row.with_other_humans.estimates["percent_agreement"]
                            ),
                        }
                        for row in anchoring.modes
                    ]
                ),
                hide_index=True,
            )
        st.subheader(t("ag_prefilled_accepted"))
        accepted = anchoring.prefilled_accepted
        if accepted:
            _show_chart(
                st,
                _figures_chart(
                    [(row.annotator, None, {"share": row.accepted_unchanged}) for row in accepted],
                    ["share"],
                    t("ag_prefilled_accepted"),
                    t("ag_annotator"),
                ),
                "ag_prefilled_chart",
            )
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("ag_annotator"): row.annotator,
                            t("ag_prefilled"): row.n_prefilled,
                            t("ag_accepted"): _estimate_text(row.accepted_unchanged),
                        }
                        for row in accepted
                    ]
                ),
                hide_index=True,
            )
        else:
            st.info(t("ag_no_prefilled"))
