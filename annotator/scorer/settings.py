"""Scorer defaults and training settings, importable without torch (the CLI reads them to build
its help before any model code loads)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DEFAULT_BASE = "hfl/chinese-roberta-wwm-ext"
DEFAULT_MAX_LENGTH = 512
DEFAULT_BATCH_SIZE = 32  # on a GPU
# On a CPU one text of a few hundred tokens already keeps the cores busy, and bigger batches
# measured slower (bench/scorer_bench.py); one text per batch also needs no padding.
CPU_BATCH_SIZE = 1
# Training inputs saved with a scorer for int8 quantization to measure activation ranges on.
CALIBRATION_SIZE = 100

# How a scorer runs: exact (PyTorch, fp32), or compiled by OpenVINO in bf16 or int8 on a CPU
# (fast.py), faster and changing a few predictions.
Precision = Literal["fp32", "bf16", "int8"]
FastPrecision = Literal["bf16", "int8"]
FAST_PRECISIONS: tuple[FastPrecision, ...] = ("bf16", "int8")
PRECISIONS: tuple[Precision, ...] = ("fp32", *FAST_PRECISIONS)


# The model input: the paper's "Input: <prompt> Output: <response>", or the released
# flames-scorer's InternLM chat template (data.TEMPLATES).
Template = Literal["paper", "flames-scorer"]
TEMPLATE_NAMES: tuple[Template, ...] = ("paper", "flames-scorer")
DEFAULT_TEMPLATE: Template = "paper"


def default_batch_size(device_type: str) -> int:
    """Texts per forward pass for predict on a device of this type ("cpu", "cuda", ...)."""
    return CPU_BATCH_SIZE if device_type == "cpu" else DEFAULT_BATCH_SIZE


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 10
    batch_size: int = 16
    lr: float = 2e-5
    max_length: int = DEFAULT_MAX_LENGTH
    patience: int = 2  # epochs without a better validation macro-F1 before stopping
    warmup: float = 0.1  # share of the steps with a rising learning rate
    weight_decay: float = 0.01
    seed: int = 0
    template: Template = DEFAULT_TEMPLATE
    grad_accum: int = 1  # batches whose gradients add up to one optimizer step
    gradient_checkpointing: bool = False  # recompute activations in the backward pass: less memory
    # The base's weights and optimizer state in bfloat16 (8 bytes a parameter instead of 16), so a
    # 7B base fits a data-parallel process on an 80 GB GPU; updates lose precision.
    bf16_weights: bool = False
