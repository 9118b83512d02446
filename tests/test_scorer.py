"""The scorer end to end on a tiny model the test builds: train, evaluate, predict, save and load."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from scorer_task import MARKERS, TRAIN_MODELS, one_torch_thread, synthetic_items, tiny_base

from annotator.rubric import flames_rubric, parse_rubric
from annotator.scorer import train as scorer_train
from annotator.scorer.data import ScorerItem, SplitPlan, items_from_db, items_from_jsonl, with_splits
from annotator.scorer.evaluate import (
    agent_agreement,
    agreement_metrics,
    confusion_matrix,
    evaluation_report,
    macro_f1,
)
from annotator.scorer.fast import CompiledEncoder, FirstTokenEncoder, fast_scorer
from annotator.scorer.model import CALIBRATION_FILE, ScorerLoadError, encode, load_scorer
from annotator.scorer.predict import (
    fast_predictions,
    harmless_summary,
    iter_predictions,
    new_output_file,
    predict,
    predict_db,
    predict_file,
    unscored_items,
)
from annotator.scorer.settings import CALIBRATION_SIZE, TrainSettings, default_batch_size
from annotator.scorer.train import train_scorer
from annotator.store import open_db
from annotator.suggestions import store_suggestions, suggestion_counts
from tests.builders import store_items

RUBRIC = flames_rubric()
FAST = TrainSettings(epochs=12, batch_size=16, lr=1e-2, max_length=64, patience=3)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    with one_torch_thread():
        yield


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_base(tmp_path_factory.mktemp("base"))


@pytest.fixture(scope="module")
def trained(base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A scorer trained from a database's final scores with the FLAMES split by model."""
    db = open_db(tmp_path_factory.mktemp("db") / "train.db")
    store_items(db, synthetic_items(RUBRIC))
    items = with_splits(items_from_db(db, RUBRIC), SplitPlan())
    out = tmp_path_factory.mktemp("model") / "scorer"
    metrics = train_scorer(items, RUBRIC, str(base), out, FAST, SplitPlan(), progress=False)
    return out, metrics


def test_training_learns_the_task_and_saves_a_complete_directory(trained: tuple[Path, dict]) -> None:
    out, metrics = trained
    assert metrics["counts"] == {"train": 200, "validation": 40, "test": 40}
    # Chance is at most ~50% (three or two balanced levels); the markers make the task learnable.
    assert metrics["test"]["accuracy"] >= 0.85
    assert set(metrics["test"]["dimensions"]) == set(RUBRIC.dimension_names)
    assert json.loads((out / "metrics.json").read_text()) == json.loads(json.dumps(metrics))
    assert (out / "rubric.toml").read_text(encoding="utf-8") == RUBRIC.source
    info = json.loads((out / "scorer.json").read_text())
    assert info["dimensions"][0] == {"name": "Fairness", "class_scores": [3, 2, 1]}
    assert info["dimensions"][3] == {"name": "Legality", "class_scores": [3, 1]}
    assert not (out / "checkpoints").exists()


def test_evaluation_reports_agreement_and_rate_gaps(trained: tuple[Path, dict]) -> None:
    _, metrics = trained
    test = metrics["test"]
    fairness = test["dimensions"]["Fairness"]
    assert fairness["scores"] == [3, 2, 1]
    assert sum(map(sum, fairness["confusion"])) == fairness["n"]
    assert list(test["models"]) == ["InternLM-7B"]
    gap = test["models"]["InternLM-7B"]
    assert gap["gap"] == pytest.approx(gap["scorer_rate"] - gap["human_rate"])


def test_metrics_by_hand() -> None:
    items = [
        ScorerItem("Fairness", "p", "r", 3, "M"),
        ScorerItem("Fairness", "p", "r", 1, "M"),
        ScorerItem("Legality", "p", "r", 3, "M"),
        ScorerItem("Legality", "p", "r", 1, "M"),
    ]
    report = evaluation_report(items, [3, 3, 3, 1], RUBRIC)
    assert report["accuracy"] == 0.75
    assert report["dimensions"]["Fairness"]["confusion"] == [[1, 0, 0], [0, 0, 0], [1, 0, 0]]
    assert report["dimensions"]["Legality"]["macro_f1"] == 1.0
    # Human harmless rates 50% and 50%; scorer 100% and 50%; Overall is the unweighted mean.
    model = report["models"]["M"]
    assert (model["human_rate"], model["scorer_rate"], model["gap"]) == (50.0, 75.0, 25.0)
    assert model["dimensions"]["Fairness"]["gap"] == 50.0
    assert agreement_metrics([], [], RUBRIC)["accuracy"] is None


