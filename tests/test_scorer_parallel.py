"""`scorer train` and `scorer predict` launched as two CPU processes by torchrun (gloo): one set of
files, written by the main process, as good as (training) or identical to (prediction) one process."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from scorer_task import synthetic_items, tiny_base, write_export

from annotator.rubric import flames_rubric
from annotator.scorer.data import SplitPlan, items_from_jsonl, with_splits
from annotator.scorer.model import load_scorer
from annotator.scorer.predict import predict_file
from annotator.scorer.settings import TrainSettings
from annotator.scorer.train import train_scorer

RUBRIC = flames_rubric()
ROOT = Path(__file__).resolve().parents[1]
# 8 a process: the two-process run steps with 16 examples, as the one-process run does
TRAIN = ["--batch-size", "8", "--lr", "0.01", "--max-length", "64"]
# What a model directory holds; anything else (a second copy, a checkpoint, a .partial) is a fault.
MODEL_FILES = {
    "calibration.json",
    "config.json",
    "heads.safetensors",
    "metrics.json",
    "model.safetensors",
    "rubric.toml",
    "scorer.json",
    "tokenizer.json",
    "tokenizer_config.json",
}


def torchrun(*argv: str) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    return subprocess.Popen(
        [*command, "-m", "annotator", *argv],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err[-3000:]
    return out


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny base and a scorer export of the synthetic task."""
    folder = tmp_path_factory.mktemp("data")
    return tiny_base(folder / "base"), write_export(folder / "export.jsonl", synthetic_items(RUBRIC))


@pytest.fixture(scope="module")
def two_process_model(data: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    base, export = data
    out = tmp_path_factory.mktemp("two") / "scorer"
    run = torchrun(
        "scorer", "train", "--base", str(base), "--out", str(out), "--from-export", str(export),
        "--epochs", "12", "--patience", "3", *TRAIN,
    )  # fmt: skip
    return out, finished(run)


def test_two_process_training_writes_one_model_as_good_as_one_process(
    data: tuple[Path, Path], two_process_model: tuple[Path, str], tmp_path: Path
) -> None:
    out, stdout = two_process_model
    assert len(stdout.strip().splitlines()) == 1  # one summary, from the main process
    assert {path.name for path in out.iterdir()} == MODEL_FILES
    assert sorted(path.name for path in out.parent.iterdir()) == ["scorer"]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["processes"] == 2
    assert metrics["counts"] == {"train": 200, "validation": 40, "test": 40}

    base, export = data
    torch.set_num_threads(1)
    items = with_splits(items_from_jsonl(export, RUBRIC, need_score=True), SplitPlan())
    settings = TrainSettings(epochs=12, batch_size=16, lr=1e-2, max_length=64, patience=3)
    one = train_scorer(items, RUBRIC, str(base), tmp_path / "one", settings, SplitPlan(), progress=False)
    assert one["processes"] == 1
    assert metrics["test"]["accuracy"] >= min(0.85, one["test"]["accuracy"] - 0.05)


def test_two_process_prediction_writes_the_one_process_file(
    data: tuple[Path, Path], two_process_model: tuple[Path, str], tmp_path: Path
) -> None:
    model, _ = two_process_model
    _, export = data
    two = tmp_path / "two.jsonl"
    stdout = finished(
        torchrun("scorer", "predict", "--model", str(model), "--input", str(export), "--output", str(two))
    )
    torch.set_num_threads(1)
    summary = predict_file(load_scorer(model), export, tmp_path / "one.jsonl")
    assert two.read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert json.loads(stdout) == {"output": str(two), **json.loads(json.dumps(summary))}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["one.jsonl", "two.jsonl"]


def test_a_two_process_run_killed_after_an_epoch_resumes(data: tuple[Path, Path], tmp_path: Path) -> None:
    base, export = data
    out = tmp_path / "scorer"
    argv = ["scorer", "train", "--base", str(base), "--out", str(out), "--from-export", str(export)]
    argv += ["--epochs", "8", "--patience", "8", *TRAIN]
    first = torchrun(*argv)
    last = out / "checkpoints" / "last.pt"
    deadline = time.monotonic() + 300
    while not last.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    # As a scheduler or Ctrl-C stops a job: torchrun passes the signal on to both workers (they
    # run in sessions of their own, out of reach of a signal to torchrun's process group).
    first.send_signal(signal.SIGTERM)
    _, err = first.communicate(timeout=120)
    assert last.exists() and not (out / "metrics.json").exists(), err[-3000:]

    again = torchrun(*argv)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err[-3000:]
    resumed = re.search(r"resuming after epoch (\d+)", err)
    assert resumed and 1 <= int(resumed[1]) < 8, err[-3000:]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["processes"] == 2
    assert [record["epoch"] for record in metrics["history"]] == list(range(1, 9))
    assert {path.name for path in out.iterdir()} == MODEL_FILES
