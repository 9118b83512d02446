"""How long each page takes to draw on the demo database: `python bench/page_bench.py [--db PATH]`.

Runs every page as the demo admin with Streamlit's AppTest in one process (as a server would:
modules imported once), twice per page: the first visit (empty caches, a fresh session) and
a second visit of the same session. Prints seconds per page (zh UI), wall clock and the
process's CPU time (the machine is shared). The first page pays for importing Streamlit, pandas
and plotly; a warm-up run takes that first. A server scans the installed packages for
components once, when it starts (~0.25 s); AppTest scans again for every new AppTest, so the
sessions here share the warm-up's scan, as a server's sessions do.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streamlit.testing.v1 import AppTest

from annotator import auth
from annotator.demo import build_demo
from annotator.store import open_db
from pages.common import PAGE_ROLES

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-password"


def _session(db, page: str, language: str, scanned: AppTest | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=120)
    if scanned is not None:  # AppTest's own (private) registry, filled once by the warm-up
        at._bidi_component_manager = scanned._bidi_component_manager
    at.session_state["token"] = auth.login(db, "admin", PASSWORD).token
    at.session_state["language"] = language
    return at


def _timed(at: AppTest) -> tuple[float, float]:
    """Wall clock and CPU seconds of one run."""
    start, cpu = time.perf_counter(), time.process_time()
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help=f"a demo database made with password {PASSWORD!r}")
    parser.add_argument("--pages", nargs="+", choices=sorted(PAGE_ROLES), default=sorted(PAGE_ROLES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "demo.db"
        fresh = not path.exists()
        db = open_db(path)
        if fresh:
            build_demo(db, PASSWORD)
        os.environ["ANNOTATOR_DB"] = str(path)
        warm_up = _session(db, "home", "en")
        _timed(warm_up)  # imports, and the component scan
        print(f"{'page':<14}{'first visit (s, CPU s)':>24}{'again (s, CPU s)':>20}")
        for page in args.pages:
            at = _session(db, page, "zh", warm_up)
            (first, first_cpu), (again, again_cpu) = _timed(at), _timed(at)
            print(f"{page:<14}{first:>15.2f}{first_cpu:>9.2f}{again:>11.2f}{again_cpu:>9.2f}")


if __name__ == "__main__":
    main()
