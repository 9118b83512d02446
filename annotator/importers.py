"""Import prompts, responses, labels and scorer predictions from JSON Lines or CSV files.

Every import checks all its records first and writes them in one transaction: a file with any
bad line imports nothing, and the error names the file, the line, the field and the problem.
Ids come from content, so importing the same file again adds nothing. A record that contradicts
what is stored (the same id with other content, a label or suggestion that exists with another
score) is an error too: an import never overwrites anything.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import secrets
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils
from tqdm import tqdm

from annotator import ids, users
from annotator.rubric import Dimension, Rubric, RubricError
from annotator.states import AssignmentStatus, LabelStatus, Role
from annotator.store import now, project_rubric, transaction
from annotator.suggestions import check_agent_name, store_suggestions, suggested_scores

KINDS = ("prompts", "responses", "labels", "predictions")
FORMATS = {".jsonl": "jsonl", ".json": "jsonl", ".csv": "csv"}
CONTENT_FIELDS = ("dimension", "subcomponent", "prompt")
MAX_PROBLEMS = 5  # an import stops checking after this many problems
Record = tuple[int, Mapping[str, Any]]  # (line number, field -> value)

csv.field_size_limit(1 << 30)  # the default (128 KiB) would refuse long model responses


@dataclass(frozen=True)
class Problem:
    source: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}, line {self.line}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}"


class ImportFileError(ValueError):
    """Records that cannot be imported; raised before anything is written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        text = "; ".join(str(problem) for problem in problems[:MAX_PROBLEMS])
        if len(problems) >= MAX_PROBLEMS:
            text += f" (stopped after {MAX_PROBLEMS} problems)"
        super().__init__(f"{text}; nothing was imported")


@dataclass(frozen=True)
class ImportSummary:
    kind: str  # one of KINDS
    source_file: str
    added: int
    existing: int  # already in the database
    repeated: int = 0  # the same record again later in the same file
    batch: str | None = None  # the import_batches id; None when nothing was added
    new_models: tuple[str, ...] = ()
    new_annotators: tuple[str, ...] = ()  # created inactive, without a password
    agent: str | None = None
    reopened: int = 0  # submitted assignments put back in queues for new responses

    @property
    def sentence(self) -> str:
        noun = "suggestions" if self.kind == "predictions" else self.kind
        for_agent = f" from agent {self.agent!r}" if self.agent else ""
        if self.added == 0:
            text = f"{self.source_file}: nothing new: {_count(self.existing, noun)}{for_agent} already there"
        else:
            text = f"{self.source_file}: added {_count(self.added, noun)}{for_agent} (batch {self.batch})"
            if self.existing:
                text += f", {self.existing:,} already there"
        if self.repeated:
            text += f", {self.repeated:,} repeated in the file"
        if self.new_models:
            text += f"; new models: {', '.join(self.new_models)}"
        if self.new_annotators:
            text += f"; created inactive accounts without a password for: {', '.join(self.new_annotators)}"
        if self.reopened:
            text += (
                f"; {_count(self.reopened, 'submitted assignments')} reopened to score the new responses"
                " (their scores stay counted)"
            )
        return text + "."


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun[:-1] if n == 1 else noun}"


# Reading files


def file_format(path: str | Path) -> str:
    """'jsonl' or 'csv', from the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        message = f"unknown file type {suffix or '(none)'!r}: use {', '.join(FORMATS)}"
        raise ImportFileError([Problem(str(path), None, None, message)])
    return FORMATS[suffix]


def read_text(path: str | Path) -> str:
    """The file as text: UTF-8, with or without a byte order mark."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror or exc}"
        raise ImportFileError([Problem(str(path), None, None, message)]) from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        raise ImportFileError([Problem(str(path), line, None, message)]) from None


def parse_records(text: str, fmt: str, source: str) -> Iterator[Record]:
    """(line number, record) for every non-blank line (JSONL) or row (CSV) of `text`."""
    return _parse_csv(text, source) if fmt == "csv" else _parse_jsonl(text, source)


