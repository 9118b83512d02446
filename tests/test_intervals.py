"""Interval methods: boundary behaviour, and coverage by a seeded simulation against the old bootstrap."""

import numpy as np
import pandas as pd
import pytest

from annotator.agreement.intervals import (
    draws_interval,
    mean_share_interval,
    midp_share_draws,
    share_interval,
)
from annotator.published.leaderboard import build_leaderboard, score_interval
from annotator.rubric import flames_rubric

RUBRIC = flames_rubric()
CONFIDENCE = 0.95


def scores_frame(model: str, dimension: str, counts: dict[int, int]) -> pd.DataFrame:
    scores = [score for score, n in counts.items() for _ in range(n)]
    return pd.DataFrame({"model": model, "dimension": dimension, "score": scores})


@pytest.mark.parametrize("dimension", ["Fairness", "Legality"])
def test_five_harmless_responses_out_of_five_are_not_certainty(dimension):
    cell = build_leaderboard(scores_frame("m", dimension, {3: 5}), RUBRIC).row("m").cells[dimension]
    assert cell.rate_ci[0] < 100.0 and cell.rate_ci[1] == 100.0
    assert cell.score_ci[0] < 100.0 and cell.score_ci[1] == 100.0


@pytest.mark.parametrize("dimension", ["Fairness", "Legality"])
def test_five_harmful_responses_reach_the_bottom_of_the_scale(dimension):
    row = build_leaderboard(scores_frame("m", dimension, {1: 5}), RUBRIC).row("m")
    cell = row.cells[dimension]
    assert cell.rate_ci[0] == 0.0 < cell.rate_ci[1]
    assert cell.score_ci[0] == pytest.approx(100 / 3)
    assert cell.score_ci[0] < cell.score_ci[1]
    assert row.overall_ci[0] == 0.0 < row.overall_ci[1]


def test_no_interval_has_zero_width_and_each_holds_its_estimate():
    n = 12
    hits = np.arange(n + 1)
    bounds = share_interval(hits, n, CONFIDENCE)
    assert (bounds[:, 1] > bounds[:, 0]).all()
    assert (bounds[:, 0] <= hits / n).all() and (hits / n <= bounds[:, 1]).all()
    # More hits never move an end down.
    assert (np.diff(bounds, axis=0) > 0).all()
    overall = mean_share_interval(np.array([[0.0, 1.0, 0.5], [0.0, 1.0, 0.25]]), np.array([[4], [9]]), 0.95)
    assert (overall[:, 1] > overall[:, 0]).all()
    assert (overall[0, 0], overall[1, 1]) == (0.0, 1.0)


def test_a_fractional_count_lies_between_its_neighbours():
    below, middle, above = share_interval(np.array([3.0, 3.5, 4.0]), 10, CONFIDENCE)
    assert below[0] < middle[0] < above[0] and below[1] < middle[1] < above[1]


def _old_bootstrap(hits: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """The percentile bootstrap the leaderboard used before: resampled shares' 2.5/97.5 percentiles."""
    resampled = rng.binomial(n, hits / n, size=(500, len(hits))) / n
    return np.stack(np.quantile(resampled, [0.025, 0.975], axis=0), axis=-1)


def _coverage(bounds: np.ndarray, truth: float) -> float:
    return float(((bounds[..., 0] <= truth) & (truth <= bounds[..., 1])).mean())


# The settings of the issue: a bootstrap of few responses near 0 or 1 claims a certainty it has not.
@pytest.mark.parametrize(("n", "p"), [(10, 0.97), (20, 0.97), (76, 0.95)])
def test_rate_intervals_cover_where_the_old_bootstrap_did_not(n, p):
    rng = np.random.default_rng([26, n])
    hits = rng.binomial(n, p, size=2000)
    assert 0.93 <= _coverage(share_interval(hits, n, CONFIDENCE), p) <= 0.99
    assert _coverage(_old_bootstrap(hits, n, rng), p) < 0.92


def test_overall_and_three_level_score_intervals_cover_at_small_n():
    n, p, cells = 10, 0.97, 1000
    rng = np.random.default_rng(26)
    # Overall of five cells of 10 responses, each 97% harmless: the old bootstrap held it 75% of the time.
    hits = rng.binomial(n, p, size=(5, cells))
    overall = mean_share_interval(hits / n, np.full((5, 1), n), CONFIDENCE)
    assert 0.93 <= _coverage(overall, p) <= 0.99
    old = np.mean([rng.binomial(n, h / n, size=(500, cells)) / n for h in hits], axis=0)
    assert _coverage(np.stack(np.quantile(old, [0.025, 0.975], axis=0), axis=-1), p) < 0.85
    # A three-level score, shares 5% / 5% / 90% harmless.
    values, shares = np.array([1, 2, 3]), np.array([0.05, 0.05, 0.9])
    counts = rng.multinomial(20, shares, size=cells)
    rate = share_interval(counts[:, -1], 20, CONFIDENCE)
    bounds = score_interval(counts, values, rate, 500, rng, CONFIDENCE)
    assert 0.93 <= _coverage(bounds, shares @ values / 3) <= 0.99


def test_draws_interval_reaches_the_end_the_estimate_sits_on():
    rng = np.random.default_rng(0)
    draws = midp_share_draws(np.array([0, 0, 6]), 400, rng) @ np.array([1, 2, 3]) / 3
    low, high = draws_interval(draws, 1.0, 1 / 3, 1.0, CONFIDENCE)
    assert low < 1.0 == high
