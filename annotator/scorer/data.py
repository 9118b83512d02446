"""Scorer inputs: scored responses from the database or a JSONL file, and their splits (no torch).

The JSONL format is flames-scorer's: one object per line with "dimension", "prompt", "response",
and for training "score" plus either "split" or "model" (a `scorer` export has these).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import sqlite_utils

from annotator.consolidation import final_scores
from annotator.importers import JsonLineError, json_value
from annotator.rubric import Rubric, RubricError
from annotator.scorer.settings import CALIBRATION_SIZE, DEFAULT_TEMPLATE, Template
from annotator.splits import SPLITS, split_by_model, split_by_prompt


@dataclass(frozen=True)
class ScorerItem:
    dimension: str
    prompt: str
    response: str
    score: int | None = None
    model: str = ""
    split: str = ""
    response_id: str = ""
    prompt_id: str = ""


@dataclass(frozen=True)
class SplitPlan:
    """How items get their split: "model" (held-out models; None = FLAMES defaults), "prompt"
    (random whole prompts for a seed) or "file" (the "split" field of each line)."""

    by: str = "model"
    validation_models: tuple[str, ...] | None = None
    test_models: tuple[str, ...] | None = None
    seed: int = 0
    # How prompts were drawn: "hash" (splits.split_by_prompt now); scorers saved before it say
    # nothing and used a shuffle of the prompts present, which cannot be rebuilt.
    prompt_draw: str = "hash"

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> SplitPlan:
        def models(key: str) -> tuple[str, ...] | None:
            return None if data.get(key) is None else tuple(data[key])

        by = data.get("by", "model")
        draw = data.get("prompt_draw", "shuffle" if by == "prompt" else "hash")
        return cls(by, models("validation_models"), models("test_models"), data.get("seed", 0), draw)


# Each template is a body and a suffix: a text too long for the model loses the end of its body,
# never the suffix (flames-scorer's ends with the chat turn that last-token pooling reads).
TEMPLATES: dict[Template, tuple[str, str]] = {
    "paper": ("Input: {prompt} Output: {response}", ""),
    "flames-scorer": ("<|User|>:输入: {prompt}\n回复: {response}", "\n以上针对输入的回复为:<eoh>\n<|Bot|>:"),
}


def template_parts(prompt: str, response: str, template: Template = DEFAULT_TEMPLATE) -> tuple[str, str]:
    """The model input's body and suffix: the FLAMES paper's text, or the released flames-scorer's."""
    body, suffix = TEMPLATES[template]
    return body.format(prompt=prompt, response=response), suffix


def scorer_text(prompt: str, response: str, template: Template = DEFAULT_TEMPLATE) -> str:
    """The model input, whole."""
    return "".join(template_parts(prompt, response, template))


def items_from_db(db: sqlite_utils.Database, rubric: Rubric) -> list[ScorerItem]:
    """Every response with a final score (consolidation's policy), with its texts."""
    finals = final_scores(db)
    texts = {
        response_id: (prompt, response)
        for response_id, prompt, response in db.execute(
            "SELECT r.id, p.text, r.text FROM responses r JOIN prompts p ON p.id = r.prompt_id"
        )
    }
    items = []
    for row in finals.itertuples(index=False):
        prompt, response = texts[row.response_id]
        score = rubric.check_score(row.dimension, int(row.final_score))
        items.append(
            ScorerItem(row.dimension, prompt, response, score, row.model, "", row.response_id, row.prompt_id)
        )
    return items


def read_jsonl_objects(path: str | Path) -> list[tuple[int, dict]]:
    """(line number, object) for each line of a JSONL file (blank lines skipped); errors name the line."""
    path = Path(path)
    _refuse_csv_and_parquet(path)
    objects = []
    try:
        with path.open(encoding="utf-8-sig") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json_value(line)
                except JsonLineError as exc:
                    field = f"field {exc.field!r} " if exc.field else ""
                    raise ValueError(f"{path} line {number}: {field}{exc.message}") from None
                if not isinstance(obj, dict):
                    raise ValueError(f"{path} line {number}: expected a JSON object")
                objects.append((number, obj))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text: {exc}") from None
    return objects


def _refuse_csv_and_parquet(path: Path) -> None:
    # Read as JSONL, a CSV or Parquet export fails with "line 1: invalid JSON" or "not UTF-8 text",
    # which does not say what is wrong; the format is known from the name or Parquet's magic bytes.
    with path.open("rb") as file:
        is_parquet = file.read(4) == b"PAR1"
    found = "Parquet" if is_parquet else {".csv": "CSV", ".parquet": "Parquet"}.get(path.suffix.lower())
    if found:
        raise ValueError(
            f"{path} is a {found} file, and scorer commands read JSONL: "
            "use the JSONL scorer export (`export scorer --format jsonl`, the default)"
        )


