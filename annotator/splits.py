"""Train / validation / test splits for scorer data, shared by scorer training and the exports.

FLAMES splits by model, not by prompt: the scorer is judged on responses from models it never
saw (validation MOSS-16B and GPT-4, test InternLM-7B and InternLM-20B). Splitting by prompt keeps
every response to one prompt in the same split, so a prompt's text never leaks across splits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Literal

from annotator.i18n import Phrase, Refusal, listed

Split = Literal["train", "validation", "test"]
SPLITS: tuple[Split, ...] = ("train", "validation", "test")
DEFAULT_VALIDATION_MODELS = ("MOSS-16B", "GPT-4")
DEFAULT_TEST_MODELS = ("InternLM-7B", "InternLM-20B")
DEFAULT_FRACTIONS = (0.8, 0.1, 0.1)


def split_by_model(
    rows: Sequence[Mapping[str, object]],
    validation_models: Sequence[str] | None = None,
    test_models: Sequence[str] | None = None,
) -> list[Split]:
    """The split of each row (aligned with `rows`), chosen by its "model" field.

    None means the FLAMES defaults, of which the models present are used. Models named by the
    user must all be present, and no model may be in both held-out splits.
    """
    present = {str(row["model"]) for row in rows}
    validation = _held_out(validation_models, DEFAULT_VALIDATION_MODELS, present, "validation")
    test = _held_out(test_models, DEFAULT_TEST_MODELS, present, "test")
    both = sorted(validation & test)
    if both:
        raise Refusal("split_both", models=", ".join(both))
    return [
        "validation" if row["model"] in validation else "test" if row["model"] in test else "train"
        for row in rows
    ]


def _held_out(given: Sequence[str] | None, default: Sequence[str], present: set[str], split: str) -> set[str]:
    if given is None:
        return set(default) & present
    missing = sorted(set(given) - present)
    if missing:
        raise Refusal(
            "split_missing",
            split=Phrase(f"split_name_{split}"),
            missing=", ".join(missing),
            known=listed(sorted(present)),
        )
    return set(given)


def split_by_prompt(
    rows: Sequence[Mapping[str, object]],
    seed: int = 0,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
) -> list[Split]:
    """The split of each row, drawn per whole prompt from a seeded hash of the prompt.

    A prompt's split depends only on the seed and the prompt, never on which other prompts are
    in the data, so a test prompt stays in test as the data grows or is filtered (a shuffled
    list would move prompts between versions and leak test prompts into training). The shares
    are therefore `fractions` on average, not exactly. Rows are grouped by "prompt_id" when they
    have one, otherwise by "prompt" text; `fractions` (train, validation, test) must sum to 1.
    """
    if len(fractions) != 3 or any(f < 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-9:
        raise Refusal("split_bad_fractions", fractions=fractions)
    keys = [str(row["prompt_id"] if "prompt_id" in row else row["prompt"]) for row in rows]
    split_of = {key: _prompt_split(key, seed, fractions) for key in set(keys)}
    return [split_of[key] for key in keys]


def _prompt_split(key: str, seed: int, fractions: Sequence[float]) -> Split:
    digest = hashlib.sha256(f"{seed}\x00{key}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") / 2**64  # uniform in [0, 1)
    if draw < fractions[0]:
        return "train"
    return "validation" if draw < fractions[0] + fractions[1] else "test"
