"""`scorer train|evaluate|predict` through the CLI entry point, on a tiny model the test builds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from scorer_task import one_torch_thread, synthetic_items, tiny_base, write_export

import annotator.cli
from annotator.published.export_files import rows_to_bytes
from annotator.published.exports import SCHEMAS
from annotator.rubric import flames_rubric
from annotator.store import open_db
from tests.builders import store_items

RUBRIC = flames_rubric()
FAST = ["--epochs", "12", "--batch-size", "16", "--lr", "0.01", "--max-length", "64", "--patience", "3"]


@pytest.fixture(autouse=True)
def scorer_commands(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(annotator.cli, "COMMAND_MODULES", ["annotator.cli.scorer"])
    with one_torch_thread():
        yield


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = annotator.cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_train_evaluate_predict_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    base = tiny_base(tmp_path / "base")
    items = synthetic_items(RUBRIC)
    export = write_export(tmp_path / "export.jsonl", items)
    model = tmp_path / "scorer"
    code, out, err = run(
        capsys,
        "scorer",
        "train",
        "--base",
        str(base),
        "--out",
        str(model),
        "--from-export",
        str(export),
        *FAST,
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["counts"] == {"train": 200, "validation": 40, "test": 40}
    assert summary["test"]["accuracy"] >= 0.85

    code, out, err = run(
        capsys,
        "scorer",
        "evaluate",
        "--model",
        str(model),
        "--from-export",
        str(export),
        "--output",
        str(tmp_path / "r.json"),
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["split"] == "test" and report["n"] == 40 and report["accuracy"] >= 0.85
    assert list(report["models"]) == ["InternLM-7B"]
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8")) == report
    assert report["precision"] == "fp32" and "identical_to_fp32" not in report

    for precision in ("bf16", "int8"):
        options = ["--from-export", str(export), f"--{precision}"]
        code, out, err = run(capsys, "scorer", "evaluate", "--model", str(model), *options)
        assert code == 0, err
        fast = json.loads(out)
        assert fast["precision"] == precision and fast["identical_to_fp32"] >= 0.9
        assert fast["accuracy"] >= 0.85

    db_path = tmp_path / "p.db"
    store_items(open_db(db_path), synthetic_items(RUBRIC, n_prompts=5, seed=1))
    code, out, err = run(
        capsys, "--db", str(db_path), "scorer", "predict", "--model", str(model), "--agent", "tiny"
    )
    assert (code, out.strip()) == (0, "stored 35 suggestions from agent tiny"), err
    assert (
        open_db(db_path).execute("SELECT COUNT(*) FROM suggestions WHERE agent = 'tiny'").fetchone()[0] == 35
    )

    lines = [{"dimension": i.dimension, "prompt": i.prompt, "response": i.response} for i in items[:10]]
    source = write_jsonl(tmp_path / "in.jsonl", lines)
    for precision in ("bf16", "int8"):
        scored_file = tmp_path / f"out-{precision}.jsonl"
        options = ["--input", str(source), "--output", str(scored_file), f"--{precision}"]
        code, out, err = run(capsys, "scorer", "predict", "--model", str(model), *options)
        assert code == 0, err
        assert json.loads(out)["n"] == 10
        scored = [json.loads(line) for line in scored_file.read_text(encoding="utf-8").splitlines()]
        assert sum(row["predicted"] == i.score for row, i in zip(scored, items, strict=False)) >= 8
    assert all(set(row) == {"dimension", "prompt", "response", "predicted", "confidence"} for row in scored)

    code, _, err = run(
        capsys, "--db", str(tmp_path / "missing.db"), "scorer", "evaluate", "--model", str(model)
    )
    assert code == 1 and "missing.db" in err  # a missing database is named, not created
    assert not (tmp_path / "missing.db").exists()
    open_db(tmp_path / "empty.db")
    code, _, err = run(
        capsys, "--db", str(tmp_path / "empty.db"), "scorer", "evaluate", "--model", str(model)
    )
    assert code == 1  # nothing scored in the database
    assert err == "error: no scored responses in the test split\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scorer", "predict", "--model", "{tmp}/nowhere", "--agent", "x"], "does not exist"),
        (["scorer", "predict", "--model", "{tmp}", "--agent", "x"], "missing scorer.json"),
        (["scorer", "predict", "--model", "{tmp}", "--input", "{tmp}/in.jsonl"], "--input needs --output"),
        # the agent name is checked before the (missing) model is even looked for
        (["scorer", "predict", "--model", "{tmp}/nowhere", "--agent", "a b"], "invalid agent name 'a b'"),
        # the output is checked before the (missing) model is even looked for
        (
            [
                "scorer",
                "predict",
                "--model",
                "{tmp}/nowhere",
                "--input",
                "{tmp}/e.jsonl",
                "--output",
                "{tmp}/e.jsonl",
            ],
            "e.jsonl is the input file",
        ),
        (
            [
                "scorer",
                "evaluate",
                "--model",
                "{tmp}/nowhere",
                "--from-export",
                "{tmp}/e.jsonl",
                "--output",
                "{tmp}/e.jsonl",
                "--overwrite",
            ],
            "e.jsonl is the input file",
        ),
        (
            ["scorer", "train", "--base", "{tmp}", "--out", "{tmp}/m", "--from-export", "{tmp}/e.jsonl"],
            "validation models not in the data: Z",
        ),
        (
            ["scorer", "train", "--base", "{tmp}", "--out", "{tmp}/m", "--from-export", "{tmp}/none.jsonl"],
            "none.jsonl",
        ),
    ],
)
def test_user_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, argv: list[str], message: str
) -> None:
    write_jsonl(
        tmp_path / "e.jsonl",
        [{"dimension": "Safety", "prompt": "p", "response": "r", "score": 3, "model": "A"}],
    )
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    if argv[1] == "train" and "e.jsonl" in argv[-1]:
        argv += ["--validation-models", "Z"]
    open_db(tmp_path / "db.sqlite")  # these are errors of the scorer's options, not of a missing database
    code, _, err = run(capsys, "--db", str(tmp_path / "db.sqlite"), *argv)
    assert code == 1
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err


@pytest.mark.parametrize(
    ("fmt", "name", "found"),
    [
        ("csv", "scorer.csv", "CSV"),
        ("parquet", "scorer.parquet", "Parquet"),
        ("parquet", "renamed.jsonl", "Parquet"),  # known by its magic bytes
    ],
)
@pytest.mark.parametrize(
    "argv",
    [
        ["scorer", "train", "--base", "{tmp}", "--out", "{tmp}/m", "--from-export"],
        ["scorer", "evaluate", "--model", "{tmp}/nowhere", "--from-export"],
    ],
)
def test_a_csv_or_parquet_export_is_named_and_the_jsonl_export_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture, argv: list[str], fmt: str, name: str, found: str
) -> None:
    row = {"dimension": "Safety", "prompt": "p", "response": "r", "score": 3, "split": "train"}
    export = tmp_path / name
    export.write_bytes(rows_to_bytes([row], SCHEMAS["scorer"], fmt))
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    code, _, err = run(capsys, "--db", str(tmp_path / "db.sqlite"), *argv, str(export))
    assert code == 1
    assert err == (
        f"error: {export} is a {found} file, and scorer commands read JSONL: "
        "use the JSONL scorer export (`export scorer --format jsonl`, the default)\n"
    )


WARNINGS = {
    "int8": "warning: The CPU running the scorer has no int8 dot-product instructions (VNNI or AMX)",
    "bf16": "warning: The CPU running the scorer has no bf16 instructions (AVX-512 BF16 or AMX)",
}


@pytest.mark.parametrize(
    ("precision", "lacking", "warned"),
    [
        ("int8", {"int8"}, True),
        ("int8", {"bf16"}, False),
        ("bf16", {"bf16"}, True),
        ("bf16", {"int8"}, False),
        (None, {"int8", "bf16"}, False),
    ],
)
@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_a_fast_precision_on_a_cpu_without_its_instructions_warns_first(
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    precision: str | None,
    lacking: set[str],
    warned: bool,
) -> None:
    monkeypatch.setattr("annotator.cli.scorer.lacks_fast_instructions", lambda name: name in lacking)
    target = ["--agent", "x"] if command == "predict" else []
    options = [f"--{precision}"] if precision else []
    db = str(tmp_path / "db.sqlite")
    open_db(db)
    nowhere = str(tmp_path / "nowhere")
    code, _, err = run(capsys, "--db", db, "scorer", command, "--model", nowhere, *target, *options)
    assert code == 1 and "does not exist" in err  # the warning comes before the model loads
    assert any(warning in err for warning in WARNINGS.values()) is warned
    if warned:
        assert WARNINGS[precision] in err


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_bf16_and_int8_together_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture, command: str
) -> None:
    target = ["--agent", "x"] if command == "predict" else []
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "scorer", command, "--model", str(tmp_path), *target, "--bf16", "--int8")
    assert exit_.value.code == 2
    assert "argument --int8: not allowed with argument --bf16" in capsys.readouterr().err
