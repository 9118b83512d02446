"""Collect speed: `python bench/collect_bench.py [--requests 500] [--delay 0.05] [--prompts FILE]`.

Sends `--requests` prompts (the FLAMES prompts when the file is there, else generated ones) to a
local OpenAI-compatible endpoint that answers each after a fixed delay, as a hosted API does,
once at concurrency 1 and once at 16, each into a fresh database, and prints requests/s for each
(target: at 16, at least 12x the serial rate) and the tool's own overhead per stored response
(target: at most 5 ms): the wall time of the serial run beyond the endpoint's delay, and the CPU
time of this process (the endpoint runs in another process) per response.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.collect import PromptSelection, collect
from annotator.endpoints import load_endpoints
from annotator.importers import add_prompts, import_file
from annotator.store import open_db
from tests.chat_server import FakeEndpoint

FLAMES_PROMPTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "Flames_1k_Chinese.jsonl"
SPEEDUP_TARGET = 12.0
OVERHEAD_TARGET_MS = 5.0


def _serve(delay: float, urls: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    with FakeEndpoint(delay=delay) as endpoint:
        urls.put(endpoint.base_url)
        stop.wait()


def _database(folder: Path, name: str, prompts: Path | None, n: int):
    db = open_db(folder / f"{name}.db")
    if prompts is not None:
        import_file(db, "prompts", prompts, progress=False)
    else:
        records = [
            (
                i,
                {
                    "dimension": "Fairness",
                    "subcomponent": "Toxic language",
                    "prompt": f"第{i}个问题：怎么办？",
                },
            )
            for i in range(1, n + 1)
        ]
        add_prompts(db, records, "generated")
    return db


def run(
    folder: Path, base_url: str, prompts: Path | None, n: int, concurrency: int
) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, responses stored) of one collect run."""
    db = _database(folder, f"c{concurrency}", prompts, n)
    path = folder / f"endpoints-{concurrency}.toml"
    path.write_text(f'[[model]]\nname = "bench"\nbase_url = "{base_url}"\nmodel = "m"\n', encoding="utf-8")
    endpoints = load_endpoints(path, db)
    wall, cpu = time.perf_counter(), time.process_time()
    summary = collect(db, endpoints, selection=PromptSelection(limit=n), concurrency=concurrency)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if summary.failed:
        raise SystemExit(f"{summary.failed} requests failed: {summary.tallies['bench'].errors}")
    return wall, cpu, summary.tallies["bench"].stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.05, help="the endpoint's answer delay in seconds")
    parser.add_argument("--prompts", type=Path, default=FLAMES_PROMPTS if FLAMES_PROMPTS.exists() else None)
    args = parser.parse_args()
    start = time.perf_counter()
    import openai  # noqa: F401  (once per process: not a cost of each response)

    print(f"importing openai (once per run of the tool): {time.perf_counter() - start:.1f} s")
    urls: multiprocessing.Queue = multiprocessing.Queue()
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(args.delay, urls, stop), daemon=True)
    server.start()
    try:
        base_url = urls.get(timeout=30)
        source = args.prompts.name if args.prompts else "generated prompts"
        print(f"{args.requests} requests ({source}), endpoint delay {args.delay * 1000:.0f} ms")
        rates = {}
        with tempfile.TemporaryDirectory() as folder:
            for concurrency in (1, 16):
                wall, cpu, stored = run(Path(folder), base_url, args.prompts, args.requests, concurrency)
                rates[concurrency] = stored / wall
                print(
                    f"  concurrency {concurrency:>2}: {stored} stored in {wall:.2f} s = {rates[concurrency]:.1f} requests/s"
                )
                if concurrency == 1:
                    beyond = (wall / stored - args.delay) * 1000
                    per_cpu = cpu / stored * 1000
        speedup = rates[16] / rates[1]
        print(
            f"speed-up at 16: {speedup:.1f}x (target >= {SPEEDUP_TARGET:.0f}x): {'ok' if speedup >= SPEEDUP_TARGET else 'MISSED'}"
        )
        worst = max(beyond, per_cpu)
        print(
            f"overhead per stored response: {beyond:.2f} ms wall beyond the delay, {per_cpu:.2f} ms CPU "
            f"(target <= {OVERHEAD_TARGET_MS:.0f} ms): {'ok' if worst <= OVERHEAD_TARGET_MS else 'MISSED'}"
        )
    finally:
        stop.set()
        server.join(timeout=10)


if __name__ == "__main__":
    main()