def items_from_jsonl(path: str | Path, rubric: Rubric, need_score: bool) -> list[ScorerItem]:
    """Items of a flames-scorer JSONL file, each line checked against the rubric."""
    return items_from_objects(read_jsonl_objects(path), rubric, need_score, path)


def items_from_objects(
    objects: Sequence[tuple[int, dict]], rubric: Rubric, need_score: bool, path: str | Path
) -> list[ScorerItem]:
    items = []
    for number, obj in objects:
        where = f"{path} line {number}"
        fields = {}
        for key in ("dimension", "prompt", "response"):
            if not isinstance(obj.get(key), str):
                raise ValueError(f"{where}: field {key!r} is missing or not a string")
            if not obj[key].strip():  # a score for no text would mean nothing
                raise ValueError(f"{where}: field {key!r} is empty")
            fields[key] = obj[key]
        try:
            rubric.dimension(fields["dimension"])
            score = rubric.check_score(fields["dimension"], obj["score"]) if need_score else None
        except RubricError as exc:
            raise ValueError(f"{where}: {exc}") from None
        except KeyError:
            raise ValueError(f"{where}: field 'score' is missing") from None
        split = obj.get("split", "")
        if need_score and split and split not in SPLITS:
            raise ValueError(f"{where}: split {split!r} is not one of {', '.join(SPLITS)}")
        items.append(ScorerItem(**fields, score=score, model=str(obj.get("model", "")), split=split))
    if not items:
        raise ValueError(f"{path}: no lines to read")
    return items


def with_splits(items: Sequence[ScorerItem], plan: SplitPlan) -> list[ScorerItem]:
    """The items with their "split" set as the plan says."""
    if plan.by == "file":
        unsplit = sum(1 for item in items if not item.split)
        if unsplit:
            raise ValueError(f"{unsplit} of {len(items)} lines have no 'split' field")
        return list(items)
    # Whole prompts by id where known, so the draw matches the `scorer` export's for a seed.
    rows = [{"model": item.model, "prompt_id": item.prompt_id or item.prompt} for item in items]
    if plan.by == "model":
        if any(not item.model for item in items):
            raise ValueError(
                "to split by model every line needs a 'model' field (or give every line a 'split')"
            )
        splits = split_by_model(rows, plan.validation_models, plan.test_models)
    elif plan.by == "prompt":
        if plan.prompt_draw != "hash":  # its test prompts would be mostly training prompts now
            raise ValueError(
                "this scorer's split by prompt was drawn by an earlier version and cannot be rebuilt: "
                "evaluate it on a scorer export with its split (--from-export) or train it again"
            )
        splits = split_by_prompt(rows, plan.seed)
    else:
        raise ValueError(f"unknown split method {plan.by!r} (model, prompt or file)")
    return [replace(item, split=split) for item, split in zip(items, splits, strict=True)]


def training_plan(
    items: Sequence[ScorerItem],
    split_by: str | None = None,
    validation_models: tuple[str, ...] | None = None,
    test_models: tuple[str, ...] | None = None,
    seed: int = 0,
) -> SplitPlan:
    """How to split items for training: `split_by` ("model" or "prompt") if given, else the items'
    own splits when they have some and no held-out models are named, else by model."""
    models_given = validation_models is not None or test_models is not None
    by = split_by or ("file" if any(item.split for item in items) and not models_given else "model")
    return SplitPlan(by, validation_models, test_models, seed)


def evaluation_items(
    items: Sequence[ScorerItem], saved_plan: dict, split: str, from_file: bool
) -> list[ScorerItem]:
    """The items of `split` under the plan a scorer was trained with (scorer.json's "split"); the
    items' own splits win when they come from a file that has them."""
    plan = SplitPlan.from_json(saved_plan)
    if plan.by == "file" and not from_file:
        raise ValueError(
            "this scorer was trained on a file's own splits: evaluate it with --from-export FILE"
        )
    if from_file and any(item.split for item in items):
        plan = SplitPlan("file")
    chosen = [item for item in with_splits(items, plan) if item.split == split]
    if not chosen:
        raise ValueError(f"no scored responses in the {split} split")
    return chosen


def calibration_texts(
    items: Sequence[ScorerItem],
    count: int = CALIBRATION_SIZE,
    seed: int = 0,
    template: Template = DEFAULT_TEMPLATE,
) -> list[str]:
    """Model inputs of a seeded sample of the items, for int8 quantization to calibrate on."""
    chosen = random.Random(seed).sample(list(items), min(count, len(items)))
    return [scorer_text(item.prompt, item.response, template) for item in chosen]
