from __future__ import annotations

import math

import pytest

from annotator.consolidation import PROVENANCES
from annotator.gold import set_gold
from annotator.ids import response_id
from annotator.progress import (
    ANNOTATOR_COLUMNS,
    DIMENSION_COLUMNS,
    annotator_progress,
    dimension_progress,
    labels_per_day,
    progress_report,
)
from tests.builders import new_db


def test_per_annotator_queue_speed_gold_and_flags(progress_db):
    frame = annotator_progress(progress_db, fast_seconds=10).set_index("annotator")
    assert list(frame.index) == ["a", "b", "c"]  # the lead has no work and is not listed
    a, b, c = frame.loc["a"], frame.loc["b"], frame.loc["c"]
    assert (a.assigned, a.done, a.remaining, a.skipped, a.labels) == (3, 1, 1, 1, 2)
    assert a.labels_per_hour == pytest.approx(2 / (35 / 3600))
    assert (a.median_seconds, a.fast_share) == (17.5, 0.5)
    assert (a.gold_n, a.flags_raised, bool(a.gold_below_threshold)) == (0, 2, False)
    assert math.isnan(a.gold_accuracy)
    assert (b.assigned, b.done, b.remaining, b.labels) == (2, 2, 0, 3)
    assert b.labels_per_hour == pytest.approx(2 / (68 / 3600))  # the untimed label is left out
    assert (b.median_seconds, b.fast_share, b.gold_n, b.gold_accuracy) == (34.0, 0.5, 1, 1.0)
    assert not c.active and (c.assigned, c.labels) == (0, 0) and math.isnan(c.median_seconds)


def test_the_fast_threshold_and_gold_threshold_are_chosen_by_the_caller(progress_db):
    set_gold(progress_db, response_id("p0001", "m1"), 3, "lead")
    frame = annotator_progress(progress_db, fast_seconds=31, gold_threshold=0.5).set_index("annotator")
    assert frame.loc["a", "fast_share"] == 1.0
    assert frame.loc["b", "gold_accuracy"] == 0.0 and frame.loc["b", "gold_below_threshold"]


def test_per_dimension_prompts_done_and_final_scores_by_provenance(progress_db):
    frame = dimension_progress(progress_db).set_index("dimension")
    assert list(frame.index) == ["Fairness", "Safety", "Morality", "Legality", "Data protection"]
    fair = frame.loc["Fairness"]
    assert (fair.prompts, fair.labelled, fair.fully_done, fair.final_scores) == (3, 2, 1, 3)
    assert fair[list(PROVENANCES)].to_dict() == {
        "adjudicated": 0,
        "unanimous": 2,
        "majority": 0,
        "median": 0,
        "single": 1,
    }
    assert frame.loc["Safety"].tolist() == [2, 0, 0, 0, *[0] * len(PROVENANCES)]
    assert frame.loc["Legality"].sum() == 0


def test_labels_per_day_and_annotator(progress_db):
    assert labels_per_day(progress_db).values.tolist() == [
        ["2026-01-05", "a", 2],
        ["2026-01-05", "b", 1],
        ["2026-01-06", "b", 2],
    ]


def test_an_empty_project_gives_empty_figures():
    report = progress_report(new_db())
    assert list(report.annotators.columns) == ANNOTATOR_COLUMNS and report.annotators.empty
    assert list(report.dimensions.columns) == DIMENSION_COLUMNS
    assert report.dimensions["prompts"].sum() == 0 and len(report.dimensions) == 5
    assert report.daily.empty