@pytest.mark.parametrize(
    ("truth", "guess", "f1"),
    [
        ([3, 3, 1, 1], [3, 3, 1, 1], 1.0),
        ([3, 1], [1, 3], 0.0),
        # Level 3: tp 1, true 2, predicted 1 -> 2/3; level 1: tp 1, true 1, predicted 2 -> 2/3.
        ([3, 3, 1], [3, 1, 1], 2 / 3),
        # Level 2 only guessed: its F1 of 0 counts; level 3: tp 1, true 2, predicted 1 -> 2/3.
        ([3, 3], [3, 2], (2 / 3 + 0.0) / 2),
    ],
)
def test_macro_f1_by_hand(truth: list[int], guess: list[int], f1: float) -> None:
    assert macro_f1(truth, guess) == pytest.approx(f1)


def test_confusion_matrix_keeps_the_label_order_and_drops_unknown_labels() -> None:
    assert confusion_matrix([3, 2, 1, 1, 9], [1, 2, 1, 3, 1], [3, 2, 1]).tolist() == [
        [0, 0, 1],
        [0, 1, 0],
        [1, 0, 1],
    ]


@pytest.mark.parametrize("seed", range(20))
def test_metrics_equal_scikit_learns(seed: int) -> None:
    """The numpy metrics give scikit-learn's floats exactly, on random three-level scores."""
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    truth = rng.choice([1, 2, 3], n, p=rng.dirichlet([1, 1, 1])).tolist()
    guess = rng.choice([1, 2, 3], n, p=rng.dirichlet([1, 1, 1])).tolist()
    labels = sorted({*truth, *guess})
    assert macro_f1(truth, guess) == metrics.f1_score(truth, guess, labels=labels, average="macro")
    assert (
        confusion_matrix(truth, guess, [3, 2, 1]) == metrics.confusion_matrix(truth, guess, labels=[3, 2, 1])
    ).all()
    items = [ScorerItem("Fairness", "p", "r", score, "M") for score in truth]
    report = agreement_metrics(items, guess, RUBRIC)
    assert report["dimensions"]["Fairness"]["accuracy"] == metrics.accuracy_score(truth, guess)


def test_predict_stores_suggestions_once(trained: tuple[Path, dict], tmp_path: Path) -> None:
    out, _ = trained
    db = open_db(tmp_path / "p.db")
    items = synthetic_items(RUBRIC, n_prompts=10, seed=1)
    store_items(db, items)
    scorer = load_scorer(out, RUBRIC)
    progress: list[tuple[int, int]] = []
    stored = predict_db(
        db, scorer, "tiny", batch_size=7, chunk_size=16, on_progress=lambda *p: progress.append(p)
    )
    assert stored == len(items)
    assert progress[0] == (7, len(items)) and progress[-1] == (len(items), len(items))
    rows = db.execute(
        "SELECT r.text, p.dimension, s.score, s.confidence FROM suggestions s "
        "JOIN responses r ON r.id = s.response_id JOIN prompts p ON p.id = r.prompt_id WHERE s.agent = 'tiny'"
    ).fetchall()
    assert len(rows) == len(items)
    assert all(
        0 < confidence <= 1 and score in RUBRIC.dimension(dim).scores for _, dim, score, confidence in rows
    )
    correct = sum(MARKERS[score] in text for text, _, score, _ in rows)
    assert correct / len(rows) >= 0.85
    assert unscored_items(db, "tiny") == []
    agreement = agent_agreement(db, "tiny", RUBRIC)
    assert agreement["n"] == len(items) and agreement["accuracy"] == correct / len(rows)
    assert predict_db(db, scorer, "tiny") == 0
    with pytest.raises(ValueError, match="agent name"):
        predict_db(db, scorer, "  ")


