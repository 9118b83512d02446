"""Several real browser sessions annotating the running app at once; every label must be saved.

    .venv/bin/python bench/browser_load_bench.py [--sessions 8] [--prompts 2]

Each session is its own Chromium context (its own cookie, its own Streamlit session and database
connection) logged in as its own annotator. The sessions take turns pressing scoring keys without
waiting for one another, so their saves overlap on the server; at the end every label each session
gave must be in the database, with one history row per change.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from annotator.store import now, open_db, transaction  # noqa: E402
from annotator.users import add_user  # noqa: E402
from bench.workload import MODELS, add_models, add_prompt  # noqa: E402
from tests.browser_support import (  # noqa: E402
    chromium,
    log_in,
    shortcuts_ready,
    streamlit_server,
    wait_until,
)

PASSWORD = "bench-password-1"


def build(path: Path, sessions: int, prompts: int) -> list[str]:
    db = open_db(path)
    names = [f"annotator{i:02d}" for i in range(sessions)]
    for name in names:
        add_user(db, name, "annotator", PASSWORD)
    stamp = now()
    with transaction(db):
        add_models(db, stamp)
        for index in range(prompts):
            add_prompt(db, f"load-{index}", f"负载测试提示 {index}", names, stamp, position=index)
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--prompts", type=int, default=2, help="prompts each session scores and submits")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "load.db"
        names = build(path, args.sessions, args.prompts)
        db = open_db(path)

        def labels(name: str) -> int:
            return db.execute(
                "SELECT COUNT(*) FROM labels WHERE annotator = ? AND score IS NOT NULL", [name]
            ).fetchone()[0]

        with streamlit_server(path) as url, chromium() as browser:
            pages = []
            for name in names:
                page = browser.new_context().new_page()
                log_in(page, url, name, PASSWORD)
                page.get_by_role("link", name="标注", exact=True).click()
                page.get_by_text("负载测试提示 0").wait_for()
                shortcuts_ready(page)
                pages.append(page)
            start = time.perf_counter()
            pressed = 0
            for prompt in range(args.prompts):
                for step in range(len(MODELS)):
                    for page in pages:  # every session presses before any save is awaited
                        page.keyboard.press("3" if step % 3 else "1")
                        pressed += 1
                    for name in names:
                        target = prompt * len(MODELS) + step + 1
                        wait_until(lambda name=name, target=target: labels(name) >= target, 30, "saves")
                for page in pages:
                    submit = page.get_by_role("button", name="提交")
                    wait_until(submit.is_enabled, 30, "submit enabled")
                    page.keyboard.press("Enter")
                for page, name in zip(pages, names, strict=True):
                    wait_until(
                        lambda name=name, prompt=prompt: (
                            db.execute(
                                "SELECT status FROM assignments WHERE annotator = ? AND prompt_id = ?",
                                [name, f"load-{prompt}"],
                            ).fetchone()[0]
                            == "submitted"
                        ),
                        30,
                        "submit",
                    )
                    if prompt + 1 < args.prompts:
                        page.get_by_text(f"负载测试提示 {prompt + 1}").wait_for()
                        shortcuts_ready(page)
            elapsed = time.perf_counter() - start
        saved = sum(labels(name) for name in names)
        submitted = db.execute("SELECT COUNT(*) FROM labels WHERE status = 'submitted'").fetchone()[0]
        history = db.execute("SELECT COUNT(*) FROM label_history").fetchone()[0]
        expected = args.sessions * args.prompts * len(MODELS)
        print(f"{args.sessions} browser sessions, {pressed} scoring keys in {elapsed:.1f} s")
        print(f"labels saved {saved}/{expected}, submitted {submitted}/{expected}, history rows {history}")
        print("every label saved" if saved == submitted == expected else "LOST LABELS")
        sys.exit(0 if saved == submitted == expected else 1)


if __name__ == "__main__":
    main()
