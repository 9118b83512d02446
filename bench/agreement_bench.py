"""Time the agreement report on a FLAMES-sized synthetic project.

2,251 prompts x 12 responses, each prompt labelled by 3 of 20 annotators (81,036 labels), with
skewed scores (most responses harmless), annotators of varying care, one scorer agent, suggestion
modes and eight weeks of submissions. Prints the seconds of each part of the report without
bootstrap (target <= 2 s) and with 1,000 resamples (target <= 30 s).

    .venv/bin/python bench/agreement_bench.py [--prompts N] [--bootstrap N]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.agreement.report import agreement_report
from annotator.store import open_db, transaction

N_RESPONSES = 12
N_ANNOTATORS = 20
PER_PROMPT = 3
DIMENSIONS = {  # share of prompts, subcomponents, scores (harmful first)
    "Fairness": (0.25, ["Bias and discrimination", "Toxic language"], (1, 2, 3)),
    "Safety": (0.43, ["Non-anthropomorphism", "Physical harm", "Property safety", "Mental harm"], (1, 2, 3)),
    "Morality": (0.20, ["Chinese values", "Disobey social norm", "Non-environmental friendly"], (1, 2, 3)),
    "Legality": (0.05, ["Law violation"], (1, 3)),
    "Data protection": (0.07, ["Personal data", "Sensitive information"], (1, 3)),
}
TRUE_SCORE_SHARES = {3: (0.2, 0.2, 0.6), 2: (0.3, 0.7)}  # by number of levels; skewed to harmless


def build_project(db: sqlite_utils.Database, n_prompts: int = 2251, seed: int = 0) -> None:
    """Fill `db` with a synthetic labelled project (see the module docstring)."""
    rng = np.random.default_rng(seed)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    stamp = start.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    models = [f"model-{i:02d}" for i in range(N_RESPONSES)]
    annotators = [f"annotator-{i:02d}" for i in range(N_ANNOTATORS)]
    care = rng.uniform(0.7, 0.95, N_ANNOTATORS)  # chance an annotator gives the true score
    batches = [f"batch-{i}" for i in range(3)]
    names = list(DIMENSIONS)
    shares = np.array([DIMENSIONS[d][0] for d in names])
    prompts, responses, labels, suggestions = [], [], [], []
    for p in range(n_prompts):
        dimension = names[rng.choice(len(names), p=shares / shares.sum())]
        _, subcomponents, scale = DIMENSIONS[dimension]
        prompt_id = f"p{p:05d}"
        prompts.append(
            {
                "id": prompt_id,
                "dimension": dimension,
                "subcomponent": subcomponents[rng.integers(len(subcomponents))],
                "text": f"prompt {p}",
                "batch": batches[p * len(batches) // n_prompts],
                "created_at": stamp,
            }
        )
        chosen = rng.choice(N_ANNOTATORS, PER_PROMPT, replace=False)
        week = rng.integers(8)
        for m, model in enumerate(models):
            response_id = f"{prompt_id}-{m:02d}"
            responses.append(
                {"id": response_id, "prompt_id": prompt_id, "model": model, "text": "r", "created_at": stamp}
            )
            truth = scale[rng.choice(len(scale), p=TRUE_SCORE_SHARES[len(scale)])]
            suggested = truth if rng.random() < 0.8 else scale[rng.integers(len(scale))]
            suggestions.append(
                {"response_id": response_id, "agent": "scorer", "score": suggested, "created_at": stamp}
            )
            for a in chosen:
                mode = ("hidden", "shown", "prefilled")[rng.integers(3)]
                anchored = mode != "hidden" and rng.random() < 0.1
                if anchored:
                    score = suggested
                elif rng.random() < care[a]:
                    score = truth
                else:
                    score = scale[rng.integers(len(scale))]
                submitted = (start + timedelta(weeks=int(week), hours=int(rng.integers(120)))).strftime(
                    "%Y-%m-%dT%H:%M:%S.000Z"
                )
                labels.append(
                    {
                        "response_id": response_id,
                        "annotator": annotators[a],
                        "score": int(score),
                        "status": "submitted",
                        "created_at": submitted,
                        "updated_at": submitted,
                        "submitted_at": submitted,
                        "suggestion_mode": mode,
                        "suggestion_agent": "scorer",
                        "suggestion_score": int(suggested),
                    }
                )
    with transaction(db):
        db["import_batches"].insert_all(
            {
                "id": b,
                "kind": "prompts",
                "source_file": "synthetic",
                "created_at": stamp,
                "added": 0,
                "existing": 0,
            }
            for b in batches
        )
        db["users"].insert_all({"name": a, "role": "annotator", "created_at": stamp} for a in annotators)
        db["models"].insert_all({"name": m, "created_at": stamp} for m in models)
        db["prompts"].insert_all(prompts, batch_size=5000)
        db["responses"].insert_all(responses, batch_size=5000)
        db["labels"].insert_all(labels, batch_size=5000)
        db["suggestions"].insert_all(suggestions, batch_size=5000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=2251)
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()
    db = open_db(":memory:")
    started = time.perf_counter()
    build_project(db, args.prompts)
    n_labels = db.execute("SELECT count(*) FROM labels").fetchone()[0]
    print(f"built {n_labels:,} labels in {time.perf_counter() - started:.1f} s")
    for bootstrap, target in ((0, 2.0), (args.bootstrap, 30.0)):
        timings: dict[str, float] = {}
        started, cpu = time.perf_counter(), time.process_time()
        report = agreement_report(db, bootstrap=bootstrap, seed=0, timings=timings)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        # CPU time as well: on a shared machine the wall clock also counts other people's work.
        print(f"\nbootstrap {bootstrap}: {total:.2f} s wall, {cpu:.2f} s CPU (target <= {target:.0f} s)")
        for part, seconds in timings.items():
            print(f"  {part:<14} {seconds:6.2f} s")
        sections = (report.dimensions, report.subcomponents, report.models, report.weeks, report.batches)
        sections += (report.pairwise, report.annotators, report.agents)
        print(f"  figures: {sum(len(rows) for rows in sections)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
