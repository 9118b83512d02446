"""The agreement report as plain text for the terminal (`python -m annotator agreement`)."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.agreement.stats import RELIABLE_FROM_UNITS

READING_GUIDE = (
    "Krippendorff's alpha >= 0.8: reliable; >= 0.667: tentative conclusions only; below: do not rely "
    "on the labels. On skewed scores (most responses harmless) alpha and kappa can be low while "
    "percent agreement is high, because their chance term grows with the skew; Gwet's AC1/AC2 "
    "uses a chance term that shrinks with it, so it stays close to percent agreement. Read them "
    "together, with the score distribution."
)
PAIRS_SHOWN = 5


def _fmt(estimate: dict | None) -> str:
    if estimate is None:
        return "-"
    if estimate["value"] is None:
        return "undefined"
    if estimate["unreliable"]:
        return f"{estimate['value']:.3f} (unreliable: < {RELIABLE_FROM_UNITS} units)"
    if estimate["ci"] is None:
        return f"{estimate['value']:.3f}"
    low, high = estimate["ci"]
    return f"{estimate['value']:.3f} [{low:.3f}, {high:.3f}]"


def _dist(distribution: dict[str, int]) -> str:
    return " ".join(f"{score}:{n}" for score, n in distribution.items())


def _table(headers: Sequence[str], rows: list[Sequence[object]]) -> list[str]:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]


def format_report(report: dict) -> str:
    """The report as plain text for the terminal (every figure with its interval)."""
    settings, totals = report["settings"], report["totals"]
    lines = [
        f"Agreement over {totals['n_labels']:,} submitted labels on {totals['n_units']:,} responses "
        f"by {totals['n_annotators']} annotators ({settings['rubric']})",
        f"Intervals: {int(settings['confidence'] * 100)}% percentile bootstrap over responses, "
        f"{settings['bootstrap']} resamples, seed {settings['seed']}; shares: mid-p exact. "
        f"Weights: {settings['weights']}.",
        f"A figure on fewer than {settings['reliable_from_units']} responses rated twice is shown as "
        "unreliable, without its interval: there the bootstrap interval holds the true value well under "
        "95% of the time (docs/agreement.md).",
        READING_GUIDE,
    ]
    figure_headers = ["units", "labels", "% agree", "alpha", "AC1/AC2", "Fleiss kappa", "scores"]

    def figure_cells(row: dict) -> list[object]:
        return [
            row["n_units"],
            row["n_labels"],
            _fmt(row["percent_agreement"]),
            _fmt(row["krippendorff_alpha"]),
            f"{row['gwet_name']} {_fmt(row['gwet_ac'])}",
            _fmt(row["fleiss_kappa"]),
            _dist(row["distribution"]),
        ]

    lines += ["", "By dimension"]
    lines += _table(
        ["dimension", "level", *figure_headers],
        [[r["dimension"], r["level"], *figure_cells(r)] for r in report["dimensions"]],
    )
    for section, column, title in (
        ("subcomponents", "subcomponent", "By subcomponent"),
        ("models", "model", "By model"),
        ("weeks", "week", "By week (of a response's last label)"),
        ("batches", "batch", "By import batch"),
    ):
        lines += ["", title]
        lines += _table(
            [column, "dimension", *figure_headers],
            [[r[column], r["dimension"], *figure_cells(r)] for r in report[section]],
        )
    lines += [
        "",
        f"Annotator pairs with the lowest weighted kappa ({PAIRS_SHOWN} per dimension; all in --json)",
    ]
    rows = []
    for dimension in [d["dimension"] for d in report["dimensions"]]:
        pairs = [
            p
            for p in report["pairwise"]
            if p["dimension"] == dimension and p["cohen_kappa"]["value"] is not None
        ]
        pairs.sort(key=lambda p: p["cohen_kappa"]["value"])
        rows += [
            [
                dimension,
                p["annotator_a"],
                p["annotator_b"],
                p["n_units"],
                _fmt(p["cohen_kappa"]),
                _fmt(p["percent_agreement"]),
            ]
            for p in pairs[:PAIRS_SHOWN]
        ]
    lines += _table(["dimension", "annotator", "annotator", "units", "kappa", "% agree"], rows)
    pair_headers = ["units", "kappa", "% agree", "alpha", "AC1/AC2", "scores (own | reference)"]

    def pair_cells(row: dict) -> list[object]:
        own, reference = row["distribution"].values()
        return [
            row["n_units"],
            _fmt(row["cohen_kappa"]),
            _fmt(row["percent_agreement"]),
            _fmt(row["krippendorff_alpha"]),
            f"{row['gwet_name']} {_fmt(row['gwet_ac'])}",
            f"{_dist(own)} | {_dist(reference)}",
        ]

    lines += ["", "Each annotator against the consensus of the others"]
    lines += _table(
        ["annotator", "dimension", *pair_headers],
        [[r["annotator"], r["dimension"], *pair_cells(r)] for r in report["annotators"]],
    )
    lines += ["", "Scorer agents against the human final scores"]
    lines += _table(
        ["agent", "dimension", *pair_headers],
        [[r["agent"], r["dimension"], *pair_cells(r)] for r in report["agents"]],
    )
    lines += ["", "Anchoring: labels by suggestion mode"]
    lines += _table(
        ["mode", "dimension", "labels", "= suggestion", "kappa with other humans", "% agree with others"],
        [
            [
                m["mode"],
                m["dimension"] or "all",
                m["n_labels"],
                _fmt(m["equals_suggestion"]),
                _fmt(m["with_other_humans"] and m["with_other_humans"]["cohen_kappa"]),
                _fmt(m["with_other_humans"] and m["with_other_humans"]["percent_agreement"]),
            ]
            for m in report["anchoring"]["modes"]
        ],
    )
    lines += ["", "Pre-filled scores accepted unchanged"]
    lines += _table(
        ["annotator", "pre-filled", "accepted unchanged"],
        [
            [a["annotator"], a["n_prefilled"], _fmt(a["accepted_unchanged"])]
            for a in report["anchoring"]["prefilled_accepted"]
        ],
    )
    return "\n".join(lines)
