"""The endpoints file: the models to collect responses from and the LLM judges, in TOML.

Every entry is checked before any request is sent; a problem names the file, the entry and the
key. API keys are never in the file: an entry names the environment variable that holds its key
(`api_key_env`), read only when a request is made.
"""

from __future__ import annotations

import errno
import math
import os
import re
import string
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from annotator.i18n import Phrase, Refusal, listed
from annotator.suggestions import check_agent_name
from annotator.users import lookalike

KINDS = ("model", "judge")
DEFAULT_CONCURRENCY = 4
DEFAULT_TIMEOUT = 300.0
DEFAULT_RETRIES = 4
NO_KEY = "EMPTY"  # what local servers get when no key variable is named (the client needs a string)
TEMPLATE_FIELDS = ("dimension", "levels", "scores", "prompt", "response")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOML_PLACE = re.compile(
    r"^(?P<detail>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$"
)
_OS_PROBLEMS = {errno.ENOENT: "ep_os_missing", errno.EACCES: "ep_os_denied", errno.EISDIR: "ep_os_directory"}


class EndpointsError(Refusal):
    """An endpoints file that cannot be used, raised before any request is sent."""


def _os_problem(exc: OSError) -> Phrase:
    """The system's reason a file cannot be read, in the refusal's language when it is a common one."""
    key = _OS_PROBLEMS.get(exc.errno or 0)
    return Phrase(key) if key else Phrase("ep_detail", {"detail": exc.strerror or str(exc)})


def _toml_problem(exc: tomllib.TOMLDecodeError) -> Phrase:
    """The TOML reader's message, its place (line and column) in the refusal's language."""
    found = _TOML_PLACE.match(str(exc))
    if found is None:
        return Phrase("ep_detail", {"detail": str(exc)})
    if found["line"] is None:
        return Phrase("ep_toml_at_end", {"detail": found["detail"]})
    return Phrase("ep_toml_at", {"detail": found["detail"], "line": found["line"], "column": found["column"]})


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text_list(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and bool(value) and all(isinstance(item, str) for item in value)
    )


# Generation settings, sent to the endpoint as given: key -> (check, what the check wants).
SETTINGS: dict[str, tuple[Any, Phrase]] = {
    "temperature": (lambda v: _number(v) and 0 <= v <= 2, Phrase("ep_want_0_to_2")),
    "top_p": (lambda v: _number(v) and 0 < v <= 1, Phrase("ep_want_top_p")),
    "max_tokens": (lambda v: _integer(v) and v >= 1, Phrase("ep_want_1_or_more")),
    "max_completion_tokens": (lambda v: _integer(v) and v >= 1, Phrase("ep_want_1_or_more")),
    "seed": (_integer, Phrase("ep_want_whole")),
    "stop": (_text_list, Phrase("ep_want_texts")),
    "frequency_penalty": (lambda v: _number(v) and -2 <= v <= 2, Phrase("ep_want_penalty")),
    "presence_penalty": (lambda v: _number(v) and -2 <= v <= 2, Phrase("ep_want_penalty")),
}
COMMON_KEYS: dict[str, tuple[Any, Phrase]] = {
    "name": (lambda v: isinstance(v, str) and v.strip() == v and bool(v), Phrase("ep_want_name")),
    "base_url": (lambda v: isinstance(v, str) and _http_url(v), Phrase("ep_want_url")),
    "model": (lambda v: isinstance(v, str) and bool(v.strip()), Phrase("ep_want_model")),
    "api_key_env": (
        lambda v: isinstance(v, str) and bool(_ENV_NAME.match(v)),
        Phrase("ep_want_env"),
    ),
    "system": (lambda v: isinstance(v, str), Phrase("ep_want_text")),
    "concurrency": (lambda v: _integer(v) and 1 <= v <= 256, Phrase("ep_want_concurrency")),
    "timeout": (lambda v: _number(v) and v > 0, Phrase("ep_want_timeout")),
    "retries": (lambda v: _integer(v) and 0 <= v <= 10, Phrase("ep_want_retries")),
    "extra_body": (lambda v: isinstance(v, dict), Phrase("ep_want_table")),
}
JUDGE_KEYS: dict[str, tuple[Any, Phrase]] = {
    "prompt": (lambda v: isinstance(v, str) and bool(v.strip()), Phrase("ep_want_prompt")),
    "samples": (lambda v: _integer(v) and 1 <= v <= 25, Phrase("ep_want_samples")),
    "logprobs": (lambda v: isinstance(v, bool), Phrase("ep_want_bool")),
    "language": (lambda v: v in ("zh", "en"), Phrase("ep_want_language")),
}
REQUIRED = ("name", "base_url", "model")


