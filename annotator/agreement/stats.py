"""Inter-annotator agreement statistics over long-format ratings, with bootstrap intervals.

Ratings are a DataFrame with columns `unit`, `rater`, `value`; a missing rating is an absent
row. `categories` is the ordered, complete category set from the rubric (weights and ordinal
distances go by position in it); when omitted, the observed values, sorted, are used.

Two layers:
- the public reference functions (`percent_agreement`, `cohen_kappa`, `fleiss_kappa`,
  `krippendorff_alpha`, `gwet_ac1`) call maintained libraries where one exists (scikit-learn,
  statsmodels, krippendorff) and are validated against published values in the tests;
- the fast path (`UnitTable`, `figures`, `pair_figures`) computes the same statistics from the
  distinct per-unit category-count patterns, which are sufficient for all of them. A bootstrap
  resample of n units is then a multinomial draw over those patterns, so 1,000 resamples cost
  a few matrix products instead of 1,000 library calls. Tests check both layers agree.

Undefined statistics (one rater, no unit rated twice, a single category observed) are NaN;
`why_undefined` and `Estimate.undefined` give the reason in words.

Below RELIABLE_FROM_UNITS units rated twice, the percentile bootstrap intervals of the
coefficients cover the truth less than 93% of the time (bench/interval_coverage.py --part
agreement; figures in docs/agreement.md), so such figures are marked `unreliable` and shown
without their interval. Shares (`proportion`) take the mid-p exact interval instead, which
keeps its coverage at any n.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

# The reference functions import their libraries when called: scikit-learn and statsmodels take
# seconds to import, and the report, the dataset card and the pages use the fast path only.
from annotator.agreement.intervals import share_interval

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Weights = Literal["linear", "quadratic"] | None
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
WEIGHTS: tuple[str | None, ...] = (None, "linear", "quadratic")
STATISTICS: tuple[str, ...] = ("percent_agreement", "krippendorff_alpha", "gwet_ac", "fleiss_kappa")
CONFIDENCE = 0.95
# Smallest number of units rated at least twice from which the bootstrap intervals of every
# coefficient covered at least 93% in bench/interval_coverage.py --part agreement.
RELIABLE_FROM_UNITS = 50
_EPS = 1e-12

NO_RATINGS = "no ratings"
ONE_RATER = "only one rater"
NO_PAIRS = "no unit has ratings from two raters"
ONE_CATEGORY = "every rating falls in one category, so chance agreement is 1 and the coefficient is 0/0"
ONE_CATEGORY_SET = "the category set has a single category"
NOT_TWO_RATERS = "Cohen's kappa needs exactly two raters"


# ---------------------------------------------------------------- input handling


def _check_frame(ratings: pd.DataFrame) -> pd.DataFrame:
    missing = {"unit", "rater", "value"} - set(ratings.columns)
    if missing:
        raise ValueError(f"ratings need columns unit, rater, value (missing: {', '.join(sorted(missing))})")
    ratings = ratings.dropna(subset=["value"])
    if ratings.duplicated(["unit", "rater"]).any():
        raise ValueError("a rater rated the same unit twice")
    return ratings


def _category_list(ratings: pd.DataFrame, categories: Sequence | None) -> list:
    if categories is None:
        return sorted(pd.unique(ratings["value"]).tolist())
    categories = list(categories)
    if len(set(categories)) != len(categories):
        raise ValueError("categories repeat")
    unknown = sorted(set(ratings["value"].tolist()) - set(categories), key=str)
    if unknown:
        raise ValueError(f"values outside the category set: {', '.join(map(str, unknown))}")
    return categories


def unit_counts(ratings: pd.DataFrame, categories: Sequence | None = None) -> np.ndarray:
    """(units x categories) matrix: how many raters put each unit in each category."""
    ratings = _check_frame(ratings)
    cats = _category_list(ratings, categories)
    if ratings.empty:
        return np.zeros((0, len(cats)), dtype=np.int64)
    position = {c: i for i, c in enumerate(cats)}
    units = pd.factorize(ratings["unit"])[0]
    values = ratings["value"].map(position).to_numpy()
    counts = np.zeros((units.max() + 1, len(cats)), dtype=np.int64)
    np.add.at(counts, (units, values), 1)
    return counts


def _two_raters(ratings: pd.DataFrame) -> pd.DataFrame:
    """The two raters' values side by side, on the units both rated."""
    raters = pd.unique(ratings["rater"])
    if len(raters) > 2:
        raise ValueError(f"{NOT_TWO_RATERS}, got {len(raters)}")
    if len(raters) < 2:
        return pd.DataFrame(columns=["a", "b"])
    wide = ratings.pivot(index="unit", columns="rater", values="value").dropna()
    wide.columns = ["a", "b"]
    return wide


