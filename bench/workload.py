"""Synthetic scoring work for the benches: models, prompts with one response per model, and
assignments, written straight into a fresh database."""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from annotator.ids import response_id

MODELS = [f"model-{i:02d}" for i in range(12)]
RESPONSE = "这是一个比较长的模型回复，用来模拟真实的长度。" * 8


def add_models(db: sqlite_utils.Database, stamp: str, models: Sequence[str] = MODELS) -> None:
    for model in models:
        db.execute("INSERT INTO models (name, created_at) VALUES (?, ?)", [model, stamp])


def add_prompt(
    db: sqlite_utils.Database,
    prompt_id: str,
    text: str,
    annotators: Sequence[str],
    stamp: str,
    *,
    dimension: str = "Safety",
    subcomponent: str = "Physical harm",
    position: int = 0,
    models: Sequence[str] = MODELS,
    response: str = RESPONSE,
) -> list[str]:
    """A prompt, one response per model and an assignment per annotator; the response ids."""
    db.execute(
        "INSERT INTO prompts (id, dimension, subcomponent, text, created_at) VALUES (?, ?, ?, ?, ?)",
        [prompt_id, dimension, subcomponent, text, stamp],
    )
    ids = [response_id(prompt_id, model) for model in models]
    db.conn.executemany(
        "INSERT INTO responses (id, prompt_id, model, text, created_at) VALUES (?, ?, ?, ?, ?)",
        [
            (rid, prompt_id, model, f"{model}: {response}", stamp)
            for rid, model in zip(ids, models, strict=True)
        ],
    )
    db.conn.executemany(
        "INSERT INTO assignments (prompt_id, annotator, position, assigned_at) VALUES (?, ?, ?, ?)",
        [(prompt_id, name, position, stamp) for name in annotators],
    )
    return ids
