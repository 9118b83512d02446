"""The scoring rubric as data: dimensions, their allowed scores and level descriptions.

The FLAMES rubric ships as `rubrics/flames.toml`; a team can load its own TOML file with the
same shape (see the README). Every score that enters the store is checked with `check_score`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from annotator.i18n import Refusal

FLAMES_RUBRIC_PATH = Path(__file__).parent / "rubrics" / "flames.toml"
LANGUAGES = ("zh", "en")


class RubricError(ValueError):
    """A rubric file or a score/dimension/subcomponent that the rubric does not allow."""


class RubricRefusal(RubricError, Refusal):
    """A score, dimension or subcomponent the rubric does not have, with a message key."""


@dataclass(frozen=True)
class Level:
    score: int
    description: dict[str, str]  # language code -> text


@dataclass(frozen=True)
class Dimension:
    name: str
    name_zh: str
    levels: tuple[Level, ...]  # most harmless first
    subcomponents: tuple[str, ...]
    subcomponents_zh: tuple[str, ...]
    explanation_required_below: int | None
    evidence_required_below: int | None = None  # a score below it needs marked words

    @property
    def scores(self) -> tuple[int, ...]:
        """Allowed scores, ascending (most harmful first): the category order for agreement."""
        return tuple(sorted(level.score for level in self.levels))

    @property
    def harmless_score(self) -> int:
        return max(self.scores)

    @property
    def level_of_measurement(self) -> str:
        """Ordinal for scales of three or more levels, nominal for binary ones."""
        return "ordinal" if len(self.levels) > 2 else "nominal"

    def display_name(self, language: str) -> str:
        return self.name_zh if language == "zh" and self.name_zh else self.name

    def subcomponent_name(self, subcomponent: str, language: str) -> str:
        if language == "zh" and subcomponent in self.subcomponents:
            index = self.subcomponents.index(subcomponent)
            if index < len(self.subcomponents_zh):
                return self.subcomponents_zh[index]
        return subcomponent

    def needs_explanation(self, score: int | None) -> bool:
        return _below(score, self.explanation_required_below)

    def needs_evidence(self, score: int | None) -> bool:
        return _below(score, self.evidence_required_below)


def _below(score: int | None, threshold: int | None) -> bool:
    return score is not None and threshold is not None and score < threshold


@dataclass(frozen=True)
class Rubric:
    name: str
    version: str
    dimensions: tuple[Dimension, ...]
    source: str  # the TOML text, stored with the project so every command sees the same rubric

    @property
    def dimension_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions)

    @property
    def label(self) -> str:
        """Name and version, recorded with every label."""
        return f"{self.name}@{self.version}"

    def dimension(self, name: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.name == name:
                return dimension
        allowed = ", ".join(self.dimension_names)
        raise RubricRefusal("rubric_unknown_dimension", name=name, allowed=allowed)

    def check_subcomponent(self, dimension: str, subcomponent: str) -> None:
        dim = self.dimension(dimension)
        if dim.subcomponents and subcomponent not in dim.subcomponents:
            allowed = ", ".join(dim.subcomponents)
            raise RubricRefusal(
                "rubric_unknown_subcomponent", subcomponent=subcomponent, dimension=dimension, allowed=allowed
            )

    def check_score(self, dimension: str, score: object) -> int:
        """The score as an int if the dimension's scale allows it; RubricRefusal otherwise."""
        dim = self.dimension(dimension)
        value = _as_int(score)
        if value is None or value not in dim.scores:
            allowed = "/".join(str(s) for s in sorted(dim.scores, reverse=True))
            raise RubricRefusal("rubric_score_not_allowed", score=score, dimension=dimension, allowed=allowed)
        return value


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    # ASCII digits only: str.isdigit() also takes "³" and "３", which int() refuses or reads.
    # "3.0" is how spreadsheets often write a whole number, as JSON may (3.0 above).
    if isinstance(value, str) and (match := re.fullmatch(r"(-?[0-9]+)(\.0+)?", value.strip())):
        return int(match[1])
    return None


def parse_rubric(text: str, origin: str = "rubric") -> Rubric:
    """Parse rubric TOML text; errors name `origin` and the offending field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(f"{origin}: invalid TOML: {exc}") from None
    name = _field(data, "name", str, origin)
    version = str(_field(data, "version", (str, int), origin))
    raw_dimensions = _field(data, "dimensions", list, origin)
    if not raw_dimensions:
        raise RubricError(f"{origin}: 'dimensions' is empty")
    dimensions = tuple(
        _parse_dimension(raw, f"{origin}: dimensions[{i}]") for i, raw in enumerate(raw_dimensions)
    )
    names = [d.name for d in dimensions]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RubricError(f"{origin}: dimension names repeat: {', '.join(duplicates)}")
    return Rubric(name=name, version=version, dimensions=dimensions, source=text)


def _parse_dimension(raw: object, where: str) -> Dimension:
    if not isinstance(raw, dict):
        raise RubricError(f"{where}: must be a table")
    name = _field(raw, "name", str, where)
    where = f"{where} ({name})"
    raw_levels = _field(raw, "levels", list, where)
    if len(raw_levels) < 2:
        raise RubricError(f"{where}: 'levels' needs at least two levels")
    levels = []
    for j, level in enumerate(raw_levels):
        at = f"{where}: levels[{j}]"
        if not isinstance(level, dict):
            raise RubricError(f"{at}: must be a table")
        score = _field(level, "score", int, at)
        description = {lang: str(level.get(lang, "")) for lang in LANGUAGES}
        if not any(description.values()):
            raise RubricError(f"{at}: needs a description in 'zh' or 'en'")
        levels.append(Level(score=score, description=description))
    scores = [level.score for level in levels]
    if len(set(scores)) != len(scores):
        raise RubricError(f"{where}: level scores repeat")
    subcomponents = tuple(raw.get("subcomponents", ()))
    subcomponents_zh = tuple(raw.get("subcomponents_zh", ()))
    if not all(isinstance(s, str) for s in subcomponents + subcomponents_zh):
        raise RubricError(f"{where}: subcomponents must be strings")
    required_below, evidence_below = (
        _threshold(raw, field, where) for field in ("explanation_required_below", "evidence_required_below")
    )
    return Dimension(
        name=name,
        name_zh=str(raw.get("name_zh", "")),
        levels=tuple(sorted(levels, key=lambda level: -level.score)),
        subcomponents=subcomponents,
        subcomponents_zh=subcomponents_zh,
        explanation_required_below=required_below,
        evidence_required_below=evidence_below,
    )


def _threshold(raw: dict, field: str, where: str) -> int | None:
    value = raw.get(field)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise RubricError(f"{where}: {field!r} must be an integer")
    return value


def _field(table: dict, key: str, kind: type | tuple[type, ...], where: str):
    if key not in table:
        raise RubricError(f"{where}: missing field {key!r}")
    value = table[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise RubricError(f"{where}: field {key!r} has the wrong type")
    return value


def load_rubric(path: str | Path) -> Rubric:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(f"{path}: cannot read rubric: {exc}") from None
    return parse_rubric(text, origin=str(path))


@lru_cache(maxsize=1)
def flames_rubric() -> Rubric:
    return load_rubric(FLAMES_RUBRIC_PATH)
