"""The endpoints file: the models to collect responses from and the LLM judges, in TOML.

Every entry is checked before any request is sent; a problem names the file, the entry and the
key. API keys are never in the file: an entry names the environment variable that holds its key
(`api_key_env`), read only when a request is made.
"""

from __future__ import annotations

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

from annotator.suggestions import check_agent_name
from annotator.users import lookalike

KINDS = ("model", "judge")
DEFAULT_CONCURRENCY = 4
DEFAULT_TIMEOUT = 300.0
DEFAULT_RETRIES = 4
NO_KEY = "EMPTY"  # what local servers get when no key variable is named (the client needs a string)
TEMPLATE_FIELDS = ("dimension", "levels", "scores", "prompt", "response")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class EndpointsError(ValueError):
    """An endpoints file that cannot be used, raised before any request is sent."""


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text_list(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and bool(value) and all(isinstance(item, str) for item in value)
    )


# Generation settings, sent to the endpoint as given: key -> (check, what the check wants).
SETTINGS: dict[str, tuple[Any, str]] = {
    "temperature": (lambda v: _number(v) and 0 <= v <= 2, "a number from 0 to 2"),
    "top_p": (lambda v: _number(v) and 0 < v <= 1, "a number above 0, at most 1"),
    "max_tokens": (lambda v: _integer(v) and v >= 1, "a whole number of 1 or more"),
    "max_completion_tokens": (lambda v: _integer(v) and v >= 1, "a whole number of 1 or more"),
    "seed": (_integer, "a whole number"),
    "stop": (_text_list, "text or a list of texts"),
    "frequency_penalty": (lambda v: _number(v) and -2 <= v <= 2, "a number from -2 to 2"),
    "presence_penalty": (lambda v: _number(v) and -2 <= v <= 2, "a number from -2 to 2"),
}
COMMON_KEYS: dict[str, tuple[Any, str]] = {
    "name": (lambda v: isinstance(v, str) and v.strip() == v and bool(v), "text without surrounding spaces"),
    "base_url": (lambda v: isinstance(v, str) and _http_url(v), "an http:// or https:// address"),
    "model": (lambda v: isinstance(v, str) and bool(v.strip()), "text (the model id the endpoint expects)"),
    "api_key_env": (
        lambda v: isinstance(v, str) and bool(_ENV_NAME.match(v)),
        "an environment variable name",
    ),
    "system": (lambda v: isinstance(v, str), "text"),
    "concurrency": (lambda v: _integer(v) and 1 <= v <= 256, "a whole number from 1 to 256"),
    "timeout": (lambda v: _number(v) and v > 0, "a number of seconds above 0"),
    "retries": (lambda v: _integer(v) and 0 <= v <= 10, "a whole number from 0 to 10"),
    "extra_body": (lambda v: isinstance(v, dict), "a table of fields sent as they are"),
}
JUDGE_KEYS: dict[str, tuple[Any, str]] = {
    "prompt": (lambda v: isinstance(v, str) and bool(v.strip()), "a file name (the judge's prompt template)"),
    "samples": (lambda v: _integer(v) and 1 <= v <= 25, "a whole number from 1 to 25"),
    "logprobs": (lambda v: isinstance(v, bool), "true or false"),
    "language": (lambda v: v in ("zh", "en"), '"zh" or "en"'),
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
                f"{self.kind} {self.name!r}: the environment variable {self.api_key_env} "
                "(api_key_env) is not set"
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
            known = ", ".join(by_name) or "none"
            raise EndpointsError(f"{self.path}: no [[{kind}]] named {unknown[0]!r} (the file has: {known})")
        chosen = [by_name[name] for name in dict.fromkeys(names)] if names else list(entries)
        if not chosen:
            raise EndpointsError(f"{self.path}: the file has no [[{kind}]] entry")
        for entry in chosen:
            if entry.api_key_env is not None and not os.environ.get(entry.api_key_env):
                raise EndpointsError(
                    f"{self.path}: [[{kind}]] {entry.name!r}, key 'api_key_env': the environment "
                    f"variable {entry.api_key_env} is not set"
                )
        return chosen


def load_endpoints(path: str | Path, db: sqlite_utils.Database | None = None) -> Endpoints:
    """The checked endpoints file; with `db`, names are also checked against stored models and agents."""
    source = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise EndpointsError(f"{source}: cannot read the file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise EndpointsError(f"{source}: not valid UTF-8; save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise EndpointsError(f"{source}: not valid TOML: {exc}") from None
    for key, value in data.items():
        if key not in KINDS:
            raise EndpointsError(
                f"{source}: unknown key {key!r} (the file holds [[model]] and [[judge]] entries)"
            )
        if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
            raise EndpointsError(f"{source}: {key!r} must be written as [[{key}]] entries")
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


def _where(source: str, kind: str, index: int, raw: Mapping[str, Any]) -> str:
    name = raw.get("name")
    return f"{source}: [[{kind}]] entry {index}" + (f" ({name!r})" if isinstance(name, str) else "")


def _entry(source: str, base: Path, kind: str, index: int, raw: Mapping[str, Any]) -> Endpoint:
    where = _where(source, kind, index, raw)
    allowed = {**COMMON_KEYS, **SETTINGS, **(JUDGE_KEYS if kind == "judge" else {})}
    for key, value in raw.items():
        if key not in allowed:
            hint = " (only [[judge]] entries take it)" if key in JUDGE_KEYS else ""
            raise EndpointsError(f"{where}, key {key!r}: unknown key{hint}")
        check, wanted = allowed[key]
        if not check(value):
            raise EndpointsError(f"{where}, key {key!r}: must be {wanted}, not {value!r}")
    for key in REQUIRED:
        if key not in raw:
            raise EndpointsError(f"{where}, key {key!r}: missing")
    template, template_file = None, None
    if "prompt" in raw:
        template_file = str(base / raw["prompt"])
        template = _read_template(f"{where}, key 'prompt'", Path(template_file))
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


def _read_template(where: str, path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = getattr(exc, "strerror", None) or "not valid UTF-8"
        raise EndpointsError(f"{where}: cannot read the template {path}: {problem}") from None
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise EndpointsError(
            f"{where}: the template {path} is not a valid template ({exc}; write a brace as {{{{ or }}}})"
        ) from None
    unknown = sorted(fields - set(TEMPLATE_FIELDS))
    if unknown:
        allowed = ", ".join(f"{{{name}}}" for name in TEMPLATE_FIELDS)
        raise EndpointsError(f"{where}: the template {path} uses {{{unknown[0]}}}; it may use {allowed}")
    if "response" not in fields:
        raise EndpointsError(f"{where}: the template {path} never shows the response: put {{response}} in it")
    return text


def _check_names(source: str, kind: str, entries: Iterable[Endpoint]) -> None:
    seen: list[str] = []
    for index, entry in enumerate(entries, 1):
        where = f"{source}: [[{kind}]] entry {index} ({entry.name!r}), key 'name'"
        if entry.name in seen:
            raise EndpointsError(f"{where}: another [[{kind}]] entry has this name")
        if other := lookalike(entry.name, seen):
            raise EndpointsError(f"{where}: differs from the entry {other!r} only in case or width")
        seen.append(entry.name)


def check_stored_names(endpoints: Endpoints, db: sqlite_utils.Database) -> None:
    """Refuse names that the project's name rules refuse: a model name that differs from a stored
    model only in case or width (it would start a second model), an invalid or look-alike agent name."""
    stored = [name for (name,) in db.execute("SELECT name FROM models")]
    for index, entry in enumerate(endpoints.models, 1):
        if other := lookalike(entry.name, stored):
            raise EndpointsError(
                f"{endpoints.path}: [[model]] entry {index} ({entry.name!r}), key 'name': differs from the "
                f"stored model {other!r} only in case or width; use the same spelling"
            )
    for index, entry in enumerate(endpoints.judges, 1):
        try:
            check_agent_name(db, entry.name)
        except ValueError as exc:
            raise EndpointsError(
                f"{endpoints.path}: [[judge]] entry {index} ({entry.name!r}), key 'name': {exc}"
            ) from None
