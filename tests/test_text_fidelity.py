"""Hostile and unusual text survives import, storage, the annotator's view and every export unchanged."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import sqlite_utils

from annotator import annotation, importers
from annotator.ids import prompt_id, response_id
from annotator.published import exports
from annotator.store import now, transaction
from annotator.users import add_user

TRICKY = (
    "  leading and trailing spaces  "
    "控制字符\x00\x01\x07\x1b[31m\x7f\x85 tab\t cr\r crlf\r\n lf\n"
    "עברית والعربية \u202eRTL override\u202c \u200f"
    "emoji 👩🏽‍💻 🇨🇳 \U0001f600 "
    "combining e\u0301 A\u030a \u1100\u1161 ﬁ "  # decomposed forms: NFC would change these
    "mixed Ελληνικά Кириллица 日本語 한국어 हिन्दी "
    "zero width \u200b\u200d\ufeff "
    "<script>alert(1)</script> **markdown** ' \" \\ , ; -- "
)
PROMPT = TRICKY + "这个问题是什么意思？"
LONG_RESPONSE = TRICKY * (1_048_576 // len(TRICKY.encode("utf-8")) + 1)  # over 1 MiB in UTF-8
SHORT_RESPONSE = "\u05d0" + TRICKY + "\n"
EXPLANATION = TRICKY + "理由"
MODELS = {"model-long": LONG_RESPONSE, "模型-短": SHORT_RESPONSE}


def write(path: Path, rows: list[dict]) -> Path:
    if path.suffix == ".csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_bytes(out.getvalue().encode("utf-8"))
    else:
        path.write_bytes("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8"))
    return path


@pytest.fixture(params=["jsonl", "csv"])
def stored(request, db: sqlite_utils.Database, tmp_path: Path) -> sqlite_utils.Database:
    """The tricky texts imported from a file of each format, scored and submitted by alice."""
    fmt = request.param
    prompts = [{"dimension": "Fairness", "subcomponent": "Bias and discrimination", "prompt": PROMPT}]
    importers.import_file(db, "prompts", write(tmp_path / f"prompts.{fmt}", prompts))
    responses = [{"prompt": PROMPT, "model": model, "response": text} for model, text in MODELS.items()]
    importers.import_file(db, "responses", write(tmp_path / f"responses.{fmt}", responses))
    add_user(db, "alice", "annotator", None)
    with transaction(db):
        db.execute(
            "INSERT INTO assignments (prompt_id, annotator, assigned_at) VALUES (?, 'alice', ?)",
            [prompt_id(PROMPT), now()],
        )
    for model in MODELS:
        rid = response_id(prompt_id(PROMPT), model)
        annotation.save_score(db, "alice", rid, 2)
        annotation.save_explanation(db, "alice", rid, EXPLANATION)
    annotation.submit_prompt(db, "alice", prompt_id(PROMPT))
    return db


def test_the_long_response_is_over_a_megabyte():
    assert len(LONG_RESPONSE.encode("utf-8")) > 1_000_000


def test_stored_text_is_byte_for_byte_what_the_file_held(stored):
    assert stored.execute("SELECT text FROM prompts").fetchone()[0].encode() == PROMPT.encode()
    texts = dict(stored.execute("SELECT model, text FROM responses").fetchall())
    assert {model: text.encode() for model, text in texts.items()} == {
        model: text.encode() for model, text in MODELS.items()
    }
    explanations = {row[0] for row in stored.execute("SELECT explanation FROM labels")}
    assert explanations == {EXPLANATION}
    assert {
        row[0] for row in stored.execute("SELECT explanation FROM label_history WHERE explanation != ''")
    } == {EXPLANATION}


def test_the_annotator_sees_the_text_intact(stored):
    view = annotation.prompt_view(stored, "alice", prompt_id(PROMPT), reveal_models=True)
    assert view.text.encode() == PROMPT.encode()
    assert {item.model: item.text.encode() for item in view.items} == {
        model: text.encode() for model, text in MODELS.items()
    }
    assert {item.explanation for item in view.items} == {EXPLANATION}


def decoded(data: bytes, fmt: str) -> list[dict]:
    if fmt == "jsonl":
        return [json.loads(line) for line in data.decode("utf-8").split("\n") if line]
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
        for row in rows:
            row["labels"] = json.loads(row["labels"])
        return rows
    return pq.read_table(io.BytesIO(data)).to_pylist()


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_exports_carry_the_text_byte_for_byte(stored, fmt):
    built = exports.build_export(
        exports.read_export_data(stored), "pointwise", exports.ExportOptions(format=fmt)
    )
    rows = decoded(built.data, fmt)
    assert {row["model"]: row["response"].encode() for row in rows} == {
        model: text.encode() for model, text in MODELS.items()
    }
    assert {row["prompt"].encode() for row in rows} == {PROMPT.encode()}
    assert {label["explanation"] for row in rows for label in row["labels"]} == {EXPLANATION}
