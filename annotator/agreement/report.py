"""The project's agreement report over submitted labels (`AgreementReport`, frozen dataclasses).

Every figure is computed per dimension, on that dimension's rubric scale (categories =
`Dimension.scores`, alpha at `Dimension.level_of_measurement`), because pooling a binary and a
three-level scale would mix category sets. Units are responses. Each figure carries its
percentile bootstrap interval over units and the label distribution it was computed on; a figure
on fewer than RELIABLE_FROM_UNITS units rated twice is marked `unreliable` (its interval
under-covers there). Shares carry a mid-p exact interval. Its JSON and text are in
`annotator/agreement/formatting.py`.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import sqlite_utils

from annotator.agreement.stats import (
    CONFIDENCE,
    RELIABLE_FROM_UNITS,
    STATISTICS,
    Estimate,
    PairTable,
    UnitTable,
    figures,
    pair_figures,
    pairwise_kappas,
    proportion,
)
from annotator.consolidation import consolidate, final_scores
from annotator.rubric import Dimension
from annotator.settings import SUGGESTION_MODE
from annotator.states import LabelStatus
from annotator.store import get_setting, now, project_rubric
from annotator.suggestions import all_suggested_scores, suggested_scores, suggestions_version

WEIGHTS = "linear"
WEIGHTS_REASON = (
    "Linear weights, because the FLAMES harmless score is linear in the score: a 3-vs-1 "
    "disagreement moves it twice as much as a 3-vs-2 one. Quadratic weights would give an "
    "adjacent disagreement on a three-level scale 75% credit and flatter the figures."
)


def gwet_name(dimension: Dimension) -> str:
    """AC2 (weighted) on three or more levels; AC1 on binary ones, where the weights change nothing."""
    return "AC1" if len(dimension.scores) <= 2 else "AC2"


TIME_UNIT = "ISO week of a response's last submitted label (when its agreement became known)"
SUGGESTION_MODES = SUGGESTION_MODE.allowed  # the modes in which a label saw a suggestion
NO_BATCH = "(none)"
NO_WEEK = "(unknown)"

_LABELS_SQL = f"""
    SELECT response_id, annotator, score, substr(submitted_at, 1, 10), suggestion_mode, suggestion_score
    FROM labels WHERE status = '{LabelStatus.SUBMITTED}' AND score IS NOT NULL
"""
_RESPONSES_SQL = """
    SELECT r.id, r.model, p.dimension, p.subcomponent, coalesce(p.batch, ?)
    FROM responses r JOIN prompts p ON p.id = r.prompt_id
"""
_RESPONSE_COLUMNS = ("model", "dimension", "subcomponent", "batch")


@dataclass(frozen=True)
class Figure:
    """One estimate as reported: value and interval rounded to 4 places (None when undefined or
    without an interval), why it is undefined, and whether it rests on too few units."""

    value: float | None
    ci: tuple[float, float] | None
    undefined: str | None
    unreliable: bool

    @classmethod
    def of(cls, estimate: Estimate) -> Figure:
        reported = estimate.as_dict()  # the rounding and NaN handling of the JSON, in one place
        ci = None if reported["ci"] is None else tuple(reported["ci"])
        return cls(reported["value"], ci, estimate.undefined, estimate.unreliable)


@dataclass(frozen=True)
class LabelFigures:
    """Agreement among the labels on a set of responses (STATISTICS in `estimates`)."""

    n_units: int
    n_paired_units: int  # responses rated at least twice
    n_labels: int
    distribution: dict[str, int]  # labels per score, in scale order
    gwet_name: str
    estimates: dict[str, Figure]


@dataclass(frozen=True)
class PairFigures:
    """One side's scores against a reference on the same responses ("cohen_kappa" and
    STATISTICS in `estimates`); `distribution` holds each side's scores by side name."""

    n_units: int
    distribution: dict[str, dict[str, int]]
    gwet_name: str
    estimates: dict[str, Figure]


@dataclass(frozen=True)
class DimensionRow:
    dimension: str
    level: str
    categories: tuple[int, ...]
    figures: LabelFigures


@dataclass(frozen=True)
class GroupRow:
    """The labels of one subcomponent, model, week or batch (`column`) on one dimension."""

    column: str
    value: str
    dimension: str
    figures: LabelFigures


