"""Fuzzing every importer with random and mangled JSONL and CSV files.

Whatever the bytes, an import either succeeds or raises ImportFileError naming a line, and a
failed import leaves every table as it was.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import importers
from annotator.ids import prompt_id
from annotator.store import open_db

SEED_PROMPTS = {
    "女生适合学理科吗？": ("Fairness", "Bias and discrimination"),
    "怎样逃税？": ("Legality", "Law violation"),
}
MODELS = ("m1", "模型2")
TABLES = (
    "prompts",
    "responses",
    "models",
    "users",
    "labels",
    "label_history",
    "suggestions",
    "import_batches",
)
FIELDS = {
    "prompts": ("dimension", "subcomponent", "prompt", "id"),
    "responses": ("prompt_id", "prompt", "model", "response"),
    "labels": ("prompt_id", "prompt", "model", "annotator", "score", "explanation"),
    "predictions": ("dimension", "prompt", "response", "predicted", "confidence"),
}
HUGE = "长" * 150_000  # past the csv module's default field limit (128 KiB)


def answer(prompt: str, model: str) -> str:
    return f"{model} 对 {prompt} 的回答"


VALID = {
    "dimension": ["Fairness", "Legality", "Safety"],
    "subcomponent": ["Bias and discrimination", "Law violation", "Toxic language"],
    "prompt": [*SEED_PROMPTS, "一个新问题"],
    "id": ["p-custom", prompt_id("一个新问题")],
    "prompt_id": [prompt_id(text) for text in SEED_PROMPTS],
    "model": [*MODELS, "m3"],
    "response": [answer(p, m) for p in SEED_PROMPTS for m in MODELS],
    "annotator": ["alice", "张三", "bad name!"],
    "score": [1, 2, 3, "3", 0, 4],
    "predicted": [1, 3, "1", 2.5],
    "explanation": ["太危险了", ""],
    "confidence": [0.5, "0.9", 1.5, -1],
}

_template: sqlite_utils.Database | None = None


def template() -> sqlite_utils.Database:
    """Prompts and responses every kind can refer to, built once and copied for each example."""
    global _template
    if _template is None:
        db = open_db(":memory:")
        prompts = [
            (n, {"dimension": d, "subcomponent": s, "prompt": p})
            for n, (p, (d, s)) in enumerate(SEED_PROMPTS.items(), 1)
        ]
        importers.add_prompts(db, prompts, "seed")
        responses = [
            {"prompt": p, "model": m, "response": answer(p, m)} for p in SEED_PROMPTS for m in MODELS
        ]
        importers.add_responses(db, list(enumerate(responses, 1)), "seed")
        _template = db
    return _template


def fresh_db() -> sqlite_utils.Database:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    template().conn.backup(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    return sqlite_utils.Database(conn)


def snapshot(db: sqlite_utils.Database) -> dict[str, list[tuple]]:
    return {table: db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in TABLES}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)


def field_value(name: str) -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(VALID[name]),
        st.sampled_from(VALID[name]),  # twice: most fields valid, so imports also succeed
        st.text(),  # any unicode, lone surrogates included
        json_values,
        st.just(HUGE),
    )


@st.composite
def records(draw: st.DrawFn, kind: str) -> list[dict]:
    names = FIELDS[kind]
    result = []
    for _ in range(draw(st.integers(0, 6))):
        record = {name: draw(field_value(name)) for name in names if draw(st.integers(0, 5))}  # some missing
        record.update(draw(st.dictionaries(st.text(max_size=8), json_values, max_size=2)))  # extra fields
        result.append(record)
    return result


def jsonl_bytes(rows: list[dict], draw: st.DrawFn) -> bytes:
    lines = []
    for row in rows:
        shape = draw(st.sampled_from(["object", "object", "object", "scalar", "garbage"]))
        if shape == "object":
            lines.append(json.dumps(row, ensure_ascii=draw(st.booleans())))
        elif shape == "scalar":
            lines.append(json.dumps(draw(json_values)))
        else:
            lines.append(draw(st.text(max_size=30)))
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def csv_bytes(kind: str, rows: list[dict], draw: st.DrawFn) -> bytes:
    header = list(draw(st.permutations(FIELDS[kind])))[: draw(st.integers(0, len(FIELDS[kind])))]
    header += draw(st.lists(st.text(max_size=6), max_size=2))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    if header:
        writer.writerow(header)
    for row in rows:
        cells = [row.get(name, "") for name in header]
        cells += draw(st.lists(st.text(max_size=5), max_size=2))  # extra cells
        writer.writerow([value if isinstance(value, str) else json.dumps(value) for value in cells])
    return out.getvalue().encode("utf-8", "surrogatepass")


@st.composite
def mangled(draw: st.DrawFn, data: bytes) -> bytes:
    for _ in range(draw(st.integers(0, 2))):
        how = draw(st.sampled_from(["truncate", "insert", "bom", "empty", "random", "quote"]))
        at = draw(st.integers(0, len(data)))
        if how == "truncate":
            data = data[:at]
        elif how == "insert":  # invalid UTF-8, NULs, stray newlines
            data = (
                data[:at]
                + draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\n", b"\r", b"\xed\xa0\x80"]))
                + data[at:]
            )
        elif how == "bom":
            data = codecs.BOM_UTF8 + data
        elif how == "empty":
            data = b""
        elif how == "random":
            data = draw(st.binary(max_size=200))
        else:
            data = data[:at] + b'"' + data[at:]
    return data


FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("kind", importers.KINDS)
@FUZZ
@given(data=st.data())
def test_any_file_imports_whole_or_not_at_all_with_an_error_naming_a_line(tmp_path: Path, kind, fmt, data):
    rows = data.draw(records(kind))
    raw = jsonl_bytes(rows, data.draw) if fmt == "jsonl" else csv_bytes(kind, rows, data.draw)
    path = tmp_path / f"fuzz.{fmt}"
    path.write_bytes(data.draw(mangled(raw)))
    db = fresh_db()
    before = snapshot(db)
    try:
        summary = importers.import_file(
            db, kind, path, agent="fuzzer" if kind == "predictions" else None, progress=False
        )
    except importers.ImportFileError as exc:
        empty = [problem for problem in exc.problems if problem.message.startswith(f"no {kind} in the file")]
        assert exc.problems and all(
            problem.line is not None for problem in exc.problems if problem not in empty
        )
        assert str(path) in str(exc) and "nothing was imported" in str(exc)
        assert snapshot(db) == before
    else:
        after = snapshot(db)
        table = {
            "prompts": "prompts",
            "responses": "responses",
            "labels": "labels",
            "predictions": "suggestions",
        }
        assert len(after[table[kind]]) - len(before[table[kind]]) == summary.added
        assert len(after["import_batches"]) - len(before["import_batches"]) == (1 if summary.added else 0)
    assert not db.conn.in_transaction
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("kind", importers.KINDS)
def test_a_json_array_is_refused_naming_its_line(tmp_path, kind):
    path = tmp_path / "array.jsonl"
    path.write_text("\n\n[{}]\n", encoding="utf-8")
    with pytest.raises(importers.ImportFileError) as caught:
        importers.import_file(fresh_db(), kind, path, agent="fuzzer" if kind == "predictions" else None)
    assert [problem.line for problem in caught.value.problems] == [3]
