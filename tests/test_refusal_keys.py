"""Refusals of gold checks, exports, splits, leaderboards and the rubric carry message keys, so a
page shows them in the UI language (the command line keeps the English text)."""

from __future__ import annotations

import re

import pytest

from annotator.gold import mix_gold, set_gold
from annotator.i18n import Refusal
from annotator.published.exports import ExportOptions, build_export, read_export_data
from annotator.published.leaderboard import leaderboard
from annotator.rubric import RubricError, flames_rubric, parse_rubric
from annotator.splits import split_by_model
from annotator.store import set_project_rubric
from tests.workspace_data import build_workspace

ONE_DIMENSION = 'name = "one"\nversion = "1"\n[[dimensions]]\nname = "Fairness"\n' + "\n".join(
    f'[[dimensions.levels]]\nscore = {s}\nen = "level {s}"' for s in (3, 1)
)


@pytest.fixture
def workspace(db, fast_hashing):
    build_workspace(db)
    return db


@pytest.mark.parametrize(
    ("action", "english", "chinese"),
    [
        (lambda db: set_gold(db, "nope", 3, "lea"), "no response with id 'nope'", "没有 ID 为 'nope' 的回复"),
        (lambda db: mix_gold(db, ["alice"], 1.5), "the gold rate must be", "金标准比例须不小于 0"),
        (lambda db: flames_rubric().check_score("Fairness", 7), "score 7 is not allowed", "不允许评分 7"),
        (
            lambda db: leaderboard(db, "ghost"),
            "no suggestions from agent 'ghost'",
            "评分模型 'ghost' 没有建议",
        ),
        (lambda db: split_by_model([{"model": "a"}], ["b"], None), "validation models not in", "数据中没有"),
        (
            lambda db: set_project_rubric(db, parse_rubric(ONE_DIMENSION)),
            "the rubric lacks dimensions",
            "该评分标准缺少已有提示使用的维度",
        ),
        (
            lambda db: build_export(read_export_data(db), "pointwise", ExportOptions(license="two  spaces")),
            "the licence must be one line",
            "许可证须是一行文字",
        ),
    ],
)
def test_a_refusal_reads_in_either_language(workspace, action, english, chinese):
    with pytest.raises(Refusal) as refused:
        action(workspace)
    assert english in str(refused.value)
    assert chinese in refused.value.in_language("zh")


def _export(db, **options):
    return build_export(read_export_data(db), "pointwise", ExportOptions(**options))


@pytest.mark.parametrize(
    ("action", "english", "chinese"),
    [
        (
            lambda db: split_by_model([{"model": "a"}], ["b"], None),
            "validation models not in the data: b (models present: a)",
            "数据中没有这些验证模型：b（已有模型：a）",
        ),
        (
            lambda db: split_by_model([{"model": "a"}], None, ["b"]),
            "test models not in the data: b (models present: a)",
            "数据中没有这些测试模型：b（已有模型：a）",
        ),
        (lambda db: split_by_model([], ["b"], None), "(models present: none)", "（已有模型：无）"),
        (
            lambda db: _export(db, dimensions=["Fairnes"]),
            "unknown dimension Fairnes (known: ",
            "未知的维度：Fairnes（",
        ),
        (lambda db: _export(db, models=["GPT-5"]), "unknown model GPT-5 (known: ", "未知的模型：GPT-5（"),
        (lambda db: _export(db, batches=["b9"]), "unknown batch b9 (known: ", "未知的批次：b9（"),
        (lambda db: leaderboard(db, "ghost"), "(agents with suggestions: none)", "（有建议的评分模型：无）"),
    ],
)
def test_names_in_a_refusal_read_in_its_language(workspace, action, english, chinese):
    """Split and filter names and "none" are translated with the refusal, data names are not."""
    with pytest.raises(Refusal) as refused:
        action(workspace)
    assert english in str(refused.value)
    zh = refused.value.in_language("zh")
    assert chinese in zh
    assert not re.search(
        r"(?<![A-Za-z0-9_-])(validation|test|dimension|model|batch|none)(?![A-Za-z0-9_-])", zh
    )


def test_a_rubric_refusal_is_still_a_rubric_error():
    with pytest.raises(RubricError):
        flames_rubric().dimension("Nope")
