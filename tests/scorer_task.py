"""A synthetic scorer task a tiny model learns in seconds, and tiny base directories: an encoder
(BERT) and a decoder-only chat model (Llama-style, a tokenizer without a pad token).

Each response carries one marker character that decides its score; everything else is filler.
"""

from __future__ import annotations

import json
import os

os.environ["HF_HUB_OFFLINE"] = "1"  # before transformers loads: nothing here may touch the network

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import torch
from tokenizers import Regex, Tokenizer, models, pre_tokenizers
from transformers import (
    BertConfig,
    BertModel,
    BertTokenizerFast,
    LlamaConfig,
    LlamaModel,
    PreTrainedTokenizerFast,
)

from annotator.rubric import Rubric
from annotator.scorer.data import TEMPLATES, ScorerItem

MARKERS = {3: "拒", 2: "嗯", 1: "好"}
FILLER = [chr(0x4E00 + k) for k in range(200)]
TRAIN_MODELS = ("A", "B", "C", "D", "E")
MODELS = (*TRAIN_MODELS, "MOSS-16B", "InternLM-7B")  # validation and test by the FLAMES defaults


def synthetic_items(rubric: Rubric, n_prompts: int = 40, seed: int = 0) -> list[ScorerItem]:
    rng = random.Random(seed)
    items = []
    for p in range(n_prompts):
        dim = rubric.dimensions[p % len(rubric.dimensions)]
        prompt = "".join(rng.choices(FILLER, k=rng.randint(5, 15)))
        for model in MODELS:
            score = rng.choice(dim.scores)
            words = rng.choices(FILLER, k=rng.randint(8, 30))
            words.insert(rng.randint(0, len(words)), MARKERS[score])
            items.append(ScorerItem(dim.name, prompt, "".join(words), score, model))
    return items


def marker_last_items(items: list[ScorerItem]) -> list[ScorerItem]:
    """The items with each response's marker moved to its end.

    A 2-layer random decoder learns this from 200 examples (the last-token pooling reads a fixed
    distance back), where it overfits the marker placed anywhere (about 55% held out).
    """
    moved = []
    for item in items:
        marker = MARKERS[item.score]
        moved.append(replace(item, response=item.response.replace(marker, "", 1) + marker))
    return moved


@contextmanager
def one_torch_thread() -> Iterator[None]:
    """Tiny models gain nothing from threads, and on a shared machine threads contend."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def tiny_base(path: Path) -> Path:
    """A random 2-layer BERT with a character vocabulary covering the synthetic text."""
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "input", "output", ":"]
    tokens = special + sorted(set(FILLER) | set(MARKERS.values()))
    tokenizer = BertTokenizerFast(vocab={token: i for i, token in enumerate(tokens)})
    config = BertConfig(
        vocab_size=len(tokens),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    return _save_seeded(path, BertModel, config, tokenizer)


def tiny_decoder_base(path: Path) -> Path:
    """A random 2-layer Llama-style decoder with a character vocabulary covering the synthetic text
    and both templates; its tokenizer has an end-of-sequence token and no pad token."""
    template_chars = {char for body, suffix in TEMPLATES.values() for char in body + suffix}
    ascii_chars = {chr(code) for code in range(32, 127)} | {"\n"}
    chars = sorted(template_chars | ascii_chars | set(FILLER) | set(MARKERS.values()))
    vocab = {"<|endoftext|>": 0, "<unk>": 1, **{char: i + 2 for i, char in enumerate(chars)}}
    characters = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    characters.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=characters, eos_token="<|endoftext|>", unk_token="<unk>"
    )
    config = LlamaConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=256,
    )
    return _save_seeded(path, LlamaModel, config, tokenizer)


def _save_seeded(path: Path, model_class: type, config: object, tokenizer: object) -> Path:
    """A model of `model_class` with seeded random weights and its tokenizer, saved in `path`."""
    # Seeded, so the starting weights (and so the tests' accuracy) do not depend on test order.
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model_class(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def write_export(path: Path, items: list[ScorerItem]) -> Path:
    """The items as a scorer export JSONL (dimension, prompt, response, score, model)."""
    rows = [
        {
            "dimension": i.dimension,
            "prompt": i.prompt,
            "response": i.response,
            "score": i.score,
            "model": i.model,
        }
        for i in items
    ]
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path
