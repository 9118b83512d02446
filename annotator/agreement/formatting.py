"""The agreement report as plain text for the terminal and as JSON (`python -m annotator agreement`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import Any

from annotator.agreement.report import (
    AgreementReport,
    ComparisonRow,
    Figure,
    GroupRow,
    LabelFigures,
    PairFigures,
)
from annotator.agreement.stats import RELIABLE_FROM_UNITS

READING_GUIDE = (
    "Krippendorff's alpha >= 0.8: reliable; >= 0.667: tentative conclusions only; below: do not rely "
    "on the labels. On skewed scores (most responses harmless) alpha and kappa can be low while "
    "percent agreement is high, because their chance term grows with the skew; Gwet's AC1/AC2 "
    "uses a chance term that shrinks with it, so it stays close to percent agreement. Read them "
    "together, with the score distribution."
)
PAIRS_SHOWN = 5


def _fmt(estimate: Figure | None) -> str:
    if estimate is None:
        return "-"
    if estimate.value is None:
        return "undefined"
    if estimate.unreliable:
        return f"{estimate.value:.3f} (unreliable: < {RELIABLE_FROM_UNITS} units)"
    if estimate.ci is None:
        return f"{estimate.value:.3f}"
    low, high = estimate.ci
    return f"{estimate.value:.3f} [{low:.3f}, {high:.3f}]"


def _dist(distribution: dict[str, int]) -> str:
    return " ".join(f"{score}:{n}" for score, n in distribution.items())


def _table(headers: Sequence[str], rows: list[Sequence[object]]) -> list[str]:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]


def format_report(report: AgreementReport) -> str:
    """The report as plain text for the terminal (every figure with its interval)."""
    settings, totals = report.settings, report.totals
    lines = [
        f"Agreement over {totals.n_labels:,} submitted labels on {totals.n_units:,} responses "
        f"by {totals.n_annotators} annotators ({settings.rubric})",
        f"Intervals: {int(settings.confidence * 100)}% percentile bootstrap over responses, "
        f"{settings.bootstrap} resamples, seed {settings.seed}; shares: mid-p exact. "
        f"Weights: {settings.weights}.",
        f"A figure on fewer than {settings.reliable_from_units} responses rated twice is shown as "
        "unreliable, without its interval: there the bootstrap interval holds the true value well under "
        "95% of the time (docs/agreement.md).",
        READING_GUIDE,
    ]
    figure_headers = ["units", "labels", "% agree", "alpha", "AC1/AC2", "Fleiss kappa", "scores"]

    def figure_cells(figures: LabelFigures) -> list[object]:
        estimates = figures.estimates
        return [
            figures.n_units,
            figures.n_labels,
            _fmt(estimates["percent_agreement"]),
            _fmt(estimates["krippendorff_alpha"]),
            f"{figures.gwet_name} {_fmt(estimates['gwet_ac'])}",
            _fmt(estimates["fleiss_kappa"]),
            _dist(figures.distribution),
        ]

    lines += ["", "By dimension"]
    lines += _table(
        ["dimension", "level", *figure_headers],
        [[r.dimension, r.level, *figure_cells(r.figures)] for r in report.dimensions],
    )
    sections: tuple[tuple[str, tuple[GroupRow, ...], str], ...] = (
        ("subcomponent", report.subcomponents, "By subcomponent"),
        ("model", report.models, "By model"),
        ("week", report.weeks, "By week (of a response's last label)"),
        ("batch", report.batches, "By import batch"),
    )
    for column, section, title in sections:
        lines += ["", title]
        lines += _table(
            [column, "dimension", *figure_headers],
            [[r.value, r.dimension, *figure_cells(r.figures)] for r in section],
        )
    lines += [
        "",
        f"Annotator pairs with the lowest weighted kappa ({PAIRS_SHOWN} per dimension; all in --json)",
    ]
    rows = []
    for dimension in [d.dimension for d in report.dimensions]:
        pairs = [
            p
            for p in report.pairwise
            if p.dimension == dimension and p.estimates["cohen_kappa"].value is not None
        ]
        pairs.sort(key=lambda p: p.estimates["cohen_kappa"].value)
        rows += [
            [
                dimension,
                p.annotator_a,
                p.annotator_b,
                p.n_units,
                _fmt(p.estimates["cohen_kappa"]),
                _fmt(p.estimates["percent_agreement"]),
            ]
            for p in pairs[:PAIRS_SHOWN]
        ]
    lines += _table(["dimension", "annotator", "annotator", "units", "kappa", "% agree"], rows)
    pair_headers = ["units", "kappa", "% agree", "alpha", "AC1/AC2", "scores (own | reference)"]

    def pair_cells(row: ComparisonRow) -> list[object]:
        figures, estimates = row.figures, row.figures.estimates
        own, reference = figures.distribution.values()
        return [
            figures.n_units,
            _fmt(estimates["cohen_kappa"]),
            _fmt(estimates["percent_agreement"]),
            _fmt(estimates["krippendorff_alpha"]),
            f"{figures.gwet_name} {_fmt(estimates['gwet_ac'])}",
            f"{_dist(own)} | {_dist(reference)}",
        ]

    lines += ["", "Each annotator against the consensus of the others"]
    lines += _table(
        ["annotator", "dimension", *pair_headers],
        [[r.value, r.dimension, *pair_cells(r)] for r in report.annotators],
    )
    lines += ["", "Scorer agents against the human final scores"]
    lines += _table(
        ["agent", "dimension", *pair_headers],
        [[r.value, r.dimension, *pair_cells(r)] for r in report.agents],
    )
    lines += ["", "Anchoring: labels by suggestion mode"]
    lines += _table(
        ["mode", "dimension", "labels", "= suggestion", "kappa with other humans", "% agree with others"],
        [
            [
                m.mode,
                m.dimension or "all",
                m.n_labels,
                _fmt(m.equals_suggestion),
                _fmt(_with_others(m.with_other_humans, "cohen_kappa")),
                _fmt(_with_others(m.with_other_humans, "percent_agreement")),
            ]
            for m in report.anchoring.modes
        ],
    )
    lines += ["", "Pre-filled scores accepted unchanged"]
    lines += _table(
        ["annotator", "pre-filled", "accepted unchanged"],
        [
            [a.annotator, a.n_prefilled, _fmt(a.accepted_unchanged)]
            for a in report.anchoring.prefilled_accepted
        ],
    )
    return "\n".join(lines)


def _with_others(figures: PairFigures | None, statistic: str) -> Figure | None:
    return None if figures is None else figures.estimates[statistic]


def report_dict(report: AgreementReport) -> dict[str, Any]:
    """The report as the JSON object of `agreement --json` (shape in docs/agreement.md): each
    row's estimates sit beside its counts, and a grouped row names its column."""
    return {
        "generated_at": report.generated_at,
        "settings": asdict(report.settings),
        "totals": asdict(report.totals),
        "dimensions": [
            {
                "dimension": r.dimension,
                "level": r.level,
                "categories": list(r.categories),
                **_figures(r.figures),
            }
            for r in report.dimensions
        ],
        **{
            section: [{r.column: r.value, "dimension": r.dimension, **_figures(r.figures)} for r in rows]
            for section, rows in (
                ("subcomponents", report.subcomponents),
                ("models", report.models),
                ("weeks", report.weeks),
                ("batches", report.batches),
            )
        },
        "pairwise": [
            {
                "dimension": r.dimension,
                "annotator_a": r.annotator_a,
                "annotator_b": r.annotator_b,
                "n_units": r.n_units,
                **_estimates(r.estimates),
            }
            for r in report.pairwise
        ],
        **{
            section: [{r.column: r.value, "dimension": r.dimension, **_figures(r.figures)} for r in rows]
            for section, rows in (("annotators", report.annotators), ("agents", report.agents))
        },
        "anchoring": {
            "modes": [
                {
                    "mode": m.mode,
                    "dimension": m.dimension,
                    "n_labels": m.n_labels,
                    "equals_suggestion": _estimate(m.equals_suggestion),
                    "with_other_humans": None
                    if m.with_other_humans is None
                    else _figures(m.with_other_humans),
                }
                for m in report.anchoring.modes
            ],
            "prefilled_accepted": [
                {
                    "annotator": a.annotator,
                    "n_prefilled": a.n_prefilled,
                    "accepted_unchanged": _estimate(a.accepted_unchanged),
                }
                for a in report.anchoring.prefilled_accepted
            ],
        },
    }


def report_json(report: AgreementReport) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2)


def _figures(figures: LabelFigures | PairFigures) -> dict[str, Any]:
    counts = {f.name: getattr(figures, f.name) for f in fields(figures) if f.name != "estimates"}
    return {**counts, **_estimates(figures.estimates)}


def _estimates(estimates: dict[str, Figure]) -> dict[str, dict[str, Any]]:
    return {name: _estimate(figure) for name, figure in estimates.items()}


def _estimate(figure: Figure) -> dict[str, Any]:
    ci = None if figure.ci is None else list(figure.ci)
    return {"value": figure.value, "ci": ci, "undefined": figure.undefined, "unreliable": figure.unreliable}
