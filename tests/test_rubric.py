from __future__ import annotations

import pytest

from annotator.rubric import RubricError, flames_rubric, load_rubric, parse_rubric

FIVE_LEVELS = """
name = "helpfulness"
version = "2024-1"

[[dimensions]]
name = "Helpfulness"
name_zh = "有用性"
explanation_required_below = 3
subcomponents = ["Accuracy", "Clarity"]
levels = [
    {score = 5, en = "excellent", zh = "很好"},
    {score = 4, en = "good"},
    {score = 3, en = "fair"},
    {score = 2, en = "poor"},
    {score = 1, zh = "很差"},
]
"""


def test_flames_rubric():
    rubric = flames_rubric()
    assert rubric.label == "FLAMES@1"
    assert rubric.dimension_names == ("Fairness", "Safety", "Morality", "Legality", "Data protection")
    fairness, legality = rubric.dimension("Fairness"), rubric.dimension("Legality")
    assert fairness.scores == (1, 2, 3) and legality.scores == (1, 3)
    assert [level.score for level in fairness.levels] == [3, 2, 1]  # most harmless first
    assert fairness.level_of_measurement == "ordinal" and legality.level_of_measurement == "nominal"
    assert fairness.harmless_score == legality.harmless_score == 3
    assert all(
        level.description["zh"] and level.description["en"] for d in rubric.dimensions for level in d.levels
    )
    subcomponents = [s for d in rubric.dimensions for s in d.subcomponents]
    assert len(subcomponents) == 12
    assert rubric.dimension("Safety").subcomponent_name("Mental harm", "zh") == "心理伤害"
    assert not fairness.needs_explanation(1)  # optional in FLAMES: one keystroke per label


@pytest.mark.parametrize(
    ("dimension", "score", "ok"),
    [
        ("Fairness", 2, True),
        ("Fairness", "3", True),
        ("Fairness", 3.0, True),
        ("Fairness", " 3.0 ", True),  # a spreadsheet's CSV
        ("Fairness", "2.5", False),
        ("Fairness", "³", False),
        ("Legality", 2, False),
        ("Fairness", 0, False),
        ("Fairness", True, False),
        ("Fairness", "high", False),
        ("Fairness", None, False),
    ],
)
def test_check_score(dimension, score, ok):
    rubric = flames_rubric()
    if ok:
        assert rubric.check_score(dimension, score) == int(float(score))
    else:
        with pytest.raises(RubricError, match="not allowed"):
            rubric.check_score(dimension, score)


def test_check_subcomponent_and_unknown_dimension():
    rubric = flames_rubric()
    rubric.check_subcomponent("Safety", "Physical harm")
    with pytest.raises(RubricError, match="not in dimension 'Fairness'"):
        rubric.check_subcomponent("Fairness", "Physical harm")
    with pytest.raises(RubricError, match="unknown dimension 'Honesty'"):
        rubric.dimension("Honesty")


def test_a_five_level_rubric(tmp_path):
    path = tmp_path / "five.toml"
    path.write_bytes(b"\xef\xbb\xbf" + FIVE_LEVELS.encode("utf-8"))  # a BOM is fine
    rubric = load_rubric(path)
    helpfulness = rubric.dimension("Helpfulness")
    assert rubric.label == "helpfulness@2024-1"
    assert helpfulness.scores == (1, 2, 3, 4, 5) and helpfulness.harmless_score == 5
    assert helpfulness.level_of_measurement == "ordinal"
    assert rubric.check_score("Helpfulness", 4) == 4
    assert helpfulness.display_name("zh") == "有用性"
    assert helpfulness.needs_explanation(2) and not helpfulness.needs_explanation(4)
    assert parse_rubric(rubric.source) == rubric


BASE = 'name = "r"\nversion = "1"\n'
DIM = '[[dimensions]]\nname = "D"\n'
TWO_LEVELS = '[[dimensions.levels]]\nscore = 2\nen = "a"\n[[dimensions.levels]]\nscore = 1\nen = "b"\n'


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name = ", "invalid TOML"),
        ('version = "1"\n' + DIM + TWO_LEVELS, "missing field 'name'"),
        ('name = "r"\n' + DIM + TWO_LEVELS, "missing field 'version'"),
        ('name = 3\nversion = "1"\n' + DIM + TWO_LEVELS, "field 'name' has the wrong type"),
        (BASE, "missing field 'dimensions'"),
        (BASE + "dimensions = []\n", "'dimensions' is empty"),
        (BASE + "dimensions = [1]\n", "dimensions[0]: must be a table"),
        (BASE + "[[dimensions]]\n" + TWO_LEVELS, "dimensions[0]: missing field 'name'"),
        (BASE + DIM, "(D): missing field 'levels'"),
        (BASE + DIM + '[[dimensions.levels]]\nscore = 1\nen = "a"\n', "needs at least two levels"),
        (BASE + DIM + "levels = [1, 2]\n", "levels[0]: must be a table"),
        (BASE + DIM + 'levels = [{en = "a"}, {score = 1, en = "b"}]\n', "levels[0]: missing field 'score'"),
        (
            BASE + DIM + 'levels = [{score = "3", en = "a"}, {score = 1, en = "b"}]\n',
            "'score' has the wrong type",
        ),
        (BASE + DIM + 'levels = [{score = 2}, {score = 1, en = "b"}]\n', "needs a description"),
        (BASE + DIM + 'levels = [{score = 1, en = "a"}, {score = 1, en = "b"}]\n', "level scores repeat"),
        (BASE + DIM + "subcomponents = [1]\n" + TWO_LEVELS, "subcomponents must be strings"),
        (BASE + DIM + 'explanation_required_below = "2"\n' + TWO_LEVELS, "must be an integer"),
        (BASE + DIM + "evidence_required_below = true\n" + TWO_LEVELS, "'evidence_required_below' must be"),
        (BASE + DIM + TWO_LEVELS + DIM + TWO_LEVELS, "dimension names repeat: D"),
    ],
)
def test_rubric_errors_name_the_field(text, problem):
    with pytest.raises(RubricError) as caught:
        parse_rubric(text, origin="team.toml")
    assert str(caught.value).startswith("team.toml")
    assert problem in str(caught.value)


def test_missing_rubric_file(tmp_path):
    with pytest.raises(RubricError, match="cannot read rubric"):
        load_rubric(tmp_path / "nope.toml")
