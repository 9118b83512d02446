from __future__ import annotations

import pytest

from annotator.splits import split_by_model, split_by_prompt

MODELS = ["ChatGPT", "GPT-4", "MOSS-16B", "InternLM-7B", "InternLM-20B", "Qwen-7B"]


def rows(models: list[str], prompts: int = 2) -> list[dict]:
    return [{"prompt_id": f"p{p}", "model": m} for p in range(prompts) for m in models]


def test_flames_default_split_by_model() -> None:
    data = rows(MODELS, prompts=1)
    assert split_by_model(data) == ["train", "validation", "validation", "test", "test", "train"]


def test_defaults_use_only_the_models_present() -> None:
    assert split_by_model(rows(["GPT-4", "Qwen-7B"], prompts=1)) == ["validation", "train"]


def test_user_models_override_the_defaults() -> None:
    data = rows(MODELS, prompts=1)
    splits = split_by_model(data, validation_models=["Qwen-7B"], test_models=["ChatGPT", "GPT-4"])
    assert splits == ["test", "test", "train", "train", "train", "validation"]


@pytest.mark.parametrize(
    ("validation", "test", "message"),
    [
        (["Nope"], None, "validation models not in the data: Nope"),
        (None, ["GPT-4", "X"], "test models not in the data: X"),
        (["Qwen-7B"], ["Qwen-7B"], "both validation and test: Qwen-7B"),
    ],
)
def test_bad_model_lists(validation: list[str] | None, test: list[str] | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        split_by_model(rows(MODELS), validation, test)


def test_split_by_prompt_keeps_prompts_whole_and_is_reproducible() -> None:
    data = rows(["A", "B", "C"], prompts=2000)
    splits = split_by_prompt(data, seed=7)
    assert splits == split_by_prompt(list(reversed(data)), seed=7)[::-1]  # independent of row order
    by_prompt: dict[str, set[str]] = {}
    for row, split in zip(data, splits, strict=True):
        by_prompt.setdefault(row["prompt_id"], set()).add(split)
    assert all(len(s) == 1 for s in by_prompt.values())
    counts = [sum(s == {name} for s in by_prompt.values()) for name in ("train", "validation", "test")]
    assert 1540 <= counts[0] <= 1660 and 160 <= counts[1] <= 240 and 160 <= counts[2] <= 240  # 80/10/10
    assert split_by_prompt(data, seed=8) != splits


def test_a_prompts_split_does_not_move_when_the_data_grows_or_is_filtered() -> None:
    data = rows(["A", "B"], prompts=60)
    split_of = dict(zip((row["prompt_id"] for row in data), split_by_prompt(data, seed=3), strict=True))
    grown = rows(["A", "B", "C"], prompts=90)
    filtered = [row for row in data if row["prompt_id"] < "p3"]
    for subset in (grown, filtered):
        for row, split in zip(subset, split_by_prompt(subset, seed=3), strict=True):
            assert split_of.get(row["prompt_id"], split) == split


def test_split_by_prompt_falls_back_to_prompt_text_and_checks_fractions() -> None:
    data = [{"prompt": "q", "model": "A"}, {"prompt": "q", "model": "B"}]
    assert split_by_prompt(data, fractions=(0, 0, 1)) == ["test", "test"]
    with pytest.raises(ValueError, match="summing to 1"):
        split_by_prompt(data, fractions=(0.5, 0.5, 0.5))
