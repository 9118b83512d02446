"""The scorer on a decoder-only base (last-token pooling) beside the encoder ([CLS]), with both
input templates: train, evaluate and predict through the command line, on tiny models."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from scorer_task import (
    marker_last_items,
    one_torch_thread,
    synthetic_items,
    tiny_base,
    tiny_decoder_base,
    write_export,
)

import annotator.cli
from annotator.i18n import Refusal
from annotator.rubric import flames_rubric
from annotator.scorer.data import TEMPLATES, SplitPlan, scorer_text, with_splits
from annotator.scorer.fast import fast_scorer
from annotator.scorer.model import encode, load_scorer
from annotator.scorer.predict import predict
from annotator.scorer.settings import TrainSettings
from annotator.scorer.train import train_scorer
from annotator.store import open_db
from tests.builders import store_items

RUBRIC = flames_rubric()


@pytest.fixture(autouse=True)
def one_thread(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(annotator.cli, "COMMAND_MODULES", ["annotator.cli.scorer"])
    with one_torch_thread():
        yield


@pytest.fixture(scope="module")
def decoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_decoder_base(tmp_path_factory.mktemp("decoder"))


@pytest.fixture(scope="module")
def trained_decoder(decoder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    items = with_splits(marker_last_items(synthetic_items(RUBRIC)), SplitPlan())
    out = tmp_path_factory.mktemp("model") / "scorer"
    settings = TrainSettings(epochs=12, batch_size=16, lr=3e-3, max_length=128, patience=3)
    return out, train_scorer(items, RUBRIC, str(decoder), out, settings, SplitPlan(), progress=False)


def test_a_decoder_base_learns_the_task_held_out(trained_decoder: tuple[Path, dict]) -> None:
    out, metrics = trained_decoder
    assert metrics["counts"] == {"train": 200, "validation": 40, "test": 40}
    assert metrics["test"]["accuracy"] >= 0.9  # chance is at most ~50%
    assert metrics["processes"] == 1
    info = json.loads((out / "scorer.json").read_text(encoding="utf-8"))
    assert (info["pooling"], info["template"]) == ("last", "paper")


def test_a_tokenizer_without_pad_token_pads_with_its_end_of_sequence(
    decoder: Path, trained_decoder: tuple[Path, dict]
) -> None:
    assert json.loads((decoder / "tokenizer_config.json").read_text()).get("pad_token") is None
    scorer = load_scorer(trained_decoder[0])
    assert scorer.tokenizer.pad_token == scorer.tokenizer.eos_token == "<|endoftext|>"


def test_last_token_pooling_ignores_the_padding(trained_decoder: tuple[Path, dict]) -> None:
    """Batched with longer texts (so padded on the right), a text gets its own predictions."""
    scorer = load_scorer(trained_decoder[0])
    items = marker_last_items(synthetic_items(RUBRIC, n_prompts=4, seed=5))
    alone, batched = predict(scorer, items, batch_size=1), predict(scorer, items, batch_size=8)
    assert [p.score for p in alone] == [p.score for p in batched]
    assert max(abs(a.confidence - b.confidence) for a, b in zip(alone, batched, strict=True)) < 1e-5


def test_a_long_text_keeps_the_template_suffix(decoder: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(decoder)
    item = synthetic_items(RUBRIC, n_prompts=1)[0]
    long = item.__class__(item.dimension, item.prompt, item.response * 20, item.score)
    suffix = tokenizer(TEMPLATES["flames-scorer"][1], add_special_tokens=False)["input_ids"]
    (ids,) = encode(tokenizer, [long], 60, "flames-scorer")
    assert len(ids) == 60 and ids[-len(suffix) :] == suffix
    (paper,) = encode(tokenizer, [long], 60, "paper")  # no suffix: the text's first 60 tokens
    assert paper == tokenizer(scorer_text(long.prompt, long.response))["input_ids"][:60]
    with pytest.raises(Refusal, match="max length 3 leaves no room for the flames-scorer") as refused:
        encode(tokenizer, [long], 3, "flames-scorer")
    assert refused.value.in_language("zh") == "最大长度 3 容不下 `flames-scorer` 模板的文字"


def test_bf16_and_int8_refuse_a_decoder_in_both_languages(trained_decoder: tuple[Path, dict]) -> None:
    with pytest.raises(Refusal, match="need a BERT/RoBERTa-style encoder") as refused:
        fast_scorer(load_scorer(trained_decoder[0]), "bf16")
    assert "编码器" in refused.value.in_language("zh")


def test_bf16_weights_with_accumulation_and_checkpointing(decoder: Path, tmp_path: Path) -> None:
    items = with_splits(marker_last_items(synthetic_items(RUBRIC, n_prompts=10)), SplitPlan())
    settings = TrainSettings(
        epochs=2,
        batch_size=8,
        lr=3e-3,
        max_length=128,
        bf16_weights=True,
        grad_accum=2,
        gradient_checkpointing=True,
    )
    metrics = train_scorer(items, RUBRIC, str(decoder), tmp_path / "s", settings, SplitPlan(), progress=False)
    assert metrics["settings"]["bf16_weights"] is True
    scorer = load_scorer(tmp_path / "s")
    assert scorer.model.encoder.dtype == torch.bfloat16
    assert scorer.model.heads[0].weight.dtype == torch.float32
    predictions = predict(scorer, items[:5])
    assert all(0 <= p.confidence <= 1 for p in predictions)


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = annotator.cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("kind", "template", "pooling"),
    [("encoder", "flames-scorer", "cls"), ("decoder", "flames-scorer", "last")],
)
def test_train_evaluate_predict_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, decoder: Path, kind: str, template: str, pooling: str
) -> None:
    base = decoder if kind == "decoder" else tiny_base(tmp_path / "encoder")
    items = marker_last_items(synthetic_items(RUBRIC, n_prompts=20))
    export = write_export(tmp_path / "export.jsonl", items)
    model = tmp_path / "scorer"
    train = ["--epochs", "3", "--batch-size", "16", "--lr", "0.003", "--max-length", "128"]
    code, out, err = run(
        capsys, "scorer", "train", "--base", str(base), "--out", str(model), "--from-export", str(export),
        "--template", template, *train,
    )  # fmt: skip
    assert code == 0, err
    info = json.loads((model / "scorer.json").read_text(encoding="utf-8"))
    assert (info["pooling"], info["template"], info["settings"]["template"]) == (pooling, template, template)

    code, out, err = run(capsys, "scorer", "evaluate", "--model", str(model), "--from-export", str(export))
    assert code == 0, err
    report = json.loads(out)
    assert report["n"] == 20 and report["precision"] == "fp32"

    scored = tmp_path / "scored.jsonl"
    code, out, err = run(
        capsys, "scorer", "predict", "--model", str(model), "--input", str(export), "--output", str(scored)
    )
    assert code == 0, err
    expected = predict(load_scorer(model), items)
    lines = [json.loads(line) for line in scored.read_text(encoding="utf-8").splitlines()]
    assert [line["predicted"] for line in lines] == [p.score for p in expected]

    db_path = tmp_path / "project.db"
    store_items(open_db(db_path), items)
    code, out, err = run(
        capsys, "--db", str(db_path), "scorer", "predict", "--model", str(model), "--agent", "tiny"
    )
    assert code == 0, err
    assert out.strip() == f"stored {len(items)} suggestions from agent tiny"
    stored = dict(open_db(db_path).execute("SELECT response_id, score FROM suggestions").fetchall())
    assert sorted(stored.values()) == sorted(p.score for p in expected)