def _http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True)
class Endpoint:
    """One [[model]] or [[judge]] entry, checked."""

    kind: str  # "model" or "judge"
    name: str  # the model name stored with each response, or the judge's agent name
    base_url: str
    model: str  # the id the endpoint expects
    api_key_env: str | None = None
    system: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)  # generation settings, sent as given
    extra_body: Mapping[str, Any] = field(default_factory=dict)
    concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    template: str | None = None  # judge: the prompt template's text (None: the rubric-based default)
    template_file: str | None = None
    samples: int = 1  # judge: answers asked per response (confidence = the majority's share)
    logprobs: bool = False  # judge: ask for token log-probabilities (confidence from them)
    language: str = "zh"  # judge: the default template's language

    def api_key(self) -> str:
        """The key from the environment, read now (never stored anywhere by this tool)."""
        if self.api_key_env is None:
            return NO_KEY
        key = os.environ.get(self.api_key_env)
        if not key:
            raise EndpointsError(
                "ep_key_unset_at_request",
                kind=Phrase(f"ep_kind_{self.kind}"),
                name=self.name,
                variable=self.api_key_env,
            )
        return key

    def provenance_settings(self) -> dict[str, Any]:
        """What shaped each answer besides the prompt: the system prompt and the settings sent."""
        sent = dict(self.settings)
        if self.system is not None:
            sent["system"] = self.system
        if self.extra_body:
            sent["extra_body"] = dict(self.extra_body)
        return sent


@dataclass(frozen=True)
class Endpoints:
    path: str
    models: tuple[Endpoint, ...]
    judges: tuple[Endpoint, ...]

    def select_models(self, names: Sequence[str] = ()) -> tuple[Endpoint, ...]:
        """The [[model]] entries named (all when none is), each checked to have its key variable."""
        return tuple(self._select("model", self.models, names))

    def judge(self, name: str) -> Endpoint:
        return self._select("judge", self.judges, [name])[0]

    def _select(self, kind: str, entries: Sequence[Endpoint], names: Sequence[str]) -> list[Endpoint]:
        by_name = {entry.name: entry for entry in entries}
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise EndpointsError(
                "ep_no_such_entry", source=self.path, kind=kind, name=unknown[0], known=listed(by_name)
            )
        chosen = [by_name[name] for name in dict.fromkeys(names)] if names else list(entries)
        if not chosen:
            raise EndpointsError("ep_no_entries", source=self.path, kind=kind)
        for entry in chosen:
            if entry.api_key_env is not None and not os.environ.get(entry.api_key_env):
                raise EndpointsError(
                    "ep_key_unset", source=self.path, kind=kind, name=entry.name, variable=entry.api_key_env
                )
        return chosen


def load_endpoints(path: str | Path, db: sqlite_utils.Database | None = None) -> Endpoints:
    """The checked endpoints file; with `db`, names are also checked against stored models and agents."""
    source = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise EndpointsError("ep_unreadable", source=source, problem=_os_problem(exc)) from None
    except UnicodeDecodeError:
        raise EndpointsError("ep_not_utf8", source=source) from None
    except tomllib.TOMLDecodeError as exc:
        raise EndpointsError("ep_not_toml", source=source, problem=_toml_problem(exc)) from None
    for key, value in data.items():
        if key not in KINDS:
            raise EndpointsError("ep_unknown_section", source=source, key=key)
        if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
            raise EndpointsError("ep_not_entries", source=source, key=key)
    base = Path(path).parent
    found = {
        kind: [_entry(source, base, kind, i, raw) for i, raw in enumerate(data.get(kind, []), 1)]
        for kind in KINDS
    }
    for kind in KINDS:
        _check_names(source, kind, found[kind])
    endpoints = Endpoints(source, tuple(found["model"]), tuple(found["judge"]))
    if db is not None:
        check_stored_names(endpoints, db)
    return endpoints


