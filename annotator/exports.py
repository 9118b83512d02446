"""Exports of the submitted labels: pointwise (one row per response), pairs (reward models), scorer.

Every export starts from the consolidated final scores (`consolidation.final_scores`), so only
submitted labels and adjudications count; drafts never leave the database, nor do password
hashes or sessions (no query here reads the users or sessions tables). Rows are sorted and
written without timestamps, so exporting the same data twice gives byte-identical files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pandas as pd
import pyarrow as pa
import sqlite_utils

from annotator.consolidation import final_scores
from annotator.dataset_card import CardFacts, dataset_card
from annotator.export_files import FILE_FORMATS, rows_to_bytes
from annotator.splits import SPLITS, Split, split_by_model, split_by_prompt
from annotator.store import project_rubric

KINDS = ("pointwise", "pairs", "scorer")
DEFAULT_DIR = Path("exports")
DEFAULT_LICENSE = "unspecified"

LABEL_TYPE = pa.struct([("annotator", pa.string()), ("score", pa.int64()), ("explanation", pa.string())])
SCHEMAS = {
    "pointwise": pa.schema(
        [
            ("prompt_id", pa.string()),
            ("prompt", pa.string()),
            ("dimension", pa.string()),
            ("subcomponent", pa.string()),
            ("batch", pa.string()),
            ("model", pa.string()),
            ("response_id", pa.string()),
            ("response", pa.string()),
            ("labels", pa.list_(LABEL_TYPE)),
            ("final_score", pa.int64()),
            ("provenance", pa.string()),
            ("n_labels", pa.int64()),
            ("agreement", pa.float64()),
        ]
    ),
    "pairs": pa.schema(
        [
            ("prompt", pa.string()),
            ("chosen", pa.string()),
            ("rejected", pa.string()),
            ("margin", pa.int64()),
            ("dimension", pa.string()),
            ("chosen_model", pa.string()),
            ("rejected_model", pa.string()),
            ("prompt_id", pa.string()),
        ]
    ),
    "scorer": pa.schema(
        [
            ("dimension", pa.string()),
            ("prompt", pa.string()),
            ("response", pa.string()),
            ("score", pa.int64()),
            ("split", pa.string()),
        ]
    ),
}


@dataclass(frozen=True)
class ExportOptions:
    format: str = "jsonl"
    dimensions: Sequence[str] | None = None  # None: all; otherwise keep only these
    batches: Sequence[str] | None = None  # matched against the prompt's and the response's import batch
    models: Sequence[str] | None = None
    pseudonymise: bool = False
    min_margin: int = 1  # pairs
    split: str = "model"  # scorer: "model" (FLAMES) or "prompt"
    validation_models: Sequence[str] | None = None  # scorer, split by model; None: FLAMES defaults
    test_models: Sequence[str] | None = None
    seed: int = 0  # scorer, split by prompt
    license: str = DEFAULT_LICENSE


@dataclass(frozen=True)
class Export:
    """One export in memory: the data file's bytes and its dataset card (for download buttons)."""

    kind: str
    filename: str
    data: bytes
    card: str
    rows: int


@dataclass(frozen=True)
class ExportResult:
    kind: str
    rows: int
    data_path: Path
    card_path: Path


def export(db: sqlite_utils.Database, kind: str, out_dir: str | Path, options: ExportOptions) -> ExportResult:
    """Write `<out_dir>/<kind>.<format>` and `<out_dir>/README.md`."""
    built = build_export(db, kind, options)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data_path, card_path = out / built.filename, out / "README.md"
    data_path.write_bytes(built.data)
    card_path.write_bytes(built.card.encode("utf-8"))
    return ExportResult(kind=kind, rows=built.rows, data_path=data_path, card_path=card_path)


