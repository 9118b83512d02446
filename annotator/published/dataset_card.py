"""The dataset card (README.md) written beside every export: what is in the file and how it was made."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.agreement.report import WEIGHTS, gwet_name
from annotator.agreement.stats import RELIABLE_FROM_UNITS, Estimate, UnitTable, figures
from annotator.i18n import Refusal, text
from annotator.published.export_files import FILE_FORMATS
from annotator.rubric import Dimension, Rubric

CARD_LANGUAGES = ("en", "zh")  # English first: the command line's default


def check_card_language(language: str) -> str:
    if language not in CARD_LANGUAGES:
        raise Refusal("card_language_unknown", chosen=language, allowed=", ".join(CARD_LANGUAGES))
    return language


@dataclass(frozen=True)
class CardFacts:
    kind: str
    filename: str
    rows: int
    columns: tuple[str, ...]
    rubric: Rubric
    responses: Sequence[Mapping[str, Any]]  # exported responses: response_id, prompt_id, model, dimension
    labels: Mapping[str, Sequence[tuple]]  # (annotator, score, explanation, evidence) by response id
    filters: dict[str, str]  # by filter name: dimension, model, batch
    pseudonymised: bool
    license: str
    # More facts of this kind of export, each a message key and its values ("- <text>" lines).
    extra: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    language: str = "en"


def dimension_agreement(
    scores_per_item: Sequence[Sequence[int]], dimension: Dimension
) -> dict[str, Estimate]:
    """Percent agreement, Krippendorff's alpha and Gwet's AC over these items, as the Agreement report
    computes them (alpha at the scale's level, Gwet's AC with its weights), so the two never differ.

    Categories are the rubric's scores, not the ones observed.
    """
    position = {score: i for i, score in enumerate(dimension.scores)}
    counts = np.zeros((len(scores_per_item), len(position)), dtype=np.int64)
    for row, scores in enumerate(scores_per_item):
        for score in scores:
            counts[row, position[score]] += 1
    return figures(UnitTable.from_counts(counts), dimension.level_of_measurement, WEIGHTS)


def _shown(estimate: Estimate, percent: bool = False) -> str:
    if estimate.undefined or np.isnan(estimate.value):
        return "–"
    return f"{100 * estimate.value:.1f}%" if percent else f"{estimate.value:.3f}"


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(value) for value in row) + " |" for row in rows]
    return lines


def _file_line(language: str) -> re.Pattern[str]:
    """The card's "- File: `kind.format`, N rows" line in `language`, as a pattern."""
    line = re.escape("- " + text("card_file", language, filename="FILENAME", rows="ROWS"))
    return re.compile(
        line.replace("FILENAME", r"(?P<kind>[a-z]+)\.(?P<format>[a-z]+)").replace("ROWS", r"\d+")
    )


def card_data_file(text_: str, kinds: Sequence[str]) -> str | None:
    """The data file named by a card this tool wrote for one of `kinds`, in either language; None if
    `text_` is no such card.

    Strict, so that a person's own README is never taken for a card and replaced: the first line is
    exactly a title the tool writes, and the first file line names that kind's data file.
    """
    lines = text_.split("\n")
    for language in CARD_LANGUAGES:
        kind = next((k for k in kinds if lines[0] == "# " + text("card_title", language, kind=k)), None)
        if kind is None:
            continue
        pattern = _file_line(language)
        listed = next((line for line in lines if pattern.match(line)), "")
        match = pattern.fullmatch(listed)
        if match is None or match["kind"] != kind or match["format"] not in FILE_FORMATS:
            return None
        return f"{kind}.{match['format']}"
    return None


def dataset_card(facts: CardFacts) -> str:
    language = facts.language

    def t(key: str, **values: object) -> str:
        return text(key, language, **values)

    responses = facts.responses
    scores_of = {rid: [label[1] for label in given] for rid, given in facts.labels.items()}
    n_labels = sum(len(scores) for scores in scores_of.values())
    filters = "; ".join(f"{t(f'card_filter_{name}')} = {value}" for name, value in facts.filters.items())
    lines = [
        "# " + t("card_title", kind=facts.kind),
        "",
        "- " + t("card_license", license=facts.license),
        "- " + t("card_file", filename=facts.filename, rows=facts.rows),
        "- " + t("card_rubric", rubric=facts.rubric.label),
        "- "
        + t(
            "card_counts",
            prompts=len({r["prompt_id"] for r in responses}),
            responses=len(responses),
            labels=n_labels,
        ),
        "- " + t("card_filters", filters=filters or t("card_no_filters")),
        "- " + t("card_pseudonymised" if facts.pseudonymised else "card_by_name"),
    ]
    lines += ["- " + t(key, **values) for key, values in facts.extra]
    lines += ["- " + t("card_intervals", units=RELIABLE_FROM_UNITS)]
    lines += ["", "## " + t("card_columns"), ""]
    lines += _table([t("card_column"), t("card_meaning")], [[c, t(f"card_col_{c}")] for c in facts.columns])

    lines += ["", "## " + t("card_dimensions"), ""]
    by_dimension: dict[str, list[Mapping[str, Any]]] = {}
    for record in responses:
        by_dimension.setdefault(record["dimension"], []).append(record)
    dimension_rows, thin = [], []
    for dimension, group in sorted(by_dimension.items()):
        scores = [scores_of.get(record["response_id"], []) for record in group]
        scale = facts.rubric.dimension(dimension)
        figures_ = dimension_agreement(scores, scale)
        if figures_["percent_agreement"].unreliable:
            thin.append(scale.display_name(language))
        dimension_rows.append(
            [
                scale.display_name(language),
                len({record["prompt_id"] for record in group}),
                len(group),
                sum(map(len, scores)),
                sum(1 for given in scores if len(given) >= 2),
                _shown(figures_["percent_agreement"], percent=True),
                _shown(figures_["krippendorff_alpha"]),
                f"{gwet_name(scale)} {_shown(figures_['gwet_ac'])}",
            ]
        )
    lines += _table(
        [
            t("card_dimension"),
            t("card_prompts"),
            t("card_responses"),
            t("card_labels"),
            t("card_items_2plus"),
            t("card_percent_agreement"),
            "Krippendorff's alpha",
            "Gwet's AC1/AC2",
        ],
        dimension_rows,
    )
    lines += ["", t("card_figures_note")]
    if thin:
        lines += ["", t("card_unreliable", units=RELIABLE_FROM_UNITS, dimensions=", ".join(thin))]

    models = Counter(record["model"] for record in responses)
    annotators = Counter(label[0] for given in facts.labels.values() for label in given)
    lines += ["", "## " + t("card_models"), ""]
    lines += _table([t("card_model"), t("card_responses")], [[m, n] for m, n in sorted(models.items())])
    lines += ["", "## " + t("card_annotators"), ""]
    lines += _table(
        [t("card_annotator"), t("card_submitted_labels")], [[a, n] for a, n in sorted(annotators.items())]
    )
    lines += ["", "## " + t("card_final_scores"), "", t("card_policy"), ""]
    return "\n".join(lines)
