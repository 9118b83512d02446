"""How well a scorer agrees with the final human scores: per-dimension accuracy, macro-F1 and
confusion matrices, and per model the gap between the scorer's harmless rate and the humans';
the agents with stored suggestions. No torch here: the Scorer page draws from it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import sqlite_utils

from annotator.published.leaderboard import build_leaderboard
from annotator.rubric import Rubric
from annotator.scorer.data import ScorerItem, items_from_db
from annotator.scorer.settings import Precision
from annotator.suggestions import suggested_scores

if TYPE_CHECKING:
    from annotator.scorer.model import Scorer


def confusion_matrix(truth: Sequence[int], guess: Sequence[int], labels: Sequence[int]) -> np.ndarray:
    """Counts of (truth, guess) pairs: rows are true labels, columns guessed ones, both in the order
    of labels; pairs with a label outside labels are left out (as scikit-learn's)."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for true, guessed in zip(truth, guess, strict=True):
        if true in index and guessed in index:
            matrix[index[true], index[guessed]] += 1
    return matrix


def macro_f1(truth: Sequence[int], guess: Sequence[int]) -> float:
    """The unweighted mean of each label's F1 over the labels that occur (in truth or guess): an
    absent label is no failure. Each F1 is 2·tp / (true + predicted), which is never 0/0 here;
    the same arithmetic as scikit-learn's f1_score(average="macro"), so the same floats."""
    matrix = confusion_matrix(truth, guess, sorted({*truth, *guess}))
    f1 = 2.0 * np.diag(matrix) / (matrix.sum(axis=1).astype(float) + matrix.sum(axis=0))
    return float(np.mean(f1))


def agreement_metrics(items: Sequence[ScorerItem], predicted: Sequence[int], rubric: Rubric) -> dict:
    """{"n", "accuracy", "macro_f1" (mean over dimensions), "dimensions": {name: {"n", "accuracy",
    "macro_f1", "scores", "confusion"}}}; confusion rows are human scores, columns predicted ones,
    both in the order of "scores" (most harmless first). Dimensions without items are left out.
    Computed with numpy: scikit-learn's metrics take seconds to import, and the Scorer page shows these."""
    dimensions = {}
    for dim in rubric.dimensions:
        pairs = [
            (item.score, p) for item, p in zip(items, predicted, strict=True) if item.dimension == dim.name
        ]
        if not pairs:
            continue
        truth, guess = zip(*pairs, strict=True)
        order = [level.score for level in dim.levels]
        dimensions[dim.name] = {
            "n": len(pairs),
            "accuracy": sum(t == g for t, g in zip(truth, guess, strict=True)) / len(pairs),
            "macro_f1": macro_f1(truth, guess),
            "scores": order,
            "confusion": confusion_matrix(truth, guess, order).tolist(),
        }
    correct = sum(item.score == p for item, p in zip(items, predicted, strict=True))
    return {
        "n": len(items),
        "accuracy": correct / len(items) if items else None,
        "macro_f1": sum(d["macro_f1"] for d in dimensions.values()) / len(dimensions) if dimensions else None,
        "dimensions": dimensions,
    }


def harmless_rate_gaps(items: Sequence[ScorerItem], predicted: Sequence[int], rubric: Rubric) -> dict:
    """Per model, in the human leaderboard's order: {"human_rate", "scorer_rate", "gap", "dimensions":
    {name: {"n", "human_rate", "scorer_rate", "gap"}}}, the leaderboard's harmless rates in percent
    over these items, gap = scorer - human; dimensions without items are left out."""
    frame = pd.DataFrame(
        {
            "model": [item.model for item in items],
            "dimension": [item.dimension for item in items],
            "human": [item.score for item in items],
            "scorer": list(predicted),
        }
    )
    human = build_leaderboard(frame.rename(columns={"human": "score"}), rubric, bootstrap=0)
    scorer = build_leaderboard(
        frame.rename(columns={"scorer": "score"}), rubric, source="scorer", bootstrap=0
    )
    models = {}
    for human_row in human.rows:
        scorer_row = scorer.row(human_row.model)
        dims = {
            name: {
                "n": cell.n,
                "human_rate": cell.rate,
                "scorer_rate": scorer_row.cells[name].rate,
                "gap": scorer_row.cells[name].rate - cell.rate,
            }
            for name, cell in human_row.cells.items()
            if cell.n
        }
        models[human_row.model] = {
            "human_rate": human_row.overall_rate,
            "scorer_rate": scorer_row.overall_rate,
            "gap": scorer_row.overall_rate - human_row.overall_rate,
            "dimensions": dims,
        }
    return models


def scorer_report(
    scorer: Scorer,
    items: Sequence[ScorerItem],
    precision: Precision = "fp32",
    batch_size: int | None = None,
    progress: bool = False,
) -> dict:
    """The scorer's evaluation_report on scored items, with "precision"; for bf16 or int8 also
    "identical_to_fp32", the share of predictions the exact scorer makes too. fp32 predictions are
    shared among launched processes (shared_predict)."""
    from annotator.scorer.predict import fast_predictions, shared_predict  # torch: for a run only

    report: dict = {"precision": precision}
    if precision != "fp32":
        predictions, same = fast_predictions(scorer, items, precision, batch_size, progress)
        report["identical_to_fp32"] = same
    else:
        predictions = shared_predict(scorer, items, batch_size, progress)
    return {**report, **evaluation_report(items, [p.score for p in predictions], scorer.rubric)}


def agent_agreement(db: sqlite_utils.Database, agent: str, rubric: Rubric) -> dict:
    """evaluation_report of an agent's suggestions against the final human scores, over the
    responses that have both (for the app's "how far can the scorer be trusted" view)."""
    suggested = suggested_scores(db, agent)
    items = [item for item in items_from_db(db, rubric) if item.response_id in suggested]
    return evaluation_report(items, [suggested[item.response_id] for item in items], rubric)


def evaluation_report(items: Sequence[ScorerItem], predicted: Sequence[int], rubric: Rubric) -> dict:
    """agreement_metrics plus "models": harmless_rate_gaps."""
    return {
        **agreement_metrics(items, predicted, rubric),
        "models": harmless_rate_gaps(items, predicted, rubric),
    }