def _at(source: str, kind: str, index: int, name: object, key: str) -> Phrase:
    """Where in the file a problem is: the entry (by number, and name when it has one) and the key."""
    entry = (
        Phrase("ep_named_entry", {"source": source, "kind": kind, "index": index, "name": name})
        if isinstance(name, str)
        else Phrase("ep_entry", {"source": source, "kind": kind, "index": index})
    )
    return Phrase("ep_entry_key", {"entry": entry, "key": key})


def _entry(source: str, base: Path, kind: str, index: int, raw: Mapping[str, Any]) -> Endpoint:
    def at(key: str) -> Phrase:
        return _at(source, kind, index, raw.get("name"), key)

    allowed = {**COMMON_KEYS, **SETTINGS, **(JUDGE_KEYS if kind == "judge" else {})}
    for key, value in raw.items():
        if key not in allowed:
            refused = "ep_judge_only_key" if key in JUDGE_KEYS else "ep_unknown_key"
            raise EndpointsError(refused, at=at(key))
        check, wanted = allowed[key]
        if not check(value):
            raise EndpointsError("ep_bad_value", at=at(key), wanted=wanted, value=value)
    for key in REQUIRED:
        if key not in raw:
            raise EndpointsError("ep_missing_key", at=at(key))
    template, template_file = None, None
    if "prompt" in raw:
        template_file = str(base / raw["prompt"])
        template = _read_template(at("prompt"), Path(template_file))
    return Endpoint(
        kind=kind,
        name=raw["name"],
        base_url=raw["base_url"],
        model=raw["model"],
        api_key_env=raw.get("api_key_env"),
        system=raw.get("system"),
        settings={key: raw[key] for key in SETTINGS if key in raw},
        extra_body=dict(raw.get("extra_body", {})),
        concurrency=raw.get("concurrency", DEFAULT_CONCURRENCY),
        timeout=float(raw.get("timeout", DEFAULT_TIMEOUT)),
        retries=raw.get("retries", DEFAULT_RETRIES),
        template=template,
        template_file=template_file,
        samples=raw.get("samples", 1),
        logprobs=raw.get("logprobs", False),
        language=raw.get("language", "zh"),
    )


def _read_template(at: Phrase, path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EndpointsError("ep_template_unreadable", at=at, path=path, problem=_os_problem(exc)) from None
    except UnicodeDecodeError:
        problem = Phrase("ep_not_utf8_problem")
        raise EndpointsError("ep_template_unreadable", at=at, path=path, problem=problem) from None
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise EndpointsError("ep_template_invalid", at=at, path=path, problem=exc) from None
    unknown = sorted(fields - set(TEMPLATE_FIELDS))
    if unknown:
        allowed = ", ".join(f"{{{name}}}" for name in TEMPLATE_FIELDS)
        raise EndpointsError("ep_template_unknown_field", at=at, path=path, field=unknown[0], allowed=allowed)
    if "response" not in fields:
        raise EndpointsError("ep_template_no_response", at=at, path=path)
    return text


def _check_names(source: str, kind: str, entries: Iterable[Endpoint]) -> None:
    seen: list[str] = []
    for index, entry in enumerate(entries, 1):
        at = _at(source, kind, index, entry.name, "name")
        if entry.name in seen:
            raise EndpointsError("ep_duplicate_name", at=at, kind=kind)
        if other := lookalike(entry.name, seen):
            raise EndpointsError("ep_lookalike_entry", at=at, other=other)
        seen.append(entry.name)


def check_stored_names(endpoints: Endpoints, db: sqlite_utils.Database) -> None:
    """Refuse names that the project's name rules refuse: a model name that differs from a stored
    model only in case or width (it would start a second model), an invalid or look-alike agent name."""
    stored = [name for (name,) in db.execute("SELECT name FROM models")]
    for index, entry in enumerate(endpoints.models, 1):
        if other := lookalike(entry.name, stored):
            raise EndpointsError(
                "ep_lookalike_stored_model",
                at=_at(endpoints.path, "model", index, entry.name, "name"),
                other=other,
            )
    for index, entry in enumerate(endpoints.judges, 1):
        try:
            check_agent_name(db, entry.name)
        except Refusal as exc:
            raise EndpointsError(
                "ep_bad_judge_name",
                at=_at(endpoints.path, "judge", index, entry.name, "name"),
                problem=Phrase.of(exc),
            ) from None
