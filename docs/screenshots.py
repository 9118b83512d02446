"""Screenshots of the real app for the README and the manual: builds the demo database in a temporary
folder, starts the app on a free loopback port, logs in as the demo admin in Chromium at 1440x900
and saves one PNG per page.

    python docs/screenshots.py                          # annotate, agreement, leaderboard -> docs/img/
    python docs/screenshots.py --language zh --out /tmp/shots --pages progress audit

Re-run it when the UI changes. PNGs are saved as 8-bit palette images when Pillow is installed
(about a third of the size).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.demo import build_demo
from annotator.store import open_db
from annotator.users import set_language
from pages.common import PAGE_ROLES
from tests.browser_support import chromium, log_in, streamlit_server

PASSWORD = "demo-password"
USER = "admin"
DEFAULT_PAGES = ("annotate", "agreement", "leaderboard")
SIZE = {"width": 1440, "height": 900}
TALL = 3000


def _shrink(path: Path) -> None:
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256)
    small.save(path, optimize=True)


def _settled(page) -> None:
    """Wait until Streamlit has stopped running the script and the charts have drawn."""
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)  # every page has a title
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
    # Charts and grids show grey skeletons until their scripts have loaded (seconds on a busy machine).
    page.wait_for_function("!document.querySelector('[data-testid=stSkeleton]')", timeout=60_000)
    page.wait_for_timeout(3000)  # data grids and charts draw after the run


def take(pages: list[str], language: str, out: Path, full_page: bool, demo: Path | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as folder:
        db_path = demo or Path(folder) / "demo.db"
        fresh = not db_path.exists()
        db = open_db(db_path)
        if fresh:
            build_demo(db, PASSWORD)
        set_language(db, USER, "zh")  # the log-in helper reads the Chinese page
        with streamlit_server(db_path) as url, chromium() as browser:
            # Streamlit scrolls inside its own container, so a whole page needs a tall window.
            page = browser.new_page(viewport={**SIZE, "height": TALL} if full_page else SIZE)
            log_in(page, url, USER, PASSWORD)
            set_language(db, USER, language)  # each page load reads it
            for name in pages:
                page.goto(f"{url}/{name}")
                _settled(page)
                path = out / f"{name}.png" if language == "en" else out / f"{name}-{language}.png"
                page.screenshot(path=str(path))
                _shrink(path)
                saved.append(path)
        db.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", nargs="+", choices=sorted(PAGE_ROLES), default=list(DEFAULT_PAGES))
    parser.add_argument("--language", choices=("en", "zh"), default="en")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "img")
    parser.add_argument(
        "--db", type=Path, help=f"a demo database made with password {PASSWORD!r} (else a new one)"
    )
    parser.add_argument("--full-page", action="store_true", help="the whole page, not only the first screen")
    args = parser.parse_args()
    started = time.perf_counter()
    for path in take(args.pages, args.language, args.out, args.full_page, args.db):
        print(f"{path}  {path.stat().st_size // 1024} KiB")
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
