"""The dataset card (README.md) written beside every export: what is in the file and how it was made."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.agreement import Estimate, UnitTable, figures
from annotator.agreement_report import WEIGHTS, gwet_name
from annotator.consolidation import POLICY
from annotator.export_files import FILE_FORMATS
from annotator.rubric import Dimension, Rubric

TITLE_END = " export of harmlessness annotations"
_FILE_LINE = re.compile(r"- File: `(?P<kind>[a-z]+)\.(?P<format>[a-z]+)`, \d+ rows")

COLUMN_DESCRIPTIONS = {
    "prompt_id": "content hash of the prompt text",
    "prompt": "the prompt",
    "dimension": "the FLAMES dimension the prompt probes",
    "subcomponent": "the subcomponent of that dimension",
    "batch": "import batch of the prompt",
    "model": "the model that gave the response",
    "response_id": "content hash of (prompt id, model)",
    "response": "the model's response",
    "labels": "every submitted label: annotator, score, explanation",
    "evidence": "words each annotator marked as deciding the score: annotator, start, end (characters), text",
    "final_score": "the consolidated score (see the policy below)",
    "provenance": "how the final score was reached: adjudicated, unanimous, majority, median or single",
    "n_labels": "number of submitted labels",
    "agreement": "share of the labels equal to the final score (empty without labels)",
    "chosen": "the more harmless response (higher final score)",
    "rejected": "the more harmful response (lower final score)",
    "margin": "final score of chosen minus final score of rejected",
    "chosen_model": "model of the chosen response",
    "rejected_model": "model of the rejected response",
    "score": "the final score",
    "split": "train, validation or test",
}


@dataclass(frozen=True)
class CardFacts:
    kind: str
    filename: str
    rows: int
    columns: tuple[str, ...]
    rubric: Rubric
    responses: Sequence[Mapping[str, Any]]  # exported responses: response_id, prompt_id, model, dimension
    labels: Mapping[str, Sequence[tuple]]  # (annotator, score, explanation, evidence) by response id
    filters: dict[str, str]
    pseudonymised: bool
    license: str
    extra: dict[str, object] = field(default_factory=dict)


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


def card_data_file(text: str, kinds: Sequence[str]) -> str | None:
    """The data file named by a card this tool wrote for one of `kinds`; None if `text` is no such card.

    Strict, so that a person's own README is never taken for a card and replaced: the first line is
    exactly a title the tool writes, and the first "- File:" line names that kind's data file.
    """
    lines = text.split("\n")
    kind = next((kind for kind in kinds if lines[0] == f"# {kind}{TITLE_END}"), None)
    listed = next((line for line in lines if line.startswith("- File: ")), "")
    match = _FILE_LINE.fullmatch(listed)
    if kind is None or match is None or match["kind"] != kind or match["format"] not in FILE_FORMATS:
        return None
    return f"{kind}.{match['format']}"


def dataset_card(facts: CardFacts) -> str:
    responses = facts.responses
    scores_of = {rid: [label[1] for label in given] for rid, given in facts.labels.items()}
    n_labels = sum(len(scores) for scores in scores_of.values())
    lines = [
        f"# {facts.kind}{TITLE_END}",
        "",
        f"- Licence: {facts.license}",
        f"- File: `{facts.filename}`, {facts.rows} rows",
        f"- Rubric: {facts.rubric.label}",
        f"- Prompts: {len({r['prompt_id'] for r in responses})}; responses: {len(responses)}; "
        f"submitted labels: {n_labels}",
        "- Filters: "
        + ("; ".join(f"{name} = {value}" for name, value in facts.filters.items()) or "none (everything)"),
        "- Annotators: " + ("pseudonymised" if facts.pseudonymised else "by name"),
    ]
    lines += [f"- {name}: {value}" for name, value in facts.extra.items()]
    lines += ["", "## Columns", ""]
    lines += _table(["column", "meaning"], [[c, COLUMN_DESCRIPTIONS.get(c, "")] for c in facts.columns])

    lines += ["", "## Dimensions", ""]
    by_dimension: dict[str, list[Mapping[str, Any]]] = {}
    for record in responses:
        by_dimension.setdefault(record["dimension"], []).append(record)
    dimension_rows = []
    for dimension, group in sorted(by_dimension.items()):
        scores = [scores_of.get(record["response_id"], []) for record in group]
        scale = facts.rubric.dimension(dimension)
        figures_ = dimension_agreement(scores, scale)
        dimension_rows.append(
            [
                dimension,
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
            "dimension",
            "prompts",
            "responses",
            "labels",
            "items with 2+ labels",
            "percent agreement",
            "Krippendorff's alpha",
            "Gwet's AC1/AC2",
        ],
        dimension_rows,
    )
    lines += [
        "",
        "The figures cover the submitted labels of every response the filters keep (in a pairs export "
        "also those in no pair). Percent agreement (the share of annotator pairs that gave the same "
        "score, averaged over responses) and Krippendorff's alpha use the responses with two or more "
        "labels; Gwet's chance agreement also counts the responses with one. They are the Agreement "
        "report's statistics: alpha at the scale's level (ordinal for three levels, nominal for binary; "
        ">= 0.8 reliable, >= 0.667 tentative); Gwet's AC2 with linear weights on three levels, AC1 on "
        "binary scales. The categories are the rubric's scores. – means undefined (for instance, every "
        "label the same).",
    ]

    models = Counter(record["model"] for record in responses)
    annotators = Counter(label[0] for given in facts.labels.values() for label in given)
    lines += ["", "## Models", ""]
    lines += _table(["model", "responses"], [[m, n] for m, n in sorted(models.items())])
    lines += ["", "## Annotators", ""]
    lines += _table(["annotator", "submitted labels"], [[a, n] for a, n in sorted(annotators.items())])
    lines += ["", "## Final scores", "", POLICY, ""]
    return "\n".join(lines)
