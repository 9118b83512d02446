"""Every piece of text a page shows, gathered from an AppTest run, and checks that it is in the UI
language: used by the test that walks every page in zh and en."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd
import sqlite_utils
from google.protobuf.descriptor import FieldDescriptor
from streamlit.testing.v1 import AppTest

# Proto fields that hold no text a person reads (ids, keys, styles, raw data handled apart).
SKIP_FIELDS = {
    "id",
    "form_id",
    "key",
    "spec",
    "theme",
    "css",
    "icon",
    "language",
    "format",
    "type",
    "column_config",
    "column_order",
    "styler",
    "data",
    "arrow_data",
    "url",
    "selection_mode",
    "default",
    "value",
    "raw_value",
    "vega_lite_chart",
    "autocomplete",
}
# Elements whose text is data, not UI: code blocks hold files and tables to copy (markdown
# leaderboard, dataset card), html elements hold untrusted text (prompts, responses, notes).
DATA_ELEMENTS = {"code", "html"}
TABLES = ("dataframe", "arrow_data_frame", "table")
# st.components.v2 components: their code is no text, their props (JSON) hold the text they draw.
COMPONENTS = "bidi_component"
# Props of the scoring component that are data: the prompt, and in its items the responses and
# what the person wrote.
COMPONENT_DATA = {"prompt", "prompt_text"}
COMPONENT_ITEM_DATA = {"id", "letter", "text", "explanation", "evidence"}
# Elements whose text is read from their data (a frame, a chart's spec, props), not their proto.
READ_APART = (*TABLES, "plotly_chart", COMPONENTS)
PLACEHOLDER = re.compile(r"\{\w+\}")
# Names that stay as they are in every language (statistics, formats, the project's name).
PROPER_NAMES = {
    "flames",
    "krippendorff",
    "krippendorff's",
    "cohen",
    "cohen's",
    "gwet",
    "gwet's",
    "ac",
    "fleiss",
    "jsonl",
    "csv",
    "parquet",
    "json",
    "markdown",
    "readme",
    "english",
    "alpha",
    "kappa",
    "mid",  # the mid-p interval
    "p",
    "agresti",
    "coull",
    "dirichlet",
    "openai",  # OpenAI-compatible endpoints, and the formats and terms around them
    "llm",
    "toml",
    "api",
    "id",
    "iso",
    "k",
    "n",
    "cpu",  # hardware: the scorer's precisions and batch sizes
    "gpu",
    "avx",
    "amx",
    "vnni",
    "enter",  # a key's name, as on the keyboard (the scoring page's shortcuts)
}
# One capital letter: a blind response's letter (回复 A) or a key (E, M, J, K).
LETTER = re.compile(r"[A-Z]")
# Inline code is a literal command, option or identifier to type (`scorer evaluate --bf16`).
CODE_SPAN = re.compile(r"`[^`]+`")
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z'’]*(?![A-Za-z0-9_])")
FILE_NAME = re.compile(r"[\w-]+\.[A-Za-z]+\b")
TAG = re.compile(r"</?[a-z]+>")
CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
# Columns of the database whose text is data (what people and models wrote, names and ids).
DATA_COLUMNS = {
    "prompts": ("id", "text", "batch", "source_file"),
    "responses": ("id", "text"),
    "labels": ("explanation",),
    "flags": ("note",),
    "guidelines": ("markdown",),
    "adjudications": ("note",),
    "models": ("name",),
    "users": ("name",),
    "suggestions": ("agent",),
    "import_batches": ("id", "source_file"),
}


def data_text(db: sqlite_utils.Database) -> str:
    """All data text of the database in one string (a UI text found in it is data, not UI)."""
    parts = []
    for table, columns in DATA_COLUMNS.items():
        for row in db.execute(f"SELECT {', '.join(columns)} FROM {table}"):
            parts += [str(value) for value in row if value is not None]
    return "\n".join(parts)


def _proto_strings(message) -> Iterator[str]:
    for field, value in message.ListFields():
        if field.name in SKIP_FIELDS:
            continue
        values = value if getattr(field, "is_repeated", False) else [value]
        for item in values:
            if field.type == FieldDescriptor.TYPE_STRING:
                yield item
            elif field.type == FieldDescriptor.TYPE_MESSAGE:
                yield from _proto_strings(item)


def _frame_strings(frame: pd.DataFrame, where: str, problems: list[str]) -> Iterator[str]:
    yield from (str(column) for column in frame.columns)
    for column in frame.columns:
        values = frame[column]
        if values.dtype == bool:
            problems.append(f"{where}: column {column!r} shows true/false")
        else:
            if values.isna().any():
                problems.append(f"{where}: column {column!r} shows None")
            if values.dtype == object:
                yield from (str(value) for value in values.dropna())


def _chart_strings(spec: dict, where: str, problems: list[str]) -> Iterator[str]:
    layout = spec.get("layout", {})
    title = (layout.get("title") or {}).get("text")
    if not title:
        problems.append(f"{where}: a chart without a title")
    else:
        yield title
    for axis in ("xaxis", "yaxis"):
        if axis not in layout or (layout[axis].get("visible") is False):
            continue
        axis_title = (layout[axis].get("title") or {}).get("text")
        if not axis_title:
            problems.append(f"{where}: chart {title!r} has no {axis} title")
        else:
            yield axis_title
    yield from [(layout.get("legend", {}).get("title") or {}).get("text") or ""]
    yield from (note.get("text", "") for note in layout.get("annotations", []))
    for trace in spec.get("data", []):
        yield trace.get("name") or ""
        yield re.sub(r"%\{[^}]*\}", " ", trace.get("hovertemplate") or "")
        for key in ("x", "y", "text"):
            values = trace.get(key)
            if isinstance(values, list):
                yield from (value for value in values if isinstance(value, str))


def _component_strings(props: dict) -> Iterator[str]:
    """The strings the scoring component draws from its props, but data (the prompt, responses,
    what the person wrote); placeholders such as {letter} are filled in by its code."""

    def strings(value: object, data: set[str]) -> Iterator[str]:
        if isinstance(value, dict):
            for name, item in value.items():
                if name not in data:
                    yield from strings(item, data)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item, data)
        elif isinstance(value, str):
            yield PLACEHOLDER.sub(" ", value)

    yield from strings({k: v for k, v in props.items() if k != "items"}, COMPONENT_DATA)
    yield from strings(props.get("items", []), COMPONENT_ITEM_DATA)


def page_texts(at: AppTest) -> tuple[list[str], list[str]]:
    """The texts the page shows, and problems found on the way (a chart without a title, ...)."""
    texts: list[str] = []
    problems: list[str] = []

    def walk(node) -> None:
        kind = getattr(node, "type", "")
        if kind in DATA_ELEMENTS:
            return
        proto = getattr(node, "proto", None)
        if kind in TABLES:
            texts.extend(_frame_strings(node.value, kind, problems))
        elif kind == "plotly_chart":
            texts.extend(_chart_strings(json.loads(proto.spec), kind, problems))
        elif kind == COMPONENTS:
            texts.extend(_component_strings(json.loads(proto.json)))
        elif kind in ("arrow_vega_lite_chart", "vega_lite_chart"):
            problems.append("a Vega-Lite chart: its axis names cannot be checked (use plotly)")
        elif kind == "multiselect" and not proto.placeholder:
            problems.append(f"multiselect {proto.label!r}: Streamlit's English placeholder")
        if proto is not None and hasattr(proto, "ListFields") and kind not in READ_APART:
            texts.extend(_proto_strings(proto))
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return [text for text in texts if text and text.strip()], problems


def foreign_text(texts: list[str], language: str, data: str) -> list[str]:
    """Texts with words of the other language that are neither data nor proper names."""
    found = []
    data_words = {word.lower() for word in LATIN_WORD.findall(data)}
    for text in texts:
        text = FILE_NAME.sub(" ", TAG.sub(" ", CODE_SPAN.sub(" ", text)))
        if language == "zh":
            found_words = (word.strip("'’") for word in LATIN_WORD.findall(text))
            words = [
                w
                for w in found_words
                if w.lower() not in PROPER_NAMES | data_words and not LETTER.fullmatch(w)
            ]
        else:
            words = [run for run in CJK_RUN.findall(text) if run not in data and run.strip("，。：；（）、")]
        if words:
            found.append(f"{words} in {text[:120]!r}")
    return sorted(set(found))
