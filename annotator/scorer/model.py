"""The scorer network (a shared base model with one head per rubric dimension), its inputs in
batches, saving and loading it.

The base is an encoder (BERT/RoBERTa: the heads read the first, [CLS], token: pooling "cls") or a
decoder-only chat model (Qwen2/Llama-style: the heads read the last non-padding token, the only
one that has seen the whole text: pooling "last"). A scorer directory holds the base as
`save_pretrained` wrote it (so it loads with
`AutoModel.from_pretrained` and can seed another run), its tokenizer, the heads in
`heads.safetensors`, `scorer.json` (dimensions, classes, pooling, template, settings, split), the
rubric TOML the
scorer was trained for, `metrics.json`, and `calibration.json` (a sample of training inputs that
int8 quantization measures activations on). Class i of a dimension's head is the dimension's i-th
level counting from the most harmless (the flames-scorer convention: class 0 = harmless).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import (
    AutoModel,
    AutoTokenizer,
    PretrainedConfig,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from annotator.i18n import Refusal, text
from annotator.rubric import Rubric, RubricError, load_rubric
from annotator.scorer.data import ScorerItem, template_parts
from annotator.scorer.settings import DEFAULT_MAX_LENGTH, DEFAULT_TEMPLATE, TEMPLATE_NAMES, Template

FORMAT_VERSION = 1
INFO_FILE = "scorer.json"
HEADS_FILE = "heads.safetensors"
RUBRIC_FILE = "rubric.toml"
METRICS_FILE = "metrics.json"
CALIBRATION_FILE = "calibration.json"
POOLINGS = ("cls", "last")
# Logit for the classes a dimension does not have: softmax gives them probability 0.
ABSENT_CLASS_LOGIT = -1e4


class ScorerLoadError(Refusal):
    """A scorer directory that is incomplete, unreadable, or trained for another rubric.

    `parts` fill the message's {problems}, each in the same language as the message.
    """

    def __init__(self, key: str, parts: Sequence[Refusal] = (), **values: object) -> None:
        self.parts = tuple(parts)
        super().__init__(key, **values, **self._problems("en"))

    def in_language(self, language: str) -> str:
        return text(self.key, language, **{**self.values, **self._problems(language)})

    def _problems(self, language: str) -> dict[str, str]:
        return (
            {"problems": "; ".join(part.in_language(language) for part in self.parts)} if self.parts else {}
        )


class MultiTaskScorer(nn.Module):
    """Base model + one linear head per dimension, read at the first token ("cls") or at the last
    non-padding one ("last"; batches are padded on the right)."""

    def __init__(
        self,
        encoder: PreTrainedModel,
        level_counts: Sequence[int],
        dropout: float = 0.1,
        pooling: str = "cls",
    ) -> None:
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"pooling is one of {', '.join(POOLINGS)}, not {pooling!r}")
        self.encoder = encoder
        self.pooling = pooling
        self.dropout = nn.Dropout(dropout)
        hidden = encoder.config.hidden_size
        self.heads = nn.ModuleList(nn.Linear(hidden, n) for n in level_counts)
        self.max_levels = max(level_counts)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, dimension: torch.Tensor
    ) -> torch.Tensor:
        """Logits [batch, most levels]; each row from its own dimension's head only."""
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        if self.pooling == "cls":
            hidden = states[:, 0]
        else:
            last = attention_mask.sum(dim=1) - 1
            hidden = states[torch.arange(len(states), device=states.device), last]
        # A base loaded in bf16 feeds the float32 heads in their dtype.
        hidden = self.dropout(hidden.to(self.heads[0].weight.dtype))
        logits = hidden.new_full((len(hidden), self.max_levels), ABSENT_CLASS_LOGIT)
        for index, head in enumerate(self.heads):
            rows = (dimension == index).nonzero(as_tuple=True)[0]
            if len(rows):
                logits[rows, : head.out_features] = head(hidden[rows]).to(logits.dtype)
        return logits

    def heads_state(self) -> dict[str, torch.Tensor]:
        return {f"heads.{k}": v.detach().contiguous() for k, v in self.heads.state_dict().items()}


@dataclass
class Scorer:
    """A scorer ready to run: network, tokenizer, the rubric it was trained for, and its settings."""

    model: MultiTaskScorer
    tokenizer: PreTrainedTokenizerBase
    rubric: Rubric
    max_length: int
    base: str
    template: Template = DEFAULT_TEMPLATE
    info: dict = field(default_factory=dict)  # scorer.json: split plan, training settings
    calibration: list[str] = field(default_factory=list)  # model inputs int8 quantization measures

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def dimension_index(self, dimension: str) -> int:
        return self.rubric.dimension_names.index(self.rubric.dimension(dimension).name)

    def class_scores(self, dimension: str) -> tuple[int, ...]:
        """Score of each class of the dimension's head, class 0 = most harmless."""
        return tuple(level.score for level in self.rubric.dimension(dimension).levels)


