"""Bar charts for the pages, built as plotly graph objects: plotly express took about 0.8 s per
chart on a busy 2-core machine (the agreement page has twenty), graph objects about 0.04 s, and
one figure made from plain trace dicts (each validated once, not again when added) a third of that."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go


def bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    color: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    legend_title: str,
    barmode: str = "group",
    error: tuple[str, str] | None = None,
    colors: Mapping[object, str] | None = None,
    order: Sequence[object] | None = None,
    horizontal: bool = False,
    hatched: str | None = None,
) -> go.Figure:
    """One bar trace per value of `color` (in `order`, else as they come), with named axes, a
    title and a legend title; `error` names the columns of the upper and lower error lengths,
    `hatched` a boolean column whose true rows are drawn hatched."""
    traces = []
    for value in order if order is not None else frame[color].drop_duplicates():
        part = frame[frame[color] == value]
        along, across = ("y", "x") if horizontal else ("x", "y")
        trace: dict[str, object] = {
            "type": "bar",
            along: part[x].tolist(),
            across: part[y].tolist(),
            "name": str(value),
            "orientation": "h" if horizontal else "v",
            "hovertemplate": f"{x_title}: %{{{along}}}<br>{legend_title}: {value}<br>"
            f"{y_title}: %{{{across}}}<extra></extra>",
        }
        if error is not None:
            trace[f"error_{across}"] = {
                "type": "data",
                "array": part[error[0]].fillna(0).tolist(),
                "arrayminus": part[error[1]].fillna(0).tolist(),
                # A bar without an interval gets a zero-length error bar: without caps it draws nothing.
                **({"width": 0} if part[error[0]].isna().any() else {}),
            }
        marker: dict[str, object] = {}
        if colors is not None and value in colors:
            marker["color"] = colors[value]
        if hatched is not None:
            marker["pattern"] = {"shape": ["/" if flag else "" for flag in part[hatched]]}
        if marker:
            trace["marker"] = marker
        traces.append(trace)
    axes = (
        ({"title": y_title}, {"title": x_title}) if horizontal else ({"title": x_title}, {"title": y_title})
    )
    layout = {
        "barmode": barmode,
        "title": title,
        "xaxis": axes[0],
        "yaxis": axes[1],
        "legend": {"title": {"text": legend_title}},
    }
    return go.Figure(data=traces, layout=layout)
