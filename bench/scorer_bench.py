"""Throughput of `scorer predict` on this CPU for a BERT-base-sized scorer, beside a naive baseline.

    .venv/bin/python bench/scorer_bench.py [--sample 200] [--large 12000] [--batch-size 16] [--int8]

Builds a BERT-base-sized encoder (12 layers, hidden 768, random weights, a 7,000-character
vocabulary so Chinese text tokenizes) and 12,000 prompt/response pairs of FLAMES-like length
(prompts median 64 characters, 8-212; responses 50-500). The baseline is transformers'
`pipeline("text-classification")` on the same encoder, one text at a time. Both run on the same
random subsample (the baseline is too slow for all 12,000); then our predict runs on `--large`
pairs and the time for 2,251 x 12 responses is projected. Sorting by length, dynamic padding,
batching and inference_mode do not change outputs; `--int8` also times dynamic int8 quantization
and prints how many predictions it keeps identical (it must keep at least 99%).
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
from dataclasses import dataclass
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

from annotator.rubric import flames_rubric
from annotator.scorer import predict
from annotator.scorer_data import ScorerItem, scorer_text
from annotator.scorer_model import Scorer, new_scorer

CHARS = [chr(0x4E00 + k) for k in range(7000)]
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


def time_predict(scorer: Scorer, items: list[ScorerItem], batch_size: int, into: Elapsed) -> list[int]:
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


def time_side_by_side(
    scorer: Scorer, items: list[ScorerItem], batch_size: int, rounds: int
) -> tuple[Elapsed, Elapsed, list[int]]:
    """Time for ours and for the baseline on the same items, and our scores.

    The two alternate over `rounds` slices of the items, so that a machine shared with other
    work slows both alike instead of whichever ran during the busy minutes.
    """
    classify = naive_classifier(scorer)
    classify(scorer_text(items[0].prompt, items[0].response))  # warm-up
    ours, baseline = Elapsed(), Elapsed()
    scores: list[int] = []
    size = -(-len(items) // rounds)
    for start in range(0, len(items), size):
        part = items[start : start + size]
        scores += time_predict(scorer, part, batch_size, ours)
        with timed(baseline):
            for item in part:
                classify(scorer_text(item.prompt, item.response))
        done = start + len(part)
        print(f"  {done}/{len(items)}: ours {ours.wall:.1f} s, baseline {baseline.wall:.1f} s", flush=True)
    return ours, baseline, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=12000)
    parser.add_argument("--sample", type=int, default=200, help="pairs timed with both methods")
    parser.add_argument("--large", type=int, default=12000, help="pairs timed with ours only (0: skip)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=10, help="alternations of ours and the baseline")
    parser.add_argument("--int8", action="store_true", help="also time dynamic int8 quantization")
    args = parser.parse_args()

    torch.set_num_threads(os.cpu_count() or 1)
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    items = flames_like_pairs(args.pairs)
    sample = random.Random(1).sample(items, min(args.sample, len(items)))
    with tempfile.TemporaryDirectory() as base:
        build_base(Path(base))
        scorer = new_scorer(base, flames_rubric())
    scorer.model.eval()
    lengths = scorer.tokenizer(
        [scorer_text(i.prompt, i.response) for i in sample], truncation=True, max_length=512
    )
    tokens = sorted(len(ids) for ids in lengths["input_ids"])
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads; BERT-base (12 x 768), random weights"
    )
    print(
        f"{len(items)} pairs; sample of {len(sample)}: "
        f"tokens median {tokens[len(tokens) // 2]}, max {tokens[-1]}"
    )

    ours, baseline, reference = time_side_by_side(scorer, sample, args.batch_size, args.rounds)
    print(
        f"ours (sorted, dynamic padding, batch {args.batch_size}, inference_mode): {rate(len(sample), ours)}"
    )
    print(f"baseline pipeline('text-classification'), one text at a time: {rate(len(sample), baseline)}")
    print(f"speed-up: {ratio(baseline, ours)} (target >= 3x)", flush=True)

    if args.int8:
        quantized = Scorer(
            model=torch.ao.quantization.quantize_dynamic(
                scorer.model, {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}
            ),
            tokenizer=scorer.tokenizer,
            rubric=scorer.rubric,
            max_length=scorer.max_length,
            base=scorer.base,
        )
        int8 = Elapsed()
        scores = time_predict(quantized, sample, args.batch_size, int8)
        same = sum(a == b for a, b in zip(scores, reference, strict=True)) / len(sample)
        print(f"ours + dynamic int8 (per channel): {rate(len(sample), int8)}; {ratio(baseline, int8)}")
        print(f"  identical predictions vs unquantized: {100 * same:.1f}% (needs >= 99%)", flush=True)

    measured, count = ours, len(sample)
    if args.large:
        measured, count = Elapsed(), min(args.large, len(items))
        time_predict(scorer, items[:count], args.batch_size, measured)
        print(f"ours on {count} pairs: {rate(count, measured)}")
    projected = FLAMES_RESPONSES * measured.wall / count
    print(
        f"projected for 2,251 x 12 = {FLAMES_RESPONSES} responses: {projected / 60:.1f} min wall on this CPU"
    )


if __name__ == "__main__":
    main()
