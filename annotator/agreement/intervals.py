"""Confidence intervals for shares, means of shares and level-share functions that keep their
coverage at small n and near 0 or 1, and never have zero width.

Each kind of figure has the method that bench/interval_coverage.py showed never to cover its
truth less than 93% of the time over n = 5..249 and rates 3%..97%, and more than 98% only where
the counts leave no better choice or by at most 1.3 points (figures and the reasons in
docs/leaderboard.md). The percentile bootstrap used before covered as little as 15%:

- one share (a harmless rate, an agreement share): Lancaster's mid-p exact interval, the
  binomial tail probabilities with half the observed outcome's mass on each side;
- the unweighted mean of shares from cells of different sizes (Overall): the Agresti-Coull
  interval at Kish's effective sample size;
- a function of several level shares (the harmless score on a scale of three or more levels):
  the same mid-p, drawn: half the draws of the level shares come from Dirichlet(counts + one on
  the lowest level), half from Dirichlet(counts + one on the top level). On two levels those are
  Beta(x, n-x+1) and Beta(x+1, n-x), whose CDFs at p are P(X >= x) and P(X > x), so the equal-
  tailed interval of the mixture is exactly the mid-p interval; on more levels it carries the
  same tails to any function of the shares. (A Dirichlet with the Jeffreys prior, 1/2 per
  level, under-covered: 85-92% near 0 and 1 at small n.)

At a figure's lowest or highest possible value the interval reaches that end (Brown, Cai &
DasGupta's boundary rule): five harmless responses out of five give [54.9%, 100%].
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

Interval = tuple[float, float]

MIDP = "mid-p exact"
AGRESTI_COULL = "Agresti-Coull at the effective sample size"
_BISECTIONS = 52  # halves [0, 1] down to float resolution


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def share_interval(hits: np.ndarray | float, n: np.ndarray | float, confidence: float) -> np.ndarray:
    """Mid-p exact interval(s) for hits out of n, as shares; shape (..., 2).

    `hits` may be fractional (an effective count). The mid-p tail at p is the mean of the two
    regularised incomplete beta functions I_p(x, n-x+1) = P(X >= x) and I_p(x+1, n-x) = P(X > x),
    which rises with p; each end is found by bisection, all cells at once.
    """
    from scipy.special import betainc  # ~0.4 s to import: not for pages that draw no share's interval

    x, size = np.broadcast_arrays(np.asarray(hits, dtype=float), np.asarray(n, dtype=float))
    alpha = (1.0 - confidence) / 2.0
    tiny = np.finfo(float).tiny

    def tail(p: np.ndarray) -> np.ndarray:
        return 0.5 * (
            betainc(np.maximum(x, tiny), size - x + 1, p) + betainc(x + 1, np.maximum(size - x, tiny), p)
        )

    def solve(target: float) -> np.ndarray:
        low, high = np.zeros(x.shape), np.ones(x.shape)
        for _ in range(_BISECTIONS):
            middle = (low + high) / 2.0
            above = tail(middle) > target
            high, low = np.where(above, middle, high), np.where(above, low, middle)
        return (low + high) / 2.0

    lower = np.where(x <= 0, 0.0, solve(alpha))
    upper = np.where(x >= size, 1.0, solve(1.0 - alpha))
    return np.stack([lower, upper], axis=-1)


def mean_share_interval(shares: np.ndarray, sizes: np.ndarray, confidence: float) -> np.ndarray:
    """Agresti-Coull interval(s) for the unweighted mean of shares over axis 0; shape (..., 2).

    The mean of k shares from cells of n_i has the variance of one share from
    n_eff = k^2 / sum(1/n_i) items (Kish), so it is read as mean * n_eff hits out of n_eff.
    """
    shares, sizes = np.asarray(shares, dtype=float), np.asarray(sizes, dtype=float)
    k = shares.shape[0]
    effective = k * k / np.sum(1.0 / sizes, axis=0)
    mean = shares.mean(axis=0)
    z = _z(confidence)
    total = effective + z * z
    centre = (mean * effective + z * z / 2.0) / total
    half = z * np.sqrt(centre * (1.0 - centre) / total)
    lower = np.where(mean <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    upper = np.where(mean >= 1, 1.0, np.clip(centre + half, 0.0, 1.0))
    return np.stack([lower, upper], axis=-1)


def midp_share_draws(counts: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, ..., K) level shares: the first half from Dirichlet(counts + one on the lowest
    level), the rest from Dirichlet(counts + one on the top level). A level with no count and no
    added one gets share 0."""
    counts = np.asarray(counts, dtype=float)
    lowest, top = np.zeros(counts.shape[-1]), np.zeros(counts.shape[-1])
    lowest[0], top[-1] = 1.0, 1.0
    half = draws // 2
    gammas = np.concatenate(
        [
            rng.standard_gamma(counts + lowest, size=(half, *counts.shape)),
            rng.standard_gamma(counts + top, size=(draws - half, *counts.shape)),
        ]
    )
    return gammas / gammas.sum(axis=-1, keepdims=True)


def draws_interval(
    draws: np.ndarray, observed: np.ndarray | float, lowest: float, highest: float, confidence: float
) -> np.ndarray:
    """Equal-tailed interval(s) of posterior draws over axis 0, reaching the end the observed
    value sits on; shape (..., 2)."""
    tail = (1.0 - confidence) / 2.0
    lower, upper = np.quantile(draws, [tail, 1.0 - tail], axis=0)
    observed = np.asarray(observed, dtype=float)
    span = (highest - lowest) * 1e-9
    lower = np.where(observed <= lowest + span, lowest, lower)
    upper = np.where(observed >= highest - span, highest, upper)
    return np.stack([lower, upper], axis=-1)


def as_interval(bounds: np.ndarray, scale: float = 1.0) -> Interval:
    """One (low, high) pair of floats from a shape (2,) array, times `scale`."""
    return float(bounds[0] * scale), float(bounds[1] * scale)
