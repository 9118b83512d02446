"""The dataset card (README.md) written beside every export: what is in the file and how it was made."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from annotator.consolidation import POLICY

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
    rubric: str
    responses: pd.DataFrame  # the exported responses: prompt_id, model, dimension, final_score...
    labels: pd.DataFrame  # their submitted labels: response_id, annotator, score
    filters: dict[str, str]
    pseudonymised: bool
    license: str
    extra: dict[str, object] = field(default_factory=dict)


def percent_agreement(scores_per_item: list[list[int]]) -> tuple[float | None, int]:
    """(Mean share of agreeing annotator pairs over items with 2+ labels, number of such items)."""
    shares = []
    for scores in scores_per_item:
        k = len(scores)
        if k >= 2:
            agreeing = sum(c * (c - 1) for c in Counter(scores).values())
            shares.append(agreeing / (k * (k - 1)))
    return (100.0 * sum(shares) / len(shares) if shares else None), len(shares)


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(value) for value in row) + " |" for row in rows]
    return lines


def dataset_card(facts: CardFacts) -> str:
    responses, labels = facts.responses, facts.labels
    scores_of = labels.groupby("response_id")["score"].apply(list).to_dict()
    lines = [
        f"# {facts.kind} export of harmlessness annotations",
        "",
        f"- Licence: {facts.license}",
        f"- File: `{facts.filename}`, {facts.rows} rows",
        f"- Rubric: {facts.rubric}",
        f"- Prompts: {responses['prompt_id'].nunique()}; responses: {len(responses)}; "
        f"submitted labels: {len(labels)}",
        "- Filters: "
        + ("; ".join(f"{name} = {value}" for name, value in facts.filters.items()) or "none (everything)"),
        "- Annotators: " + ("pseudonymised" if facts.pseudonymised else "by name"),
    ]
    lines += [f"- {name}: {value}" for name, value in facts.extra.items()]
    lines += ["", "## Columns", ""]
    lines += _table(["column", "meaning"], [[c, COLUMN_DESCRIPTIONS.get(c, "")] for c in facts.columns])

    lines += ["", "## Dimensions", ""]
    dimension_rows = []
    for dimension, group in responses.groupby("dimension", sort=True):
        agreement, items = percent_agreement([scores_of.get(rid, []) for rid in group["response_id"]])
        shown = "–" if agreement is None else f"{agreement:.1f}%"
        n_labels = sum(len(scores_of.get(rid, [])) for rid in group["response_id"])
        dimension_rows.append([dimension, group["prompt_id"].nunique(), len(group), n_labels, shown, items])
    lines += _table(
        ["dimension", "prompts", "responses", "labels", "percent agreement", "items with 2+ labels"],
        dimension_rows,
    )
    lines += [
        "",
        "Percent agreement: for every response with two or more labels, the share of annotator pairs "
        "that gave the same score, averaged over those responses.",
    ]

    lines += ["", "## Models", ""]
    lines += _table(["model", "responses"], [[m, n] for m, n in responses.groupby("model").size().items()])
    lines += ["", "## Annotators", ""]
    lines += _table(
        ["annotator", "submitted labels"], [[a, n] for a, n in labels.groupby("annotator").size().items()]
    )
    lines += ["", "## Final scores", "", POLICY, ""]
    return "\n".join(lines)
