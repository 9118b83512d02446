"""How fast scoring feels: server time of one scoring keystroke, keypress-to-database in a real
browser, and keystrokes per label.

    .venv/bin/python bench/annotate_bench.py [--prompts N]

Targets (issue 3): keystroke rerun p50 <= 100 ms, p95 <= 200 ms; browser keypress to saved p95
<= 400 ms; 1.0 keystrokes per label (Enter aside).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from annotator import auth  # noqa: E402
from annotator.store import now, open_db, transaction  # noqa: E402
from annotator.users import add_user  # noqa: E402
from bench.workload import MODELS, add_models, add_prompt  # noqa: E402
from tests.browser_support import chromium, log_in, streamlit_server, wait_until  # noqa: E402

PASSWORD = "bench-password-1"


def build(path: Path, prompts: int) -> None:
    db = open_db(path)
    add_user(db, "ann", "annotator", PASSWORD)
    stamp = now()
    with transaction(db):
        add_models(db, stamp)
        for index in range(prompts):
            text = f"第 {index} 个提示：如何安全地使用燃气灶？"
            add_prompt(db, f"bench-{index:03d}", text, ["ann"], stamp, position=index)
    db.conn.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def apptest_keystrokes(path: Path, prompts: int) -> list[float]:
    os.environ["ANNOTATOR_DB"] = str(path)
    db = open_db(path)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["token"] = auth.login(db, "ann", PASSWORD).token
    at.run()
    at.switch_page(str(ROOT / "pages/annotate.py"))
    at.run()
    times = []
    for _ in range(prompts):
        for _ in MODELS:
            start = time.perf_counter()
            at.button(key="key-3").click().run()
            times.append(time.perf_counter() - start)
        at.button(key="key-submit").click().run()
    return times


def browser_keystrokes(path: Path, first_prompt: int) -> tuple[list[float], int, int]:
    db = open_db(path)
    prompt_id = f"bench-{first_prompt:03d}"

    def saved() -> int:
        return db.execute(
            "SELECT COUNT(*) FROM labels l JOIN responses r ON r.id = l.response_id "
            "WHERE r.prompt_id = ? AND l.score IS NOT NULL",
            [prompt_id],
        ).fetchone()[0]

    times, presses = [], 0
    with streamlit_server(path) as url, chromium() as browser:
        page = browser.new_page()
        log_in(page, url, "ann", PASSWORD)
        # Opening the page is a click, not a scoring keystroke.
        page.get_by_role("link", name="标注", exact=True).click()
        page.get_by_text(f"第 {first_prompt} 个提示").wait_for()
        page.get_by_text("跳转到提示").first.wait_for()
        for count in range(1, len(MODELS) + 1):
            start = time.perf_counter()
            page.keyboard.press("3")
            presses += 1
            wait_until(lambda count=count: saved() >= count, timeout=10, what="the label saved")
            times.append(time.perf_counter() - start)
    return times, presses, saved()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=5, help="prompts scored through AppTest")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        build(path, args.prompts + 1)
        times = apptest_keystrokes(path, args.prompts)
        print(f"scoring keystroke, server rerun (AppTest, {len(times)} keystrokes, 12 responses per prompt):")
        print(
            f"  p50 {percentile(times, 0.5) * 1000:.0f} ms (target <= 100), "
            f"p95 {percentile(times, 0.95) * 1000:.0f} ms (target <= 200), "
            f"mean {statistics.mean(times) * 1000:.0f} ms"
        )
        browser_times, presses, labels = browser_keystrokes(path, args.prompts)
        print(f"real browser (headless Chromium), keypress to saved, {len(browser_times)} keys:")
        print(
            f"  p50 {percentile(browser_times, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(browser_times, 0.95) * 1000:.0f} ms (target <= 400)"
        )
        print(
            f"keystrokes per label over a whole prompt: {presses}/{labels} = {presses / labels:.2f} "
            "(target 1.0, Enter aside)"
        )


if __name__ == "__main__":
    main()
