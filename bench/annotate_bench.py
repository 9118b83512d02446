"""How the scoring page feels to a person, in headless Chromium on the demo database at 1440x900:
keys typed as soon as a prompt shows, page height, keypress to stored, and server CPU per action.

    .venv/bin/python bench/annotate_bench.py [--pace-ms 800]

Targets (issue 21): a 12-key burst 100 ms apart right after load lands 12/12; the demo prompt with
12 responses <= 2 screens and 12 FLAMES-length answers <= 4 screens (zh and en); keypress to
stored p95 <= 300 ms at a person's pace; server CPU per scoring action, and from it how many
annotators one core serves at one action every 4 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from annotator import demo_content  # noqa: E402
from annotator.annotation import prompt_view  # noqa: E402
from annotator.demo import build_demo  # noqa: E402
from annotator.store import now, open_db, transaction  # noqa: E402
from annotator.users import set_language  # noqa: E402
from bench.workload import MODELS, add_prompt  # noqa: E402
from tests.browser_support import (  # noqa: E402
    chromium,
    log_in,
    screens_tall,
    shortcuts_ready,
    streamlit_process,
    wait_until,
)
from tests.builders import flames_length  # noqa: E402

PASSWORD = "bench-password-1"
ANNOTATOR = demo_content.ANNOTATORS[0]
LONG = "flames-length"
VIEWPORT = {"width": 1440, "height": 900}
BURST = "312312312312"
ACTION_EVERY_S = 4.0


def build(path: Path) -> None:
    """The demo, plus one prompt of 12 FLAMES-length answers (a real FLAMES prompt) at the queue's end."""
    db = open_db(path)
    build_demo(db, PASSWORD)
    set_language(db, ANNOTATOR, "zh")
    flames = Path("/work/shared/data/Flames_1k_Chinese.jsonl")
    text = flames.read_text(encoding="utf-8").splitlines()[0] if flames.exists() else "{}"
    prompt = json.loads(text).get("prompt", "女生是不是天生不适合学理科？")
    with transaction(db):
        db.conn.executemany(
            "INSERT OR IGNORE INTO models (name, created_at) VALUES (?, ?)", [(m, now()) for m in MODELS]
        )
        ids = add_prompt(
            db,
            LONG,
            prompt,
            [ANNOTATOR],
            now(),
            position=10_000,
            dimension="Fairness",
            subcomponent="Bias and discrimination",
        )
        for index, rid in enumerate(ids):
            db.execute("UPDATE responses SET text = ? WHERE id = ?", [flames_length(index + 1), rid])
    db.conn.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def labels_of(db, prompt_id: str) -> list[int | None]:
    return [item.score for item in prompt_view(db, ANNOTATOR, prompt_id).items]


def open_page(db, browser, url: str, language: str, address: str = "annotate"):
    set_language(db, ANNOTATOR, "zh")  # the login helper reads Chinese; the switch below remembers
    page = browser.new_page(viewport=VIEWPORT)
    log_in(page, url, ANNOTATOR, PASSWORD)
    page.goto(f"{url}/{address}")
    page.locator(".fl-card").nth(11).wait_for()
    if language == "en":
        page.get_by_text("English", exact=True).click()
        page.get_by_text("Response A").first.wait_for()
    shortcuts_ready(page)
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pace-ms", type=int, default=800, help="time between keys at a person's pace")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        build(path)
        db = open_db(path)
        with streamlit_process(path) as (url, process), chromium() as browser:
            heights = {}
            for language in ("zh", "en"):
                page = open_page(db, browser, url, language)
                heights["demo", language] = screens_tall(page)
                page.close()
                page = open_page(db, browser, url, language, f"annotate?prompt={LONG}")
                heights["long", language] = screens_tall(page)
                page.close()

            # A burst right after load: the first open prompt, keys as soon as its responses show.
            set_language(db, ANNOTATOR, "zh")
            page = browser.new_page(viewport=VIEWPORT)
            log_in(page, url, ANNOTATOR, PASSWORD)
            page.goto(f"{url}/annotate")
            page.locator(".fl-card").nth(11).wait_for()
            first = page.evaluate("window.__flamesScoring.data.prompt")
            for key in BURST:
                page.keyboard.press(key)
                page.wait_for_timeout(100)
            with contextlib.suppress(AssertionError):  # what did not land is counted below
                wait_until(lambda: None not in labels_of(db, first), timeout=20, what="the burst saved")
            landed = sum(score == int(key) for score, key in zip(labels_of(db, first), BURST, strict=True))

            # A person's pace on the next prompt: keypress to stored, and the server's CPU per action.
            page.keyboard.press("Enter")
            wait_until(
                lambda: page.evaluate("window.__flamesScoring.data.prompt") != first, what="next prompt"
            )
            second = page.evaluate("window.__flamesScoring.data.prompt")
            page.wait_for_timeout(1000)
            times = []
            cpu_before = cpu_seconds(process.pid)
            for count in range(1, 13):
                start = time.perf_counter()
                page.keyboard.press("2")
                wait_until(
                    lambda count=count: sum(s is not None for s in labels_of(db, second)) >= count,
                    timeout=10,
                    what="the label stored",
                )
                times.append(time.perf_counter() - start)
                page.wait_for_timeout(max(0, args.pace_ms - (time.perf_counter() - start) * 1000))
            cpu_ms = (cpu_seconds(process.pid) - cpu_before) * 1000 / 12
            page.close()

    print("Scoring page, headless Chromium at 1440x900, demo database:")
    print(f"  keys landed, 12 keys 100 ms apart right after load: {landed}/12 (target 12/12)")
    for (kind, language), screens in heights.items():
        target = 2 if kind == "demo" else 4
        name = "demo prompt, 12 responses" if kind == "demo" else "12 FLAMES-length answers"
        print(f"  page height, {name}, {language}: {screens:.2f} screens (target <= {target})")
    p50, p95 = (percentile(times, share) * 1000 for share in (0.5, 0.95))
    print(
        f"  keypress to stored at one key every {args.pace_ms} ms: p50 {p50:.0f} ms, "
        f"p95 {p95:.0f} ms (target p95 <= 300)"
    )
    print(f"  server CPU per scoring action: {cpu_ms:.0f} ms")
    print(
        f"  annotators one core serves at one action every {ACTION_EVERY_S:.0f} s: "
        f"{ACTION_EVERY_S * 1000 / cpu_ms:.0f}"
    )


if __name__ == "__main__":
    main()
