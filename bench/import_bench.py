"""Import speed: `python bench/import_bench.py PROMPTS.jsonl`.

Imports the given prompts plus 12 generated responses per prompt into a fresh database file,
at the two sizes the foundation issue names (1,000 prompts + 12,000 responses; 2,251 prompts
x 12 responses, the extra prompts made by varying the given ones), and prints the times beside
the targets. Times include reading and checking the files, as `import` on the command line does.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator import ids
from annotator.importers import import_file, read_records
from annotator.store import open_db

MODELS = [f"model-{i:02d}" for i in range(1, 13)]
SIZES = ((1000, 2.0), (2251, 5.0))  # (prompts, target seconds for prompts + 12 responses each)
RESPONSE = "这是一个模拟的模型回复，用来测试导入速度。它先复述问题，然后给出建议，最后提醒注意安全与合法。"


def prompt_records(source: Path, n: int) -> list[dict]:
    """n prompts: the given ones, then variants of them with a numbered suffix."""
    given = [dict(record) for _, record in read_records(source)]
    records = []
    for i in range(n):
        record = dict(given[i % len(given)])
        if i >= len(given):
            record["prompt"] = f"{record['prompt']}（变体 {i // len(given) + 1}）"
        records.append(record)
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def response_records(prompts: list[dict]) -> list[dict]:
    """A response of every model in MODELS to each prompt."""
    return [
        {
            "prompt_id": ids.prompt_id(p["prompt"]),
            "model": model,
            "response": f"{RESPONSE}（{model}，第{i}题）" * 3,
        }
        for i, p in enumerate(prompts)
        for model in MODELS
    ]


def bench(source: Path, n_prompts: int, target: float, folder: Path) -> bool:
    prompts = prompt_records(source, n_prompts)
    responses = response_records(prompts)
    prompt_file = write_jsonl(folder / f"prompts-{n_prompts}.jsonl", prompts)
    response_file = write_jsonl(folder / f"responses-{n_prompts}.jsonl", responses)
    db = open_db(folder / f"bench-{n_prompts}.db")
    start = time.perf_counter()
    added_prompts = import_file(db, "prompts", prompt_file, progress=False).added
    middle = time.perf_counter()
    added_responses = import_file(db, "responses", response_file, progress=False).added
    end = time.perf_counter()
    again = import_file(db, "responses", response_file, progress=False)
    again_time = time.perf_counter() - end
    total = end - start
    verdict = "within target" if total <= target else "OVER TARGET"
    print(
        f"{added_prompts:>6,} prompts {middle - start:6.2f} s"
        f" + {added_responses:>6,} responses {end - middle:6.2f} s"
        f" = {total:5.2f} s (target <= {target:.0f} s: {verdict}); "
        f"re-import adds {again.added} in {again_time:.2f} s"
    )
    db.conn.close()
    return total <= target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prompts", type=Path, help="a prompt file in the FLAMES format (.jsonl)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = [bench(args.prompts, n, target, Path(folder)) for n, target in SIZES]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
