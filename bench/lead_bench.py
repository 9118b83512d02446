"""Lead workflow speed: `python bench/lead_bench.py`.

Builds an in-memory project at FLAMES scale (2,251 prompts, 12 responses each, 15 annotators,
overlap 3) and prints how long assigning, mixing gold, building the adjudication queue and the
progress figures take, with the number of annotator pairs left without a shared prompt.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.adjudication import adjudication_queue
from annotator.assignment import assign, pairs_without_shared_prompt
from annotator.gold import mix_gold, set_gold
from annotator.progress import progress_report
from annotator.store import open_db, transaction
from annotator.users import add_user

PROMPTS, MODELS, ANNOTATORS, OVERLAP = 2251, 12, 15, 3
STAMP = "2026-01-05T10:00:00.000Z"


def timed(label: str, action):
    start = time.perf_counter()
    result = action()
    print(f"{label:<44} {time.perf_counter() - start:6.2f} s")
    return result


def main() -> None:
    db = open_db(":memory:")
    names = [f"annotator{i:02d}" for i in range(ANNOTATORS)]
    for name in names:
        add_user(db, name, "annotator", None)
    add_user(db, "lead", "lead", None)
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO models (name, created_at) VALUES (?, ?)", [(f"m{j}", STAMP) for j in range(MODELS)]
        )
        db.conn.executemany(
            "INSERT INTO prompts (id, dimension, subcomponent, text, created_at) VALUES (?, 'Safety', "
            "'Physical harm', 'x', ?)",
            [(f"p{i:05d}", STAMP) for i in range(PROMPTS)],
        )
        db.conn.executemany(
            "INSERT INTO responses (id, prompt_id, model, text, created_at) VALUES (?, ?, ?, 'y', ?)",
            [(f"r{i:05d}-{j}", f"p{i:05d}", f"m{j}", STAMP) for i in range(PROMPTS) for j in range(MODELS)],
        )
    print(f"{PROMPTS} prompts x {MODELS} responses, {ANNOTATORS} annotators, overlap {OVERLAP}")
    timed("assign", lambda: assign(db, names, OVERLAP, seed=1))
    print(f"pairs without a shared prompt: {len(pairs_without_shared_prompt(db, names))}")
    for i in range(50):
        set_gold(db, f"r{i:05d}-0", 3, "lead")
    timed("mix gold at 5%", lambda: mix_gold(db, names, 0.05, seed=1))
    rng = random.Random(0)
    pairs = db.execute(
        "SELECT r.id, a.annotator FROM assignments a JOIN responses r ON r.prompt_id = a.prompt_id"
    ).fetchall()
    with transaction(db):
        # Mostly agreeing labels, as in a real project: a quarter differ at random.
        db.conn.executemany(
            "INSERT INTO labels (response_id, annotator, score, status, created_at, updated_at, "
            "submitted_at, seconds) VALUES (?, ?, ?, 'submitted', ?, ?, ?, ?)",
            [
                (rid, name, 3 if rng.random() < 0.75 else rng.choice((1, 2)), STAMP, STAMP, STAMP, 20.0)
                for rid, name in pairs
            ],
        )
    labels = db.execute("SELECT COUNT(*) FROM labels").fetchone()[0]
    print(f"{labels} submitted labels")
    queue = timed("adjudication queue", lambda: adjudication_queue(db))
    print(f"responses to adjudicate: {len(queue)}")
    timed("progress figures", lambda: progress_report(db))


if __name__ == "__main__":
    main()