def default_device() -> torch.device:
    """The GPU of this process (each launched process has its own, LOCAL_RANK), else the CPU."""
    if not torch.cuda.is_available():
        return torch.device("cpu")
    return torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))


def new_scorer(
    base: str,
    rubric: Rubric,
    max_length: int = DEFAULT_MAX_LENGTH,
    template: Template = DEFAULT_TEMPLATE,
    dtype: torch.dtype = torch.float32,
) -> Scorer:
    """A scorer with the pretrained model `base` (directory or hub id) in `dtype` and fresh float32
    heads; its pooling follows from the base's architecture (base_pooling)."""
    if template not in TEMPLATE_NAMES:
        raise ValueError(f"template is one of {', '.join(TEMPLATE_NAMES)}, not {template!r}")
    try:
        tokenizer = AutoTokenizer.from_pretrained(base)
        # float32 by default: mixed precision (bf16 on GPUs) computes in bf16, updates in float32.
        encoder = AutoModel.from_pretrained(base, dtype=dtype)
    except (OSError, ValueError) as exc:
        raise ScorerLoadError("sc_err_base", base=base, detail=_one_line(exc)) from None
    _prepare_tokenizer(tokenizer)
    levels = [len(d.levels) for d in rubric.dimensions]
    model = MultiTaskScorer(encoder, levels, pooling=base_pooling(encoder.config))
    return Scorer(model, tokenizer, rubric, max_length, base, template)