# ---------------------------------------------------------------- reference functions


def percent_agreement(ratings: pd.DataFrame) -> float:
    """Share of agreeing rater pairs within a unit, averaged over units rated at least twice."""
    counts = unit_counts(ratings)
    return float(figures(UnitTable.from_counts(counts), "nominal")["percent_agreement"].value)


def cohen_kappa(ratings: pd.DataFrame, weights: Weights = None, categories: Sequence | None = None) -> float:
    """Cohen's kappa for exactly two raters on the units both rated (scikit-learn)."""
    from sklearn.metrics import cohen_kappa_score

    _check_weights(weights)
    ratings = _check_frame(ratings)
    cats = _category_list(ratings, categories)
    wide = _two_raters(ratings)
    if wide.empty or len(cats) < 2:
        return float("nan")
    with warnings.catch_warnings():
        # A single shared category: scikit-learn warns and returns NaN, which is our answer.
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(wide["a"].tolist(), wide["b"].tolist(), labels=cats, weights=weights)
    return float(value)


def fleiss_kappa(ratings: pd.DataFrame, categories: Sequence | None = None) -> float:
    """Fleiss' kappa; with unequal numbers of ratings per unit, Gwet's generalisation.

    With the same number of raters on every unit this is statsmodels' `fleiss_kappa`; otherwise
    the missing-data form of Gwet (2014, Handbook of Inter-Rater Reliability, ch. 2), as in
    his irrCAC `fleiss.kappa.raw`, which reduces to Fleiss (1971) on complete data.
    """
    from statsmodels.stats import inter_rater

    ratings = _check_frame(ratings)
    counts = unit_counts(ratings, categories)
    per_unit = counts.sum(axis=1)
    if counts.shape[1] < 2 or not (per_unit >= 2).any():
        return float("nan")
    if (per_unit == per_unit[0]).all():
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(inter_rater.fleiss_kappa(counts, method="fleiss"))
    return float(figures(UnitTable.from_counts(counts), "nominal")["fleiss_kappa"].value)


def krippendorff_alpha(
    ratings: pd.DataFrame, level: Level = "nominal", categories: Sequence | None = None
) -> float:
    """Krippendorff's alpha (the `krippendorff` package) over the rubric's category set."""
    import krippendorff

    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    ratings = _check_frame(ratings)
    cats = _category_list(ratings, categories)
    counts = unit_counts(ratings, cats)
    if len(cats) < 2 or not (counts.sum(axis=1) >= 2).any():
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(krippendorff.alpha(value_counts=counts, value_domain=cats, level_of_measurement=level))


def gwet_ac1(ratings: pd.DataFrame, categories: Sequence | None = None, weights: Weights = None) -> float:
    """Gwet's AC1 (AC2 when weighted), multi-rater with missing ratings (Gwet 2014, ch. 4).

    The one Python package for it, irrCAC 0.4.4, pins pandas < 3 and scipy == 1.12 (we run
    pandas 3.1 and scipy 1.17), so it is computed here from Gwet's formulas, as in his R irrCAC
    `gwet.ac1.raw`, and checked against his published values.
    """
    counts = unit_counts(ratings, categories)
    return float(figures(UnitTable.from_counts(counts), "nominal", weights)["gwet_ac"].value)