def read_records(path: str | Path) -> Iterator[Record]:
    return parse_records(read_text(path), file_format(path), str(path))


class JsonLineError(ValueError):
    """A JSON line that cannot be read as a record, with the field at fault when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def json_value(line: str) -> object:
    """One line's JSON value. Also refused: an object with a field given twice (json.loads would
    silently keep the last) and text that is not valid Unicode (an unpaired surrogate escape)."""
    try:
        return json.loads(line, object_pairs_hook=_checked_object)
    except json.JSONDecodeError as exc:
        raise JsonLineError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise JsonLineError("invalid JSON: nested too deeply") from None


def _checked_object(pairs: list[tuple[str, object]]) -> dict:
    fields: dict = {}
    for key, value in pairs:
        if key in fields:
            raise JsonLineError("is given twice (one value would be dropped)", key)
        if not _valid_unicode(key) or not _valid_unicode(value):
            raise JsonLineError("contains an invalid character (an unpaired surrogate)", key)
        fields[key] = value
    return fields


def _valid_unicode(value: object) -> bool:
    """False for text (also inside a list) holding a lone surrogate, which cannot be stored or written."""
    if isinstance(value, list):
        return all(_valid_unicode(item) for item in value)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def _parse_jsonl(text: str, source: str) -> Iterator[Record]:
    if text.lstrip().startswith("["):
        message = "a JSON array is not supported: write one JSON object per line (JSON Lines)"
        line = text[: len(text) - len(text.lstrip())].count("\n") + 1  # where the array starts
        raise ImportFileError([Problem(source, line, None, message)])
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json_value(line)
        except JsonLineError as exc:
            raise ImportFileError([Problem(source, number, exc.field, exc.message)]) from None
        if not isinstance(value, dict):
            message = f"expected a JSON object {{...}}, found {_type_name(value)}"
            raise ImportFileError([Problem(source, number, None, message)])
        yield number, value


def _parse_csv(text: str, source: str) -> Iterator[Record]:
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(rows, [])]
        if not any(header):
            raise ImportFileError([Problem(source, 1, None, "the CSV file has no header line")])
        if repeated := sorted({name for name in header if name and header.count(name) > 1}):
            message = "the header names this column twice (one value would be dropped)"
            raise ImportFileError([Problem(source, 1, repeated[0], message)])
        start = rows.line_num + 1
        for row in rows:
            line, start = start, rows.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                message = f"{len(row)} cells but the header names {len(header)} columns"
                raise ImportFileError([Problem(source, line, None, message)])
            yield line, dict(zip(header, row, strict=False))  # missing trailing cells = absent fields
    except csv.Error as exc:
        raise ImportFileError([Problem(source, rows.line_num, None, f"invalid CSV: {exc}")]) from None


# Checking fields


class _Bad(Exception):
    """One record's problem, turned into a `Problem` with the line number by the import loop."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"


def _show(value: str, limit: int = 40) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _key(text: str) -> str:
    """Text as compared: NFC, trimmed (as the content ids hash it)."""
    return unicodedata.normalize("NFC", text.strip())


