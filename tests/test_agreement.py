"""Agreement statistics against values published by others, invariants, and undefined cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement import stats as ag

NA = None


def long_format(raters: list[list]) -> pd.DataFrame:
    """One list per rater, one position per unit; None is a missing rating."""
    rows = [
        (unit, rater, value)
        for rater, values in enumerate(raters)
        for unit, value in enumerate(values)
        if value is not None
    ]
    return pd.DataFrame(rows, columns=["unit", "rater", "value"])


def counts_to_long(counts: list[list[int]], categories: list) -> pd.DataFrame:
    """A units x categories count table as long-format ratings (raters numbered within a unit)."""
    rows = []
    for unit, row in enumerate(counts):
        values = [c for c, n in zip(categories, row, strict=True) for _ in range(n)]
        rows += [(unit, rater, value) for rater, value in enumerate(values)]
    return pd.DataFrame(rows, columns=["unit", "rater", "value"])


def fast(ratings: pd.DataFrame, categories=None, level="nominal", weights=None, values=None):
    table = ag.UnitTable.from_counts(ag.unit_counts(ratings, categories))
    return ag.figures(table, level, weights, values=values)


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, values 1-5, missing data. Published: nominal .743, ordinal .815, interval .849,
# ratio .797. (The krippendorff package's own tests and docstring check .743/.815/.797.)
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
]

# The krippendorff package's test data (tests/test_krippendorff.py, pln-fing-udelar/
# fast-krippendorff): 3 coders, 15 units; nominal 0.691358, interval 0.810845.
KRIPPENDORFF_PACKAGE = [
    [NA, NA, NA, NA, NA, 3, 4, 1, 2, 1, 1, 3, 3, NA, 3],
    [1, NA, 2, 1, 3, 3, 4, 3, NA, NA, NA, NA, NA, NA, NA],
    [NA, NA, 2, 1, 3, 4, 4, NA, 2, 1, 1, 3, 3, NA, 4],
]

# Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., p. 120; irrCAC's `cac.raw4raters`
# (R package kgwet/irrCAC and its Python port afergadis/irrCAC, test/unit/irrCAC/raw/test_gwet.py):
# AC1 0.77544 (pa 0.81818, pe 0.19032); AC2 linear 0.859, quadratic 0.914; Fleiss 0.76117.
GWET_RAW4RATERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, NA],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
]

# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses (counts per diagnosis),
# as in statsmodels' test_inter_rater.py (`diagnoses`), whose kappa 0.4302445 comes from R irr.
FLEISS_1971 = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
]  # fmt: skip

# The Wikipedia Fleiss' kappa example used by statsmodels' test_fleiss_kappa: 14 raters,
# 10 subjects, 5 categories; kappa 0.210.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip

# Artstein & Poesio (2008), "Inter-coder agreement for computational linguistics", Table 4:
# two coders, 100 utterances, Stat/IReq/Chck. Published Ao 0.88, pi 0.7995, kappa 0.8013
# (also in scikit-learn's test_cohen_kappa and NLTK's agreement doctest; NLTK gives alpha
# 0.8005345806882727 on the same data).
AP_TABLE4 = ([0] * 46 + [1] * 44 + [2] * 10, [0] * 52 + [1] * 32 + [2] * 16)
# Artstein & Poesio (2008), Table 1 as in scikit-learn's test_cohen_kappa: kappa 0.348.
AP_TABLE1 = ([0] * 40 + [1] * 60, [0] * 20 + [1] * 20 + [0] * 10 + [1] * 50)
# scikit-learn's weighting example: kappa 0.9315, linear 0.9412, quadratic 0.9541.
SKLEARN_WEIGHTED = ([0] * 46 + [1] * 44 + [2] * 10, [0] * 50 + [1] * 40 + [2] * 10)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_worked_example(level, published):
    ratings = long_format(KRIPPENDORFF_2011)
    assert ag.krippendorff_alpha(ratings, level, [1, 2, 3, 4, 5]) == pytest.approx(published, abs=5e-4)
    assert fast(ratings, [1, 2, 3, 4, 5], level, values=[1, 2, 3, 4, 5])[
        "krippendorff_alpha"
    ].value == pytest.approx(ag.krippendorff_alpha(ratings, level, [1, 2, 3, 4, 5]), abs=1e-12)


@pytest.mark.parametrize(("level", "published"), [("nominal", 0.691358), ("interval", 0.810845)])
def test_krippendorff_package_reference(level, published):
    ratings = long_format(KRIPPENDORFF_PACKAGE)
    assert ag.krippendorff_alpha(ratings, level) == pytest.approx(published, abs=5e-7)
    assert fast(ratings, level=level, values=[1, 2, 3, 4])["krippendorff_alpha"].value == pytest.approx(
        published, abs=5e-7
    )


@pytest.mark.parametrize(("weights", "published"), [(None, 0.77544), ("linear", 0.859), ("quadratic", 0.914)])
def test_gwet_raw4raters(weights, published):
    ratings = long_format(GWET_RAW4RATERS)
    digits = 5e-6 if weights is None else 5e-4
    assert ag.gwet_ac1(ratings, [1, 2, 3, 4, 5], weights) == pytest.approx(published, abs=digits)


def test_gwet_raw4raters_percent_agreement_and_generalised_fleiss():
    ratings = long_format(GWET_RAW4RATERS)
    assert ag.percent_agreement(ratings) == pytest.approx(0.81818, abs=5e-6)
    assert ag.fleiss_kappa(ratings, [1, 2, 3, 4, 5]) == pytest.approx(0.76117, abs=5e-6)


def test_gwet_ac1_counts_the_rubric_categories_not_the_observed_ones():
    # AC1's chance term divides by q - 1: a 5th, never-used category changes it.
    ratings = long_format(GWET_RAW4RATERS)
    assert ag.gwet_ac1(ratings, [1, 2, 3, 4, 5, 6]) != pytest.approx(ag.gwet_ac1(ratings, [1, 2, 3, 4, 5]))


@pytest.mark.parametrize(("counts", "published"), [(FLEISS_1971, 0.4302445), (WIKIPEDIA_FLEISS, 0.210)])
def test_fleiss_published_examples(counts, published):
    ratings = counts_to_long(counts, [1, 2, 3, 4, 5])
    tolerance = 5e-8 if published == 0.4302445 else 5e-4
    assert ag.fleiss_kappa(ratings) == pytest.approx(published, abs=tolerance)
    assert fast(ratings)["fleiss_kappa"].value == pytest.approx(ag.fleiss_kappa(ratings), abs=1e-12)


def test_artstein_poesio_table4():
    ratings = long_format(list(AP_TABLE4))
    assert ag.percent_agreement(ratings) == pytest.approx(0.88)
    assert ag.cohen_kappa(ratings) == pytest.approx(0.8013, abs=5e-5)
    # Fleiss' kappa with two raters is Scott's pi.
    assert ag.fleiss_kappa(ratings) == pytest.approx(0.7995, abs=5e-5)
    assert ag.krippendorff_alpha(ratings) == pytest.approx(0.8005345806882727, abs=1e-12)


def test_artstein_poesio_table1_binary_kappa():
    assert ag.cohen_kappa(long_format(list(AP_TABLE1))) == pytest.approx(0.348, abs=5e-4)


@pytest.mark.parametrize(
    ("weights", "published"), [(None, 0.9315), ("linear", 0.9412), ("quadratic", 0.9541)]
)
def test_cohen_weighted_sklearn_example(weights, published):
    ratings = long_format(list(SKLEARN_WEIGHTED))
    assert ag.cohen_kappa(ratings, weights, [0, 1, 2]) == pytest.approx(published, abs=5e-5)
    table = ag.PairTable.from_pairs(*SKLEARN_WEIGHTED, [0, 1, 2])
    assert ag.pair_figures(table, "nominal", weights)["cohen_kappa"].value == pytest.approx(
        ag.cohen_kappa(ratings, weights, [0, 1, 2]), abs=1e-12
    )


def test_pair_figures_match_the_reference_functions():
    ratings = long_format(list(AP_TABLE4))
    result = ag.pair_figures(ag.PairTable.from_pairs(*AP_TABLE4, [0, 1, 2]), "ordinal", "linear")
    assert result["percent_agreement"].value == pytest.approx(ag.percent_agreement(ratings))
    assert result["krippendorff_alpha"].value == pytest.approx(
        ag.krippendorff_alpha(ratings, "ordinal", [0, 1, 2])
    )
    assert result["gwet_ac"].value == pytest.approx(ag.gwet_ac1(ratings, [0, 1, 2], "linear"))
    assert result["fleiss_kappa"].value == pytest.approx(ag.fleiss_kappa(ratings, [0, 1, 2]))
    assert result["cohen_kappa"].value == pytest.approx(ag.cohen_kappa(ratings, "linear", [0, 1, 2]))


# ---------------------------------------------------------------- bootstrap


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    table = ag.UnitTable.from_counts(ag.unit_counts(long_format(GWET_RAW4RATERS), [1, 2, 3, 4, 5]))
    first = ag.figures(table, "ordinal", "linear", 1000, np.random.default_rng(7))
    again = ag.figures(table, "ordinal", "linear", 1000, np.random.default_rng(7))
    assert first == again
    for estimate in first.values():
        assert estimate.low <= estimate.value <= estimate.high
        assert estimate.low < estimate.high


def test_bootstrap_interval_narrows_with_more_units():
    few = ag.PairTable(np.array([[8, 2], [1, 9]]))
    many = ag.PairTable(few.cells * 25)
    narrow = ag.pair_figures(many, n_resamples=1000)["cohen_kappa"]
    wide = ag.pair_figures(few, n_resamples=1000)["cohen_kappa"]
    assert narrow.value == pytest.approx(wide.value)
    assert narrow.high - narrow.low < (wide.high - wide.low) / 2


def test_proportion_interval():
    estimate = ag.proportion(30, 100, intervals=True)
    assert estimate.value == 0.3
    assert 0.2 < estimate.low < 0.3 < estimate.high < 0.4
    assert ag.proportion(0, 0).undefined == "no items"


def test_estimate_as_dict_is_json_ready():
    assert ag.Estimate(float("nan"), undefined="why").as_dict() == {
        "value": None,
        "ci": None,
        "undefined": "why",
        "unreliable": False,
    }
    assert ag.Estimate(0.51234, 0.4, 0.6).as_dict() == {
        "value": 0.5123,
        "ci": [0.4, 0.6],
        "undefined": None,
        "unreliable": False,
    }


# ---------------------------------------------------------------- undefined cases


def test_one_category_observed_is_undefined_for_kappa_and_alpha_but_not_ac1():
    ratings = long_format([[3, 3, 3], [3, 3, 3]])
    cats = [1, 2, 3]
    assert math.isnan(ag.krippendorff_alpha(ratings, "ordinal", cats))
    assert math.isnan(ag.fleiss_kappa(ratings, cats))
    assert math.isnan(ag.cohen_kappa(ratings, None, cats))
    assert ag.gwet_ac1(ratings, cats) == 1.0
    assert ag.percent_agreement(ratings) == 1.0
    assert ag.why_undefined(ratings, "krippendorff_alpha", cats) == ag.ONE_CATEGORY
    assert ag.why_undefined(ratings, "cohen_kappa", cats) == ag.ONE_CATEGORY
    assert ag.why_undefined(ratings, "gwet_ac", cats) is None


@pytest.mark.parametrize(
    ("raters", "reason"),
    [
        ([[1, 2, 3]], ag.ONE_RATER),
        ([[1, NA, 3], [NA, 2, NA]], ag.NO_PAIRS),
        ([], ag.NO_RATINGS),
    ],
)
def test_undefined_reasons(raters, reason):
    ratings = long_format(raters)
    assert ag.why_undefined(ratings, "krippendorff_alpha", [1, 2, 3]) == reason
    assert math.isnan(ag.krippendorff_alpha(ratings, "nominal", [1, 2, 3]))
    assert math.isnan(ag.gwet_ac1(ratings, [1, 2, 3]))
    assert math.isnan(ag.fleiss_kappa(ratings, [1, 2, 3]))
    assert math.isnan(ag.percent_agreement(ratings))


def test_cohen_kappa_refuses_three_raters():
    with pytest.raises(ValueError, match="exactly two raters"):
        ag.cohen_kappa(long_format([[1], [1], [2]]))


def test_values_outside_the_category_set_are_named():
    with pytest.raises(ValueError, match="outside the category set: 4"):
        ag.krippendorff_alpha(long_format([[1, 4], [1, 2]]), "nominal", [1, 2, 3])


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="missing: value"):
        ag.percent_agreement(pd.DataFrame({"unit": [1], "rater": ["a"]}))


# ---------------------------------------------------------------- invariants

ratings_strategy = st.lists(
    st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=6, max_size=6), min_size=2, max_size=4
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=2, max_size=20), st.integers(2, 5))
def test_perfect_agreement_gives_one(values, n_raters):
    ratings = long_format([values] * n_raters)
    cats = [0, 1, 2, 3]
    assert ag.percent_agreement(ratings) == 1.0
    assert ag.gwet_ac1(ratings, cats) == pytest.approx(1.0)
    if len(set(values)) > 1:
        assert ag.krippendorff_alpha(ratings, "ordinal", cats) == pytest.approx(1.0)
        assert ag.fleiss_kappa(ratings, cats) == pytest.approx(1.0)
        if n_raters == 2:
            assert ag.cohen_kappa(ratings, "linear", cats) == pytest.approx(1.0)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(ratings_strategy, st.permutations([0, 1, 2]))
def test_relabelling_categories_keeps_nominal_statistics(raters, permutation):
    ratings = long_format(raters)
    relabelled = ratings.assign(value=ratings["value"].map(dict(enumerate(permutation))))
    cats = [0, 1, 2]
    assert _same(ag.percent_agreement(ratings), ag.percent_agreement(relabelled))
    assert _same(
        ag.krippendorff_alpha(ratings, "nominal", cats), ag.krippendorff_alpha(relabelled, "nominal", cats)
    )
    assert _same(ag.gwet_ac1(ratings, cats), ag.gwet_ac1(relabelled, cats))
    assert _same(ag.fleiss_kappa(ratings, cats), ag.fleiss_kappa(relabelled, cats))


@settings(max_examples=40, deadline=None)
@given(ratings_strategy, st.randoms(use_true_random=False))
def test_rater_order_does_not_matter(raters, random):
    shuffled = raters[:]
    random.shuffle(shuffled)
    a, b = long_format(raters), long_format(shuffled)
    cats = [0, 1, 2]
    assert _same(ag.krippendorff_alpha(a, "ordinal", cats), ag.krippendorff_alpha(b, "ordinal", cats))
    assert _same(ag.gwet_ac1(a, cats, "quadratic"), ag.gwet_ac1(b, cats, "quadratic"))
    assert _same(ag.fleiss_kappa(a, cats), ag.fleiss_kappa(b, cats))
    assert _same(ag.percent_agreement(a), ag.percent_agreement(b))
    pair_a, pair_b = long_format(raters[:2]), long_format(raters[:2][::-1])
    assert _same(ag.cohen_kappa(pair_a, "linear", cats), ag.cohen_kappa(pair_b, "linear", cats))


@settings(max_examples=40, deadline=None)
@given(ratings_strategy, st.sampled_from(["nominal", "ordinal"]), st.sampled_from([None, "linear"]))
def test_fast_path_equals_the_library_path(raters, level, weights):
    ratings = long_format(raters)
    cats = [0, 1, 2]
    result = fast(ratings, cats, level, weights)
    assert _same(result["krippendorff_alpha"].value, ag.krippendorff_alpha(ratings, level, cats))
    assert _same(result["fleiss_kappa"].value, ag.fleiss_kappa(ratings, cats))
    assert _same(result["percent_agreement"].value, ag.percent_agreement(ratings))
    assert _same(result["gwet_ac"].value, ag.gwet_ac1(ratings, cats, weights))
    for name, estimate in result.items():
        assert math.isnan(estimate.value) == (ag.why_undefined(ratings, name, cats) is not None)


def test_pairwise_kappas_match_pair_figures():
    tables = np.array([[[8, 2, 0], [1, 9, 1], [0, 2, 5]], [[3, 0, 0], [0, 0, 0], [0, 0, 0]]])
    batch = ag.pairwise_kappas(tables, "linear", 500, np.random.default_rng(1))
    single = ag.pair_figures(ag.PairTable(tables[0]), "ordinal", "linear")
    assert batch[0]["cohen_kappa"].value == pytest.approx(single["cohen_kappa"].value)
    assert batch[0]["percent_agreement"].value == pytest.approx(single["percent_agreement"].value)
    assert batch[0]["cohen_kappa"].low < batch[0]["cohen_kappa"].value < batch[0]["cohen_kappa"].high
    assert batch[1]["cohen_kappa"].undefined == ag.ONE_CATEGORY
    assert batch[1]["percent_agreement"].value == 1.0


@pytest.mark.parametrize(
    ("paired", "single", "unreliable"),
    [(ag.RELIABLE_FROM_UNITS - 1, 30, True), (ag.RELIABLE_FROM_UNITS, 0, False)],
)
def test_figures_on_too_few_twice_rated_units_are_unreliable(paired, single, unreliable):
    # Units rated once do not count: agreement is measured on the units rated at least twice.
    counts = np.array(
        [[2, 0, 1], [0, 3, 0]] * (paired // 2) + [[0, 3, 0]] * (paired % 2) + [[1, 0, 0]] * single
    )
    result = ag.figures(ag.UnitTable.from_counts(counts), "ordinal", "linear", 100, np.random.default_rng(0))
    assert {name: result[name].unreliable for name in ag.STATISTICS} == dict.fromkeys(
        ag.STATISTICS, unreliable
    )
    assert ag.proportion(1, 3, intervals=True).unreliable is False  # shares keep their coverage at any n
