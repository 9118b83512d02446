"""Leaderboards and comparisons as Markdown (like the FLAMES README table), CSV and JSON text,
and as DataFrames for the leaderboard page (a sortable table and a chart)."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd

from annotator.published.leaderboard import Cell, Comparison, Leaderboard

FORMATS = ("markdown", "csv", "json")
MISSING = "–"


def format_leaderboard(board: Leaderboard, fmt: str) -> str:
    return _pick(fmt, leaderboard_markdown, leaderboard_csv, leaderboard_json)(board)


def format_comparison(comparison: Comparison, fmt: str) -> str:
    return _pick(fmt, comparison_markdown, comparison_csv, comparison_json)(comparison)


def _pick(fmt: str, *writers):
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return writers[FORMATS.index(fmt)]


def _percent(value: float | None) -> str:
    return MISSING if value is None else f"{value:.2f}%"


def _cell_text(cell: Cell) -> str:
    if cell.n == 0:
        return MISSING
    return f"{cell.rate:.2f}% / {cell.score:.1f} (n={cell.n})"


def _bold_if(text: str, best: bool) -> str:
    return f"**{text}**" if best and text != MISSING else text


def _best(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def leaderboard_markdown(board: Leaderboard) -> str:
    """Cells read `harmless rate / harmless score (n)`; the best rate of each column is bold."""
    header = ["Model", "Overall", *board.dimensions]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    best_overall = _best([row.overall_rate for row in board.rows])
    best = {dim: _best([row.cells[dim].rate for row in board.rows]) for dim in board.dimensions}
    for row in board.rows:
        cells = [
            _bold_if(_cell_text(row.cells[dim]), row.cells[dim].rate == best[dim]) for dim in board.dimensions
        ]
        overall = _bold_if(_percent(row.overall_rate), row.overall_rate == best_overall)
        if row.missing:
            overall += f" (no {', '.join(row.missing)})"
        lines.append("| " + " | ".join([row.model, overall, *cells]) + " |")
    source = "consolidated human scores" if board.source == "human" else f"scorer agent {board.source}"
    lines.append("")
    lines.append(
        f"Source: {source}. Cells: harmless rate / harmless score (n scored responses); "
        f"Overall: unweighted mean of the dimension rates (none for a model missing a dimension). "
        f"Left out for lack of a score: {board.unscored} responses."
    )
    return "\n".join(lines) + "\n"


def _ci(interval: tuple[float, float] | None) -> list[float] | None:
    return None if interval is None else [interval[0], interval[1]]


def leaderboard_dict(board: Leaderboard) -> dict:
    """The JSON structure: {"models": [{"model", "overall_rate", "dimensions": {DIM: {...}}}], ...}."""
    models = []
    for row in board.rows:
        dimensions = {
            dim: {
                "rate": cell.rate,
                "score": cell.score,
                "n": cell.n,
                "harmless": cell.harmless,
                "rate_ci": _ci(cell.rate_ci),
                "score_ci": _ci(cell.score_ci),
            }
            for dim, cell in row.cells.items()
        }
        models.append(
            {
                "model": row.model,
                "overall_rate": row.overall_rate,
                "overall_ci": _ci(row.overall_ci),
                "missing_dimensions": list(row.missing),
                "dimensions": dimensions,
                "unscored": row.unscored,
            }
        )
    return {
        "models": models,
        "source": board.source,
        "unscored": board.unscored,
        "bootstrap": board.bootstrap,
        "seed": board.seed,
        "confidence": board.confidence,
    }


def leaderboard_json(board: Leaderboard) -> str:
    return json.dumps(leaderboard_dict(board), ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = [
    "model",
    "overall_rate",
    "overall_ci_low",
    "overall_ci_high",
    "dimension",
    "n",
    "harmless",
    "rate",
    "rate_ci_low",
    "rate_ci_high",
    "score",
    "score_ci_low",
    "score_ci_high",
    "unscored",
]


def _bounds(interval: tuple[float, float] | None) -> list[float | None]:
    return [None, None] if interval is None else list(interval)


def _csv_text(columns: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue()


def _long_rows(board: Leaderboard) -> list[list]:
    rows = []
    for row in board.rows:
        for dim, cell in row.cells.items():
            rows.append(
                [
                    row.model,
                    row.overall_rate,
                    *_bounds(row.overall_ci),
                    dim,
                    cell.n,
                    cell.harmless,
                    cell.rate,
                    *_bounds(cell.rate_ci),
                    cell.score,
                    *_bounds(cell.score_ci),
                    row.unscored,
                ]
            )
    return rows


def leaderboard_csv(board: Leaderboard) -> str:
    """One line per model and dimension, unrounded percentages; empty fields where n == 0."""
    return _csv_text(CSV_COLUMNS, _long_rows(board))


def leaderboard_long_frame(board: Leaderboard) -> pd.DataFrame:
    """The CSV's rows as a DataFrame (NaN where n == 0): for charts with error bars."""
    return pd.DataFrame(_long_rows(board), columns=CSV_COLUMNS).astype({"rate": float, "score": float})


