"""Rows to JSONL, CSV or Parquet bytes, the same bytes every time for the same rows.

Callers sort the rows; these writers add no timestamps, write floats with Python's shortest
round-trip repr, and give Parquet an explicit schema (no pandas metadata), so exporting the same
data twice yields byte-identical files. In CSV, list columns are JSON text and None is empty.
JSONL escapes U+0085, U+2028 and U+2029, which JSON allows raw but `str.splitlines()` (and, for the
last two, JavaScript) takes for line breaks, so each row is one line for every reader.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.parquet as pq

FILE_FORMATS = ("jsonl", "csv", "parquet")
# The line breaks of str.splitlines() that json.dumps(ensure_ascii=False) leaves unescaped.
_RAW_LINE_BREAKS = ("\u0085", "\u2028", "\u2029")


def rows_to_bytes(rows: Sequence[dict], schema: pa.Schema, fmt: str) -> bytes:
    """`rows` (dicts with the schema's fields, in order) written in `fmt`."""
    if fmt == "jsonl":
        encode = json.JSONEncoder(ensure_ascii=False).encode
        text = "".join([encode(row) + "\n" for row in rows])
        # Raw, these only occur inside JSON strings, where their \u escape decodes to the same text.
        # str.replace, not str.translate: it is many times faster on the large texts of an export.
        for char in _RAW_LINE_BREAKS:
            text = text.replace(char, f"\\u{ord(char):04x}")
        return text.encode("utf-8")
    if fmt == "csv":
        return _csv(rows, schema.names).encode("utf-8")
    if fmt == "parquet":
        sink = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(list(rows), schema=schema), sink, compression="zstd")
        return sink.getvalue()
    raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FILE_FORMATS)})")


def _csv(rows: Sequence[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row[column]) for column in columns])
    return out.getvalue()


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value