def _optional_text(record: Mapping[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None or value == "":  # an empty CSV cell is an absent field
        return None
    if not isinstance(value, str):
        raise _Bad(name, f"must be text, not {_type_name(value)}")
    if not value.strip():
        raise _Bad(name, "empty text")
    return value


def _text(record: Mapping[str, Any], name: str) -> str:
    value = _optional_text(record, name)
    if value is None:
        raise _Bad(name, "missing" if record.get(name) is None else "empty text")
    return value


def _score(rubric: Rubric, dimension: str, record: Mapping[str, Any], name: str) -> int:
    value = record.get(name)
    if value is None or value == "":
        raise _Bad(name, "missing")
    try:
        return rubric.check_score(dimension, value)
    except RubricError as exc:
        raise _Bad(name, str(exc)) from None


def _confidence(record: Mapping[str, Any]) -> float | None:
    value = record.get("confidence")
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Bad("confidence", f"must be a number, not {_type_name(value)}")
    try:
        number = float(value)
    except ValueError:
        raise _Bad("confidence", f"must be a number, not {_show(value)}") from None
    if not (math.isfinite(number) and 0 <= number <= 1):
        raise _Bad("confidence", f"must be between 0 and 1, not {value!r}")
    return number


def _dimension(rubric: Rubric, record: Mapping[str, Any]) -> str:
    name = _text(record, "dimension").strip()
    try:
        rubric.dimension(name)
    except RubricError as exc:
        raise _Bad("dimension", str(exc)) from None
    return name


@dataclass
class _StoredPrompts:
    dimension: dict[str, str]  # id -> dimension
    by_text: dict[str, str]  # _key(text) -> id


def _stored_prompts(db: sqlite_utils.Database) -> _StoredPrompts:
    dimension, by_text = {}, {}
    for prompt_id, dim, text in db.execute("SELECT id, dimension, text FROM prompts"):
        dimension[prompt_id] = dim
        by_text[_key(text)] = prompt_id
    return _StoredPrompts(dimension, by_text)


def _prompt_ref(record: Mapping[str, Any], prompts: _StoredPrompts) -> str:
    """The stored prompt a record names by 'prompt_id' or by 'prompt' text."""
    given_id = _optional_text(record, "prompt_id")
    text = _optional_text(record, "prompt")
    if given_id is None and text is None:
        raise _Bad("prompt_id", "missing (give 'prompt_id' or 'prompt')")
    if given_id is not None:
        prompt_id = given_id.strip()
        if prompt_id not in prompts.dimension:
            raise _Bad("prompt_id", f"unknown prompt {_show(prompt_id)} (import the prompts first)")
        if text is not None and prompts.by_text.get(_key(text)) != prompt_id:
            raise _Bad("prompt", f"is not the text of prompt {prompt_id!r}")
        return prompt_id
    assert text is not None
    found = prompts.by_text.get(_key(text))
    if found is None:
        raise _Bad("prompt", f"unknown prompt {_show(text)} (import the prompts first)")
    return found


# The import loop shared by every kind


def _checked(
    records: Iterable[Record],
    source: str,
    kind: str,
    progress: bool,
    total: int | None,
    check: Callable[[int, Mapping[str, Any]], None],
) -> None:
    """Run `check` on every record; raise ImportFileError with the first problems found."""
    problems: list[Problem] = []
    seen = False
    bar = tqdm(
        total=total, desc=f"import {kind}", unit="line", file=sys.stderr, disable=not progress, delay=0.5
    )
    try:
        for line, record in records:
            seen = True
            bar.update(line - bar.n)
            try:
                check(line, record)
            except _Bad as bad:
                problems.append(Problem(source, line, bad.field, bad.message))
                if len(problems) >= MAX_PROBLEMS:
                    break
    except ImportFileError as exc:  # unreadable line: the file cannot be read further
        problems.extend(exc.problems)
    finally:
        bar.close()
    if not seen and not problems:  # most likely the wrong file: say so rather than report success
        problems.append(Problem(source, None, None, f"no {kind} in the file (empty, or a CSV header only)"))
    if problems:
        raise ImportFileError(problems)


def _conflict_where(line: int | None) -> str:
    return "in the database" if line is None else f"on line {line}"


def _new_batch(db: sqlite_utils.Database, kind: str, source: str, added: int, existing: int) -> str:
    stamp = now()
    batch = f"{kind}-{stamp.replace(':', '').replace('-', '')[:15]}-{secrets.token_hex(3)}"
    db.execute(
        "INSERT INTO import_batches (id, kind, source_file, created_at, added, existing) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [batch, kind, source, stamp, added, existing],
    )
    return batch


def _sized(records: Iterable[Record], total: int | None) -> int | None:
    if total is None and hasattr(records, "__len__"):
        return len(records)  # type: ignore[arg-type]
    return total


# Record-level importers: already-parsed records, numbered by line


def add_prompts(
    db: sqlite_utils.Database,
    records: Iterable[Record],
    source_file: str,
    *,
    progress: bool = False,
    total: int | None = None,
) -> ImportSummary:
    """Prompts {"dimension", "subcomponent", "prompt", "id"?}; the id defaults to a hash of the text."""
    with transaction(db):
        rubric = project_rubric(db)
        # id -> ((dimension, subcomponent, text key), line or None when stored)
        known: dict[str, tuple[tuple[str, str, str], int | None]] = {}
        text_owner: dict[str, str] = {}
        for prompt_id, dim, sub, text in db.execute("SELECT id, dimension, subcomponent, text FROM prompts"):
            known[prompt_id] = ((dim, sub, _key(text)), None)
            text_owner[_key(text)] = prompt_id
        rows: list[tuple[str, str, str, str]] = []
        counts = {"existing": 0, "repeated": 0}

        def check(line: int, record: Mapping[str, Any]) -> None:
            dimension = _dimension(rubric, record)
            subcomponent = (_optional_text(record, "subcomponent") or "").strip()
            if not subcomponent and rubric.dimension(dimension).subcomponents:
                raise _Bad("subcomponent", "missing")
            try:
                rubric.check_subcomponent(dimension, subcomponent)
            except RubricError as exc:
                raise _Bad("subcomponent", str(exc)) from None
            text = _text(record, "prompt")
            given_id = _optional_text(record, "id")
            prompt_id = ids.prompt_id(text) if given_id is None else given_id.strip()
            content = (dimension, subcomponent, _key(text))
            if prompt_id in known:
                stored, where = known[prompt_id]
                if stored == content:
                    counts["existing" if where is None else "repeated"] += 1
                    return
                field = next(
                    f for f, old, new in zip(CONTENT_FIELDS, stored, content, strict=True) if old != new
                )
                raise _Bad(
                    field,
                    f"prompt {prompt_id!r} exists {_conflict_where(where)} with another "
                    f"{'text' if field == 'prompt' else field}; an import never changes a prompt",
                )
            owner = text_owner.get(content[2])
            if owner is not None:
                where = known[owner][1]
                raise _Bad("prompt", f"the same text is already prompt {owner!r} {_conflict_where(where)}")
            known[prompt_id] = (content, line)
            text_owner[content[2]] = prompt_id
            rows.append((prompt_id, dimension, subcomponent, text))

        _checked(records, source_file, "prompts", progress, _sized(records, total), check)
        existing = counts["existing"] + counts["repeated"]
        batch = _new_batch(db, "prompts", source_file, len(rows), existing) if rows else None
        created = now()
        db.conn.executemany(
            "INSERT INTO prompts (id, dimension, subcomponent, text, source_file, batch, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*row, source_file, batch, created) for row in rows],
        )
    return ImportSummary("prompts", source_file, len(rows), counts["existing"], counts["repeated"], batch)


def add_responses(
    db: sqlite_utils.Database,
    records: Iterable[Record],
    source_file: str,
    *,
    progress: bool = False,
    total: int | None = None,
) -> ImportSummary:
    """Responses {"prompt_id" or "prompt", "model", "response"}; new models are added too."""
    with transaction(db):
        prompts = _stored_prompts(db)
        known: dict[str, tuple[str, int | None]] = {
            response_id: (_key(text), None)
            for response_id, text in db.execute("SELECT id, text FROM responses")
        }
        models = {name for (name,) in db.execute("SELECT name FROM models")}
        new_models: list[str] = []
        rows: list[tuple[str, str, str, str]] = []
        counts = {"existing": 0, "repeated": 0}

        def check(line: int, record: Mapping[str, Any]) -> None:
            prompt_id = _prompt_ref(record, prompts)
            model = _text(record, "model").strip()
            text = _text(record, "response")
            response_id = ids.response_id(prompt_id, model)
            if response_id in known:
                stored, where = known[response_id]
                if stored != _key(text):
                    raise _Bad(
                        "response",
                        f"model {model!r} already has another response to prompt {prompt_id!r} "
                        f"{_conflict_where(where)}; an import never changes a response",
                    )
                counts["existing" if where is None else "repeated"] += 1
                return
            known[response_id] = (_key(text), line)
            if model not in models:
                models.add(model)
                new_models.append(model)
            rows.append((response_id, prompt_id, model, text))

        _checked(records, source_file, "responses", progress, _sized(records, total), check)
        existing = counts["existing"] + counts["repeated"]
        batch = _new_batch(db, "responses", source_file, len(rows), existing) if rows else None
        created = now()
        db.conn.executemany(
            "INSERT INTO models (name, created_at) VALUES (?, ?)", [(name, created) for name in new_models]
        )
        db.conn.executemany(
            "INSERT INTO responses (id, prompt_id, model, text, source_file, batch, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*row, source_file, batch, created) for row in rows],
        )
        reopened = _reopen_for_new_responses(db, {row[1] for row in rows})
    return ImportSummary(
        "responses",
        source_file,
        len(rows),
        counts["existing"],
        counts["repeated"],
        batch,
        tuple(new_models),
        reopened=reopened,
    )


def add_collected_response(
    db: sqlite_utils.Database, prompt_id: str, model: str, text: str, source_file: str, batch: str | None
) -> str | None:
    """One answer collected from a model's endpoint, stored as a responses import stores it (the
    model added if new, submitted assignments of the prompt reopened), into import batch `batch`,
    which is created when None. Returns the batch, or None when the model already has a response
    to the prompt (kept as it is). Unlike a file import, an empty answer is stored: it is what the
    model returned."""
    response_id = ids.response_id(prompt_id, model)
    with transaction(db):
        if db.execute("SELECT 1 FROM responses WHERE id = ?", [response_id]).fetchone():
            return None
        if batch is None:
            batch = _new_batch(db, "responses", source_file, 0, 0)
        created = now()
        db.execute("UPDATE import_batches SET added = added + 1 WHERE id = ?", [batch])
        db.execute("INSERT OR IGNORE INTO models (name, created_at) VALUES (?, ?)", [model, created])
        db.execute(
            "INSERT INTO responses (id, prompt_id, model, text, source_file, batch, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [response_id, prompt_id, model, text, source_file, batch, created],
        )
        _reopen_for_new_responses(db, {prompt_id})
    return batch


def _reopen_for_new_responses(db: sqlite_utils.Database, prompt_ids: set[str]) -> int:
    """Put prompts that got new responses back in the queues of those who had submitted them; the
    number of assignments reopened. Their submitted scores stay counted (reopening by hand would
    make them drafts): only the new responses are left to score before submitting again."""
    return db.execute(
        "UPDATE assignments SET status = ?, submitted_at = NULL "
        "WHERE status = ? AND prompt_id IN (SELECT value FROM json_each(?))",
        [AssignmentStatus.OPEN, AssignmentStatus.SUBMITTED, json.dumps(sorted(prompt_ids))],
    ).rowcount


def add_labels(
    db: sqlite_utils.Database,
    records: Iterable[Record],
    source_file: str,
    *,
    progress: bool = False,
    total: int | None = None,
) -> ImportSummary:
    """Submitted labels {"prompt_id" or "prompt", "model", "annotator", "score", "explanation"?}.

    Unknown annotators get an inactive account without a password (they cannot log in).
    """
    with transaction(db):
        rubric = project_rubric(db)
        prompts = _stored_prompts(db)
        responses = {response_id for (response_id,) in db.execute("SELECT id FROM responses")}
        people = {name for (name,) in db.execute("SELECT name FROM users")}
        known: dict[tuple[str, str], tuple[int | None, str, int | None]] = {
            (response_id, annotator): (score, _key(explanation), None)
            for response_id, annotator, score, explanation in db.execute(
                "SELECT response_id, annotator, score, explanation FROM labels WHERE status = ?",
                [LabelStatus.SUBMITTED],
            )
        }
        drafts = set(
            db.execute(
                "SELECT response_id, annotator FROM labels WHERE status = ?", [LabelStatus.DRAFT]
            ).fetchall()
        )
        new_annotators: list[str] = []
        rows: list[tuple[str, str, int, str]] = []
        counts = {"existing": 0, "repeated": 0}

        def check(line: int, record: Mapping[str, Any]) -> None:
            prompt_id = _prompt_ref(record, prompts)
            model = _text(record, "model").strip()
            response_id = ids.response_id(prompt_id, model)
            if response_id not in responses:
                raise _Bad(
                    "model",
                    f"label for an unknown response: no response from {model!r} to prompt {prompt_id!r} "
                    "(import the responses first)",
                )
            annotator = _text(record, "annotator").strip()
            try:
                users.check_name(annotator)
            except users.UserError as exc:
                raise _Bad("annotator", str(exc)) from None
            if annotator not in people and (other := users.lookalike(annotator, people)):
                raise _Bad("annotator", f"{annotator!r} looks like the user {other!r}: use the same spelling")
            score = _score(rubric, prompts.dimension[prompt_id], record, "score")
            explanation = _optional_text(record, "explanation") or ""
            if (response_id, annotator) in drafts:
                raise _Bad(
                    "annotator",
                    f"{annotator!r} has an unsubmitted draft for this response in the app; an import never "
                    "changes a label: let them submit it (or leave this line out)",
                )
            if (response_id, annotator) in known:
                old_score, old_explanation, where = known[response_id, annotator]
                if (old_score, old_explanation) != (score, _key(explanation)):
                    differs = f"score {old_score}" if old_score != score else "another explanation"
                    raise _Bad(
                        "score" if old_score != score else "explanation",
                        f"{annotator!r} already has a label with {differs} for this response "
                        f"{_conflict_where(where)}; an import never changes a label",
                    )
                counts["existing" if where is None else "repeated"] += 1
                return
            # Only for new labels: one imported before the rubric asked for explanations is "already there".
            _check_explanation(rubric.dimension(prompts.dimension[prompt_id]), score, explanation)
            known[response_id, annotator] = (score, _key(explanation), line)
            if annotator not in people:
                people.add(annotator)
                new_annotators.append(annotator)
            rows.append((response_id, annotator, score, explanation))

        _checked(records, source_file, "labels", progress, _sized(records, total), check)
        existing = counts["existing"] + counts["repeated"]
        batch = _new_batch(db, "labels", source_file, len(rows), existing) if rows else None
        for name in new_annotators:
            users.add_user(db, name, Role.ANNOTATOR, None, active=False)
        created = now()
        db.conn.executemany(
            "INSERT INTO labels (response_id, annotator, score, explanation, status, created_at, updated_at, "
            "submitted_at, source, rubric_version) "
            f"VALUES (?, ?, ?, ?, '{LabelStatus.SUBMITTED}', ?, ?, ?, 'import', ?)",
            [(*row, created, created, created, rubric.label) for row in rows],
        )
    return ImportSummary(
        "labels",
        source_file,
        len(rows),
        counts["existing"],
        counts["repeated"],
        batch,
        new_annotators=tuple(new_annotators),
    )


def _check_explanation(dimension: Dimension, score: int, explanation: str) -> None:
    if dimension.needs_explanation(score) and not explanation.strip():
        raise _Bad(
            "explanation",
            f"the rubric asks for an explanation with a score below "
            f"{dimension.explanation_required_below} in {dimension.name}",
        )


def add_predictions(
    db: sqlite_utils.Database,
    records: Iterable[Record],
    source_file: str,
    agent: str,
    *,
    progress: bool = False,
    total: int | None = None,
) -> ImportSummary:
    """flames-scorer output {"dimension", "prompt", "response", "predicted", "confidence"?} as suggestions.

    A prediction applies to every stored response to that prompt with that text (models that gave
    the very same answer get the same suggestion).
    """
    with transaction(db):
        agent = check_agent_name(db, agent)
        rubric = project_rubric(db)
        prompts = _stored_prompts(db)
        by_text: dict[tuple[str, str], list[str]] = {}
        for response_id, prompt_id, text in db.execute("SELECT id, prompt_id, text FROM responses"):
            by_text.setdefault((prompt_id, _key(text)), []).append(response_id)
        known: dict[str, tuple[int, int | None]] = {
            response_id: (score, None) for response_id, score in suggested_scores(db, agent).items()
        }
        rows: list[tuple[str, int, float | None]] = []
        counts = {"existing": 0, "repeated": 0}

        def check(line: int, record: Mapping[str, Any]) -> None:
            dimension = _dimension(rubric, record)
            text = _text(record, "prompt")
            prompt_id = prompts.by_text.get(_key(text))
            if prompt_id is None:
                raise _Bad("prompt", f"unknown prompt {_show(text)} (import the prompts first)")
            if prompts.dimension[prompt_id] != dimension:
                raise _Bad(
                    "dimension",
                    f"prompt {prompt_id!r} belongs to {prompts.dimension[prompt_id]!r}, not {dimension!r}",
                )
            response_ids = by_text.get((prompt_id, _key(_text(record, "response"))))
            if response_ids is None:
                raise _Bad(
                    "response",
                    f"unknown response: no stored response to prompt {prompt_id!r} has this text "
                    "(import the responses first)",
                )
            score = _score(rubric, dimension, record, "predicted")
            confidence = _confidence(record)
            for response_id in response_ids:
                if response_id in known:
                    old_score, where = known[response_id]
                    if old_score != score:
                        raise _Bad(
                            "predicted",
                            f"agent {agent!r} already suggests {old_score} for this response "
                            f"{_conflict_where(where)}; import under another --agent name",
                        )
                    counts["existing" if where is None else "repeated"] += 1
                    continue
                known[response_id] = (score, line)
                rows.append((response_id, score, confidence))

        _checked(records, source_file, "predictions", progress, _sized(records, total), check)
        existing = counts["existing"] + counts["repeated"]
        batch = _new_batch(db, "predictions", source_file, len(rows), existing) if rows else None
        # Joins this import's transaction: the batch and its suggestions commit together.
        store_suggestions(
            db, [(response_id, agent, score, confidence) for response_id, score, confidence in rows]
        )
    return ImportSummary(
        "predictions", source_file, len(rows), counts["existing"], counts["repeated"], batch, agent=agent
    )


# File importers


def import_file(
    db: sqlite_utils.Database,
    kind: str,
    path: str | Path,
    *,
    agent: str | None = None,
    progress: bool | None = None,
) -> ImportSummary:
    """Import one JSONL/CSV file of `kind` (see KINDS); `agent` names the scorer of predictions.

    The progress bar (stderr) shows by default when stderr is a terminal.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r} (allowed: {', '.join(KINDS)})")
    if (kind == "predictions") != (agent is not None):
        raise ValueError(
            "predictions need an agent name (--agent NAME)"
            if agent is None
            else "only predictions take an agent name (--agent)"
        )
    source = str(path)
    fmt = file_format(path)
    text = read_text(path)
    records = parse_records(text, fmt, source)
    show = sys.stderr.isatty() if progress is None else progress
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    options = {"progress": show, "total": lines}
    if kind == "prompts":
        return add_prompts(db, records, source, **options)
    if kind == "responses":
        return add_responses(db, records, source, **options)
    if kind == "labels":
        return add_labels(db, records, source, **options)
    assert agent is not None
    return add_predictions(db, records, source, agent, **options)
