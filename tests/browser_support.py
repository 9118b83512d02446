"""Running the real app for browser tests: Streamlit on a free loopback port, Debian's Chromium
driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout: float = 30.0, what: str = "condition") -> object:
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def answers(url: str) -> bool:
    """True when a GET of `url` answers 200 (a server has started)."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def streamlit_server(db_path: Path) -> Iterator[str]:
    """Start the app on the given database; yield its URL; stop it by its process id."""
    with streamlit_process(db_path) as (url, _):
        yield url


@contextmanager
def streamlit_process(db_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start the app on the given database; yield its URL and process; stop it by its id."""
    port = free_port()
    env = {**os.environ, "ANNOTATOR_DB": str(db_path), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--server.headless=true",
            "--server.fileWatcherType=none",
            "--global.developmentMode=false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: answers(f"{url}/_stcore/health") or process.poll() is not None, 60, "the Streamlit server"
        )
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {process.stderr.read().decode()[-2000:]}")
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def log_in(page, url: str, name: str, password: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.goto(url)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_label("密码").press("Enter")
    logged_in = page.get_by_text(f"当前用户：{name}")
    try:
        logged_in.wait_for(timeout=10_000)
    except PlaywrightTimeoutError:
        # Enter, the first key after a page load, was seen lost on a loaded machine; a person
        # would then click the button. A wrong password still fails below.
        page.get_by_role("button", name="登录", exact=True).click()
        logged_in.wait_for(timeout=30_000)


def focused_response(page) -> str:
    """The heading of the response that has the keyboard focus (marked with ▶)."""
    marker = page.get_by_text("▶", exact=False)
    marker.first.wait_for()
    return marker.first.inner_text()


def shortcuts_ready(page) -> None:
    """Return once the scoring page has drawn its responses: from then on its keys answer in the
    browser, the first one included (they are not Streamlit shortcuts any more)."""
    page.locator(".fl-card .fl-title").first.wait_for()


def main_scroll(page) -> float:
    """How far Streamlit's main area is scrolled down, in pixels."""
    return page.evaluate("document.querySelector('.stMain').scrollTop")


def screens_tall(page) -> float:
    """The page's height in screens (Streamlit's main area scrolls, not the document)."""
    return page.evaluate(
        "(() => { const m = document.querySelector('.stMain'); return m.scrollHeight / m.clientHeight; })()"
    )


def in_view(locator) -> bool:
    """Whether the element is wholly inside the window."""
    box = locator.bounding_box()
    size = locator.page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]
