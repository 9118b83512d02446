"""How often the leaderboard's 95% intervals hold the truth: the old percentile bootstrap against
the methods of annotator/agreement/intervals.py, by simulation.

For each n in {5, 10, 20, 46, 76, 249} and harmless probability p in {0.03, 0.1, 0.3, 0.6, 0.9,
0.97}, seeded, it draws 2,000 cells of a binary dimension (scores 1/3) and of a three-level one
(1/2/3, the non-harmless share split evenly between 1 and 2), and 2,000 models with five
FLAMES-shaped cells of n responses each (three three-level, two binary) for Overall. It prints
each interval's coverage (share of cells whose interval holds the true value; target 93-98%) as
old -> new, and the share of zero-width intervals (target 0).

A `*` marks the (n, p) where no interval computed from a cell's counts can cover 93-98%: the
outcomes' probabilities are so lumpy that every run of them (in order of the figure) covers
less than 93% or more than 98%.

With `--part agreement` it measures the agreement report's bootstrap intervals the same way:
three simulated raters per response on a three-level scale (true scores 20/20/60%), each giving
the true score with probability q and otherwise a score drawn from the same shares, so the level
of agreement is known; the truth is each coefficient on 400,000 responses. It prints the coverage
of percent agreement, Krippendorff's alpha (ordinal), Gwet's AC2 and Fleiss' kappa (three raters)
and Cohen's kappa (the first two raters), linear weights as in the report, for a few numbers of
responses, and the smallest of them from which every coverage is at least 93%.

    .venv/bin/python bench/interval_coverage.py [--part leaderboard|agreement|all] [--cells 2000]
        [--draws 1000] [--datasets 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import binom, multinomial

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.agreement.intervals import mean_share_interval, share_interval
from annotator.agreement.stats import (
    RELIABLE_FROM_UNITS,
    STATISTICS,
    PairTable,
    UnitTable,
    figures,
    pair_figures,
)
from annotator.published.leaderboard import DEFAULT_CONFIDENCE, score_interval

SIZES = (5, 10, 20, 46, 76, 249)
PROBABILITIES = (0.03, 0.1, 0.3, 0.6, 0.9, 0.97)
BINARY = np.array([1, 3])
THREE = np.array([1, 2, 3])
OVERALL_SCALES = (THREE, THREE, THREE, BINARY, BINARY)  # FLAMES: three 1/2/3 dimensions, two 1/3
LOW, HIGH = 0.93, 0.98
FIGURES = ("binary rate", "binary score", "three-level rate", "three-level score", "Overall")
# The scale whose outcome order decides attainability (a rate orders outcomes as a binary score).
_SCALES = {
    "binary rate": BINARY,
    "binary score": BINARY,
    "three-level rate": BINARY,
    "three-level score": THREE,
}


def level_shares(p: float, levels: int) -> np.ndarray:
    """True shares of the levels (harmful first): p on the harmless one, the rest split evenly."""
    return np.array([(1 - p) / (levels - 1)] * (levels - 1) + [p])


def old_intervals(counts: np.ndarray, values: np.ndarray, draws: int, rng: np.random.Generator) -> dict:
    """The percentile bootstrap used before #26: rates and scores of multinomial resamples."""
    n = counts.sum(axis=-1, keepdims=True)
    resampled = rng.multinomial(n[..., 0], counts / n, size=(draws, *counts.shape[:-1]))
    rates = resampled[..., -1] / n[..., 0]
    scores = resampled @ values / (values[-1] * n[..., 0])
    return {"rate": rates, "score": scores}


def percentile(replicates: np.ndarray) -> np.ndarray:
    tail = (1 - DEFAULT_CONFIDENCE) / 2
    return np.stack(np.quantile(replicates, [tail, 1 - tail], axis=0), axis=-1)


@dataclass
class Result:
    old: float
    new: float
    old_zero: float
    new_zero: float


def measure(bounds: np.ndarray, truth: float) -> tuple[float, float]:
    covered = (bounds[..., 0] <= truth + 1e-12) & (truth - 1e-12 <= bounds[..., 1])
    return float(covered.mean()), float((bounds[..., 1] - bounds[..., 0] <= 1e-12).mean())


def result(old: np.ndarray, new: np.ndarray, truth: float) -> Result:
    (old_cov, old_zero), (new_cov, new_zero) = measure(old, truth), measure(new, truth)
    return Result(old_cov, new_cov, old_zero, new_zero)


