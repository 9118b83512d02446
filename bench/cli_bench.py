"""Command-line start-up and end-to-end times, each against its target:

    .venv/bin/python bench/cli_bench.py /work/shared/data/Flames_1k_Chinese.jsonl [--runs N]

Every figure runs `python -m annotator ...` as a new process, as a person at a shell does, and is
the best of N runs (wall clock and that run's CPU time; on a shared machine the wall clock also
counts other people's work): `--help`; `users list` (a command that needs no heavy library);
`stats` on the demo database; importing 1,000 prompts and then their 12,000 responses in two
runs (bench/import_bench.py's files); the agreement report without bootstrap over the 81,036
labels of bench/agreement_bench.py's synthetic project.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.store import open_db
from bench.agreement_bench import build_project
from bench.import_bench import prompt_records, response_records, write_jsonl

ROOT = Path(__file__).resolve().parent.parent
IMPORT_PROMPTS = 1000


def cli(*argv: str) -> tuple[float, float]:
    """Run `python -m annotator ARGV`; its (wall, CPU) seconds. A failure stops the bench."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "annotator", *argv], cwd=ROOT, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"`python -m annotator {' '.join(argv)}` failed: {done.stderr.strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best(runs: int, once: Callable[[int], tuple[float, float]]) -> tuple[float, float]:
    return min(once(run) for run in range(runs))


def show(what: str, seconds: tuple[float, float], target: float) -> bool:
    wall, cpu = seconds
    verdict = "within target" if wall <= target else "OVER TARGET"
    print(f"{what:<52} {wall:6.2f} s wall {cpu:6.2f} s CPU  (target <= {target:g} s: {verdict})")
    return wall <= target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prompts", type=Path, help="a prompt file in the FLAMES format (.jsonl)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the best is shown (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        demo = str(folder / "demo.db")
        cli("--db", demo, "init", "--demo", "--demo-password", "bench-password")
        prompts = prompt_records(args.prompts, IMPORT_PROMPTS)
        prompt_file = str(write_jsonl(folder / "prompts.jsonl", prompts))
        response_file = str(write_jsonl(folder / "responses.jsonl", response_records(prompts)))

        def two_imports(run: int) -> tuple[float, float]:
            db = str(folder / f"import-{run}.db")
            first = cli("--db", db, "import", "prompts", prompt_file, "--no-progress")
            second = cli("--db", db, "import", "responses", response_file, "--no-progress")
            return first[0] + second[0], first[1] + second[1]

        project = folder / "agreement.db"
        db = open_db(project)
        build_project(db)
        n_labels = db.execute("SELECT count(*) FROM labels").fetchone()[0]
        db.conn.close()

        figures = [
            ("python -m annotator --help", best(args.runs, lambda _: cli("--help")), 0.5),
            (
                "users list (demo database)",
                best(args.runs, lambda _: cli("--db", demo, "users", "list")),
                0.5,
            ),
            ("stats (demo database)", best(args.runs, lambda _: cli("--db", demo, "stats")), 0.8),
            (
                f"import {len(prompts):,} prompts, then {len(prompts) * 12:,} responses",
                best(args.runs, two_imports),
                3.0,
            ),
            (
                f"agreement --bootstrap 0 ({n_labels:,} labels)",
                best(args.runs, lambda _: cli("--db", str(project), "agreement", "--bootstrap", "0")),
                3.0,
            ),
        ]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, best of {args.runs} runs")
    results = [show(what, seconds, target) for what, seconds, target in figures]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
