"""Exports: pointwise, pairs (reward models) or scorer data, each with its dataset card, as downloads."""

from __future__ import annotations

import sqlite_utils
import streamlit as st

from annotator.agreement.report import data_version
from annotator.i18n import LANGUAGES
from annotator.published.dataset_card import CARD_LANGUAGES
from annotator.published.export_files import FILE_FORMATS
from annotator.published.exports import (
    DEFAULT_LICENSE,
    KINDS,
    Export,
    ExportData,
    ExportOptions,
    build_export,
    read_export_data,
)
from annotator.store import default_db_path
from pages.common import db, dimension_names, language, refusal, require_access, t

user = require_access("exports")
st.title(t("page_exports"))

MIME_TYPES = {"jsonl": "application/jsonl", "csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


# Read once per data version (one consistent snapshot), however often the options change.
@st.cache_data(show_spinner=False, max_entries=2)
def _data(_db: sqlite_utils.Database, path: str, version: tuple) -> ExportData:
    return read_export_data(_db)


@st.cache_data(show_spinner=False, max_entries=16)
def _export(_data: ExportData, path: str, version: tuple, kind: str, options: ExportOptions) -> Export:
    return build_export(_data, kind, options)


path, version = str(default_db_path()), data_version(db())
data = _data(db(), path, version)
if not data.responses:
    st.info(t("no_scored_data"))
    st.stop()

# Option labels are fixed at render time: a format_func that reads the language later would not know it.
kinds = {kind: t(f"ex_kind_{kind}") for kind in KINDS}
kind = st.radio(t("ex_kind"), KINDS, format_func=kinds.__getitem__, horizontal=True, key="ex_kind")
left, card, middle, right = st.columns(4)
file_format = left.selectbox(t("ex_format"), FILE_FORMATS, key="ex_format")
# The UI language at first, then whatever the person picks.
card_language = card.selectbox(
    t("ex_card_language"),
    CARD_LANGUAGES,
    index=CARD_LANGUAGES.index(language()) if language() in CARD_LANGUAGES else 0,
    format_func=LANGUAGES.__getitem__,
    key="ex_card_language",
)
pseudonymise = middle.checkbox(t("ex_pseudonymise"), key="ex_pseudonymise")
license_text = right.text_input(t("ex_license"), value=DEFAULT_LICENSE, key="ex_license")
left, middle, right = st.columns(3)
names = dimension_names()
choose = {"placeholder": t("choose_options")}
dimensions = left.multiselect(
    t("ex_dimensions"),
    data.rubric.dimension_names,
    format_func=names.__getitem__,
    key="ex_dimensions",
    **choose,
)
batches = middle.multiselect(t("ex_batches"), sorted(data.known["batch"]), key="ex_batches", **choose)
models = right.multiselect(t("ex_models"), sorted(data.known["model"]), key="ex_models", **choose)

settings: dict[str, object] = {}
if kind == "pairs":
    margin = st.number_input(t("ex_min_margin"), min_value=1, value=1, key="ex_min_margin")
    settings["min_margin"] = int(margin)
if kind == "scorer":
    splits = {"model": t("ex_split_model"), "prompt": t("ex_split_prompt")}
    settings["split"] = st.radio(
        t("ex_split"), list(splits), format_func=splits.__getitem__, horizontal=True, key="ex_split"
    )
    if settings["split"] == "model":
        left, right = st.columns(2)
        held_out = sorted(data.known["model"])
        validation = left.multiselect(t("ex_validation_models"), held_out, key="ex_validation", **choose)
        test = right.multiselect(t("ex_test_models"), held_out, key="ex_test", **choose)
        settings["validation_models"] = tuple(validation) or None
        settings["test_models"] = tuple(test) or None
    else:
        settings["seed"] = int(st.number_input(t("seed"), min_value=0, value=0, key="ex_seed"))

options = ExportOptions(
    format=file_format,
    dimensions=tuple(dimensions) or None,
    batches=tuple(batches) or None,
    models=tuple(models) or None,
    pseudonymise=pseudonymise,
    license=license_text.strip() or DEFAULT_LICENSE,
    card_language=card_language,
    **settings,
)
try:
    built = _export(data, path, version, kind, options)
except ValueError as exc:
    st.error(refusal(exc))
    st.stop()

st.metric(t("ex_rows"), built.rows)
if not built.rows:
    st.warning(t("ex_no_rows"))
left, right = st.columns(2)
left.download_button(
    t("ex_download", filename=built.filename),
    built.data,
    file_name=built.filename,
    mime=MIME_TYPES[file_format],
    type="primary",
    key="ex_download_data",
)
right.download_button(
    t("ex_download_card"),
    built.card.encode("utf-8"),
    file_name="README.md",
    mime="text/markdown",
    key="ex_download_card",
)
with st.expander(t("ex_card_preview"), expanded=True):
    # As code, not rendered: the card quotes names people typed, and must not fetch or run anything.
    st.code(built.card, language="markdown")
