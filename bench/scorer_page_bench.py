"""How long the Scorer page takes to draw on a first visit, in a fresh Python process each time.

    .venv/bin/python bench/scorer_page_bench.py [--runs 3]

Each run starts a new process (so nothing is imported yet, as on a server's first visit), logs a
lead into a demo database and draws pages/scorer.py once with Streamlit's AppTest; it prints the
seconds and whether torch or transformers were imported by the draw (they should load only when
the lead runs a scorer).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).parent.parent

ONE_DRAW = """
import json, sys, time
sys.path.insert(0, {root!r})
from annotator import auth
from annotator.demo import build_demo
from annotator.demo_content import LEAD
from annotator.store import open_db
db = open_db({db!r})
from streamlit.testing.v1 import AppTest
start = time.perf_counter()
at = AppTest.from_file({page!r}, default_timeout=120)
at.session_state["token"] = auth.login(db, LEAD, "bench-password-1").token
at.run()
seconds = time.perf_counter() - start
assert not at.exception, at.exception
print(json.dumps({{"seconds": seconds, "torch": "torch" in sys.modules,
                  "transformers": "transformers" in sys.modules, "sklearn": "sklearn" in sys.modules}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from annotator.demo import build_demo
    from annotator.store import open_db

    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "demo.db"
        build_demo(open_db(db_path), "bench-password-1")
        code = ONE_DRAW.format(root=str(ROOT), db=str(db_path), page=str(ROOT / "pages" / "scorer.py"))
        env = {"ANNOTATOR_DB": str(db_path), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
        results = []
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, cwd=ROOT
            )
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    seconds = [r["seconds"] for r in results]
    print(
        f"Scorer page, first draw in a fresh process: median {statistics.median(seconds):.2f} s "
        f"(runs: {', '.join(f'{s:.2f}' for s in seconds)}); torch imported: "
        f"{any(r['torch'] for r in results)}; transformers: {any(r['transformers'] for r in results)}; "
        f"sklearn (the agreement view): {any(r['sklearn'] for r in results)}"
    )


if __name__ == "__main__":
    main()