@dataclass(frozen=True)
class PairwiseRow:
    """Two annotators on the responses both labelled ("cohen_kappa", "percent_agreement")."""

    dimension: str
    annotator_a: str
    annotator_b: str
    n_units: int
    estimates: dict[str, Figure]


@dataclass(frozen=True)
class ComparisonRow:
    """An annotator against the others' consensus, or an agent (`column`) against the humans."""

    column: str
    value: str
    dimension: str
    figures: PairFigures


@dataclass(frozen=True)
class ModeRow:
    """Labels given in one suggestion mode, on all dimensions (`dimension` None) or on one."""

    mode: str
    dimension: str | None
    n_labels: int
    equals_suggestion: Figure
    with_other_humans: PairFigures | None  # None on the all-dimensions row


@dataclass(frozen=True)
class PrefilledRow:
    annotator: str
    n_prefilled: int
    accepted_unchanged: Figure


@dataclass(frozen=True)
class Anchoring:
    modes: tuple[ModeRow, ...]
    prefilled_accepted: tuple[PrefilledRow, ...]


@dataclass(frozen=True)
class ReportSettings:
    bootstrap: int
    seed: int
    confidence: float
    reliable_from_units: int
    weights: str
    weights_reason: str
    time_unit: str
    rubric: str


@dataclass(frozen=True)
class Totals:
    n_labels: int
    n_units: int
    n_annotators: int


@dataclass(frozen=True)
class AgreementReport:
    generated_at: str
    settings: ReportSettings
    totals: Totals
    dimensions: tuple[DimensionRow, ...]
    subcomponents: tuple[GroupRow, ...]
    models: tuple[GroupRow, ...]
    weeks: tuple[GroupRow, ...]
    batches: tuple[GroupRow, ...]
    pairwise: tuple[PairwiseRow, ...]
    annotators: tuple[ComparisonRow, ...]
    agents: tuple[ComparisonRow, ...]
    anchoring: Anchoring


@dataclass(frozen=True)
class _Scale:
    dimension: Dimension

    @property
    def categories(self) -> tuple[int, ...]:
        return self.dimension.scores

    @property
    def level(self) -> str:
        return self.dimension.level_of_measurement

    @property
    def gwet_name(self) -> str:
        return gwet_name(self.dimension)

    def positions(self, scores: pd.Series) -> np.ndarray:
        return scores.map({s: i for i, s in enumerate(self.categories)}).to_numpy()

    def distribution(self, counts: np.ndarray) -> dict[str, int]:
        return {str(s): int(n) for s, n in zip(self.categories, counts, strict=True)}


def load_labels(db: sqlite_utils.Database) -> pd.DataFrame:
    """Submitted labels with their response's model, dimension, subcomponent, batch and week.

    Text columns are categoricals (fast grouping). `week` is the ISO week the label was
    submitted; `consensus` is the consolidated score of the *other* annotators' labels on the
    same response (leave-one-out; NaN when nobody else labelled it).
    """
    responses = db.execute(_RESPONSES_SQL, [NO_BATCH]).fetchall()
    response_ids = [row[0] for row in responses]
    rows = db.execute(_LABELS_SQL).fetchall()
    response_id, annotator, score, day, mode, suggestion = (
        list(column) for column in (zip(*rows, strict=True) if rows else [()] * 6)
    )
    unit = pd.Categorical(response_id, categories=response_ids)
    labels = pd.DataFrame(
        {
            "response_id": unit,
            "annotator": pd.Categorical(annotator),
            "score": np.asarray(score, dtype=np.int64),
            "week": pd.Categorical(_iso_weeks(day), ordered=True),
            "suggestion_mode": pd.Categorical(mode),
            "suggestion_score": pd.Series(suggestion, dtype="float64"),
        }
    )
    codes = unit.codes
    for i, name in enumerate(_RESPONSE_COLUMNS, start=1):
        column = pd.Categorical([row[i] for row in responses])  # hashes, where np.unique sorts objects
        labels[name] = pd.Categorical.from_codes(column.codes[codes], column.categories)
    labels["consensus"] = _leave_one_out(codes, labels["score"].to_numpy())
    return labels