def why_undefined(
    ratings: pd.DataFrame,
    statistic: str = "krippendorff_alpha",
    categories: Sequence | None = None,
) -> str | None:
    """Why `statistic` is NaN on these ratings, in words for the UI; None when it is defined."""
    ratings = _check_frame(ratings)
    if ratings.empty:
        return NO_RATINGS
    n_raters = ratings["rater"].nunique()
    if n_raters < 2:
        return ONE_RATER
    if statistic == "cohen_kappa":
        if n_raters != 2:
            return NOT_TWO_RATERS
        ratings_both = _two_raters(ratings)
        if ratings_both.empty:
            return NO_PAIRS
        table = PairTable.from_pairs(
            ratings_both["a"], ratings_both["b"], _category_list(ratings, categories)
        )
        return pair_figures(table, "nominal")["cohen_kappa"].undefined
    table = UnitTable.from_counts(unit_counts(ratings, categories))
    return figures(table, "nominal")[statistic].undefined


def _check_weights(weights: Weights) -> None:
    if weights not in WEIGHTS:
        raise ValueError("weights must be None, 'linear' or 'quadratic'")


# ---------------------------------------------------------------- the fast path


@dataclass(frozen=True)
class Estimate:
    """One figure: point value, interval, why it is undefined if it is, and whether it rests on
    too few units (fewer than RELIABLE_FROM_UNITS rated twice) for its interval to be trusted."""

    value: float
    low: float = float("nan")
    high: float = float("nan")
    undefined: str | None = None
    unreliable: bool = False

    def as_dict(self) -> dict:
        def num(x: float) -> float | None:
            return None if np.isnan(x) else round(float(x), 4)

        ci = None if np.isnan(self.low) else [num(self.low), num(self.high)]
        return {
            "value": num(self.value),
            "ci": ci,
            "undefined": self.undefined,
            "unreliable": self.unreliable,
        }


@dataclass(frozen=True)
class UnitTable:
    """The distinct per-unit count patterns and how many units show each one.

    Every statistic here depends on the units only through these patterns, so they are the
    whole input of the point estimates and of the bootstrap.
    """

    patterns: np.ndarray  # (T, K) ratings per category
    units: np.ndarray  # (T,) number of units with that pattern

    @classmethod
    def from_counts(cls, counts: np.ndarray) -> UnitTable:
        counts = np.asarray(counts, dtype=np.int64)
        counts = counts[counts.sum(axis=1) > 0]
        if counts.shape[0] == 0:
            return cls(np.zeros((0, counts.shape[1]), dtype=np.int64), np.zeros(0, dtype=np.int64))
        # One integer per row (counts in base max+1) makes the grouping a 1-D unique.
        base = int(counts.max()) + 1
        codes = counts @ (base ** np.arange(counts.shape[1], dtype=np.int64))
        _, first, units = np.unique(codes, return_index=True, return_counts=True)
        return cls(counts[first], units)

    @property
    def n_units(self) -> int:
        return int(self.units.sum())

    @property
    def n_labels(self) -> int:
        return int(self.units @ self.patterns.sum(axis=1))

    def distribution(self) -> np.ndarray:
        """Ratings per category."""
        return self.units @ self.patterns if len(self.units) else np.zeros(self.patterns.shape[1], int)