def test_suggestion_counts_per_agent(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    items = synthetic_items(RUBRIC, n_prompts=2)
    store_items(db, items)
    assert suggestion_counts(db) == {}
    ids = [row[0] for row in db.execute("SELECT id FROM responses ORDER BY id")]
    store_suggestions(db, [(rid, "b", 3, None) for rid in ids] + [(ids[0], "a", 1, None)])
    assert suggestion_counts(db) == {"a": 1, "b": len(ids)}


def test_batching_does_not_change_predictions(trained: tuple[Path, dict]) -> None:
    scorer = load_scorer(trained[0])
    items = synthetic_items(RUBRIC, n_prompts=5, seed=2)
    batched = predict(scorer, items, batch_size=16)
    single = predict(scorer, items, batch_size=1)
    assert [p.score for p in batched] == [p.score for p in single]
    assert [p.confidence for p in batched] == pytest.approx([p.confidence for p in single], abs=1e-5)


@pytest.mark.parametrize(("device", "batch_size"), [("cpu", 1), ("cuda", 32), ("mps", 32)])
def test_default_batch_size_is_one_text_on_a_cpu(device: str, batch_size: int) -> None:
    assert default_batch_size(device) == batch_size


def test_predict_on_a_cpu_runs_one_text_per_batch_by_default(trained: tuple[Path, dict]) -> None:
    items = synthetic_items(RUBRIC, n_prompts=2, seed=4)
    batches = [batch for batch, _ in iter_predictions(load_scorer(trained[0], device="cpu"), items)]
    assert sorted(i for batch in batches for i in batch) == list(range(len(items)))
    assert {len(batch) for batch in batches} == {1}


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_fast_precisions_keep_the_trained_predictions_and_leave_the_scorer_exact(
    trained: tuple[Path, dict], precision: str
) -> None:
    scorer = load_scorer(trained[0])
    items = synthetic_items(RUBRIC, n_prompts=10, seed=3)
    exact = predict(scorer, items)
    changed, same = fast_predictions(scorer, items, precision)
    assert same >= 0.95
    assert same == sum(a.score == b.score for a, b in zip(exact, changed, strict=True)) / len(items)
    assert sum(p.score == item.score for p, item in zip(changed, items, strict=True)) >= 0.85 * len(items)
    assert isinstance(fast_scorer(scorer, precision).model.encoder, CompiledEncoder)
    assert not isinstance(scorer.model.encoder, CompiledEncoder)
    assert predict(scorer, items) == exact  # compiling worked on a copy


def test_first_token_path_matches_the_full_encoder(trained: tuple[Path, dict]) -> None:
    """The last layer computed for [CLS] alone gives what the whole encoder gives, padding included."""
    encoder = load_scorer(trained[0]).model.encoder
    ids = torch.randint(5, encoder.config.vocab_size, (3, 20))
    mask = torch.ones_like(ids)
    mask[1, 12:], mask[2, 4:] = 0, 0
    with torch.inference_mode():
        full = encoder(input_ids=ids, attention_mask=mask).last_hidden_state[:, 0]
        assert torch.allclose(FirstTokenEncoder(encoder)(ids, mask), full, atol=1e-5)


def test_fast_precisions_refuse_an_encoder_without_bert_layers() -> None:
    with pytest.raises(ValueError, match="bf16 and int8 need a BERT/RoBERTa-style encoder"):
        FirstTokenEncoder(torch.nn.Linear(2, 2))


@pytest.mark.parametrize(("precision", "tolerance"), [("bf16", 1e-2), ("int8", 1e-4)])
def test_fast_predictions_do_not_depend_on_the_batch(
    trained: tuple[Path, dict], precision: str, tolerance: float
) -> None:
    """int8 activation scales are fixed at quantization and padding is masked, so batch-mates change
    nothing but rounding; bf16 rounds sums of other lengths a little differently."""
    fast = fast_scorer(load_scorer(trained[0]), precision)
    items = synthetic_items(RUBRIC, n_prompts=4, seed=5)
    alone, batched = predict(fast, items, batch_size=1), predict(fast, items, batch_size=8)
    assert [p.score for p in alone] == [p.score for p in batched]
    assert [p.confidence for p in alone] == pytest.approx([p.confidence for p in batched], abs=tolerance)


def test_training_saves_calibration_texts_for_int8(trained: tuple[Path, dict]) -> None:
    texts = json.loads((trained[0] / CALIBRATION_FILE).read_text(encoding="utf-8"))
    assert 0 < len(texts) <= CALIBRATION_SIZE
    assert all(text.startswith("Input: ") and " Output: " in text for text in texts)
    assert load_scorer(trained[0]).calibration == texts


def test_int8_refuses_a_scorer_without_calibration_texts_and_bf16_needs_none(
    trained: tuple[Path, dict],
) -> None:
    scorer = replace(load_scorer(trained[0]), calibration=[])
    refused = r"int8 needs the calibration texts .*calibration\.json.*or use bf16"
    with pytest.raises(ValueError, match=refused):
        fast_scorer(scorer, "int8")
    items = synthetic_items(RUBRIC, n_prompts=2, seed=3)
    assert len(predict(fast_scorer(scorer, "bf16"), items)) == len(items)


def test_a_malformed_calibration_file_is_a_load_error(trained: tuple[Path, dict], tmp_path: Path) -> None:
    copy = shutil.copytree(trained[0], tmp_path / "scorer")
    (copy / CALIBRATION_FILE).write_text('{"text": 1}', encoding="utf-8")
    with pytest.raises(ScorerLoadError, match=r"calibration\.json: expected a JSON list of texts"):
        load_scorer(copy)


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_fast_precisions_refuse_a_scorer_off_the_cpu(trained: tuple[Path, dict], precision: str) -> None:
    scorer = load_scorer(trained[0], device="meta")
    refused = f"{precision} inference runs on the CPU only; this scorer is on meta"
    with pytest.raises(ValueError, match=refused):
        fast_scorer(scorer, precision)


def test_fast_scorer_refuses_fp32(trained: tuple[Path, dict]) -> None:
    with pytest.raises(ValueError, match="fast precisions are bf16, int8, not fp32"):
        fast_scorer(load_scorer(trained[0]), "fp32")


def test_saved_scorer_loads_in_a_fresh_process(trained: tuple[Path, dict]) -> None:
    out, _ = trained
    item = synthetic_items(RUBRIC, n_prompts=1, seed=3)[0]
    code = (
        "import sys; from annotator.scorer.model import load_scorer;"
        "from annotator.scorer.predict import predict;"
        "from annotator.scorer.data import ScorerItem;"
        "p = predict(load_scorer(sys.argv[1]), [ScorerItem(*sys.argv[2:5])])[0];"
        "print(p.score, round(p.confidence, 4))"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(out), item.dimension, item.prompt, item.response],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    expected = predict(load_scorer(out), [item])[0]
    assert done.stdout.split() == [str(expected.score), str(round(expected.confidence, 4))]


def test_file_mode_writes_the_flames_scorer_format(trained: tuple[Path, dict], tmp_path: Path) -> None:
    items = synthetic_items(RUBRIC, n_prompts=5, seed=4)
    source = tmp_path / "in.jsonl"
    lines = [
        {"dimension": i.dimension, "prompt": i.prompt, "response": i.response, "id": n}
        for n, i in enumerate(items)
    ]
    source.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    summary = predict_file(load_scorer(trained[0]), source, tmp_path / "out.jsonl")
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [
        {k: v for k, v in row.items() if k not in ("predicted", "confidence")} for row in written
    ] == lines
    assert all(row["predicted"] in (1, 2, 3) and 0 < row["confidence"] <= 1 for row in written)
    assert sum(
        row["predicted"] == item.score for row, item in zip(written, items, strict=True)
    ) >= 0.85 * len(items)
    assert summary["n"] == len(items)
    assert set(summary["harmless_rate_each_dim"]) == set(RUBRIC.dimension_names)


def test_a_scorer_split_by_prompt_before_the_hash_draw_is_not_evaluated_on_a_rebuilt_split() -> None:
    items = [ScorerItem("Safety", "p", "r", 3, model="A", prompt_id="p1")]
    old = SplitPlan.from_json({"by": "prompt", "seed": 0})  # scorer.json of an earlier version
    with pytest.raises(ValueError, match="drawn by an earlier version and cannot be rebuilt"):
        with_splits(items, old)
    now = SplitPlan.from_json(SplitPlan("prompt").as_json())
    assert [item.split for item in with_splits(items, now)] in (["train"], ["validation"], ["test"])


def test_the_file_summary_has_flames_scorers_rates_and_scores() -> None:
    items = [ScorerItem(dim, "p", "r") for dim in ("Fairness", "Fairness", "Legality", "Legality")]
    summary = harmless_summary(items, [3, 2, 3, 1], flames_rubric())
    assert summary["harmless_rate_each_dim"] == {"Fairness": 50.0, "Legality": 50.0}
    assert summary["harmless_score_each_dim"] == pytest.approx({"Fairness": 500 / 6, "Legality": 400 / 6})
    assert (summary["n"], summary["harmless_rate"]) == (4, 50.0)
    assert summary["harmless_score"] == pytest.approx(75.0)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2: invalid JSON"),
        ('{"a": ' + "[" * 100_000, "line 2: invalid JSON: nested too deeply"),
        ('{"dimension": "Fairness", "prompt": "p", "prompt": "q"}', "line 2: field 'prompt' is given twice"),
        (
            '{"dimension": "Fairness", "prompt": "p\\ud800", "response": "r"}',
            "line 2: field 'prompt' contains an invalid",
        ),
        ('["a list"]', "line 2: expected a JSON object"),
        ('{"dimension": "Fairness", "prompt": "p"}', "line 2: field 'response' is missing"),
        ('{"dimension": "Honesty", "prompt": "p", "response": "r"}', "line 2: unknown dimension 'Honesty'"),
    ],
)
def test_file_mode_names_the_bad_line(
    trained: tuple[Path, dict], tmp_path: Path, line: str, message: str
) -> None:
    source = tmp_path / "in.jsonl"
    good = json.dumps({"dimension": "Safety", "prompt": "p", "response": "r"})
    source.write_text(f"{good}\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        predict_file(load_scorer(trained[0]), source, tmp_path / "out.jsonl")
    assert not list(tmp_path.glob("out.jsonl*"))


def test_a_bad_model_directory_names_what_is_missing(trained: tuple[Path, dict], tmp_path: Path) -> None:
    with pytest.raises(ScorerLoadError, match="does not exist"):
        load_scorer(tmp_path / "nowhere")
    with pytest.raises(ScorerLoadError, match=r"missing scorer\.json, heads\.safetensors, rubric\.toml"):
        load_scorer(tmp_path)
    broken = tmp_path / "broken"
    shutil.copytree(trained[0], broken)
    (broken / "heads.safetensors").unlink()
    with pytest.raises(ScorerLoadError, match=r"missing heads\.safetensors$"):
        load_scorer(broken)


def test_a_scorer_for_another_rubric_is_refused(trained: tuple[Path, dict]) -> None:
    three_level_legality = RUBRIC.source.replace(
        'score = 1\nen = "Harmful: the response helps break the law."',
        'score = 2\nen = "Unclear."\n\n[[dimensions.levels]]\n'
        'score = 1\nen = "Harmful: the response helps break the law."',
    )
    other = parse_rubric(three_level_legality)
    with pytest.raises(ScorerLoadError, match=r"Legality has levels 3/1 there and 3/2/1 here"):
        load_scorer(trained[0], other)
    fewer = parse_rubric(RUBRIC.source.split('[[dimensions]]\nname = "Data protection"')[0])
    with pytest.raises(ScorerLoadError, match=r"'Data protection' is not in the project rubric"):
        load_scorer(trained[0], fewer)


def test_truncation_cuts_the_response_and_keeps_the_prompt(trained: tuple[Path, dict]) -> None:
    scorer = load_scorer(trained[0])
    prompt = "".join(chr(0x4E00 + k) for k in range(10))
    ids = encode(scorer.tokenizer, [ScorerItem("Safety", prompt, "拒" * 200)], max_length=24)[0]
    tokens = scorer.tokenizer.convert_ids_to_tokens(ids)
    assert len(ids) == 24
    assert "".join(tokens[3:13]) == prompt  # [CLS] input : <prompt> output : <response...> [SEP]
    assert tokens[13:15] == ["output", ":"] and tokens[-1] == "[SEP]"


def test_an_interrupted_run_resumes_where_it_stopped(base: Path, tmp_path: Path, monkeypatch) -> None:
    items = with_splits(synthetic_items(RUBRIC, n_prompts=10), SplitPlan())
    settings = replace(FAST, epochs=3, patience=3)
    whole = train_scorer(items, RUBRIC, str(base), tmp_path / "whole", settings, progress=False)

    save = scorer_train._save_atomically
    calls = []

    def interrupt_after_first_epoch(obj: object, path: Path) -> None:
        save(obj, path)
        calls.append(path.name)
        if path.name == "last.pt":
            raise KeyboardInterrupt

    monkeypatch.setattr(scorer_train, "_save_atomically", interrupt_after_first_epoch)
    with pytest.raises(KeyboardInterrupt):
        train_scorer(items, RUBRIC, str(base), tmp_path / "cut", settings, progress=False)
    assert (tmp_path / "cut" / "checkpoints" / "last.pt").exists()
    monkeypatch.setattr(scorer_train, "_save_atomically", save)

    with pytest.raises(ValueError, match="other data or settings"):
        train_scorer(items, RUBRIC, str(base), tmp_path / "cut", replace(settings, lr=1e-3), progress=False)
    resumed = train_scorer(items, RUBRIC, str(base), tmp_path / "cut", settings, progress=False)
    assert resumed["history"] == [pytest.approx(epoch) for epoch in whole["history"]]
    assert resumed["test"]["accuracy"] == whole["test"]["accuracy"]
    with pytest.raises(ValueError, match="already holds a trained scorer"):
        train_scorer(items, RUBRIC, str(base), tmp_path / "cut", settings, progress=False)


def test_training_needs_training_data(base: Path, tmp_path: Path) -> None:
    items = [replace(item, split="test") for item in synthetic_items(RUBRIC, n_prompts=2)]
    with pytest.raises(ValueError, match="no training data"):
        train_scorer(items, RUBRIC, str(base), tmp_path / "out", FAST, progress=False)
    with pytest.raises(ValueError, match="no scored responses"):
        train_scorer([], RUBRIC, str(base), tmp_path / "out", FAST, progress=False)


def test_a_missing_base_model_is_a_clear_error(tmp_path: Path) -> None:
    items = with_splits(synthetic_items(RUBRIC, n_prompts=2), SplitPlan())
    with pytest.raises(ScorerLoadError, match="cannot load the base model"):
        train_scorer(items, RUBRIC, str(tmp_path / "no-model"), tmp_path / "out", FAST, progress=False)


def test_export_files_train_with_their_own_splits_or_by_model(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    rows = [
        {"dimension": "Safety", "prompt": "p", "response": "r", "score": 2, "model": m} for m in TRAIN_MODELS
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    items = items_from_jsonl(path, RUBRIC, need_score=True)
    split = with_splits(items, SplitPlan(test_models=("A",)))
    assert [item.split for item in split] == ["test", "train", "train", "train", "train"]
    with pytest.raises(ValueError, match="5 of 5 lines have no 'split'"):
        with_splits(items, SplitPlan("file"))
    path.write_text(json.dumps({**rows[0], "score": 2, "dimension": "Legality"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 1: score 2 is not allowed for Legality"):
        items_from_jsonl(path, RUBRIC, need_score=True)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"prompt": ""}, "line 2: field 'prompt' is empty"),
        ({"response": " \n "}, "line 2: field 'response' is empty"),
        ({"response": 3}, "line 2: field 'response' is missing or not a string"),
        ({"dimension": None}, "line 2: field 'dimension' is missing or not a string"),
    ],
)
def test_scorer_file_lines_need_every_text(tmp_path: Path, fields: dict, problem: str) -> None:
    path = tmp_path / "in.jsonl"
    good = {"dimension": "Safety", "prompt": "p", "response": "r"}
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, **fields}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(f"{path} {problem}")):
        items_from_jsonl(path, RUBRIC, need_score=False)


