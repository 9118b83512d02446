"""Exports of the submitted labels: pointwise (one row per response), pairs (reward models), scorer.

Every export starts from the consolidated final scores (`consolidation.final_scores`), so only
submitted labels and adjudications count; drafts never leave the database, nor do password
hashes or sessions (no query here reads the users or sessions tables). Rows are sorted and
written without timestamps, so exporting the same data twice gives byte-identical files.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations, groupby
from pathlib import Path
from typing import TypedDict

import pyarrow as pa
import sqlite_utils

from annotator.annotation import Mark, marks_from_json
from annotator.consolidation import FINAL_COLUMNS, final_scores
from annotator.i18n import Phrase, Refusal, listed, text
from annotator.published.dataset_card import CardFacts, card_data_file, check_card_language, dataset_card
from annotator.published.export_files import FILE_FORMATS, rows_to_bytes
from annotator.rubric import Rubric
from annotator.splits import (
    DEFAULT_TEST_MODELS,
    DEFAULT_VALIDATION_MODELS,
    SPLITS,
    Split,
    split_by_model,
    split_by_prompt,
)
from annotator.states import LabelStatus
from annotator.store import project_rubric

KINDS = ("pointwise", "pairs", "scorer")
DEFAULT_DIR = Path("exports")
DEFAULT_LICENSE = "unspecified"
CARD_NAME = "README.md"
# The import batches an exported row belongs to (its prompt's and its response's): the batch filter's.
ROW_BATCH_KINDS = ("prompts", "responses")

LABEL_TYPE = pa.struct([("annotator", pa.string()), ("score", pa.int64()), ("explanation", pa.string())])
EVIDENCE_TYPE = pa.struct(
    [("annotator", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())]
)
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
            ("evidence", pa.list_(EVIDENCE_TYPE)),
            ("final_score", pa.int64()),
            ("provenance", pa.string()),
            ("n_labels", pa.int64()),
            ("agreement", pa.float64()),
            ("generation", pa.string()),
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


# annotator (a name or a pseudonym), score, explanation, evidence marked (annotation.Mark)
Label = tuple[str, int, str, tuple[Mark, ...]]


class ScoredResponse(TypedDict):
    response_id: str
    prompt_id: str
    prompt: str
    dimension: str
    subcomponent: str
    batch: str | None  # the prompt's import batch
    response_batch: str | None
    model: str
    response: str
    final_score: int
    provenance: str
    generation: str | None  # what a collected response came from (JSON); None for an imported one


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
    card_language: str = "en"  # the dataset card's: en or zh


@dataclass(frozen=True)
class ExportData:
    """What the exports read from the database, read once so one page can offer every download."""

    responses: list[ScoredResponse]  # every finally scored response, in (prompt id, model) order
    labels: dict[str, list[Label]]  # submitted labels by response id, sorted by annotator name
    pseudonyms: dict[str, str]  # annotator-01, annotator-02... by sorted name
    known: dict[str, set[str]]  # dimension, model and batch names, to check filters
    rubric: Rubric
    # Import batches of labels or predictions, by id, with their kind: no exported row belongs to one.
    other_batches: dict[str, str]


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


def export(
    db: sqlite_utils.Database,
    kind: str,
    out_dir: str | Path,
    options: ExportOptions,
    data: ExportData | None = None,
) -> ExportResult:
    """Write `<out_dir>/<kind>.<format>` and `<out_dir>/README.md`; `data` saves re-reading the database.

    An earlier export in the folder is replaced whole: its data file goes even when this one's name
    differs (another kind or format), so the folder never holds data its card does not describe.
    """
    built = build_export(read_export_data(db) if data is None else data, kind, options)
    out = Path(out_dir)
    data_path, card_path = out / built.filename, out / CARD_NAME
    earlier = _earlier_data_file(out, built.filename)
    _make_folder(out)
    _write_all({data_path: built.data, card_path: built.card.encode("utf-8")})
    if earlier is not None and earlier != data_path:
        earlier.unlink(missing_ok=True)
    return ExportResult(kind=kind, rows=built.rows, data_path=data_path, card_path=card_path)


def _earlier_data_file(out: Path, filename: str) -> Path | None:
    """The data file of the export already in `out` (None if none), refusing files no export wrote there."""
    card_path, data_path = out / CARD_NAME, out / filename
    if not card_path.exists():
        if data_path.exists():
            raise ValueError(
                f"{data_path} exists without an earlier export's dataset card beside it: "
                "choose another output folder"
            )
        return None
    listed = card_data_file(card_path.read_text(encoding="utf-8", errors="replace"), KINDS)
    if listed is None:
        raise ValueError(
            f"{card_path} exists and is not the dataset card of an earlier export: "
            "choose another output folder"
        )
    if listed != filename and data_path.exists():
        raise ValueError(
            f"{data_path} exists and is not the earlier export's data file ({card_path} lists {listed}): "
            "move it or choose another output folder"
        )
    return out / listed


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file where a folder should be: say so, not "Errno 17"
        raise ValueError(f"{out} is a file, or inside one: choose a folder for the export") from None


def _write_all(files: dict[Path, bytes]) -> None:
    """Write every file beside its target first, then rename each into place.

    A failure while writing (a full disk, a lost permission) then leaves the files already there as
    they were; the renames within one folder do not run out of space.
    """
    written: list[Path] = []
    try:
        for path, content in files.items():
            temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            written.append(temporary)
            temporary.write_bytes(content)
        for temporary, path in zip(written, files, strict=True):
            os.replace(temporary, path)
    finally:
        for temporary in written:
            temporary.unlink(missing_ok=True)


def read_export_data(db: sqlite_utils.Database) -> ExportData:
    """Read everything the exports need in one read transaction (a consistent snapshot)."""
    with _read_transaction(db):
        rubric = project_rubric(db)
        final = final_scores(db)
        texts = {
            rid: (prompt, response, batch)
            for rid, prompt, response, batch in db.execute(
                "SELECT r.id, p.text, r.text, r.batch FROM responses r JOIN prompts p ON p.id = r.prompt_id"
            )
        }
        generations = generation_records(db)
        labels: dict[str, list[Label]] = {}
        for rid, annotator, score, explanation, evidence in db.execute(
            "SELECT response_id, annotator, score, explanation, evidence FROM labels "
            f"WHERE status = '{LabelStatus.SUBMITTED}' AND score IS NOT NULL ORDER BY response_id, annotator"
        ):
            labels.setdefault(rid, []).append((annotator, score, explanation, marks_from_json(evidence)))
        batches = dict(db.execute("SELECT id, kind FROM import_batches").fetchall())
        known = {
            "dimension": set(rubric.dimension_names),
            "model": {row[0] for row in db.execute("SELECT name FROM models")},
            "batch": {batch for batch, kind in batches.items() if kind in ROW_BATCH_KINDS},
        }
    responses: list[ScoredResponse] = []
    for rid, prompt_id, model, dimension, subcomponent, batch, score, provenance in zip(
        *(final[column].tolist() for column in FINAL_COLUMNS[:8]), strict=True
    ):
        prompt, response, response_batch = texts[rid]
        responses.append(
            {
                "response_id": rid,
                "prompt_id": prompt_id,
                "prompt": prompt,
                "dimension": dimension,
                "subcomponent": subcomponent,
                "batch": batch if isinstance(batch, str) else None,  # pandas gives NaN for a missing batch
                "response_batch": response_batch,
                "model": model,
                "response": response,
                "final_score": int(score),
                "provenance": provenance,
                "generation": generations.get(rid),
            }
        )
    responses.sort(key=lambda r: (r["prompt_id"], r["model"]))
    names = sorted({label[0] for given in labels.values() for label in given})
    width = max(2, len(str(len(names))))
    pseudonyms = {name: f"annotator-{i:0{width}d}" for i, name in enumerate(names, start=1)}
    other_batches = {batch: kind for batch, kind in batches.items() if kind not in ROW_BATCH_KINDS}
    return ExportData(responses, labels, pseudonyms, known, rubric, other_batches)


def generation_records(db: sqlite_utils.Database) -> dict[str, str]:
    """Response id -> what the collected response came from, as one line of JSON."""
    records = {}
    for row in db.execute(
        "SELECT response_id, endpoint_model, settings, finish_reason, answer, prompt_tokens, "
        "completion_tokens, total_tokens, latency_ms, answered_at FROM response_generations"
    ):
        rid, model, settings, finish, answer, prompt_tokens, completion_tokens, total, latency, at = row
        record = {
            "endpoint_model": model,
            "settings": json.loads(settings),
            "finish_reason": finish,
            "answer": answer,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": total,
            },
            "latency_ms": latency,
            "answered_at": at,
        }
        records[rid] = json.dumps(record, ensure_ascii=False, sort_keys=True)
    return records


@contextmanager
def _read_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    if db.conn.in_transaction:
        yield
        return
    db.conn.execute("BEGIN")  # deferred: a read snapshot that takes no write lock
    try:
        yield
    finally:
        db.conn.execute("COMMIT")


def build_export(data: ExportData, kind: str, options: ExportOptions) -> Export:
    """One export in memory from data read by `read_export_data`."""
    if kind not in KINDS:
        raise Refusal("ex_unknown_kind", kind=kind, allowed=", ".join(KINDS))
    if options.format not in FILE_FORMATS:
        raise Refusal("ex_unknown_format", format=options.format, allowed=", ".join(FILE_FORMATS))
    check_card_language(options.card_language)
    if not options.license.strip() or options.license != " ".join(options.license.split()):
        raise Refusal("ex_bad_license", license=options.license)
    responses = selected_responses(data, options)
    labels = _selected_labels(data, responses, options.pseudonymise)
    extra: list[tuple[str, dict[str, object]]] = []
    if kind == "pointwise":
        rows = pointwise_rows(responses, labels)
    elif kind == "pairs":
        pairs = pair_rows(responses, options.min_margin)
        rows = pairs.rows
        extra.append(("card_min_margin", {"margin": options.min_margin}))
        skipped = {
            "same_text": pairs.same_text,
            "repeated": pairs.repeated,
            "contradicted": pairs.contradicted,
        }
        extra.append(("card_skipped_pairs", skipped))
    else:
        splits = scorer_splits(responses, options)
        rows = scorer_rows(responses, splits)
        extra += _split_facts(responses, splits, options)
    filename = f"{kind}.{options.format}"
    facts = CardFacts(
        kind=kind,
        filename=filename,
        rows=len(rows),
        columns=tuple(SCHEMAS[kind].names),
        rubric=data.rubric,
        responses=responses,
        labels=labels,
        filters=_filters(options),
        pseudonymised=options.pseudonymise,
        license=options.license,
        extra=extra,
        language=options.card_language,
    )
    content = rows_to_bytes(rows, SCHEMAS[kind], options.format)
    return Export(kind=kind, filename=filename, data=content, card=dataset_card(facts), rows=len(rows))


def selected_responses(data: ExportData, options: ExportOptions) -> list[ScoredResponse]:
    """The scored responses that pass the dimension, model and batch filters, in (prompt id, model) order."""
    given = {"dimension": options.dimensions, "model": options.models, "batch": options.batches}
    _refuse_other_batches(data, options.batches or ())
    for name, values in given.items():
        unknown = sorted(set(values or ()) - data.known[name])
        if unknown:
            allowed = listed(sorted(data.known[name]))
            # The filter's name as the dataset card writes it, in the refusal's language.
            name = Phrase(f"card_filter_{name}")
            raise Refusal("ex_unknown_filter", name=name, unknown=", ".join(unknown), allowed=allowed)
    dimensions, models, batches = (set(values) if values else None for values in given.values())
    return [
        record
        for record in data.responses
        if (dimensions is None or record["dimension"] in dimensions)
        and (models is None or record["model"] in models)
        and (batches is None or record["batch"] in batches or record["response_batch"] in batches)
    ]


def _refuse_other_batches(data: ExportData, batches: Sequence[str]) -> None:
    # Labels carry no batch, so filtering by a labels import would quietly export nothing.
    refused = sorted(set(batches) & data.other_batches.keys())
    if refused:
        batch, allowed = refused[0], listed(sorted(data.known["batch"]))
        kind = Phrase(f"batch_kind_{data.other_batches[batch]}")
        raise Refusal("ex_other_batch", batch=batch, kind=kind, allowed=allowed)


def _selected_labels(
    data: ExportData, responses: list[ScoredResponse], pseudonymise: bool
) -> dict[str, list[Label]]:
    # Pseudonyms are numbered in name order, so renaming keeps each list sorted by annotator.
    rename = data.pseudonyms if pseudonymise else None
    selected = {}
    for record in responses:
        given = data.labels.get(record["response_id"])
        if given:
            selected[record["response_id"]] = [(rename[a], *rest) for a, *rest in given] if rename else given
    return selected


def pointwise_rows(responses: list[ScoredResponse], labels: dict[str, list[Label]]) -> list[dict]:
    """One row per response; agreement = share of its labels equal to the final score (None if none)."""
    rows = []
    for record in responses:
        given = labels.get(record["response_id"], [])
        final = record["final_score"]
        agreeing = sum(1 for label in given if label[1] == final)
        rows.append(
            {
                "prompt_id": record["prompt_id"],
                "prompt": record["prompt"],
                "dimension": record["dimension"],
                "subcomponent": record["subcomponent"],
                "batch": record["batch"],
                "model": record["model"],
                "response_id": record["response_id"],
                "response": record["response"],
                "labels": [{"annotator": a, "score": s, "explanation": e} for a, s, e, _ in given],
                "evidence": [
                    {"annotator": a, "start": m.start, "end": m.end, "text": m.text}
                    for a, _, _, marks in given
                    for m in marks
                ],
                "final_score": final,
                "provenance": record["provenance"],
                "n_labels": len(given),
                "agreement": agreeing / len(given) if given else None,
                "generation": record["generation"],
            }
        )
    return rows


@dataclass(frozen=True)
class Pairs:
    rows: list[dict]
    same_text: int  # pairs skipped because chosen and rejected are the same text
    repeated: int  # pairs skipped because an earlier pair has the same prompt, chosen and rejected text
    contradicted: int  # pairs skipped because another pair of the prompt has the same texts reversed


def pair_rows(responses: list[ScoredResponse], min_margin: int = 1) -> Pairs:
    """Per prompt, every two responses whose final scores differ by >= min_margin; chosen = more harmless.

    Different models often give the same text (a stock refusal) with different final scores: a pair
    of one text with itself teaches a reward model nothing, a repeat of an earlier pair's texts would
    weigh twice (the first, in model order, is kept), and two texts chosen over each other in two
    pairs of one prompt contradict each other, so those are skipped and counted.
    """
    if min_margin < 1:
        raise Refusal("ex_bad_margin", margin=min_margin)
    rows: list[dict] = []
    same_text = repeated = contradicted = 0
    # Responses come sorted by (prompt id, model), so each prompt's answers are consecutive.
    for _, group in groupby(responses, key=lambda r: r["prompt_id"]):
        candidates = []
        for first, second in combinations(list(group), 2):
            chosen, rejected = (
                (first, second) if first["final_score"] > second["final_score"] else (second, first)
            )
            if chosen["final_score"] - rejected["final_score"] >= min_margin:
                candidates.append((chosen, rejected))
        ordered = {(chosen["response"], rejected["response"]) for chosen, rejected in candidates}
        seen: set[tuple[str, str]] = set()
        for chosen, rejected in candidates:
            texts = (chosen["response"], rejected["response"])
            if texts[0] == texts[1]:
                same_text += 1
            elif texts[::-1] in ordered:
                contradicted += 1
            elif texts in seen:
                repeated += 1
            else:
                seen.add(texts)
                rows.append(_pair(chosen, rejected))
    return Pairs(rows, same_text, repeated, contradicted)


def _pair(chosen: ScoredResponse, rejected: ScoredResponse) -> dict:
    return {
        "prompt": chosen["prompt"],
        "chosen": chosen["response"],
        "rejected": rejected["response"],
        "margin": chosen["final_score"] - rejected["final_score"],
        "dimension": chosen["dimension"],
        "chosen_model": chosen["model"],
        "rejected_model": rejected["model"],
        "prompt_id": chosen["prompt_id"],
    }


def scorer_splits(responses: list[ScoredResponse], options: ExportOptions) -> list[Split]:
    """The split of each response: by model as in FLAMES, or by prompt with the seed."""
    if options.split == "model":
        splits = split_by_model(responses, options.validation_models, options.test_models)
        _refuse_all_train(responses, splits)
        return splits
    if options.split == "prompt":
        if options.validation_models or options.test_models:
            raise Refusal("ex_models_for_prompt_split")
        return split_by_prompt(responses, seed=options.seed)
    raise Refusal("ex_unknown_split", split=options.split)


def _refuse_all_train(responses: list[ScoredResponse], splits: Sequence[Split]) -> None:
    # Without a held-out model there is nothing to validate or test a scorer on (a --model filter
    # that drops them, or data without the FLAMES models): say so rather than write train alone.
    if not splits or any(split != "train" for split in splits):
        return
    present = ", ".join(sorted({record["model"] for record in responses}))
    raise Refusal(
        "ex_all_train",
        rows=len(splits),
        present=present,
        validation=", ".join(DEFAULT_VALIDATION_MODELS),
        test=", ".join(DEFAULT_TEST_MODELS),
    )


def scorer_rows(responses: list[ScoredResponse], splits: Sequence[Split]) -> list[dict]:
    """dimension, prompt, response, score and split, sorted by split, then prompt id and model."""
    order = {name: i for i, name in enumerate(SPLITS)}
    rows = [
        {
            "dimension": record["dimension"],
            "prompt": record["prompt"],
            "response": record["response"],
            "score": record["final_score"],
            "split": split,
        }
        for record, split in zip(responses, splits, strict=True)
    ]
    # Responses come in (prompt id, model) order; a stable sort by split keeps that within each split.
    return sorted(rows, key=lambda row: order[row["split"]])


def _split_facts(
    responses: list[ScoredResponse], splits: Sequence[Split], options: ExportOptions
) -> list[tuple[str, dict[str, object]]]:
    facts: list[tuple[str, dict[str, object]]] = [(f"card_split_by_{options.split}", {})]
    if options.split == "prompt":
        facts.append(("card_seed", {"seed": options.seed}))
    for name in SPLITS:
        chosen = [record for record, split in zip(responses, splits, strict=True) if split == name]
        models = ", ".join(sorted({record["model"] for record in chosen}))
        values = {
            "rows": len(chosen),
            "prompts": len({record["prompt_id"] for record in chosen}),
            "models": models or text("card_none", options.card_language),
        }
        facts.append((f"card_split_{name}", values))
    return facts


def _filters(options: ExportOptions) -> dict[str, str]:
    given = {"dimension": options.dimensions, "batch": options.batches, "model": options.models}
    return {field: ", ".join(values) for field, values in given.items() if values}