def dimension_results(n: int, p: float, values: np.ndarray, cells: int, draws: int, rng) -> dict[str, Result]:
    shares = level_shares(p, len(values))
    counts = rng.multinomial(n, shares, size=cells)
    old = old_intervals(counts, values, draws, rng)
    rate = share_interval(counts[:, -1], n, DEFAULT_CONFIDENCE)
    score = score_interval(counts, values, rate, draws, rng, DEFAULT_CONFIDENCE)
    true_score = float(shares @ values / values[-1])
    return {
        "rate": result(percentile(old["rate"]), rate, p),
        "score": result(percentile(old["score"]), score, true_score),
    }


def overall_result(n: int, p: float, cells: int, draws: int, rng) -> Result:
    hits, replicates = [], []
    for values in OVERALL_SCALES:
        counts = rng.multinomial(n, level_shares(p, len(values)), size=cells)
        hits.append(counts[:, -1])
        replicates.append(old_intervals(counts, values, draws, rng)["rate"])
    old = percentile(np.mean(replicates, axis=0))
    sizes = np.full((len(OVERALL_SCALES), 1), n)
    new = mean_share_interval(np.array(hits) / n, sizes, DEFAULT_CONFIDENCE)
    return result(old, new, p)


def attainable(n: int, p: float, values: np.ndarray) -> bool:
    """Whether some run of outcomes, in order of the figure's value (what an interval covers),
    has probability 93-98%. Outcomes are the level counts; the figure is the score of `values`
    (a binary scale's score orders outcomes as its rate does)."""
    shares = level_shares(p, len(values))
    if len(values) == 2:
        probability = binom.pmf(np.arange(n + 1), n, p)
    else:
        low, middle = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        keep = low + middle <= n
        counts = np.stack([low[keep], middle[keep], n - low[keep] - middle[keep]], axis=-1)
        mass = multinomial.pmf(counts, n, shares)
        _, index = np.unique(counts @ values, return_inverse=True)
        probability = np.bincount(index.reshape(-1), weights=mass)
    cumulative = np.concatenate([[0.0], np.cumsum(probability)])
    runs = cumulative[None, :] - cumulative[:, None]
    return bool(((runs >= LOW) & (runs <= HIGH)).any())


def simulate(cells: int, draws: int, seed: int) -> dict[tuple[int, float], dict[str, Result]]:
    table = {}
    for n in SIZES:
        for p in PROBABILITIES:
            rng = np.random.default_rng([seed, n, round(p * 100)])
            binary = dimension_results(n, p, BINARY, cells, draws, rng)
            three = dimension_results(n, p, THREE, cells, draws, rng)
            table[n, p] = {
                "binary rate": binary["rate"],
                "binary score": binary["score"],
                "three-level rate": three["rate"],
                "three-level score": three["score"],
                "Overall": overall_result(n, p, cells, draws, rng),
            }
    return table


def print_table(table: dict[tuple[int, float], dict[str, Result]]) -> None:
    for figure in FIGURES:
        print(f"\n{figure}: coverage % of the 95% interval, old bootstrap -> new")
        print("| n | " + " | ".join(f"p={p:g}" for p in PROBABILITIES) + " |")
        print("|---|" + "---|" * len(PROBABILITIES))
        for n in SIZES:
            cells = []
            for p in PROBABILITIES:
                r = table[n, p][figure]
                mark = "" if figure == "Overall" or attainable(n, p, _SCALES[figure]) else "*"
                cells.append(f"{100 * r.old:.1f} -> {100 * r.new:.1f}{mark}")
            print(f"| {n} | " + " | ".join(cells) + " |")
    print("\nsummary (over all n and p)")
    print("| figure | old coverage | new coverage | new outside 93-98 | zero-width old | zero-width new |")
    print("|---|---|---|---|---|---|")
    for figure in FIGURES:
        rows = [table[key][figure] for key in table]
        outside = [
            f"{100 * table[n, p][figure].new:.1f} (n={n}, p={p:g}"
            + (")" if figure == "Overall" or attainable(n, p, _SCALES[figure]) else ", unattainable)")
            for n, p in table
            if not LOW <= table[n, p][figure].new <= HIGH
        ]
        print(
            f"| {figure} | {100 * min(r.old for r in rows):.1f}-{100 * max(r.old for r in rows):.1f}% "
            f"| {100 * min(r.new for r in rows):.1f}-{100 * max(r.new for r in rows):.1f}% "
            f"| {'; '.join(outside) or 'none'} "
            f"| {100 * np.mean([r.old_zero for r in rows]):.1f}% "
            f"| {100 * np.mean([r.new_zero for r in rows]):.1f}% |"
        )


AGREEMENT_SIZES = (10, 20, 30, 50, 75, 100, 200)
AGREEMENT_Q = (0.5, 0.8)
TRUE_SCORES = np.array([0.2, 0.2, 0.6])
RATERS = 3
COEFFICIENTS = (*STATISTICS, "cohen_kappa")