def _iso_weeks(days: Sequence[str | None]) -> list[str]:
    """'2026-W05' for each ISO date (the sortable ISO year-week)."""
    weeks: dict[str | None, str] = {}
    out = []
    for day in days:
        if day not in weeks:
            try:
                year, week, _ = date.fromisoformat(day or "").isocalendar()
                weeks[day] = f"{year}-W{week:02d}"
            except ValueError:
                weeks[day] = NO_WEEK
        out.append(weeks[day])
    return out


def _leave_one_out(units: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """consolidate() of the other labels of each label's unit, once per distinct situation."""
    if len(scores) == 0:
        return np.zeros(0)
    values, position = np.unique(scores, return_inverse=True)
    counts = np.zeros((units.max() + 1, len(values)), dtype=np.int64)
    np.add.at(counts, (units, position), 1)
    others = counts[units]
    others[np.arange(len(scores)), position] -= 1
    # One integer per row (counts in base max+1) makes the grouping a 1-D unique.
    codes = others @ ((int(counts.max()) + 1) ** np.arange(len(values), dtype=np.int64))
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    consensus = np.array([_consensus(tuple(np.repeat(values, others[i]))) for i in first], dtype=float)
    return consensus[inverse.reshape(-1)]


def _consensus(others: tuple[int, ...]) -> float:
    result = consolidate([int(s) for s in others])
    return float("nan") if result is None else float(result[0])


def _rng(seed: int, *key: object) -> np.random.Generator:
    """A generator per figure, so adding a model or a week never moves another figure's CI."""
    return np.random.default_rng([seed, zlib.crc32("|".join(map(str, key)).encode())])


def _estimates(result: dict[str, Estimate], names: Sequence[str]) -> dict[str, Figure]:
    return {name: Figure.of(result[name]) for name in names}


def _label_figures(table: UnitTable, scale: _Scale, bootstrap: int, rng: np.random.Generator) -> LabelFigures:
    result = figures(table, scale.level, WEIGHTS, bootstrap, rng)
    paired = table.units[table.patterns.sum(axis=1) >= 2].sum() if table.n_units else 0
    return LabelFigures(
        n_units=table.n_units,
        n_paired_units=int(paired),
        n_labels=table.n_labels,
        distribution=scale.distribution(table.distribution()),
        gwet_name=scale.gwet_name,
        estimates=_estimates(result, STATISTICS),
    )


def _pair_figures(
    own: np.ndarray, other: np.ndarray, scale: _Scale, names: tuple[str, str], bootstrap: int, rng
) -> PairFigures:
    k = len(scale.categories)
    cells = np.zeros((k, k), dtype=np.int64)
    np.add.at(cells, (own, other), 1)
    result = pair_figures(PairTable(cells), scale.level, WEIGHTS, bootstrap, rng)
    return PairFigures(
        n_units=int(cells.sum()),
        distribution={
            names[0]: scale.distribution(cells.sum(axis=1)),
            names[1]: scale.distribution(cells.sum(axis=0)),
        },
        gwet_name=scale.gwet_name,
        estimates=_estimates(result, ("cohen_kappa", *STATISTICS)),
    )


def _unit_frame(labels: pd.DataFrame, scale: _Scale) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per response (model, subcomponent, batch, week of its last label) and its counts."""
    units, first, index = np.unique(
        labels["response_id"].cat.codes.to_numpy(), return_index=True, return_inverse=True
    )
    counts = np.zeros((len(units), len(scale.categories)), dtype=np.int64)
    np.add.at(counts, (index, scale.positions(labels["score"])), 1)
    last_week = np.zeros(len(units), dtype=np.int64)
    np.maximum.at(last_week, index, labels["week"].cat.codes.to_numpy())
    frame = labels.iloc[first][["model", "subcomponent", "batch"]].reset_index(drop=True)
    frame["week"] = pd.Categorical.from_codes(last_week, labels["week"].cat.categories)
    return frame, counts


def _grouped_figures(
    units: pd.DataFrame,
    counts: np.ndarray,
    column: str,
    scale: _Scale,
    bootstrap: int,
    seed: int,
) -> list[GroupRow]:
    rows = []
    for value, index in units.groupby(column, observed=True, sort=True).indices.items():
        table = UnitTable.from_counts(counts[index])
        rng = _rng(seed, column, value, scale.dimension.name)
        figures = _label_figures(table, scale, bootstrap, rng)
        rows.append(GroupRow(column, value, scale.dimension.name, figures))
    return rows


def _pairwise(labels: pd.DataFrame, scale: _Scale, bootstrap: int, seed: int) -> list[PairwiseRow]:
    """Weighted Cohen's kappa for every pair of annotators who share responses."""
    frame = pd.DataFrame(
        {
            "unit": labels["response_id"].cat.codes.to_numpy(),
            "rater": labels["annotator"].cat.codes.to_numpy(),
            "pos": scale.positions(labels["score"]),
        }
    )
    pairs = frame.merge(frame, on="unit", suffixes=("_a", "_b"))
    pairs = pairs[pairs["rater_a"] < pairs["rater_b"]]
    if pairs.empty:
        return []
    k = len(scale.categories)
    # One integer per pair: np.unique over rows (axis=0) sorts far slower than over numbers.
    n_raters = len(labels["annotator"].cat.categories)
    flat = pairs["rater_a"].to_numpy(np.int64) * n_raters + pairs["rater_b"].to_numpy(np.int64)
    codes, pair_index = np.unique(flat, return_inverse=True)
    keys = np.column_stack(np.divmod(codes, n_raters))
    cells = np.zeros((len(keys), k, k), dtype=np.int64)
    np.add.at(cells, (pair_index.reshape(-1), pairs["pos_a"].to_numpy(), pairs["pos_b"].to_numpy()), 1)
    results = pairwise_kappas(cells, WEIGHTS, bootstrap, _rng(seed, "pairwise", scale.dimension.name))
    names = labels["annotator"].cat.categories
    return [
        PairwiseRow(
            dimension=scale.dimension.name,
            annotator_a=names[a],
            annotator_b=names[b],
            n_units=int(table.sum()),
            estimates=_estimates(result, ("cohen_kappa", "percent_agreement")),
        )
        for (a, b), table, result in zip(keys, cells, results, strict=True)
    ]


def _against_consensus(
    labels: pd.DataFrame, key: str, scale: _Scale, bootstrap: int, seed: int, tag: str
) -> list[ComparisonRow]:
    """Each `key` group's labels against the leave-one-out consensus of the other humans."""
    compared = labels[labels["consensus"].notna()]
    own = scale.positions(compared["score"])
    consensus = scale.positions(compared["consensus"].astype(np.int64))
    rows = []
    for value, index in compared.groupby(key, observed=True, sort=True).indices.items():
        rng = _rng(seed, tag, value, scale.dimension.name)
        figures = _pair_figures(own[index], consensus[index], scale, ("labels", "consensus"), bootstrap, rng)
        rows.append(ComparisonRow(key, value, scale.dimension.name, figures))
    return rows


def _agents(
    db: sqlite_utils.Database, scales: dict[str, _Scale], bootstrap: int, seed: int
) -> list[ComparisonRow]:
    """Each scorer agent's suggestions against the human final scores, as one more annotator."""
    suggestions = pd.DataFrame(all_suggested_scores(db), columns=["response_id", "agent", "score"])
    finals = final_scores(db)
    if suggestions.empty or finals.empty:
        return []
    found = pd.Index(finals["response_id"]).get_indexer(suggestions["response_id"])
    keep = found >= 0
    joined = suggestions[keep].assign(
        dimension=finals["dimension"].to_numpy()[found[keep]],
        final_score=finals["final_score"].to_numpy()[found[keep]],
    )
    rows = []
    for (agent, dimension), group in joined.groupby(["agent", "dimension"], sort=True):
        scale = scales.get(dimension)
        if scale is None:
            continue
        valid = group[group["score"].isin(scale.categories) & group["final_score"].isin(scale.categories)]
        rng = _rng(seed, "agent", agent, dimension)
        figures = _pair_figures(
            scale.positions(valid["final_score"]),
            scale.positions(valid["score"]),
            scale,
            ("human", "agent"),
            bootstrap,
            rng,
        )
        rows.append(ComparisonRow("agent", agent, dimension, figures))
    return rows


def _anchoring(labels: pd.DataFrame, scales: dict[str, _Scale], bootstrap: int, seed: int) -> Anchoring:
    """Does seeing (or being pre-filled with) a suggestion pull labels toward it?

    Per suggestion mode (all dimensions, then each): how often the label equals the suggestion,
    and how the labels agree with the leave-one-out consensus of the other humans.
    """
    anchored = labels[labels["suggestion_mode"].isin(SUGGESTION_MODES) & labels["suggestion_score"].notna()]
    equal = (anchored["score"] == anchored["suggestion_score"]).to_numpy()
    modes = []
    for mode in SUGGESTION_MODES:
        in_mode = (anchored["suggestion_mode"] == mode).to_numpy()
        if not in_mode.any():
            continue
        modes.append(ModeRow(mode, None, int(in_mode.sum()), _share(equal[in_mode], bootstrap), None))
        for dimension, scale in scales.items():
            mask = in_mode & (anchored["dimension"] == dimension).to_numpy()
            if not mask.any():
                continue
            group = anchored[mask]
            compared = group[group["consensus"].notna()]
            rng = _rng(seed, "anchor", mode, dimension)
            modes.append(
                ModeRow(
                    mode=mode,
                    dimension=dimension,
                    n_labels=int(mask.sum()),
                    equals_suggestion=_share(equal[mask], bootstrap),
                    with_other_humans=_pair_figures(
                        scale.positions(compared["score"]),
                        scale.positions(compared["consensus"].astype(np.int64)),
                        scale,
                        ("labels", "consensus"),
                        bootstrap,
                        rng,
                    ),
                )
            )
    prefilled = anchored[(anchored["suggestion_mode"] == "prefilled").to_numpy()]
    accepted = []
    for annotator, index in prefilled.groupby("annotator", observed=True, sort=True).indices.items():
        group = prefilled.iloc[index]
        share = _share((group["score"] == group["suggestion_score"]).to_numpy(), bootstrap)
        accepted.append(PrefilledRow(annotator, len(group), share))
    return Anchoring(tuple(modes), tuple(accepted))


def _share(hits: np.ndarray, bootstrap: int) -> Figure:
    return Figure.of(proportion(int(hits.sum()), len(hits), intervals=bootstrap > 0))


def agreement_report(
    db: sqlite_utils.Database,
    bootstrap: int = 1000,
    seed: int = 0,
    timings: dict[str, float] | None = None,
) -> AgreementReport:
    """The whole agreement report; docs/agreement.md gives the shape of its JSON.

    `timings`, when given, receives the seconds each part took (for bench/agreement_bench.py).
    """
    if bootstrap < 0:
        raise ValueError("the number of bootstrap resamples must be 0 or more")
    clock = _Clock(timings)
    rubric = project_rubric(db)
    scales = {d.name: _Scale(d) for d in rubric.dimensions}
    with clock("load labels"):
        labels = _on_scale(load_labels(db), scales)
    generated_at = now()
    dimensions: list[DimensionRow] = []
    groups: dict[str, list[GroupRow]] = {column: [] for column in _GROUP_COLUMNS}
    pairwise: list[PairwiseRow] = []
    annotators: list[ComparisonRow] = []
    for name, scale in scales.items():
        in_dim = labels[labels["dimension"] == name]
        if in_dim.empty:
            continue
        with clock("dimensions"):
            units, counts = _unit_frame(in_dim, scale)
            table = UnitTable.from_counts(counts)
            figures = _label_figures(table, scale, bootstrap, _rng(seed, "dimension", name))
            dimensions.append(DimensionRow(name, scale.level, scale.categories, figures))
        for column, section in _GROUP_COLUMNS.items():
            with clock(section):
                groups[column] += _grouped_figures(units, counts, column, scale, bootstrap, seed)
        with clock("pairwise"):
            pairwise += _pairwise(in_dim, scale, bootstrap, seed)
        with clock("annotators"):
            annotators += _against_consensus(in_dim, "annotator", scale, bootstrap, seed, "loo")
    with clock("agents"):
        agents = _agents(db, scales, bootstrap, seed)
    with clock("anchoring"):
        anchoring = _anchoring(labels, scales, bootstrap, seed)
    return AgreementReport(
        generated_at=generated_at,
        settings=ReportSettings(
            bootstrap=bootstrap,
            seed=seed,
            confidence=CONFIDENCE,
            reliable_from_units=RELIABLE_FROM_UNITS,
            weights=WEIGHTS,
            weights_reason=WEIGHTS_REASON,
            time_unit=TIME_UNIT,
            rubric=rubric.label,
        ),
        totals=Totals(
            n_labels=len(labels),
            n_units=int(labels["response_id"].nunique()),
            n_annotators=int(labels["annotator"].nunique()),
        ),
        dimensions=tuple(dimensions),
        subcomponents=tuple(groups["subcomponent"]),
        models=tuple(groups["model"]),
        weeks=tuple(groups["week"]),
        batches=tuple(groups["batch"]),
        pairwise=tuple(pairwise),
        annotators=tuple(annotators),
        agents=tuple(agents),
        anchoring=anchoring,
    )


# The grouping column of each section of GroupRows, and the section's name (its timing part).
_GROUP_COLUMNS = {"subcomponent": "subcomponents", "model": "models", "week": "weeks", "batch": "batches"}


class _Clock:
    """Adds the seconds spent in each named part to `timings` (a no-op without it)."""

    def __init__(self, timings: dict[str, float] | None):
        self.timings = timings

    @contextmanager
    def __call__(self, part: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        if self.timings is not None:
            self.timings[part] = self.timings.get(part, 0.0) + time.perf_counter() - start


def _on_scale(labels: pd.DataFrame, scales: dict[str, _Scale]) -> pd.DataFrame:
    """Labels whose dimension is in the rubric and whose score is on that dimension's scale."""
    keep = np.zeros(len(labels), dtype=bool)
    for name, scale in scales.items():
        keep |= ((labels["dimension"] == name) & labels["score"].isin(scale.categories)).to_numpy()
    return labels[keep]


def data_version(db: sqlite_utils.Database) -> tuple:
    """A cheap fingerprint of what the agreement, leaderboard and export figures are computed from.

    It changes whenever a label, adjudication, suggestion, prompt or response is added, changed or
    removed, or the project rubric changes, so a page can cache the figures under it.
    """
    return (
        *db.execute("SELECT count(*), max(updated_at) FROM labels").fetchone(),
        *db.execute("SELECT count(*), max(updated_at) FROM adjudications").fetchone(),
        *suggestions_version(db),
        *db.execute("SELECT count(*) FROM prompts").fetchone(),
        *db.execute("SELECT count(*) FROM responses").fetchone(),
        zlib.crc32((get_setting(db, "rubric") or "").encode()),
    )


def disagreeing_responses(
    db: sqlite_utils.Database,
    dimension: str | None = None,
    model: str | None = None,
    subcomponent: str | None = None,
    batch: str | None = None,
    week: str | None = None,
    annotators: Sequence[str] = (),
    agent: str | None = None,
) -> list[str]:
    """Response ids behind a figure whose labels disagree, for the adjudication queue.

    The filters are those of the report's rows (`week` is the week of a response's last label).
    No annotator: responses whose submitted labels are not all equal. One annotator: where
    their score differs from the others' consensus. Two: where the two differ. `agent`: where
    the agent's suggestion differs from the human final score.
    """
    labels = load_labels(db)
    filters = (("dimension", dimension), ("model", model), ("subcomponent", subcomponent), ("batch", batch))
    for column, value in filters:
        if value is not None:
            labels = labels[(labels[column] == value).to_numpy()]
    if week is not None:
        last_week = labels.groupby("response_id", observed=True)["week"].transform("max")
        labels = labels[(last_week == week).to_numpy()]
    if agent is not None:
        suggested = suggested_scores(db, agent)
        finals = final_scores(db)
        finals = finals[finals["response_id"].isin(set(labels["response_id"]))]
        return sorted(
            rid
            for rid, score in zip(finals["response_id"], finals["final_score"], strict=True)
            if rid in suggested and suggested[rid] != score
        )
    if len(annotators) == 1:
        own = labels[(labels["annotator"] == annotators[0]) & labels["consensus"].notna()]
        return sorted(own.loc[own["score"] != own["consensus"], "response_id"])
    if len(annotators) == 2:
        a = labels[labels["annotator"] == annotators[0]].set_index("response_id")["score"]
        b = labels[labels["annotator"] == annotators[1]].set_index("response_id")["score"]
        both = a.to_frame("a").join(b.to_frame("b"), how="inner")
        return sorted(both.index[both["a"] != both["b"]])
    if annotators:
        raise ValueError("give at most two annotators")
    spread = labels.groupby("response_id")["score"].agg(["min", "max", "size"])
    return sorted(spread.index[(spread["size"] >= 2) & (spread["min"] != spread["max"])])
