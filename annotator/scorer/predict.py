"""Running a trained scorer: on items, on the database (stored as suggestions) or on a JSONL file.

Inputs are tokenized once, sorted by length and batched with padding to each batch's longest
sequence, under `torch.inference_mode`: the outputs are those of one-at-a-time inference (on a
CPU the default batch is one text, which measured fastest). `fast.fast_scorer` trades exactness
for 3-6 times the CPU speed (bf16 or int8); `fast_predictions` measures what it changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
import torch
from tqdm import tqdm

from annotator.published.leaderboard import harmless_rate, harmless_score
from annotator.rubric import Rubric
from annotator.scorer.data import ScorerItem, items_from_objects, read_jsonl_objects
from annotator.scorer.model import Scorer, collate, encode, length_sorted_batches, load_scorer
from annotator.scorer.parallel import gathered, process_group, share
from annotator.scorer.settings import Precision, default_batch_size
from annotator.suggestions import NOT_SUGGESTED_BY, check_agent_name, store_suggestions

DEFAULT_CHUNK_SIZE = 512  # suggestions written per transaction


@dataclass(frozen=True)
class Prediction:
    score: int
    confidence: float  # softmax probability of the predicted class


def iter_predictions(
    scorer: Scorer, items: Sequence[ScorerItem], batch_size: int | None = None, progress: bool = False
) -> Iterator[tuple[list[int], list[Prediction]]]:
    """(item indices, their predictions) batch by batch, longest inputs first; batch_size None
    means the device's default."""
    device = scorer.device
    if batch_size is None:
        batch_size = default_batch_size(device.type)
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    dims = [scorer.dimension_index(item.dimension) for item in items]
    class_scores = [scorer.class_scores(name) for name in scorer.rubric.dimension_names]
    ids = encode(scorer.tokenizer, items, scorer.max_length, scorer.template)
    was_training = scorer.model.training
    scorer.model.eval()
    try:
        with (
            torch.inference_mode(),
            tqdm(total=len(items), disable=not progress, unit="response", desc="scoring") as bar,
        ):
            for batch in length_sorted_batches([len(seq) for seq in ids], batch_size):
                input_ids, mask = collate([ids[i] for i in batch], scorer.tokenizer.pad_token_id)
                dimension = torch.tensor([dims[i] for i in batch])
                logits = scorer.model(input_ids.to(device), mask.to(device), dimension.to(device))
                confidence, chosen = logits.float().softmax(dim=-1).max(dim=-1)
                yield (
                    batch,
                    [
                        Prediction(class_scores[dims[i]][c], p)
                        for i, c, p in zip(batch, chosen.tolist(), confidence.tolist(), strict=True)
                    ],
                )
                bar.update(len(batch))
    finally:
        scorer.model.train(was_training)


def load_for_predict(
    model_dir: str | Path, rubric: Rubric | None = None, precision: Precision = "fp32"
) -> Scorer:
    """load_scorer; on the CPU and compiled by fast.fast_scorer in bf16 or int8 if asked."""
    scorer = load_scorer(model_dir, rubric, device=None if precision == "fp32" else "cpu")
    if precision == "fp32":
        return scorer
    from annotator.scorer.fast import fast_scorer  # OpenVINO and NNCF take seconds to import

    return fast_scorer(scorer, precision)


def predict(
    scorer: Scorer, items: Sequence[ScorerItem], batch_size: int | None = None, progress: bool = False
) -> list[Prediction]:
    """One prediction per item, in the items' order."""
    results: list[Prediction | None] = [None] * len(items)
    for batch, predictions in iter_predictions(scorer, items, batch_size, progress):
        for index, prediction in zip(batch, predictions, strict=True):
            results[index] = prediction
    return results  # type: ignore[return-value]  # every index is filled


def shared_predict(
    scorer: Scorer, items: Sequence[ScorerItem], batch_size: int | None = None, progress: bool = False
) -> list[Prediction]:
    """`predict` with the items shared among the launched processes: each predicts its block and
    every process gets all predictions, in the items' order (in one process, `predict` itself)."""
    group = process_group(scorer.device)
    mine = share(len(items), group)
    own = predict(scorer, items[mine.start : mine.stop], batch_size, progress and group.is_main_process)
    return gathered(own, group)


def _shared_rounds(
    scorer: Scorer, items: Sequence[ScorerItem], batch_size: int | None, progress: bool, round_size: int
) -> Iterator[tuple[list[int], list[Prediction]]]:
    """shared_predict round by round: (indices, predictions) of every `round_size` items."""
    for start in range(0, len(items), round_size):
        block = items[start : start + round_size]
        yield list(range(start, start + len(block))), shared_predict(scorer, block, batch_size, progress)


def fast_predictions(
    scorer: Scorer,
    items: Sequence[ScorerItem],
    precision: Precision,
    batch_size: int | None = None,
    progress: bool = False,
) -> tuple[list[Prediction], float]:
    """The bf16 or int8 scorer's predictions, and the share of them identical to the exact scorer's."""
    from annotator.scorer.fast import fast_scorer  # OpenVINO and NNCF take seconds to import

    fast = fast_scorer(scorer, precision)  # first, so that a scorer off the CPU fails before any work
    exact = predict(scorer, items, batch_size, progress)
    changed = predict(fast, items, batch_size, progress)
    same = sum(a.score == b.score for a, b in zip(exact, changed, strict=True))
    return changed, same / len(items) if items else 1.0


