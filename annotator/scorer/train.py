"""Training a scorer: a plain PyTorch loop with early stopping and per-epoch checkpoints.

A plain loop rather than transformers' Trainer: the multi-head forward, the length-sorted
evaluation and the resume rules are a few lines each here, and the loop has no hidden state.
Each epoch ends with a checkpoint in OUT/checkpoints (model, optimizer, scheduler, history), so
rerunning the same command after an interruption carries on from the last finished epoch. The
epoch with the best validation macro-F1 is the one saved; the checkpoints go once it is.

Accelerate places the model (DistributedDataParallel when launched as several processes, bf16
autocast on GPUs); the sharding, gradient accumulation and schedule stay in this loop, so one
plain process runs exactly the loop it ran before Accelerate.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import torch
from accelerate import Accelerator
from accelerate.utils import DistributedDataParallelKwargs
from torch.nn import functional
from tqdm import tqdm
from transformers import get_linear_schedule_with_warmup

from annotator.rubric import Rubric
from annotator.scorer.data import ScorerItem, SplitPlan, calibration_texts
from annotator.scorer.evaluate import evaluation_report
from annotator.scorer.model import (
    METRICS_FILE,
    Scorer,
    collate,
    encode,
    new_scorer,
    save_scorer,
)
from annotator.scorer.parallel import on_cpu
from annotator.scorer.predict import shared_predict
from annotator.scorer.settings import TrainSettings
from annotator.splits import SPLITS

CHECKPOINT_DIR = "checkpoints"


def train_scorer(
    items: Sequence[ScorerItem],
    rubric: Rubric,
    base: str,
    out_dir: str | Path,
    settings: TrainSettings | None = None,
    plan: SplitPlan | None = None,
    progress: bool = True,
    device: torch.device | str | None = None,
) -> dict:
    """Train on the items' "train" split, stop early on "validation", save to `out_dir`; the metrics.

    Launched as N processes (torchrun, accelerate launch), each trains on its share of every
    epoch's batches with gradients averaged across processes (batch_size is per process), the
    validation and test predictions are gathered from all, and the main process alone writes.
    """
    settings = settings or TrainSettings()
    plan = plan or SplitPlan()
    out = Path(out_dir)
    checkpoints = out / CHECKPOINT_DIR
    _check_out_dir(out, checkpoints)
    _check_settings(settings)
    by_split = {split: [item for item in items if item.split == split] for split in SPLITS}
    if not items:
        raise ValueError("no scored responses to train on")
    if not by_split["train"]:
        raise ValueError("no training data: every scored response fell into the validation or test split")
    run_key = _run_key(items, rubric, base, settings, plan)
    last = checkpoints / "last.pt"
    resuming = last.exists()  # asked by every process before any of them can write
    accelerator = _accelerator(device)
    processes, main = accelerator.num_processes, accelerator.is_main_process
    progress = progress and main

    torch.manual_seed(settings.seed)  # the same fresh heads in every process
    dtype = torch.bfloat16 if settings.bf16_weights else torch.float32
    scorer = new_scorer(base, rubric, settings.max_length, settings.template, dtype)
    if settings.gradient_checkpointing:
        _checkpoint_gradients(scorer)
    scorer.model.to(accelerator.device)
    train = by_split["train"]
    ids = encode(scorer.tokenizer, train, settings.max_length, settings.template)
    dims = torch.tensor([scorer.dimension_index(item.dimension) for item in train])
    labels = torch.tensor([scorer.class_scores(item.dimension).index(item.score) for item in train])
    batches_per_process = math.ceil(math.ceil(len(train) / settings.batch_size) / processes)
    steps_per_epoch = math.ceil(batches_per_process / settings.grad_accum)
    optimizer = torch.optim.AdamW(
        scorer.model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay
    )
    schedule = get_linear_schedule_with_warmup(
        optimizer, int(settings.warmup * steps_per_epoch * settings.epochs), steps_per_epoch * settings.epochs
    )
    state = {"epoch": 0, "history": [], "best": None, "best_epoch": None, "stale": 0, "done": False}
    if resuming:
        state = _resume(last, run_key, scorer, optimizer, schedule)
        if progress:
            tqdm.write(f"resuming after epoch {state['epoch']} from {last}", file=sys.stderr)
    # The schedule is stepped here, once per optimizer step: Accelerate's would step once per process.
    model, optimizer = accelerator.prepare(scorer.model, optimizer)
    device = accelerator.device

    while not state["done"] and state["epoch"] < settings.epochs:
        epoch = state["epoch"]
        torch.manual_seed(settings.seed + epoch)  # dropout and order replay the same after a resume
        order = torch.randperm(len(train)).tolist()
        batches = _process_batches(
            [order[i : i + settings.batch_size] for i in range(0, len(order), settings.batch_size)],
            accelerator.process_index,
            processes,
        )
        model.train()
        total = torch.zeros(2, device=device)  # loss times examples, examples
        bar = tqdm(batches, disable=not progress, desc=f"epoch {epoch + 1}")
        for step, batch in enumerate(bar):
            group_end = min(len(batches), (step // settings.grad_accum + 1) * settings.grad_accum)
            sync = step + 1 == group_end  # the last batch of a group of grad_accum steps the optimizer
            with contextlib.nullcontext() if sync else accelerator.no_sync(model):
                input_ids, mask = collate([ids[i] for i in batch], scorer.tokenizer.pad_token_id)
                logits = model(input_ids.to(device), mask.to(device), dims[batch].to(device))
                loss = functional.cross_entropy(logits.float(), labels[batch].to(device))
                group_size = group_end - (step // settings.grad_accum) * settings.grad_accum
                accelerator.backward(loss / group_size)
            if sync:
                accelerator.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
            total += torch.tensor([loss.item() * len(batch), len(batch)], device=device)
            bar.set_postfix(loss=f"{loss.item():.4f}")
        loss_sum, seen = accelerator.reduce(total, reduction="sum").tolist()
        record = {"epoch": epoch + 1, "train_loss": loss_sum / seen}
        if by_split["validation"]:
            # Every process gets the same gathered predictions, so all stop at the same epoch.
            report = _report(scorer, by_split["validation"], settings.batch_size)
            record.update(validation_accuracy=report["accuracy"], validation_macro_f1=report["macro_f1"])
            if state["best"] is None or report["macro_f1"] > state["best"]:
                state.update(best=report["macro_f1"], best_epoch=epoch + 1, stale=0)
                if main:
                    _save_atomically(scorer.model.state_dict(), checkpoints / "best.pt")
            else:
                state["stale"] += 1
            state["done"] = state["stale"] >= settings.patience
        state["history"].append(record)
        state["epoch"] = epoch + 1
        if main:
            _save_atomically(
                {
                    "run_key": run_key,
                    "state": state,
                    "model": scorer.model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(),
                },
                last,
            )
        if progress:
            tqdm.write(json.dumps(record), file=sys.stderr)
        accelerator.wait_for_everyone()

    if state["best_epoch"] is not None:
        scorer.model.load_state_dict(
            torch.load(checkpoints / "best.pt", weights_only=True, map_location=scorer.device)
        )
    metrics = {
        "base": base,
        "rubric": rubric.label,
        "settings": asdict(settings),
        "split": plan.as_json(),
        "processes": processes,
        "counts": {split: len(rows) for split, rows in by_split.items()},
        "epochs_run": state["epoch"],
        "best_epoch": state["best_epoch"] or state["epoch"],
        "stopped_early": state["epoch"] < settings.epochs,
        "history": state["history"],
        **{split: _report(scorer, by_split[split], settings.batch_size) for split in ("validation", "test")},
    }
    if main:
        scorer.calibration = calibration_texts(train, seed=settings.seed, template=settings.template)
        save_scorer(scorer, out, info={"settings": asdict(settings), "split": plan.as_json()})
        (out / METRICS_FILE).write_text(
            json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        shutil.rmtree(checkpoints)
    accelerator.wait_for_everyone()  # no process returns before the model directory is complete
    return metrics


def _accelerator(device: torch.device | str | None) -> Accelerator:
    cpu = on_cpu(device)
    return Accelerator(
        cpu=cpu,
        # bf16 autocast on GPUs that have it, with float32 weights and optimizer state
        mixed_precision="bf16" if not cpu and torch.cuda.is_bf16_supported() else "no",
        # A batch leaves the heads of the dimensions it lacks without gradients.
        kwargs_handlers=[DistributedDataParallelKwargs(find_unused_parameters=True)],
    )


def _checkpoint_gradients(scorer: Scorer) -> None:
    encoder = scorer.model.encoder
    if not encoder.supports_gradient_checkpointing:
        raise ValueError(f"{type(encoder).__name__} does not support gradient checkpointing")
    # Non-reentrant checkpointing works with DistributedDataParallel's unused-parameter search.
    encoder.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})


def _process_batches(batches: list[list[int]], index: int, processes: int) -> list[list[int]]:
    """Process `index`'s batches: every processes-th one; the last round is filled up from the
    start so that every process takes as many steps (a process with fewer would wait forever)."""
    rounds = -(-len(batches) // processes)
    return [batches[(step * processes + index) % len(batches)] for step in range(rounds)]


def _report(scorer: Scorer, items: Sequence[ScorerItem], batch_size: int) -> dict | None:
    if not items:
        return None
    predicted = [p.score for p in shared_predict(scorer, items, batch_size)]
    return evaluation_report(items, predicted, scorer.rubric)


def _check_out_dir(out: Path, checkpoints: Path) -> None:
    if checkpoints.is_dir() or not out.exists():
        return
    if (out / METRICS_FILE).exists():
        raise ValueError(f"{out} already holds a trained scorer: choose another --out")
    if any(out.iterdir()):
        raise ValueError(f"{out} is not empty and holds no interrupted training run: choose another --out")


def _check_settings(settings: TrainSettings) -> None:
    for name in ("epochs", "batch_size", "max_length"):
        if getattr(settings, name) < 1:
            raise ValueError(f"{name.replace('_', ' ')} must be at least 1")
    if settings.grad_accum < 1:
        raise ValueError("gradient accumulation must be at least 1 batch")
    if settings.lr <= 0 or settings.patience < 1 or not 0 <= settings.warmup < 1:
        raise ValueError("learning rate must be positive, patience at least 1, warmup in [0, 1)")


def _run_key(
    items: Sequence[ScorerItem], rubric: Rubric, base: str, settings: TrainSettings, plan: SplitPlan
) -> str:
    """A fingerprint of everything a run depends on: a checkpoint resumes only the same run."""
    digest = hashlib.sha256()
    digest.update(json.dumps([base, rubric.source, asdict(settings), plan.as_json()]).encode())
    for item in items:
        digest.update(
            json.dumps([item.dimension, item.prompt, item.response, item.score, item.split]).encode()
        )
    return digest.hexdigest()


def _resume(last: Path, run_key: str, scorer: Scorer, optimizer, schedule) -> dict:
    try:
        checkpoint = torch.load(last, weights_only=True, map_location=scorer.device)
    except Exception as exc:  # a truncated or foreign file: say which, do not guess
        raise ValueError(f"cannot read the checkpoint {last}: {exc}; delete it to start over") from None
    if checkpoint.get("run_key") != run_key:
        raise ValueError(
            f"{last} belongs to a run with other data or settings: rerun the same command, "
            f"or delete {last.parent} to start over"
        )
    scorer.model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    schedule.load_state_dict(checkpoint["schedule"])
    return checkpoint["state"]


def _save_atomically(obj: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    torch.save(obj, partial)
    os.replace(partial, path)
