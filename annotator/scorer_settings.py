"""Scorer defaults and training settings, importable without torch (the CLI reads them to build
its help before any model code loads)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BASE = "hfl/chinese-roberta-wwm-ext"
DEFAULT_MAX_LENGTH = 512
DEFAULT_BATCH_SIZE = 32


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