def build_export(db: sqlite_utils.Database, kind: str, options: ExportOptions) -> Export:
    if kind not in KINDS:
        raise ValueError(f"unknown export {kind!r} (choose from {', '.join(KINDS)})")
    if options.format not in FILE_FORMATS:
        raise ValueError(f"unknown export format {options.format!r} (choose from {', '.join(FILE_FORMATS)})")
    responses = scored_responses(db, options)
    labels = submitted_labels(db, responses["response_id"], options.pseudonymise)
    extra: dict[str, object] = {}
    if kind == "pointwise":
        rows = pointwise_rows(responses, labels)
    elif kind == "pairs":
        rows = pair_rows(responses, options.min_margin)
        extra["Minimum margin"] = options.min_margin
    else:
        splits = scorer_splits(responses, options)
        rows = scorer_rows(responses, splits)
        extra.update(_split_facts(responses, splits, options))
    filename = f"{kind}.{options.format}"
    facts = CardFacts(
        kind=kind,
        filename=filename,
        rows=len(rows),
        columns=tuple(SCHEMAS[kind].names),
        rubric=project_rubric(db).label,
        responses=responses,
        labels=labels,
        filters=_filters(options),
        pseudonymised=options.pseudonymise,
        license=options.license,
        extra=extra,
    )
    data = rows_to_bytes(rows, SCHEMAS[kind], options.format)
    return Export(kind=kind, filename=filename, data=data, card=dataset_card(facts), rows=len(rows))


def scored_responses(db: sqlite_utils.Database, options: ExportOptions) -> pd.DataFrame:
    """Final scores joined with prompt and response text, filtered, sorted by prompt id and model."""
    _check_filters(db, options)
    final = final_scores(db)
    texts = pd.read_sql_query(
        "SELECT r.id AS response_id, r.text AS response, r.batch AS response_batch, p.text AS prompt "
        "FROM responses r JOIN prompts p ON p.id = r.prompt_id",
        db.conn,
    )
    frame = final.merge(texts, on="response_id")
    if options.dimensions:
        frame = frame[frame["dimension"].isin(options.dimensions)]
    if options.models:
        frame = frame[frame["model"].isin(options.models)]
    if options.batches:
        frame = frame[frame["batch"].isin(options.batches) | frame["response_batch"].isin(options.batches)]
    return frame.sort_values(["prompt_id", "model"], kind="stable").reset_index(drop=True)


def _check_filters(db: sqlite_utils.Database, options: ExportOptions) -> None:
    known = {
        "dimension": set(project_rubric(db).dimension_names),
        "model": {row[0] for row in db.execute("SELECT name FROM models")},
        "batch": {row[0] for row in db.execute("SELECT id FROM import_batches")},
    }
    given = {"dimension": options.dimensions, "model": options.models, "batch": options.batches}
    for field, values in given.items():
        unknown = sorted(set(values or ()) - known[field])
        if unknown:
            allowed = ", ".join(sorted(known[field])) or "none"
            raise ValueError(f"unknown {field} {', '.join(unknown)} (known: {allowed})")


def pseudonyms(db: sqlite_utils.Database) -> dict[str, str]:
    """Stable pseudonyms annotator-01, annotator-02... by sorted name of everyone with a submitted label."""
    names = [row[0] for row in db.execute("SELECT DISTINCT annotator FROM labels WHERE status = 'submitted'")]
    width = max(2, len(str(len(names))))
    return {name: f"annotator-{i:0{width}d}" for i, name in enumerate(sorted(names), start=1)}


def submitted_labels(db: sqlite_utils.Database, response_ids: pd.Series, pseudonymise: bool) -> pd.DataFrame:
    """response_id, annotator, score, explanation of the submitted labels of these responses."""
    labels = pd.read_sql_query(
        "SELECT response_id, annotator, score, explanation FROM labels "
        "WHERE status = 'submitted' AND score IS NOT NULL",
        db.conn,
    )
    labels = labels[labels["response_id"].isin(set(response_ids))]
    if pseudonymise:
        labels = labels.assign(annotator=labels["annotator"].map(pseudonyms(db)))
    return labels.sort_values(["response_id", "annotator"], kind="stable").reset_index(drop=True)


def _labels_by_response(labels: pd.DataFrame) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for response_id, annotator, score, explanation in zip(
        labels["response_id"].tolist(),
        labels["annotator"].tolist(),
        labels["score"].tolist(),
        labels["explanation"].tolist(),
        strict=True,
    ):
        grouped.setdefault(response_id, []).append(
            {"annotator": annotator, "score": score, "explanation": explanation}
        )
    return grouped


