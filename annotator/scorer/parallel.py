"""The scorer as one of several processes (started by `torchrun` or `accelerate launch`): which
share of the work is this process's, and every process's results gathered.

A plain process is a group of one: its share is everything and gathering returns its own
results, so the single-process paths run unchanged. Accelerate reads the launcher's environment
(RANK, WORLD_SIZE, ...) and joins the process group: NCCL between GPUs, gloo between CPU processes.
"""

from __future__ import annotations

from typing import TypeVar

import torch
from accelerate import PartialState
from accelerate.utils import gather_object

T = TypeVar("T")


def on_cpu(device: torch.device | str | None = None) -> bool:
    """Whether the processes run on CPUs: asked for, or no GPU present."""
    return torch.device(device).type == "cpu" if device is not None else not torch.cuda.is_available()


def process_group(device: torch.device | str | None = None) -> PartialState:
    """This process's place in the launched group (joined on first use)."""
    return PartialState(cpu=on_cpu(device))


def share(count: int, group: PartialState) -> range:
    """The indices of `count` items that are this process's: a contiguous block, the first
    processes taking one more when the count does not divide evenly."""
    each, extra = divmod(count, group.num_processes)
    start = group.process_index * each + min(group.process_index, extra)
    return range(start, start + each + (group.process_index < extra))


def gathered(rows: list[T], group: PartialState) -> list[T]:
    """Every process's `rows`, concatenated in process order, on every process."""
    return gather_object(rows) if group.num_processes > 1 else rows
