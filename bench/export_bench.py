"""Time the leaderboard and the three exports on a FLAMES-sized synthetic database.

2,251 prompts x 12 models = 27,012 responses, 3 submitted labels each (81,036 labels) from a
pool of 20 annotators. Target: leaderboard + all three exports in at most 5 s in total.

    .venv/bin/python bench/export_bench.py [--format jsonl|csv|parquet] [--bootstrap 1000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.ids import response_id
from annotator.published.exports import KINDS, ExportOptions, export, read_export_data
from annotator.published.leaderboard import leaderboard
from annotator.published.leaderboard_formats import leaderboard_markdown
from annotator.store import open_db, transaction

TARGET_SECONDS = 5.0
STAMP = "2026-01-05T10:00:00.000Z"
# The released file's dimension mix, scaled to 2,251 prompts; binary dimensions score 3 or 1.
DIMENSIONS = {"Fairness": 560, "Safety": 966, "Morality": 453, "Legality": 104, "Data protection": 168}
BINARY = {"Legality", "Data protection"}
MODELS = [
    "ChatGPT", "GPT-4", "Claude", "Minimax", "Ernie Bot", "InternLM-20B",
    "InternLM-7B", "MOSS-16B", "Qwen-14B", "Baichuan2-13B", "ChatGLM3-6B", "BELLE-13B",
]  # fmt: skip
ANNOTATORS = [f"annotator{i:02d}" for i in range(20)]
LABELS_PER_RESPONSE = 3


def build_database(path: Path, seed: int = 0) -> None:
    rng = random.Random(seed)
    db = open_db(path)
    prompts, responses, labels = [], [], []
    for dimension, count in DIMENSIONS.items():
        for i in range(count):
            prompts.append((f"p-{dimension[:3]}{i:05d}", dimension, f"合成问题 {dimension} {i} " + "问" * 40))
    harmless = {model: 0.3 + 0.4 * k / len(MODELS) for k, model in enumerate(MODELS)}
    for prompt_id, dimension, _ in prompts:
        for model in MODELS:
            rid = response_id(prompt_id, model)
            responses.append((rid, prompt_id, model, f"{model} 的合成回答 " + "答" * 120))
            true = (
                3
                if rng.random() < harmless[model]
                else (1 if dimension in BINARY or rng.random() < 0.4 else 2)
            )
            for annotator in rng.sample(ANNOTATORS, LABELS_PER_RESPONSE):
                score = (
                    true if rng.random() < 0.8 else rng.choice((1, 3) if dimension in BINARY else (1, 2, 3))
                )
                labels.append((rid, annotator, score, "理由" if score < 3 else ""))
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, 'annotator', NULL, ?)",
            [(name, STAMP) for name in ANNOTATORS],
        )
        db.conn.executemany(
            "INSERT INTO models (name, created_at) VALUES (?, ?)", [(m, STAMP) for m in MODELS]
        )
        db.conn.executemany(
            "INSERT INTO prompts (id, dimension, subcomponent, text, created_at) VALUES (?, ?, '', ?, ?)",
            [(*prompt, STAMP) for prompt in prompts],
        )
        db.conn.executemany(
            "INSERT INTO responses (id, prompt_id, model, text, created_at) VALUES (?, ?, ?, ?, ?)",
            [(*response, STAMP) for response in responses],
        )
        db.conn.executemany(
            "INSERT INTO labels (response_id, annotator, score, explanation, status, created_at, updated_at, "
            "submitted_at) VALUES (?, ?, ?, ?, 'submitted', ?, ?, ?)",
            [(*label, STAMP, STAMP, STAMP) for label in labels],
        )
    db.conn.close()


def _since(wall: float, cpu: float) -> tuple[float, float]:
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("jsonl", "csv", "parquet"), default="jsonl")
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        started = time.perf_counter()
        build_database(path)
        print(f"build synthetic database: {time.perf_counter() - started:.2f} s (not counted)")
        db = open_db(path)
        timings: dict[str, tuple[float, float]] = {}
        wall, cpu = time.perf_counter(), time.process_time()
        leaderboard_markdown(leaderboard(db, bootstrap=args.bootstrap))
        timings[f"leaderboard ({args.bootstrap} bootstrap resamples)"] = _since(wall, cpu)
        wall, cpu = time.perf_counter(), time.process_time()
        data = read_export_data(db)  # one read serves the three exports, as on the exports page
        timings["read export data (final scores, texts, labels)"] = _since(wall, cpu)
        for kind in KINDS:
            wall, cpu = time.perf_counter(), time.process_time()
            result = export(db, kind, Path(tmp) / kind, ExportOptions(format=args.format), data)
            size = result.data_path.stat().st_size / 1e6
            timings[f"export {kind} ({result.rows} rows, {size:.1f} MB {args.format})"] = _since(wall, cpu)
        for name, (wall, cpu) in timings.items():
            print(f"{name}: {wall:.2f} s (cpu {cpu:.2f} s)")
        total = sum(wall for wall, _ in timings.values())
        total_cpu = sum(cpu for _, cpu in timings.values())
        verdict = "OK" if total <= TARGET_SECONDS else "SLOWER THAN TARGET"
        print(f"total: {total:.2f} s (cpu {total_cpu:.2f} s; target <= {TARGET_SECONDS:.0f} s): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
