"""Load: many annotators saving and revising labels at once against one database file.

    .venv/bin/python bench/load_bench.py [--seconds 60] [--annotators 30] [--db PATH]

Each simulated annotator is a thread with its own connection (as the Streamlit server holds one
per session) that scores, explains, submits and reopens its assigned prompts as fast as it can.
Every acknowledged action is recorded client-side; at the end the store must hold exactly what
the clients were told was saved: each label's final value, and one history row per change, in
order. Prints errors that reached a caller (target 0), save latency p50/p99 and throughput.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from annotator import annotation  # noqa: E402
from annotator.store import StoreError, now, open_db, transaction  # noqa: E402
from annotator.users import add_user  # noqa: E402
from bench.workload import add_models, add_prompt  # noqa: E402

PROMPTS_PER_ANNOTATOR = 4
OVERLAP = 3  # annotators per prompt
DIMENSIONS = {"Fairness": (1, 2, 3), "Legality": (1, 3)}
SUBCOMPONENTS = {"Fairness": "Bias and discrimination", "Legality": "Law violation"}

State = tuple[int | None, str, str]  # score, explanation, status


@dataclass
class Annotator:
    name: str
    prompts: dict[str, tuple[str, list[str]]]  # prompt id -> (dimension, response ids)
    labels: dict[str, State] = field(default_factory=dict)  # what the client was told is saved
    changes: dict[str, list[State]] = field(default_factory=dict)  # expected history, in order
    submitted: set[str] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)  # seconds per acknowledged save
    actions: int = 0
    locked: list[str] = field(default_factory=list)  # "database is locked"/StoreError reaching us
    other_errors: list[str] = field(default_factory=list)


def build(path: Path, annotators: int) -> list[Annotator]:
    db = open_db(path)
    names = [f"ann-{i:02d}" for i in range(annotators)]
    for name in names:
        add_user(db, name, "annotator", None)
    prompt_count = max(1, annotators * PROMPTS_PER_ANNOTATOR // OVERLAP)
    people = [Annotator(name, {}) for name in names]
    stamp = now()
    with transaction(db):
        add_models(db, stamp)
        for p in range(prompt_count):
            prompt_id = f"load-{p:04d}"
            dimension = list(DIMENSIONS)[p % len(DIMENSIONS)]
            assignees = []
            for k in range(OVERLAP):
                person = people[(p * OVERLAP + k) % annotators]
                if person.name not in assignees:
                    assignees.append(person.name)
            responses = add_prompt(
                db,
                prompt_id,
                f"压力测试问题 {p}",
                assignees,
                stamp,
                dimension=dimension,
                subcomponent=SUBCOMPONENTS[dimension],
                position=p,
            )
            for person in people:
                if person.name in assignees:
                    person.prompts[prompt_id] = (dimension, responses)
    db.conn.close()
    return people


def _record(person: Annotator, rid: str, state: State) -> None:
    if person.labels.get(rid) != state:
        person.changes.setdefault(rid, []).append(state)
    person.labels[rid] = state


def work(path: Path, person: Annotator, deadline: float, seed: int) -> None:
    """Score, explain, submit and reopen as fast as possible until `deadline`."""
    rng = random.Random(seed)
    db = open_db(path)
    try:
        while time.perf_counter() < deadline:
            prompt_id = rng.choice(list(person.prompts))
            dimension, responses = person.prompts[prompt_id]
            try:
                _act(db, person, rng, prompt_id, dimension, responses)
            except (StoreError, sqlite3.OperationalError) as exc:
                person.locked.append(str(exc))
            except Exception as exc:  # anything else reaching a caller is a bug to report
                person.other_errors.append(f"{type(exc).__name__}: {exc}")
            person.actions += 1
    finally:
        db.conn.close()


def _act(db, person: Annotator, rng: random.Random, prompt_id: str, dimension: str, responses: list[str]):
    if prompt_id in person.submitted:
        if rng.random() < 0.3:
            annotation.reopen_prompt(db, person.name, prompt_id)
            person.submitted.discard(prompt_id)
            for rid in responses:
                score, explanation, _ = person.labels[rid]
                _record(person, rid, (score, explanation, "draft"))
        return
    states = [person.labels.get(rid) for rid in responses]
    if all(s is not None and s[0] is not None for s in states) and rng.random() < 0.2:
        annotation.submit_prompt(db, person.name, prompt_id)
        person.submitted.add(prompt_id)
        for rid, (score, explanation, _) in zip(responses, states, strict=True):
            _record(person, rid, (score, explanation, "submitted"))
        return
    rid = rng.choice(responses)
    score = rng.choice(DIMENSIONS[dimension])
    explanation = person.labels.get(rid, (None, "", "draft"))[1]
    started = time.perf_counter()
    annotation.save_score(db, person.name, rid, score)
    person.latencies.append(time.perf_counter() - started)
    _record(person, rid, (score, explanation, "draft"))
    if score < 3:  # FLAMES asks for an explanation below 3; change it each time, as people revise
        explanation = f"理由 {rng.randrange(1000)}"
        started = time.perf_counter()
        annotation.save_explanation(db, person.name, rid, explanation)
        person.latencies.append(time.perf_counter() - started)
        _record(person, rid, (score, explanation, "draft"))


def verify(path: Path, people: list[Annotator]) -> tuple[int, int]:
    """(labels whose final value differs from the last acknowledged one, labels whose history differs)."""
    db = open_db(path)
    stored = {
        (rid, name): (score, explanation, status)
        for rid, name, score, explanation, status in db.execute(
            "SELECT response_id, annotator, score, explanation, status FROM labels"
        )
    }
    history: dict[tuple[str, str], list[State]] = {}
    for rid, name, score, explanation, status in db.execute(
        "SELECT response_id, annotator, score, explanation, status FROM label_history ORDER BY id"
    ):
        history.setdefault((rid, name), []).append((score, explanation, status))
    db.conn.close()
    expected_final = {(rid, p.name): state for p in people for rid, state in p.labels.items()}
    expected_history = {(rid, p.name): states for p in people for rid, states in p.changes.items()}
    wrong_final = sum(stored.get(key) != state for key, state in expected_final.items())
    wrong_final += len(set(stored) - set(expected_final))  # a label no client was told about
    wrong_history = sum(history.get(key) != states for key, states in expected_history.items())
    wrong_history += len(set(history) - set(expected_history))
    return wrong_final, wrong_history


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run (default 60)")
    parser.add_argument("--annotators", type=int, default=30, help="simulated annotators (default 30)")
    parser.add_argument("--db", type=Path, help="database file to create (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "load.db"
        if path.exists():
            parser.error(f"{path} exists: the bench builds its own database")
        people = build(path, args.annotators)
        deadline = time.perf_counter() + args.seconds
        threads = [
            threading.Thread(target=work, args=(path, person, deadline, args.seed * 1000 + i))
            for i, person in enumerate(people)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        wrong_final, wrong_history = verify(path, people)

    latencies = [s for p in people for s in p.latencies]
    locked = [m for p in people for m in p.locked]
    others = [m for p in people for m in p.other_errors]
    changes = sum(len(states) for p in people for states in p.changes.values())
    submits = sum(1 for p in people for states in p.changes.values() for s in states if s[2] == "submitted")
    print(f"{args.annotators} annotators, {elapsed:.1f} s, one connection each, one database file")
    print(
        f"actions: {sum(p.actions for p in people):,}; acknowledged saves: {len(latencies):,} "
        f"({len(latencies) / elapsed:,.0f}/s); label changes expected in history: {changes:,} "
        f"(of which submitted-status rows: {submits:,})"
    )
    print(
        f"save latency: p50 {percentile(latencies, 50) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )
    print(f"errors reaching a caller: locked/StoreError {len(locked)} (target 0), other {len(others)}")
    for message in sorted(set(locked + others))[:5]:
        print(f"  {message}")
    print(f"labels whose final value differs from the last acknowledged save: {wrong_final} (target 0)")
    print(f"labels whose history is not exactly the acknowledged changes: {wrong_history} (target 0)")
    return 0 if not (locked or others or wrong_final or wrong_history) else 1


if __name__ == "__main__":
    sys.exit(main())
