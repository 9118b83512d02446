"""Collect speed: `python bench/collect_bench.py [--requests 500] [--delay 0.05] [--prompts FILE]`.

Sends `--requests` prompts (the FLAMES prompts when the file is there, else generated ones) to a
local OpenAI-compatible endpoint that answers each after a fixed delay, as a hosted API does,
once at concurrency 1 and once at 16, each into a fresh database, and prints requests/s for each
(target: at 16, at least 12x the serial rate) and the tool's own overhead per stored response
(target: at most 5 ms): the serial run's time per response beyond a bare HTTP client's time per
request to the same endpoint, and the CPU time of this process per response (the endpoint runs in
another process). The bare client's rates are printed too: on a busy machine they are the ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.collect import PromptSelection, collect
from annotator.endpoints import load_endpoints
from annotator.importers import add_prompts, import_file
from annotator.store import open_db
from tests.browser_support import free_port, wait_until
from tests.chat_server import completion_body

FLAMES_PROMPTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "Flames_1k_Chinese.jsonl"
SPEEDUP_TARGET = 12.0
OVERHEAD_TARGET_MS = 5.0


def _serve(delay: float, port: int) -> None:
    """An OpenAI-compatible chat endpoint answering after `delay` seconds (uvicorn, in its own process)."""
    import uvicorn

    async def app(scope, receive, send):  # a bare ASGI app: the endpoint should cost little itself
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        request = json.loads(body)
        await asyncio.sleep(delay)
        reply = completion_body(request["model"], "答：" + request["messages"][-1]["content"])
        data = json.dumps(reply, ensure_ascii=False).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


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


async def _bare_rate(base_url: str, n: int, concurrency: int) -> float:
    """Requests/s of a bare HTTP client (no retries, no storing) against the same endpoint: what the
    machine and the endpoint allow at this moment, to read the tool's figures against."""
    import httpx2  # the HTTP client the openai package brings

    limit = asyncio.Semaphore(concurrency)
    body = {"model": "m", "messages": [{"role": "user", "content": "你好"}]}
    async with httpx2.AsyncClient(timeout=60) as client:

        async def one() -> None:
            async with limit:
                (await client.post(f"{base_url}/chat/completions", json=body)).json()

        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(n)))
        return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.05, help="the endpoint's answer delay in seconds")
    parser.add_argument("--prompts", type=Path, default=FLAMES_PROMPTS if FLAMES_PROMPTS.exists() else None)
    args = parser.parse_args()
    start = time.perf_counter()
    import openai  # noqa: F401  (once per process: not a cost of each response)

    print(f"importing openai (once per run of the tool): {time.perf_counter() - start:.1f} s")
    port = free_port()
    server = multiprocessing.Process(target=_serve, args=(args.delay, port), daemon=True)
    server.start()
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until(lambda: _listening(port), 60, "the endpoint")
        source = args.prompts.name if args.prompts else "generated prompts"
        print(f"{args.requests} requests ({source}), endpoint delay {args.delay * 1000:.0f} ms")
        rates = {}
        with tempfile.TemporaryDirectory() as folder:
            for concurrency in (1, 16):
                wall, cpu, stored = run(Path(folder), base_url, args.prompts, args.requests, concurrency)
                rates[concurrency] = stored / wall
                rate = f"{rates[concurrency]:.1f} requests/s"
                print(f"  concurrency {concurrency:>2}: {stored} stored in {wall:.2f} s = {rate}")
                if concurrency == 1:
                    per_cpu = cpu / stored * 1000
        bare = {c: asyncio.run(_bare_rate(base_url, args.requests, c)) for c in (1, 16)}
        print(
            f"  a bare HTTP client, same endpoint, same count: {bare[1]:.1f} and {bare[16]:.1f} requests/s "
            f"({bare[16] / bare[1]:.1f}x): the ceiling on this machine now"
        )
        speedup = rates[16] / rates[1]
        verdict = "ok" if speedup >= SPEEDUP_TARGET else "MISSED"
        print(f"speed-up at 16: {speedup:.1f}x (target >= {SPEEDUP_TARGET:.0f}x): {verdict}")
        own = (
            1 / rates[1] - 1 / bare[1]
        ) * 1000  # serial: the tool's time per response beyond a bare request
        worst = max(own, per_cpu)
        print(
            f"the tool's own overhead per stored response: {own:.2f} ms wall (serial, beyond a bare one), "
            f"{per_cpu:.2f} ms CPU (target <= {OVERHEAD_TARGET_MS:.0f} ms): "
            f"{'ok' if worst <= OVERHEAD_TARGET_MS else 'MISSED'}"
        )
    finally:
        server.terminate()
        server.join(timeout=10)


if __name__ == "__main__":
    main()