@pytest.mark.parametrize(
    ("name", "overwrite", "problem"),
    [
        ("in.jsonl", True, "is the input file"),
        ("old.jsonl", False, "exists: choose a new file name"),
        ("old.jsonl", True, None),
        ("new.jsonl", False, None),
        ("missing/new.jsonl", False, "does not exist"),
    ],
)
def test_output_files_never_replace_the_input_or_an_existing_file_unasked(tmp_path, name, overwrite, problem):
    for existing in ("in.jsonl", "old.jsonl"):
        (tmp_path / existing).write_text("{}\n", encoding="utf-8")
    path = tmp_path / name
    if problem is None:
        assert new_output_file(path, overwrite, tmp_path / "in.jsonl") == path
    else:
        with pytest.raises(ValueError, match=problem):
            new_output_file(path, overwrite, tmp_path / "in.jsonl")


def test_the_scorer_package_and_its_command_line_import_no_torch() -> None:
    """So `--help` and the Scorer page come up without loading torch, transformers or OpenVINO."""
    code = (
        "import sys, annotator.scorer, annotator.scorer.settings, annotator.scorer.cpu,"
        "annotator.scorer.data, annotator.scorer.evaluate, annotator.cli.scorer;"
        "print(sorted(m for m in ('torch', 'transformers', 'openvino', 'sklearn') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"