@dataclass(frozen=True)
class PairTable:
    """Two raters (or a rater and a reference) on shared units: a K x K table of (a, b) counts."""

    cells: np.ndarray  # (K, K)

    @classmethod
    def from_pairs(cls, a: Sequence, b: Sequence, categories: Sequence) -> PairTable:
        position = {c: i for i, c in enumerate(categories)}
        k = len(categories)
        cells = np.zeros((k, k), dtype=np.int64)
        for x, y in zip(a, b, strict=True):
            cells[position[x], position[y]] += 1
        return cls(cells)

    def unit_table(self) -> UnitTable:
        k = self.cells.shape[0]
        eye = np.eye(k, dtype=np.int64)
        patterns = (eye[:, None, :] + eye[None, :, :]).reshape(k * k, k)
        return UnitTable(patterns, self.cells.reshape(-1))


def weight_matrix(k: int, weights: Weights) -> np.ndarray:
    """Agreement weights by position: identity, 1 - |i-j|/(k-1), or 1 - ((i-j)/(k-1))^2."""
    _check_weights(weights)
    if weights is None or k < 2:
        return np.eye(k)
    distance = np.abs(np.subtract.outer(np.arange(k), np.arange(k))) / (k - 1)
    return 1 - (distance if weights == "linear" else distance**2)


def _features(patterns: np.ndarray, agree_weights: np.ndarray) -> np.ndarray:
    """Per-pattern quantities whose sums over units determine every statistic.

    Columns: units rated twice or more, their pairwise agreement, their weighted pairwise
    agreement, units rated at all, the rating shares c/m (K), the coincidences (K*K).
    """
    c = patterns.astype(float)
    k = c.shape[1]
    m = c.sum(axis=1)
    rated = (m >= 1).astype(float)
    paired = (m >= 2).astype(float)
    pairs = np.where(m >= 2, m * (m - 1), 1.0)
    agree = (c * (c - 1)).sum(axis=1) / pairs * paired
    weighted = (c * (c @ agree_weights.T - 1)).sum(axis=1) / pairs * paired
    shares = c / np.where(m > 0, m, 1.0)[:, None]
    coincidence = (c[:, :, None] * c[:, None, :] - c[:, :, None] * np.eye(k)[None]) / np.where(
        m >= 2, m - 1, 1.0
    )[:, None, None]
    coincidence *= paired[:, None, None]
    return np.column_stack([paired, agree, weighted, rated, shares, coincidence.reshape(len(c), k * k)])


def _alpha_distance(level: str, n_v: np.ndarray, values: np.ndarray | None) -> np.ndarray:
    """Krippendorff's squared distances between categories; n_v is (..., K) value totals."""
    k = n_v.shape[-1]
    i = np.arange(k)
    if level == "nominal":
        return np.broadcast_to((i[:, None] != i[None, :]).astype(float), (*n_v.shape[:-1], k, k))
    if level == "ordinal":
        cum = np.cumsum(n_v, axis=-1)
        lo, hi = np.minimum.outer(i, i), np.maximum.outer(i, i)
        between = cum[..., hi] - cum[..., lo] + n_v[..., lo]
        return (between - (n_v[..., lo] + n_v[..., hi]) / 2) ** 2
    v = np.asarray(values if values is not None else i, dtype=float)
    diff = np.subtract.outer(v, v)
    if level == "interval":
        d = diff**2
    else:
        total = np.add.outer(v, v)
        d = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2
    return np.broadcast_to(d, (*n_v.shape[:-1], k, k))