def base_pooling(config: PretrainedConfig) -> str:
    """ "cls" for an encoder (an architecture trained by masked language modelling: BERT, RoBERTa,
    ...), "last" for a decoder-only model (Qwen2, Llama, InternLM2 in Llama format, ...)."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_MASKED_LM_MAPPING_NAMES

    return "cls" if config.model_type in MODEL_FOR_MASKED_LM_MAPPING_NAMES else "last"


def _prepare_tokenizer(tokenizer: PreTrainedTokenizerBase) -> None:
    # Cutting from the right drops the response's tail first and the prompt only if it alone is
    # longer than the limit ("Input: <prompt> Output: <response>" puts the prompt first).
    tokenizer.truncation_side = "right"
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token


def save_scorer(scorer: Scorer, out_dir: str | Path, info: dict | None = None) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    scorer.model.encoder.save_pretrained(out)
    scorer.tokenizer.save_pretrained(out)
    save_file(scorer.model.heads_state(), out / HEADS_FILE)
    if scorer.calibration:
        calibration = json.dumps(scorer.calibration, ensure_ascii=False)
        (out / CALIBRATION_FILE).write_text(calibration, encoding="utf-8")
    (out / RUBRIC_FILE).write_text(scorer.rubric.source, encoding="utf-8")
    scorer.info = {
        **(info if info is not None else scorer.info),
        "format": FORMAT_VERSION,
        "base": scorer.base,
        "max_length": scorer.max_length,
        "pooling": scorer.model.pooling,
        "template": scorer.template,
        "rubric": scorer.rubric.label,
        "dimensions": [
            {"name": d.name, "class_scores": [level.score for level in d.levels]}
            for d in scorer.rubric.dimensions
        ],
    }
    (out / INFO_FILE).write_text(
        json.dumps(scorer.info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def load_scorer(
    model_dir: str | Path, rubric: Rubric | None = None, device: torch.device | str | None = None
) -> Scorer:
    """Load a saved scorer; with `rubric`, refuse one trained for a different rubric."""
    path = Path(model_dir)
    if not path.is_dir():
        raise ScorerLoadError("sc_err_no_dir", path=path)
    missing = [
        name for name in (INFO_FILE, HEADS_FILE, RUBRIC_FILE, "config.json") if not (path / name).is_file()
    ]
    if not any((path / name).is_file() for name in ("model.safetensors", "pytorch_model.bin")):
        missing.append("model.safetensors")
    if not any((path / name).is_file() for name in ("tokenizer.json", "vocab.txt", "tokenizer_config.json")):
        missing.append("tokenizer.json")
    if missing:
        raise ScorerLoadError("sc_err_incomplete", path=path, missing=", ".join(missing))
    try:
        info = json.loads((path / INFO_FILE).read_text(encoding="utf-8"))
        trained_for = load_rubric(path / RUBRIC_FILE)
        calibration = _calibration(path / CALIBRATION_FILE)
    except (json.JSONDecodeError, UnicodeDecodeError, RubricError) as exc:
        raise ScorerLoadError("sc_err_unreadable", path=path, detail=exc) from None
    if info.get("format") != FORMAT_VERSION:
        raise ScorerLoadError("sc_err_format", path=path / INFO_FILE, format=repr(info.get("format")))
    if rubric is not None:
        check_same_scales(trained_for, rubric, where=str(path))
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        encoder = AutoModel.from_pretrained(path)
        heads = load_file(path / HEADS_FILE)
    except (OSError, ValueError) as exc:
        raise ScorerLoadError("sc_err_load", path=path, detail=_one_line(exc)) from None
    _prepare_tokenizer(tokenizer)
    # Scorers saved before decoder bases say nothing of pooling and template: encoders, the paper's.
    pooling, template = info.get("pooling", "cls"), info.get("template", DEFAULT_TEMPLATE)
    if pooling not in POOLINGS or template not in TEMPLATE_NAMES:
        raise ScorerLoadError("sc_err_format", path=path / INFO_FILE, format=repr((pooling, template)))
    model = MultiTaskScorer(encoder, [len(d.levels) for d in trained_for.dimensions], pooling=pooling)
    try:
        model.heads.load_state_dict({k.removeprefix("heads."): v for k, v in heads.items()})
    except RuntimeError as exc:
        raise ScorerLoadError(
            "sc_err_heads", path=path / HEADS_FILE, rubric_file=RUBRIC_FILE, detail=_one_line(exc)
        ) from None
    model.to(device or default_device()).eval()
    return Scorer(
        model=model,
        tokenizer=tokenizer,
        rubric=trained_for,
        max_length=int(info.get("max_length", DEFAULT_MAX_LENGTH)),
        base=str(info.get("base", "")),
        template=template,
        info=info,
        calibration=calibration,
    )


def _calibration(path: Path) -> list[str]:
    """The saved calibration texts; none for a scorer saved without them (int8 then refuses)."""
    if not path.is_file():
        return []
    texts = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
        raise ScorerLoadError("sc_err_calibration", path=path)
    return texts


def check_same_scales(trained_for: Rubric, expected: Rubric, where: str) -> None:
    """ScorerLoadError unless both rubrics have the same dimensions with the same levels."""
    have = {d.name: d.scores for d in trained_for.dimensions}
    want = {d.name: d.scores for d in expected.dimensions}
    problems = [Refusal("sc_err_dimension_missing", name=name) for name in want if name not in have]
    problems += [Refusal("sc_err_dimension_extra", name=name) for name in have if name not in want]
    problems += [
        Refusal("sc_err_levels", name=name, there=_levels(have[name]), here=_levels(want[name]))
        for name in want
        if name in have and have[name] != want[name]
    ]
    if problems:
        raise ScorerLoadError(
            "sc_err_rubric", problems, where=where, trained=trained_for.label, expected=expected.label
        )


def _levels(scores: tuple[int, ...]) -> str:
    return "/".join(str(s) for s in sorted(scores, reverse=True))


def _one_line(exc: Exception) -> str:
    """transformers' messages span lines; a CLI error is one line."""
    return " ".join(str(exc).split())


def encode(
    tokenizer: PreTrainedTokenizerBase,
    items: Sequence[ScorerItem],
    max_length: int,
    template: Template = DEFAULT_TEMPLATE,
) -> list[list[int]]:
    """Token ids of each item's text, cut to `max_length` at the response's end (a template's
    suffix is kept whole after the cut)."""
    if not items:
        return []
    parts = [template_parts(item.prompt, item.response, template) for item in items]
    suffix = parts[0][1]
    if not suffix:
        return tokenizer([body for body, _ in parts], truncation=True, max_length=max_length)["input_ids"]
    tail = tokenizer(suffix, add_special_tokens=False)["input_ids"]
    if len(tail) >= max_length:
        raise Refusal("sc_err_max_length", max_length=max_length, template=template)
    bodies = tokenizer([body for body, _ in parts], truncation=True, max_length=max_length - len(tail))
    return [ids + tail for ids in bodies["input_ids"]]


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, longest first (so memory peaks at once)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def collate(ids: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """input_ids and attention_mask padded to the longest sequence of this batch only."""
    width = max(len(seq) for seq in ids)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, seq in enumerate(ids):
        input_ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
        mask[row, : len(seq)] = 1
    return input_ids, mask
