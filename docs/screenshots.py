"""Screenshots of the real app for the README and the manual: builds the demo database in a temporary
folder, starts the app on a free loopback port, logs in (the annotate page as a demo annotator, the
others as the demo admin) in Chromium at 1440x900 and saves one PNG per page.

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
ADMIN = "admin"
DEFAULT_PAGES = ("annotate", "agreement", "leaderboard")
SIZE = {"width": 1440, "height": 900}
TALL = 3000
# What a page's screenshot starts at, when its top is not the interesting part.
SCROLL_TO = {"agreement": "[role=tablist]"}


def _shrink(path: Path) -> None:
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256)
    small.save(path, optimize=True)


READY = """() => document.querySelector('[data-testid=stSidebarNav]')
    && (document.querySelectorAll('[data-testid=stMain] [data-testid=stElementContainer]').length > 2
        || document.querySelector('.fl-card .fl-title'))
    && !document.querySelector('[data-testid=stSpinner]')
    && !document.querySelector('[data-testid=stStatusWidget]')
    && !document.querySelector('[data-testid=stSkeleton]')"""


def _settled(page) -> None:
    """Wait until the app has drawn the page: the menu and more than the demo notice are there, no
    spinner, script or grey skeleton (charts and grids load their scripts late on a busy machine),
    and the number of elements has not changed for three seconds."""
    count = -1
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        page.wait_for_function(READY, timeout=180_000)
        now = page.locator("[data-testid=stElementContainer]").count()
        if now == count:
            return
        count = now
        page.wait_for_timeout(3000)
    raise TimeoutError("the page did not settle in three minutes")


def _user_of(page: str) -> str:
    """The annotate page as an annotator with prompts left to score; every other page as the admin."""
    from annotator import demo_content

    return demo_content.ANNOTATORS[0] if page == "annotate" else ADMIN


def take(pages: list[str], language: str, out: Path, full_page: bool, demo: Path | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as folder:
        db_path = demo or Path(folder) / "demo.db"
        fresh = not db_path.exists()
        db = open_db(db_path)
        if fresh:
            build_demo(db, PASSWORD)
        with streamlit_server(db_path) as url, chromium() as browser:
            for name in pages:
                user = _user_of(name)
                set_language(db, user, "zh")  # the log-in helper reads the Chinese page
                # Streamlit scrolls inside its own container, so a whole page needs a tall window.
                page = browser.new_page(viewport={**SIZE, "height": TALL} if full_page else SIZE)
                log_in(page, url, user, PASSWORD)
                set_language(db, user, language)  # each page load reads it
                page.goto(f"{url}/{name}")
                _settled(page)
                if name in SCROLL_TO and not full_page:
                    page.locator(SCROLL_TO[name]).first.evaluate("e => e.scrollIntoView({block: 'start'})")
                    page.wait_for_timeout(1000)
                path = out / f"{name}.png" if language == "en" else out / f"{name}-{language}.png"
                page.screenshot(path=str(path))
                _shrink(path)
                saved.append(path)
                page.close()
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