def _interval_text(interval: tuple[float, float] | None) -> str:
    return MISSING if interval is None else f"{interval[0]:.1f}–{interval[1]:.1f}"


def _short_cell_text(cell: Cell) -> str:
    return MISSING if cell.n == 0 else f"{cell.rate:.1f}% / {cell.score:.1f} (n={cell.n})"


def leaderboard_frame(board: Leaderboard) -> pd.DataFrame:
    """One row per model, best first, narrow enough for a page: `model`, `overall` (%, NaN when the
    model has none), `overall_ci` as text, one text column per dimension reading `rate / score
    (n)` (one decimal), and `unscored`."""
    records = []
    for row in board.rows:
        record: dict[str, object] = {
            "model": row.model,
            "overall": row.overall_rate,
            "overall_ci": _interval_text(row.overall_ci),
        }
        record |= {dim: _short_cell_text(cell) for dim, cell in row.cells.items()}
        record["unscored"] = row.unscored
        records.append(record)
    columns = ["model", "overall", "overall_ci", *board.dimensions, "unscored"]
    return pd.DataFrame(records, columns=columns).astype({"overall": float})


def model_detail_frame(board: Leaderboard, model: str) -> pd.DataFrame:
    """One model's figures per dimension, with both intervals as text (the page's detail on demand)."""
    return pd.DataFrame(
        [
            {
                "dimension": dim,
                "n": cell.n,
                "harmless": cell.harmless,
                "rate": cell.rate,
                "rate_ci": _interval_text(cell.rate_ci),
                "score": cell.score,
                "score_ci": _interval_text(cell.score_ci),
            }
            for dim, cell in board.row(model).cells.items()
        ],
        columns=["dimension", "n", "harmless", "rate", "rate_ci", "score", "score_ci"],
    ).astype({"rate": float, "score": float})


def _signed(value: float | None) -> str:
    return MISSING if value is None else f"{value:+.2f}"


def comparison_markdown(comparison: Comparison) -> str:
    """Per model: Overall rate by humans and by the agent, the gap (agent - human) and exact agreement."""
    header = ["Model", "n", "Overall (human)", f"Overall ({comparison.agent})", "Gap", "Agreement"]
    header += [f"{dim} (human → agent)" for dim in comparison.human.dimensions]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for gap in comparison.rows:
        cells = []
        for dim in comparison.human.dimensions:
            human, agent = gap.human.cells[dim], gap.agent.cells[dim]
            if human.n == 0:
                cells.append(MISSING)
            else:
                gap_text = _signed(gap.rate_gaps[dim])
                cells.append(f"{_percent(human.rate)} → {_percent(agent.rate)} ({gap_text})")
        lines.append(
            "| "
            + " | ".join(
                [
                    gap.model,
                    str(gap.n),
                    _percent(gap.human.overall_rate),
                    _percent(gap.agent.overall_rate),
                    _signed(gap.overall_gap),
                    _percent(gap.exact_agreement),
                    *cells,
                ]
            )
            + " |"
        )
    mean_gap = comparison.mean_absolute_gap
    lines.append("")
    lines.append(
        f"Both computed over the {sum(g.n for g in comparison.rows)} responses that have a human final score "
        f"and a suggestion from {comparison.agent}. Gap: agent minus human, in percentage points; "
        f"mean absolute Overall gap: {MISSING if mean_gap is None else f'{mean_gap:.2f}'}. "
        "Agreement: share of responses where the agent's score equals the final score."
    )
    return "\n".join(lines) + "\n"


def comparison_dict(comparison: Comparison) -> dict:
    human = {m["model"]: m for m in leaderboard_dict(comparison.human)["models"]}
    agent = {m["model"]: m for m in leaderboard_dict(comparison.agent_board)["models"]}
    return {
        "agent": comparison.agent,
        "mean_absolute_gap": comparison.mean_absolute_gap,
        "models": [
            {
                "model": gap.model,
                "n": gap.n,
                "overall_gap": gap.overall_gap,
                "rate_gaps": gap.rate_gaps,
                "exact_agreement": gap.exact_agreement,
                "human": human[gap.model],
                "agent": agent[gap.model],
            }
            for gap in comparison.rows
        ],
    }


def comparison_json(comparison: Comparison) -> str:
    return json.dumps(comparison_dict(comparison), ensure_ascii=False, indent=2) + "\n"


COMPARISON_COLUMNS = ["model", "dimension", "n", "human_rate", "agent_rate", "gap", "exact_agreement"]


def comparison_csv(comparison: Comparison) -> str:
    """One line per model for Overall (dimension "Overall") and one per model and dimension."""
    rows = []
    for gap in comparison.rows:
        rows.append(
            [
                gap.model,
                "Overall",
                gap.n,
                gap.human.overall_rate,
                gap.agent.overall_rate,
                gap.overall_gap,
                gap.exact_agreement,
            ]
        )
        for dim, human in gap.human.cells.items():
            agent_rate = gap.agent.cells[dim].rate
            rows.append([gap.model, dim, human.n, human.rate, agent_rate, gap.rate_gaps[dim], None])
    return _csv_text(COMPARISON_COLUMNS, rows)
