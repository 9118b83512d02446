"""Fast CPU inference: the scorer's encoder compiled by OpenVINO in bf16, or in int8 after NNCF's
post-training quantization (int8 weights and activations).

bf16 keeps fp32's range with an 8-bit mantissa and needs no calibration; int8 activation scales
are fixed once, from the calibration texts the scorer saved at training time, so a text's result
does not depend on the texts batched with it, and the same scorer gives the same int8 predictions
in every run. Which is faster, and by how much, depends on the CPU's instructions
(annotator/scorer/cpu.py); docs/performance.md has the figures of
bench/scorer_bench.py and bench/scorer_fidelity.py.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import sys
import warnings
from dataclasses import replace

from annotator.i18n import Refusal

try:
    import nncf
    import openvino as ov
except ImportError:  # the optional fast-CPU extra (requirements-fast.txt) is not installed
    raise Refusal("fast_extra_missing") from None
import torch
from torch import nn
from torch.nn import functional
from transformers import PretrainedConfig
from transformers.modeling_outputs import BaseModelOutput

from annotator.i18n import Refusal
from annotator.scorer.data import scorer_text
from annotator.scorer.model import MultiTaskScorer, Scorer
from annotator.scorer.settings import FAST_PRECISIONS, FastPrecision

# OpenVINO compiles a kernel set per input shape; rounding lengths up to a multiple of this
# keeps the shapes few (16 up to 512 tokens) at the cost of a few padded positions.
PAD_MULTIPLE = 32

nncf.set_log_level(logging.ERROR)


class FirstTokenEncoder(nn.Module):
    """The encoder's last hidden state at the first ([CLS]) token, all the heads read.

    The last layer runs for that token only (its query, output and feed-forward; keys and values
    for every token), which saves about 7% of a pass; the result is the same as the full layer's.
    """

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        if not isinstance(getattr(getattr(encoder, "encoder", None), "layer", None), nn.ModuleList):
            raise Refusal("sc_err_fast_encoder", kind=type(encoder).__name__)
        self.trunk = copy.deepcopy(encoder)
        self.last = self.trunk.encoder.layer[-1]
        self.trunk.encoder.layer = self.trunk.encoder.layer[:-1]

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.trunk(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        layer = self.last
        size = layer.attention.self.attention_head_size

        def by_head(x: torch.Tensor) -> torch.Tensor:  # shapes read off x, so the trace keeps them dynamic
            return x.unflatten(-1, (-1, size)).transpose(1, 2)

        attention = layer.attention.self
        query = by_head(attention.query(hidden[:, :1]))
        key, value = by_head(attention.key(hidden)), by_head(attention.value(hidden))
        keep = attention_mask[:, None, None, :].bool()
        context = functional.scaled_dot_product_attention(query, key, value, attn_mask=keep)
        context = context.transpose(1, 2).flatten(2)
        attended = layer.attention.output.LayerNorm(layer.attention.output.dense(context) + hidden[:, :1])
        out = layer.output.LayerNorm(layer.output.dense(layer.intermediate(attended)) + attended)
        return out[:, 0]


class CompiledEncoder(nn.Module):
    """Stands in for the encoder in MultiTaskScorer; its last_hidden_state holds the first token only."""

    def __init__(self, compiled: ov.CompiledModel, config: PretrainedConfig, pad_id: int) -> None:
        super().__init__()
        self.request = compiled.create_infer_request()
        self.config = config
        self.pad_id = pad_id

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> BaseModelOutput:
        extra = -input_ids.shape[1] % PAD_MULTIPLE
        inputs = {
            "input_ids": functional.pad(input_ids, (0, extra), value=self.pad_id).numpy(),
            "attention_mask": functional.pad(attention_mask, (0, extra), value=0).numpy(),
        }
        first = torch.from_numpy(self.request.infer(inputs)[0].copy())
        return BaseModelOutput(last_hidden_state=first.unsqueeze(1))


def fast_scorer(scorer: Scorer, precision: FastPrecision) -> Scorer:
    """The scorer with its encoder compiled for this CPU in bf16 or int8 (quantized first).

    It may change a few predictions: check how many with `scorer evaluate --bf16/--int8` first.
    """
    if precision not in FAST_PRECISIONS:
        raise ValueError(f"fast precisions are {', '.join(FAST_PRECISIONS)}, not {precision}")
    if scorer.device.type != "cpu":
        raise Refusal("sc_err_fast_device", precision=precision, device=scorer.device.type)
    if scorer.model.pooling != "cls":  # the compiled encoder returns the first token's state only
        raise Refusal("sc_err_fast_encoder", kind=type(scorer.model.encoder).__name__)
    if precision == "int8" and not scorer.calibration:
        raise Refusal("sc_err_int8_calibration")
    # int8 measures activation ranges on the calibration texts; bf16 needs an input to trace only.
    texts = scorer.calibration if precision == "int8" else [scorer_text("", "", scorer.template)]
    samples = [_model_inputs(scorer, text) for text in texts]
    dynamic = ov.PartialShape([-1, -1])
    # The trace warns of shape checks that it freezes; with a full attention mask given they
    # never depend on the input (no padding added inside, no causal mask). OpenVINO converts a
    # PyTorch model by torch.jit.trace, which torch now says is deprecated, and the tracer reads
    # every attribute of every module, among them transformers' deprecated is_gradient_checkpointing:
    # warnings about OpenVINO's own calls, not ours, so silenced for this call only.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", r"`torch\.jit\.trace(_method)?` is deprecated", DeprecationWarning)
        warnings.filterwarnings("ignore", r"`is_gradient_checkpointing` is deprecated", FutureWarning)
        model = ov.convert_model(
            FirstTokenEncoder(scorer.model.encoder).eval(),
            example_input={name: torch.from_numpy(array) for name, array in samples[0].items()},
            input=[("input_ids", dynamic, ov.Type.i64), ("attention_mask", dynamic, ov.Type.i64)],
        )
    if precision == "int8":
        model = _quantized(model, samples)
    # int8 keeps what it does not quantize (softmax, LayerNorm, GELU) in f32, so that only the
    # quantization changes predictions.
    compiled = ov.Core().compile_model(
        model,
        "CPU",
        {"INFERENCE_PRECISION_HINT": "bf16" if precision == "bf16" else "f32", "PERFORMANCE_HINT": "LATENCY"},
    )
    encoder = CompiledEncoder(compiled, scorer.model.encoder.config, scorer.tokenizer.pad_token_id)
    model = MultiTaskScorer(encoder, [head.out_features for head in scorer.model.heads]).eval()
    model.heads.load_state_dict(scorer.model.heads.state_dict())
    return replace(scorer, model=model)


def _quantized(model: ov.Model, samples: list[dict]) -> ov.Model:
    with contextlib.redirect_stdout(sys.stderr):  # NNCF's progress bars would mix into CLI output
        return nncf.quantize(
            model,
            nncf.Dataset(samples),
            model_type=nncf.ModelType.TRANSFORMER,
            subset_size=len(samples),
            # The full bias correction kept a few more near-tie predictions than the fast one
            # (98.9% identical instead of 98.4% on bench/scorer_fidelity.py) at no cost in speed.
            fast_bias_correction=False,
        )


def _model_inputs(scorer: Scorer, text: str) -> dict:
    encoded = scorer.tokenizer(text, truncation=True, max_length=scorer.max_length, return_tensors="np")
    return {name: encoded[name].astype("int64") for name in ("input_ids", "attention_mask")}
