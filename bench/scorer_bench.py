"""Throughput of `scorer predict` on this CPU for a BERT-base-sized scorer, beside a naive baseline.

    .venv/bin/python bench/scorer_bench.py [--sample 200] [--large 12000] [--large-with exact,bf16,int8]
        [--batch-size N]

Builds a BERT-base-sized encoder (12 layers, hidden 768, random weights, a 7,000-character
vocabulary so Chinese text tokenizes) and 12,000 prompt/response pairs of FLAMES-like length
(prompts median 64 characters, 8-212; responses 50-500). The baseline is transformers'
`pipeline("text-classification")` on the same encoder, one text at a time. Ours (exact, the
default) and ours with `--bf16` and `--int8` (OpenVINO; int8 after NNCF quantization,
calibrated on 100 other pairs) run beside it on the same random subsample, alternating, and the
share of each one's predictions identical to the exact ones is printed (it must be at least
99%); then each (or those named by `--large-with`) runs on `--large` pairs (0: skip) and the
time for 2,251 x 12 responses is projected.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertModel,
    BertTokenizerFast,
    pipeline,
)
from transformers.utils import logging as hf_logging

from annotator.cli import comma_names
from annotator.rubric import flames_rubric
from annotator.scorer.cpu import cpu_summary
from annotator.scorer.data import ScorerItem, calibration_texts, scorer_text
from annotator.scorer.fast import fast_scorer
from annotator.scorer.model import Scorer, new_scorer
from annotator.scorer.predict import predict
from annotator.scorer.settings import FAST_PRECISIONS

CHARS = [chr(0x4E00 + k) for k in range(7000)]
OURS = ("exact", *FAST_PRECISIONS)
FLAMES_RESPONSES = 2251 * 12


def build_base(path: Path) -> None:
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "input", "output", ":", "，", "。", "？", *CHARS]
    BertTokenizerFast(vocab={token: i for i, token in enumerate(tokens)}).save_pretrained(path)
    torch.manual_seed(0)
    BertModel(BertConfig(vocab_size=len(tokens))).save_pretrained(path)  # BERT-base: 12 x 768


def flames_like_pairs(n: int, seed: int = 0) -> list[ScorerItem]:
    """Prompts with FLAMES' length spread (median 64 characters), responses of 50-500 characters;
    characters drawn with a Zipf-like skew over the commonest 3,000, punctuation every ~20."""
    rng = random.Random(seed)
    common = CHARS[:3000]
    weights = [1 / (rank + 10) for rank in range(len(common))]

    def text(length: int) -> str:
        chars = rng.choices(common, weights=weights, k=length)
        for i in range(19, length, 20):
            chars[i] = rng.choice("，。？")
        return "".join(chars)

    rubric = flames_rubric()
    items = []
    for i in range(n):
        prompt_length = min(212, max(8, round(rng.lognormvariate(4.16, 0.45))))  # e^4.16 ~ 64
        dimension = rubric.dimensions[i % len(rubric.dimensions)].name
        items.append(ScorerItem(dimension, text(prompt_length), text(rng.randint(50, 500))))
    return items


@dataclass
class Elapsed:
    """Wall-clock seconds, and CPU seconds of this process (less swayed by other work on the box)."""

    wall: float = 0.0
    cpu: float = 0.0


@contextmanager
def timed(into: Elapsed) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    into.wall += time.perf_counter() - wall
    into.cpu += time.process_time() - cpu


def rate(count: int, elapsed: Elapsed) -> str:
    return (
        f"{count / elapsed.wall:6.2f} samples/s wall, {count / elapsed.cpu:6.2f} per CPU-second "
        f"({count} in {elapsed.wall:.1f} s wall, {elapsed.cpu:.1f} s CPU)"
    )


def ratio(baseline: Elapsed, ours: Elapsed) -> str:
    return f"{baseline.wall / ours.wall:.2f}x wall-clock, {baseline.cpu / ours.cpu:.2f}x CPU time"


def time_predict(scorer: Scorer, items: list[ScorerItem], batch_size: int | None, into: Elapsed) -> list[int]:
    with timed(into):
        predictions = predict(scorer, items, batch_size)
    return [p.score for p in predictions]


def naive_classifier(scorer: Scorer) -> Callable[[str], object]:
    """The naive way: a text-classification pipeline over the same encoder, called per text."""
    config = copy.deepcopy(scorer.model.encoder.config)
    config.num_labels = 3
    classifier = BertForSequenceClassification(config)
    classifier.bert.load_state_dict(scorer.model.encoder.state_dict(), strict=False)
    classify = pipeline(
        "text-classification", model=classifier.eval(), tokenizer=scorer.tokenizer, device="cpu"
    )
    return lambda text: classify(text, truncation=True, max_length=scorer.max_length)


@dataclass
class Run:
    """One way of scoring: its time and its predicted scores."""

    elapsed: Elapsed = field(default_factory=Elapsed)
    scores: list[int] = field(default_factory=list)


def time_side_by_side(
    scorers: dict[str, Scorer], items: list[ScorerItem], batch_size: int | None, rounds: int
) -> tuple[dict[str, Run], Elapsed]:
    """Time and scores of each of our scorers, and the baseline's time, on the same items.

    They alternate over `rounds` slices of the items, so that a machine shared with other
    work slows all alike instead of whichever ran during the busy minutes.
    """
    exact = next(iter(scorers.values()))
    classify = naive_classifier(exact)
    classify(scorer_text(items[0].prompt, items[0].response))  # warm-up
    for scorer in scorers.values():
        predict(scorer, items[:2], batch_size)
    runs = {name: Run() for name in scorers}
    baseline = Elapsed()
    size = -(-len(items) // rounds)
    for start in range(0, len(items), size):
        part = items[start : start + size]
        for name, scorer in scorers.items():
            runs[name].scores += time_predict(scorer, part, batch_size, runs[name].elapsed)
        with timed(baseline):
            for item in part:
                classify(scorer_text(item.prompt, item.response))
        times = ", ".join(f"{name} {run.elapsed.wall:.1f} s" for name, run in runs.items())
        print(f"  {start + len(part)}/{len(items)}: {times}, baseline {baseline.wall:.1f} s", flush=True)
    return runs, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=12000)
    parser.add_argument("--sample", type=int, default=200, help="pairs timed with every method")
    parser.add_argument("--large", type=int, default=12000, help="pairs timed with ours only (0: skip)")
    parser.add_argument(
        "--large-with",
        type=comma_names,
        default=OURS,
        metavar="A,B",
        help="which of ours run on the --large pairs (exact takes hours for 12,000)",
    )
    parser.add_argument("--batch-size", type=int, help="default: predict's own (1 on a CPU)")
    parser.add_argument("--rounds", type=int, default=10, help="alternations of ours and the baseline")
    args = parser.parse_args()
    if unknown := set(args.large_with) - set(OURS):
        parser.error(f"--large-with: unknown {', '.join(sorted(unknown))} (choose from {', '.join(OURS)})")

    torch.set_num_threads(os.cpu_count() or 1)
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    items = flames_like_pairs(args.pairs)
    sample = random.Random(1).sample(items, min(args.sample, len(items)))
    with tempfile.TemporaryDirectory() as base:
        build_base(Path(base))
        exact = new_scorer(base, flames_rubric())
    exact.model.eval()
    exact.calibration = calibration_texts(flames_like_pairs(100, seed=2))  # as training would save
    scorers: dict[str, Scorer] = {"exact": exact}
    preparing = {name: Elapsed() for name in FAST_PRECISIONS}
    for name in FAST_PRECISIONS:
        with timed(preparing[name]):
            scorers[name] = fast_scorer(exact, name)
    lengths = exact.tokenizer(
        [scorer_text(i.prompt, i.response) for i in sample], truncation=True, max_length=512
    )
    tokens = sorted(len(ids) for ids in lengths["input_ids"])
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads; BERT-base (12 x 768), random weights"
    )
    print(cpu_summary())
    print(
        f"{len(items)} pairs; sample of {len(sample)}: "
        f"tokens median {tokens[len(tokens) // 2]}, max {tokens[-1]}"
    )

    texts = len(exact.calibration)
    print(
        f"once per run: compiling bf16 {preparing['bf16'].wall:.0f} s; "
        f"quantizing int8 on {texts} calibration texts and compiling it {preparing['int8'].wall:.0f} s"
    )
    runs, baseline = time_side_by_side(scorers, sample, args.batch_size, args.rounds)
    print(f"baseline pipeline('text-classification'), one text at a time: {rate(len(sample), baseline)}")
    batches = "batch " + (str(args.batch_size) if args.batch_size else "default")
    for name, run in runs.items():
        print(f"ours {name} ({batches}, sorted, inference_mode): {rate(len(sample), run.elapsed)}")
        print(f"  speed-up: {ratio(baseline, run.elapsed)} (target >= 3x)")
    for name in FAST_PRECISIONS:
        same = sum(a == b for a, b in zip(runs[name].scores, runs["exact"].scores, strict=True))
        print(
            f"  {name} predictions identical to exact: {100 * same / len(sample):.1f}% (needs >= 99%)",
            flush=True,
        )

    if args.large:
        count = min(args.large, len(items))
        for name, scorer in scorers.items():
            if name not in args.large_with:
                continue
            measured = Elapsed()
            time_predict(scorer, items[:count], args.batch_size, measured)
            projected = FLAMES_RESPONSES * measured.wall / count
            print(
                f"ours {name} on {count} pairs: {rate(count, measured)}; projected for 2,251 x 12 = "
                f"{FLAMES_RESPONSES} responses: {projected / 60:.1f} min wall on this CPU",
                flush=True,
            )


if __name__ == "__main__":
    main()