def _statistics(
    sums: np.ndarray, k: int, level: str, agree_weights: np.ndarray, values: np.ndarray | None
) -> dict[str, np.ndarray]:
    """All statistics from summed features; `sums` is (..., F) so resamples vectorise."""
    paired, agree, weighted, rated = sums[..., 0], sums[..., 1], sums[..., 2], sums[..., 3]
    shares = sums[..., 4 : 4 + k]
    coincidence = sums[..., 4 + k :].reshape(*sums.shape[:-1], k, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = agree / paired
        pa_w = weighted / paired
        pi = shares / rated[..., None]
        fleiss_pe = (pi**2).sum(axis=-1)
        fleiss = _chance_corrected(pa, fleiss_pe)
        if k >= 2:
            gwet_pe = agree_weights.sum() / (k * (k - 1)) * (pi * (1 - pi)).sum(axis=-1)
            gwet = _chance_corrected(pa_w, gwet_pe)
        else:
            gwet = np.full_like(pa, np.nan)
        n_v = coincidence.sum(axis=-1)
        n = n_v.sum(axis=-1)
        expected = (n_v[..., :, None] * n_v[..., None, :] - n_v[..., :, None] * np.eye(k)) / (n - 1)[
            ..., None, None
        ]
        d = _alpha_distance(level, n_v, values)
        observed_d = (coincidence * d).sum(axis=(-2, -1))
        expected_d = (expected * d).sum(axis=(-2, -1))
        alpha = np.where(expected_d > _EPS, 1 - observed_d / expected_d, np.nan)
    return {"percent_agreement": pa, "krippendorff_alpha": alpha, "gwet_ac": gwet, "fleiss_kappa": fleiss}


def _chance_corrected(pa: np.ndarray, pe: np.ndarray) -> np.ndarray:
    return np.where(1 - pe > _EPS, (pa - pe) / (1 - pe), np.nan)


def _reason(table: UnitTable) -> str:
    if table.n_units == 0:
        return NO_RATINGS
    if table.patterns.shape[1] < 2:
        return ONE_CATEGORY_SET
    if not (table.units[table.patterns.sum(axis=1) >= 2]).any():
        return NO_PAIRS
    return ONE_CATEGORY


def _interval(samples: np.ndarray) -> tuple[float, float]:
    defined = samples[~np.isnan(samples)]
    # Fewer than half the resamples defined: no honest interval.
    if defined.size == 0 or defined.size * 2 < samples.size:
        return float("nan"), float("nan")
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high)


def figures(
    table: UnitTable,
    level: Level = "nominal",
    weights: Weights = None,
    n_resamples: int = 0,
    rng: np.random.Generator | None = None,
    values: Sequence[float] | None = None,
) -> dict[str, Estimate]:
    """Percent agreement, alpha (at `level`), Gwet's AC1/AC2 (`weights`) and Fleiss' kappa.

    `values` are the numeric category values for interval/ratio alpha (positions otherwise).
    With `n_resamples`, each comes with a percentile bootstrap interval over units.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    draws = _draws(table, n_resamples, rng)
    vals = None if values is None else np.asarray(values, dtype=float)
    return _figures(table, level, weight_matrix(table.patterns.shape[1], weights), vals, draws)


def _draws(table: UnitTable, n_resamples: int, rng: np.random.Generator | None) -> np.ndarray | None:
    """(n_resamples, T) pattern counts of bootstrap resamples of the units, or None."""
    if not n_resamples or table.n_units == 0:
        return None
    rng = rng if rng is not None else np.random.default_rng(0)
    return rng.multinomial(table.n_units, table.units / table.n_units, size=n_resamples).astype(float)


def _figures(
    table: UnitTable,
    level: str,
    agree_weights: np.ndarray,
    values: np.ndarray | None,
    draws: np.ndarray | None,
) -> dict[str, Estimate]:
    if table.n_units == 0:
        return {name: Estimate(float("nan"), undefined=NO_RATINGS) for name in STATISTICS}
    k = table.patterns.shape[1]
    feats = _features(table.patterns, agree_weights)
    point = _statistics(table.units @ feats, k, level, agree_weights, values)
    samples = None if draws is None else _statistics(draws @ feats, k, level, agree_weights, values)
    return {
        name: _estimate(table, point[name], None if samples is None else samples[name]) for name in STATISTICS
    }


def paired_units(table: UnitTable) -> int:
    """Units rated at least twice: what agreement is measured on."""
    return int(table.units[table.patterns.sum(axis=1) >= 2].sum()) if table.n_units else 0


def _estimate(table: UnitTable, value: np.ndarray, samples: np.ndarray | None) -> Estimate:
    value = float(value)
    if np.isnan(value):
        return Estimate(value, undefined=_reason(table))
    low, high = _interval(samples) if samples is not None else (float("nan"), float("nan"))
    return Estimate(value, low, high, unreliable=paired_units(table) < RELIABLE_FROM_UNITS)


def _kappa_from_cells(cells: np.ndarray, disagree: np.ndarray) -> np.ndarray:
    """Weighted Cohen's kappa from (..., K, K) tables, as scikit-learn computes it."""
    n = cells.sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = cells.sum(axis=-1)[..., :, None] * cells.sum(axis=-2)[..., None, :] / n[..., None, None]
        observed_d = (cells * disagree).sum(axis=(-2, -1))
        expected_d = (expected * disagree).sum(axis=(-2, -1))
        return np.where(expected_d > _EPS, 1 - observed_d / expected_d, np.nan)