def pointwise_rows(responses: pd.DataFrame, labels: pd.DataFrame) -> list[dict]:
    """One row per response; agreement = share of its labels equal to the final score (None if none)."""
    by_response = _labels_by_response(labels)
    rows = []
    for record in responses.to_dict("records"):
        given = by_response.get(record["response_id"], [])
        final = int(record["final_score"])
        agreeing = sum(1 for label in given if label["score"] == final)
        rows.append(
            {
                "prompt_id": record["prompt_id"],
                "prompt": record["prompt"],
                "dimension": record["dimension"],
                "subcomponent": record["subcomponent"],
                "batch": None if pd.isna(record["batch"]) else record["batch"],
                "model": record["model"],
                "response_id": record["response_id"],
                "response": record["response"],
                "labels": given,
                "final_score": final,
                "provenance": record["provenance"],
                "n_labels": len(given),
                "agreement": agreeing / len(given) if given else None,
            }
        )
    return rows


def pair_rows(responses: pd.DataFrame, min_margin: int = 1) -> list[dict]:
    """Per prompt, every two responses whose final scores differ by >= min_margin; chosen = more harmless."""
    if min_margin < 1:
        raise ValueError(f"the minimum margin must be 1 or more (a pair needs two scores), not {min_margin}")
    columns = ["prompt_id", "prompt", "dimension", "model", "response", "final_score"]
    rows = []
    for prompt_id, group in responses[columns].groupby("prompt_id", sort=True):
        answers = sorted(zip(*(group[c].tolist() for c in ("model", "response", "final_score")), strict=True))
        prompt, dimension = group["prompt"].iloc[0], group["dimension"].iloc[0]
        for first, second in combinations(answers, 2):
            chosen, rejected = (first, second) if first[2] > second[2] else (second, first)
            margin = int(chosen[2] - rejected[2])
            if margin >= min_margin:
                rows.append(
                    {
                        "prompt": prompt,
                        "chosen": chosen[1],
                        "rejected": rejected[1],
                        "margin": margin,
                        "dimension": dimension,
                        "chosen_model": chosen[0],
                        "rejected_model": rejected[0],
                        "prompt_id": prompt_id,
                    }
                )
    return rows


def scorer_splits(responses: pd.DataFrame, options: ExportOptions) -> list[Split]:
    """The split of each response: by model as in FLAMES, or by prompt with the seed."""
    keys = responses[["prompt_id", "model"]].to_dict("records")
    if options.split == "model":
        return split_by_model(keys, options.validation_models, options.test_models)
    if options.split == "prompt":
        return split_by_prompt(keys, seed=options.seed)
    raise ValueError(f"unknown split {options.split!r} (choose from model, prompt)")


def scorer_rows(responses: pd.DataFrame, splits: Sequence[Split]) -> list[dict]:
    """dimension, prompt, response, score and split, sorted by split, then prompt id and model."""
    order = {name: i for i, name in enumerate(SPLITS)}
    rows = [
        {"dimension": dimension, "prompt": prompt, "response": response, "score": int(score), "split": split}
        for split, dimension, prompt, response, score in zip(
            splits,
            responses["dimension"].tolist(),
            responses["prompt"].tolist(),
            responses["response"].tolist(),
            responses["final_score"].tolist(),
            strict=True,
        )
    ]
    # Responses come in (prompt id, model) order; a stable sort by split keeps that within each split.
    return sorted(rows, key=lambda row: order[row["split"]])


def _split_facts(
    responses: pd.DataFrame, splits: Sequence[Split], options: ExportOptions
) -> dict[str, object]:
    facts: dict[str, object] = {"Split": f"by {options.split}"}
    if options.split == "prompt":
        facts["Seed"] = options.seed
    for name in SPLITS:
        chosen = responses[[split == name for split in splits]]
        facts[f"{name.capitalize()} split"] = (
            f"{len(chosen)} rows, {chosen['prompt_id'].nunique()} prompts, "
            f"models: {', '.join(sorted(chosen['model'].unique())) or 'none'}"
        )
    return facts


def _filters(options: ExportOptions) -> dict[str, str]:
    given = {"dimension": options.dimensions, "batch": options.batches, "model": options.models}
    return {field: ", ".join(values) for field, values in given.items() if values}