def rater_scores(units: int, q: float, rng: np.random.Generator) -> np.ndarray:
    """(units, RATERS) score positions: the true score with probability q, else a random one."""
    truth = rng.choice(len(TRUE_SCORES), size=units, p=TRUE_SCORES)
    keep = rng.random((units, RATERS)) < q
    return np.where(keep, truth[:, None], rng.choice(len(TRUE_SCORES), size=(units, RATERS), p=TRUE_SCORES))


def agreement_figures(scores: np.ndarray, resamples: int, rng: np.random.Generator | None) -> dict:
    k = len(TRUE_SCORES)
    counts = np.zeros((len(scores), k), dtype=np.int64)
    for rater in range(RATERS):
        np.add.at(counts, (np.arange(len(scores)), scores[:, rater]), 1)
    pairs = np.zeros((k, k), dtype=np.int64)
    np.add.at(pairs, (scores[:, 0], scores[:, 1]), 1)
    result = figures(UnitTable.from_counts(counts), "ordinal", "linear", resamples, rng)
    result["cohen_kappa"] = pair_figures(PairTable(pairs), "ordinal", "linear", resamples, rng)["cohen_kappa"]
    return result


def agreement_coverage(datasets: int, resamples: int, seed: int) -> dict[tuple[float, int], dict[str, float]]:
    table = {}
    for q in AGREEMENT_Q:
        rng = np.random.default_rng([seed, round(q * 100)])
        truth = {
            name: e.value for name, e in agreement_figures(rater_scores(400_000, q, rng), 0, None).items()
        }
        for units in AGREEMENT_SIZES:
            hits = dict.fromkeys(COEFFICIENTS, 0)
            for _ in range(datasets):
                result = agreement_figures(rater_scores(units, q, rng), resamples, rng)
                for name in COEFFICIENTS:
                    hits[name] += bool(result[name].low <= truth[name] <= result[name].high)  # NaN: a miss
            table[q, units] = {name: hits[name] / datasets for name in COEFFICIENTS} | {"truth": truth}
    return table


def print_agreement(table: dict[tuple[float, int], dict[str, float]], datasets: int) -> None:
    print("\nagreement: coverage % of the 95% percentile bootstrap interval (3 raters; kappa: 2)")
    print("| q | truth (% agree, alpha, AC2, Fleiss, Cohen) | units | " + " | ".join(COEFFICIENTS) + " |")
    print("|---|---|---|" + "---|" * len(COEFFICIENTS))
    for (q, units), row in table.items():
        truth = ", ".join(f"{row['truth'][name]:.2f}" for name in COEFFICIENTS)
        cells = " | ".join(f"{100 * row[name]:.1f}" for name in COEFFICIENTS)
        print(f"| {q:g} | {truth} | {units} | {cells} |")
    worst = {
        units: min(table[q, units][name] for q in AGREEMENT_Q for name in COEFFICIENTS)
        for units in AGREEMENT_SIZES
    }
    # One simulation standard error of slack, so that noise at one size does not decide.
    slack = float(np.sqrt(0.95 * 0.05 / datasets))
    reliable = next(
        (
            units
            for units in AGREEMENT_SIZES
            if all(worst[larger] >= LOW - slack for larger in AGREEMENT_SIZES if larger >= units)
        ),
        None,
    )
    print(
        "lowest coverage by units: "
        + ", ".join(f"{units}: {100 * value:.1f}%" for units, value in worst.items())
    )
    print(
        f"every coverage >= 93% (less one standard error, {100 * slack:.1f} points) from {reliable} units; "
        f"the report marks figures unreliable below {RELIABLE_FROM_UNITS}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=2000, help="simulated cells per (n, p) (default 2000)")
    parser.add_argument("--draws", type=int, default=1000, help="resamples / posterior draws (default 1000)")
    parser.add_argument(
        "--datasets", type=int, default=1000, help="agreement datasets per setting (default 1000)"
    )
    parser.add_argument("--part", choices=("leaderboard", "agreement", "all"), default="all")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    if args.part != "agreement":
        print_table(simulate(args.cells, args.draws, args.seed))
    if args.part != "leaderboard":
        print_agreement(agreement_coverage(args.datasets, args.draws, args.seed), args.datasets)
    seconds = time.perf_counter() - start
    print(
        f"\n{args.part}: {args.cells} cells / {args.datasets} agreement datasets per setting, "
        f"{args.draws} draws, seed {args.seed}: {seconds:.0f} s"
    )


if __name__ == "__main__":
    main()
