"""The agreement report over a small hand-checked project, its click-through and its command."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from annotator import cli
from annotator.agreement import stats as ag
from annotator.agreement.formatting import format_report, report_dict
from annotator.agreement.report import (
    Figure,
    agreement_report,
    data_version,
    disagreeing_responses,
    load_labels,
)
from annotator.cli import agreement as agreement_cli
from annotator.store import open_db
from tests.builders import AGREEMENT_FAIRNESS, AGREEMENT_RESPONSES, batch_of, build_agreement_project

FAIRNESS = AGREEMENT_FAIRNESS
R = AGREEMENT_RESPONSES  # response name -> id


@pytest.fixture
def report(agreement_db):
    return agreement_report(agreement_db, bootstrap=200, seed=3)


def _row(rows, **match):
    found = [r for r in rows if all(getattr(r, k) == v for k, v in match.items())]
    assert len(found) == 1, (match, rows)
    return found[0]


def _fairness_ratings() -> pd.DataFrame:
    rows = [
        (R[name], f"ann{i + 1}", s)
        for name, (_, _, scores, _) in FAIRNESS.items()
        for i, s in enumerate(scores)
    ]
    return pd.DataFrame(rows, columns=["unit", "rater", "value"])


def test_dimension_figures_by_hand_and_against_the_reference_functions(report):
    row = _row(report.dimensions, dimension="Fairness")
    fairness, estimates = row.figures, row.figures.estimates
    assert row.level == "ordinal"
    assert row.categories == (1, 2, 3)
    assert (fairness.n_units, fairness.n_labels) == (3, 9)  # the draft is left out
    assert fairness.distribution == {"1": 2, "2": 1, "3": 6}
    # Agreeing pairs per response: 3/3, 1/3, 1/3.
    assert estimates["percent_agreement"].value == pytest.approx(5 / 9, abs=1e-4)
    ratings = _fairness_ratings()
    assert estimates["krippendorff_alpha"].value == pytest.approx(
        ag.krippendorff_alpha(ratings, "ordinal", [1, 2, 3]), abs=1e-4
    )
    assert fairness.gwet_name == "AC2"
    assert estimates["gwet_ac"].value == pytest.approx(ag.gwet_ac1(ratings, [1, 2, 3], "linear"), abs=1e-4)
    assert estimates["fleiss_kappa"].value == pytest.approx(ag.fleiss_kappa(ratings, [1, 2, 3]), abs=1e-4)
    low, high = estimates["percent_agreement"].ci
    assert low <= 5 / 9 <= high


def test_one_category_dimension_is_undefined_with_a_reason_but_ac1_is_one(report):
    row = _row(report.dimensions, dimension="Legality")
    legality, estimates = row.figures, row.figures.estimates
    assert row.level == "nominal"
    assert legality.distribution == {"1": 0, "3": 6}
    assert estimates["krippendorff_alpha"] == Figure(
        value=None, ci=None, undefined=ag.ONE_CATEGORY, unreliable=False
    )
    assert estimates["fleiss_kappa"].undefined == ag.ONE_CATEGORY
    assert legality.gwet_name == "AC1"
    assert estimates["gwet_ac"].value == 1.0
    assert estimates["percent_agreement"].value == 1.0


def test_groupings(agreement_db, report):
    assert _row(report.subcomponents, value="Toxic language").figures.n_units == 3
    model_b = _row(report.models, value="mB", dimension="Fairness").figures
    assert (model_b.n_units, model_b.estimates["percent_agreement"].value) == (
        1,
        pytest.approx(1 / 3, abs=1e-4),
    )
    # A response counts in the week of its last label: r3's came in week 3.
    assert _row(report.weeks, value="2026-W02", dimension="Fairness").figures.n_units == 2
    assert _row(report.weeks, value="2026-W03", dimension="Fairness").figures.n_units == 1
    assert _row(report.batches, value=batch_of(agreement_db, "pF"), dimension="Fairness").figures.n_units == 3
    assert _row(report.batches, value=batch_of(agreement_db, "pL"), dimension="Legality").figures.n_units == 2


def test_pairwise_linear_weighted_kappa(report):
    same = _row(report.pairwise, dimension="Fairness", annotator_a="ann1", annotator_b="ann2")
    assert same.n_units == 3
    assert same.estimates["cohen_kappa"].value == 1.0
    # ann1 (3,3,1) vs ann3 (3,2,3): observed disagreement 0 + 1/2 + 1 = 3/2, expected 7/6.
    differ = _row(report.pairwise, dimension="Fairness", annotator_a="ann1", annotator_b="ann3")
    assert differ.estimates["cohen_kappa"].value == pytest.approx(1 - (3 / 2) / (7 / 6), abs=1e-4)
    assert differ.estimates["percent_agreement"].value == pytest.approx(1 / 3, abs=1e-4)


def test_each_annotator_against_the_consensus_of_the_others(report):
    # ann3: others say 3, 3, 1; ann3 said 3, 2, 3.
    ann3 = _row(report.annotators, value="ann3", dimension="Fairness").figures
    assert ann3.estimates["percent_agreement"].value == pytest.approx(1 / 3, abs=1e-4)
    assert ann3.distribution == {"labels": {"1": 0, "2": 1, "3": 2}, "consensus": {"1": 1, "2": 0, "3": 2}}
    # ann1: others (3,3) -> 3, (3,2) -> median rounded toward harmful 2, (1,3) -> 1.
    ann1 = _row(report.annotators, value="ann1", dimension="Fairness").figures
    assert ann1.distribution["consensus"] == {"1": 1, "2": 1, "3": 1}
    assert ann1.estimates["percent_agreement"].value == pytest.approx(2 / 3, abs=1e-4)


def test_agent_against_the_human_final_scores(report):
    scorer = _row(report.agents, value="scorer", dimension="Fairness").figures
    assert scorer.n_units == 3
    assert scorer.distribution == {"human": {"1": 1, "2": 0, "3": 2}, "agent": {"1": 1, "2": 1, "3": 1}}
    assert scorer.estimates["percent_agreement"].value == pytest.approx(2 / 3, abs=1e-4)


def test_anchoring(report):
    modes = report.anchoring.modes
    # ann1 (prefilled) kept the suggestion on r1 and r3, changed it on r2.
    prefilled = _row(modes, mode="prefilled", dimension=None)
    assert prefilled.n_labels == 3
    assert prefilled.equals_suggestion.value == pytest.approx(2 / 3, abs=1e-4)
    # ann3 (hidden) said 3, 2, 3 against suggestions 3, 2, 1.
    assert _row(modes, mode="hidden", dimension=None).equals_suggestion.value == pytest.approx(
        2 / 3, abs=1e-4
    )
    shown = _row(modes, mode="shown", dimension="Fairness")
    assert shown.with_other_humans.n_units == 3
    accepted = _row(report.anchoring.prefilled_accepted, annotator="ann1").accepted_unchanged
    assert accepted.value == pytest.approx(2 / 3, abs=1e-4)
    assert not [m for m in modes if m.dimension == "Legality"]


def test_report_is_json_and_seeded(agreement_db, report):
    first, again = report_dict(report), report_dict(agreement_report(agreement_db, bootstrap=200, seed=3))
    first.pop("generated_at")
    again.pop("generated_at")
    assert json.dumps(first, allow_nan=False) == json.dumps(again, allow_nan=False)
    other_seed = agreement_report(agreement_db, bootstrap=200, seed=4)
    fairness = _row(other_seed.dimensions, dimension="Fairness").figures
    assert (
        fairness.estimates["percent_agreement"].value
        == _row(report.dimensions, dimension="Fairness").figures.estimates["percent_agreement"].value
    )


def test_no_bootstrap_gives_no_intervals(agreement_db):
    fairness = _row(agreement_report(agreement_db, bootstrap=0).dimensions, dimension="Fairness").figures
    assert fairness.estimates["percent_agreement"].ci is None
    assert fairness.estimates["percent_agreement"].value is not None


def test_empty_project():
    report = agreement_report(open_db(":memory:"), bootstrap=10)
    assert report_dict(report)["totals"] == {"n_labels": 0, "n_units": 0, "n_annotators": 0}
    assert report.dimensions == () and report.agents == ()
    assert "By dimension" in format_report(report)


def test_leave_one_out_consensus_column(agreement_db):
    labels = load_labels(agreement_db).sort_values(["response_id", "annotator"])
    r2 = labels[labels["response_id"] == R["r2"]]
    assert r2["consensus"].tolist() == [2.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({}, ["r2", "r3"]),
        ({"model": "mB"}, ["r3"]),
        ({"week": "2026-W03"}, ["r3"]),
        ({"week": "2026-W02", "batch": "pF"}, ["r2"]),
        ({"batch": "pL"}, []),
        ({"dimension": "Legality"}, []),
        ({"annotators": ["ann1", "ann2"]}, []),
        ({"annotators": ["ann1", "ann3"], "dimension": "Fairness"}, ["r2", "r3"]),
        ({"annotators": ["ann3"]}, ["r2", "r3"]),
        ({"annotators": ["ann1"]}, ["r2"]),
        ({"agent": "scorer"}, ["r2"]),
    ],
)
def test_disagreeing_responses(agreement_db, selection, expected):
    if "batch" in selection:  # named by a prompt it brought
        selection = {**selection, "batch": batch_of(agreement_db, selection["batch"])}
    assert disagreeing_responses(agreement_db, **selection) == sorted(R[name] for name in expected)


def test_data_version_changes_with_labels_adjudications_and_suggestions(agreement_db):
    seen = {data_version(agreement_db)}
    assert data_version(agreement_db) in seen  # stable while nothing changes
    # Edits made in the tables themselves, as a restore or a hand fix would: the version must see them.
    changes = [
        (
            "UPDATE labels SET score = 1, updated_at = '2026-02-01T00:00:00.000Z' WHERE response_id = ? "
            "AND annotator = 'ann1'",
            [R["r1"]],
        ),
        (
            "INSERT INTO adjudications (response_id, final_score, lead, reason, created_at, updated_at) "
            "VALUES (?, 1, 'lead', 'other', '2026-02-01', '2026-02-01')",
            [R["r3"]],
        ),
        ("UPDATE suggestions SET score = 3 WHERE response_id = ?", [R["r3"]]),
        (
            "INSERT INTO labels (response_id, annotator, score, status, created_at, updated_at) "
            "VALUES (?, 'ann4', 3, 'submitted', '2026-01-01', '2026-01-01')",
            [R["r4"]],
        ),
    ]
    for change in changes:
        agreement_db.execute(*change)
        assert data_version(agreement_db) not in seen, change
        seen.add(data_version(agreement_db))


def test_disagreeing_responses_refuses_three_annotators(agreement_db):
    with pytest.raises(ValueError, match="at most two"):
        disagreeing_responses(agreement_db, annotators=["ann1", "ann2", "ann3"])


def test_text_report_shows_every_section(report):
    text = format_report(report)
    for heading in ("By dimension", "By model", "By week", "By import batch", "consensus of the others"):
        assert heading in text
    assert "undefined" in text  # Legality alpha
    assert "AC1 1.000" in text


@pytest.fixture
def command(monkeypatch, tmp_path):
    path = tmp_path / "project.db"
    build_agreement_project(open_db(path))
    monkeypatch.setattr(cli, "COMMAND_MODULES", [agreement_cli.__name__])  # no torch import here
    return path


def test_command_prints_json(command, capsys):
    assert cli.main(["--db", str(command), "agreement", "--json", "--bootstrap", "50", "--seed", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["settings"]["bootstrap"] == 50
    assert report["settings"]["seed"] == 1
    assert [row["n_labels"] for row in report["dimensions"] if row["dimension"] == "Fairness"] == [9]


def test_command_prints_text(command, capsys):
    assert cli.main(["--db", str(command), "agreement", "--bootstrap", "0"]) == 0
    assert "By dimension" in capsys.readouterr().out


def test_command_rejects_a_negative_bootstrap(command, capsys):
    assert cli.main(["--db", str(command), "agreement", "--bootstrap", "-1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and len(err.strip().splitlines()) == 1


def test_pairwise_with_more_annotators_than_a_small_integer_holds():
    # 20 annotators: pair keys (rater a x 20 + rater b) overflowed int8 category codes once.
    from bench.agreement_bench import build_project

    db = open_db(":memory:")
    build_project(db, n_prompts=80)
    labels = pd.DataFrame(
        db.execute(
            "SELECT l.response_id, l.annotator, p.dimension FROM labels l "
            "JOIN responses r ON r.id = l.response_id JOIN prompts p ON p.id = r.prompt_id"
        ).fetchall(),
        columns=["unit", "rater", "dimension"],
    )
    both = labels.merge(labels, on=["unit", "dimension"])
    both = both[both["rater_x"] < both["rater_y"]]
    expected = both.groupby(["dimension", "rater_x", "rater_y"]).size().to_dict()
    got = {
        (row.dimension, row.annotator_a, row.annotator_b): row.n_units
        for row in agreement_report(db, bootstrap=0).pairwise
    }
    assert got == expected


def test_figures_on_few_responses_are_unreliable_and_shown_without_an_interval(report):
    fairness = _row(report.dimensions, dimension="Fairness").figures
    percent = fairness.estimates["percent_agreement"]
    assert report.settings.reliable_from_units == ag.RELIABLE_FROM_UNITS
    assert fairness.n_paired_units < ag.RELIABLE_FROM_UNITS
    assert percent.unreliable is True
    assert percent.ci is not None  # kept in the report and its JSON, flagged
    text = format_report(report)
    shown = f"{percent.value:.3f} (unreliable: < {ag.RELIABLE_FROM_UNITS} units)"
    assert shown in text
    low, high = percent.ci
    assert f"[{low:.3f}, {high:.3f}]" not in text


def test_prompts_without_an_import_batch_count_under_none(agreement_db):
    # Only databases from before import batches (or made by hand) have such prompts.
    legality_batch = batch_of(agreement_db, "pL")
    agreement_db.execute("UPDATE prompts SET batch = NULL WHERE id = 'pL'")
    agreement_db.conn.commit()
    batches = agreement_report(agreement_db, bootstrap=0).batches
    assert _row(batches, value="(none)", dimension="Legality").figures.n_units == 2
    assert not [row for row in batches if row.value == legality_batch]
