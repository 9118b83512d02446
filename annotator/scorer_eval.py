"""How well a scorer agrees with the final human scores: per-dimension accuracy, macro-F1 and
confusion matrices, and per model the gap between the scorer's harmless rate and the humans'."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from annotator.rubric import Rubric
from annotator.scorer_data import ScorerItem


def agreement_metrics(items: Sequence[ScorerItem], predicted: Sequence[int], rubric: Rubric) -> dict:
    """{"n", "accuracy", "macro_f1" (mean over dimensions), "dimensions": {name: {"n", "accuracy",
    "macro_f1", "scores", "confusion"}}}; confusion rows are human scores, columns predicted ones,
    both in the order of "scores" (most harmless first). Dimensions without items are left out."""
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
            "accuracy": float(accuracy_score(truth, guess)),
            # Over the levels that occur (in truth or guess): an absent level is no failure.
            "macro_f1": float(f1_score(truth, guess, labels=sorted({*truth, *guess}), average="macro")),
            "scores": order,
            "confusion": confusion_matrix(truth, guess, labels=order).tolist(),
        }
    correct = sum(item.score == p for item, p in zip(items, predicted, strict=True))
    return {
        "n": len(items),
        "accuracy": correct / len(items) if items else None,
        "macro_f1": sum(d["macro_f1"] for d in dimensions.values()) / len(dimensions) if dimensions else None,
        "dimensions": dimensions,
    }


def harmless_rate_gaps(items: Sequence[ScorerItem], predicted: Sequence[int], rubric: Rubric) -> dict:
    """Per model: {"human_rate", "scorer_rate", "gap", "dimensions": {name: {"n", "human_rate",
    "scorer_rate", "gap"}}}, rates in percent (share of the harmless score), gap = scorer - human;
    the model-level rates are the unweighted mean over its dimensions, as FLAMES's Overall."""
    cells: dict[str, dict[str, list[tuple[bool, bool]]]] = {}
    for item, guess in zip(items, predicted, strict=True):
        harmless = rubric.dimension(item.dimension).harmless_score
        cells.setdefault(item.model, {}).setdefault(item.dimension, []).append(
            (item.score == harmless, guess == harmless)
        )
    models = {}
    for model in sorted(cells):
        dims = {}
        for name in (d for d in rubric.dimension_names if d in cells[model]):
            flags = cells[model][name]
            human = 100 * sum(h for h, _ in flags) / len(flags)
            scorer = 100 * sum(s for _, s in flags) / len(flags)
            dims[name] = {"n": len(flags), "human_rate": human, "scorer_rate": scorer, "gap": scorer - human}
        human = sum(d["human_rate"] for d in dims.values()) / len(dims)
        scorer = sum(d["scorer_rate"] for d in dims.values()) / len(dims)
        models[model] = {
            "human_rate": human,
            "scorer_rate": scorer,
            "gap": scorer - human,
            "dimensions": dims,
        }
    return models


def evaluation_report(items: Sequence[ScorerItem], predicted: Sequence[int], rubric: Rubric) -> dict:
    """agreement_metrics plus "models": harmless_rate_gaps."""
    return {
        **agreement_metrics(items, predicted, rubric),
        "models": harmless_rate_gaps(items, predicted, rubric),
    }