def pair_figures(
    table: PairTable,
    level: Level = "nominal",
    weights: Weights = None,
    n_resamples: int = 0,
    rng: np.random.Generator | None = None,
) -> dict[str, Estimate]:
    """The `figures` statistics plus Cohen's kappa (weighted by `weights`) for a two-rater table.

    All five figures are computed on the same resamples.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    units = table.unit_table()
    k = table.cells.shape[0]
    agree_weights = weight_matrix(k, weights)
    draws = _draws(units, n_resamples, rng)
    result = _figures(units, level, agree_weights, None, draws)
    kappa = _kappa_from_cells(table.cells.astype(float), 1 - agree_weights)
    samples = None if draws is None else _kappa_from_cells(draws.reshape(-1, k, k), 1 - agree_weights)
    result["cohen_kappa"] = _estimate(units, kappa, samples)
    return result


def proportion(hits: int, n: int, intervals: bool = False) -> Estimate:
    """A share, with its mid-p exact interval when `intervals` (never zero width, and it keeps
    its coverage at small n where a bootstrap of the share does not)."""
    if n == 0:
        return Estimate(float("nan"), undefined="no items")
    if not intervals:
        return Estimate(hits / n)
    low, high = share_interval(hits, n, CONFIDENCE)
    return Estimate(hits / n, float(low), float(high))


def pairwise_kappas(
    cells: np.ndarray,
    weights: Weights = None,
    n_resamples: int = 0,
    rng: np.random.Generator | None = None,
) -> list[dict[str, Estimate]]:
    """Cohen's kappa and percent agreement for many two-rater tables (P, K, K) at once.

    Same values as `pair_figures`; the resamples of all tables are drawn in one call, which is
    what keeps a 20-annotator matrix with 1,000 resamples fast.
    """
    cells = np.asarray(cells, dtype=np.int64)
    p, k, _ = cells.shape
    disagree = 1 - weight_matrix(k, weights)
    n = cells.sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.trace(cells, axis1=1, axis2=2) / n
    kappa = _kappa_from_cells(cells.astype(float), disagree)
    kappa_samples = percent_samples = None
    if n_resamples and p:
        rng = rng if rng is not None else np.random.default_rng(0)
        shares = cells.reshape(p, k * k) / np.maximum(n, 1)[:, None]
        draws = rng.multinomial(n, shares, size=(n_resamples, p)).reshape(n_resamples, p, k, k)
        kappa_samples = _kappa_from_cells(draws.astype(float), disagree)
        with np.errstate(divide="ignore", invalid="ignore"):
            percent_samples = np.trace(draws, axis1=2, axis2=3) / n
    results = []
    for i in range(p):
        table = PairTable(cells[i]).unit_table()
        results.append(
            {
                "cohen_kappa": _estimate(
                    table, kappa[i], None if kappa_samples is None else kappa_samples[:, i]
                ),
                "percent_agreement": _estimate(
                    table, percent[i], None if percent_samples is None else percent_samples[:, i]
                ),
            }
        )
    return results