def unscored_items(db: sqlite_utils.Database, agent: str) -> list[ScorerItem]:
    """Every response that has no suggestion from `agent` yet."""
    rows = db.execute(
        "SELECT r.id, p.dimension, p.text, r.text, r.model FROM responses r "
        f"JOIN prompts p ON p.id = r.prompt_id WHERE {NOT_SUGGESTED_BY} ORDER BY r.id",
        [agent],
    )
    return [
        ScorerItem(dimension, prompt, response, model=model, response_id=rid)
        for rid, dimension, prompt, response, model in rows
    ]


def predict_db(
    db: sqlite_utils.Database,
    scorer: Scorer,
    agent: str,
    batch_size: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Store a suggestion from `agent` for every response without one; the number stored.

    Each chunk is written in one transaction, so an interrupted run keeps what it finished and
    a rerun carries on. A suggestion that appeared meanwhile is kept, never overwritten.
    `on_progress(scored, total)` is called after each batch (for a progress bar in the app).
    Launched as several processes, each scores its share of every round of chunk_size items per
    process and the main process alone writes (the others return 0).
    """
    agent = check_agent_name(db, agent)
    # Every process reads the same list: the main one writes only after the first round gathers.
    items = unscored_items(db, agent)
    group = process_group(scorer.device)
    if group.num_processes > 1:
        rounds = _shared_rounds(scorer, items, batch_size, progress, chunk_size * group.num_processes)
    else:
        rounds = iter_predictions(scorer, items, batch_size, progress)
    if not group.is_main_process:
        for _ in rounds:
            pass
        return 0
    pending: list[tuple[str, str, int, float]] = []
    stored = 0
    scored = 0
    for batch, predictions in rounds:
        for index, prediction in zip(batch, predictions, strict=True):
            item = items[index]
            score = scorer.rubric.check_score(item.dimension, prediction.score)
            pending.append((item.response_id, agent, score, prediction.confidence))
        if len(pending) >= chunk_size:
            stored += store_suggestions(db, pending)
            pending = []
        scored += len(batch)
        if on_progress is not None:
            on_progress(scored, len(items))
    return stored + store_suggestions(db, pending)


def new_output_file(path: str | Path, overwrite: bool = False, input_path: str | Path | None = None) -> Path:
    """`path`, checked as a place to write: never the input, not an existing file unless `overwrite`,
    in a folder that exists (checked before any work, not after it)."""
    path = Path(path)
    if input_path is not None and path.resolve() == Path(input_path).resolve():
        raise ValueError(f"{path} is the input file: write the output to another file")
    if path.exists() and not overwrite:
        raise ValueError(f"{path} exists: choose a new file name, or allow overwriting it (--overwrite)")
    if not path.parent.is_dir():
        raise ValueError(f"{path}: the folder {path.parent} does not exist")
    return path


def predict_file(
    scorer: Scorer,
    input_path: str | Path,
    output_path: str | Path,
    batch_size: int | None = None,
    progress: bool = False,
    overwrite: bool = False,
) -> dict:
    """Score a flames-scorer JSONL file: each line again with "predicted" and "confidence" added.

    The output appears only once complete. Returns the summary of `harmless_summary`. Launched as
    several processes, each scores its share and the main process alone writes, in input order.
    """
    output = new_output_file(output_path, overwrite, input_path)
    objects = read_jsonl_objects(input_path)
    items = items_from_objects(objects, scorer.rubric, need_score=False, path=input_path)
    predictions = shared_predict(scorer, items, batch_size, progress)
    group = process_group(scorer.device)
    if group.is_main_process:
        partial = output.with_name(output.name + ".partial")
        with partial.open("w", encoding="utf-8") as out:
            for (_, obj), prediction in zip(objects, predictions, strict=True):
                line = {**obj, "predicted": prediction.score, "confidence": round(prediction.confidence, 6)}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        os.replace(partial, output)
    group.wait_for_everyone()  # no process reports the file done before it is there
    return harmless_summary(items, [p.score for p in predictions], scorer.rubric)


def harmless_summary(items: Sequence[ScorerItem], scores: Sequence[int], rubric: Rubric) -> dict:
    """flames-scorer's summary: harmless rate and harmless score (percent) per dimension and their
    unweighted means over the dimensions present, with the leaderboard's formulas."""
    per_dimension: dict[str, list[int]] = {}
    for item, score in zip(items, scores, strict=True):
        per_dimension.setdefault(item.dimension, []).append(score)
    rates = {dim: harmless_rate(s, rubric.dimension(dim)) for dim, s in per_dimension.items()}
    points = {dim: harmless_score(s, rubric.dimension(dim)) for dim, s in per_dimension.items()}
    return {
        "n": len(items),
        "harmless_rate": sum(rates.values()) / len(rates) if rates else None,
        "harmless_rate_each_dim": rates,
        "harmless_score": sum(points.values()) / len(points) if points else None,
        "harmless_score_each_dim": points,
    }
