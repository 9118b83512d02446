import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from annotator import demo_content
from annotator.demo_content import ADMIN, ANNOTATORS, LABELS, LEAD, MODELS, PROMPTS, RESPONSES
from annotator.rubric import flames_rubric

RUBRIC = flames_rubric()
DIMENSION_OF = {prompt["id"]: prompt["dimension"] for prompt in PROMPTS}
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_prompts_cover_every_dimension_and_subcomponent():
    covered = {(p["dimension"], p["subcomponent"]) for p in PROMPTS}
    expected = {(d.name, sub) for d in RUBRIC.dimensions for sub in d.subcomponents}
    assert covered == expected
    assert len(expected) == 12


def test_prompts_are_well_formed_chinese_requests():
    assert 25 <= len(PROMPTS) <= 35
    ids = [p["id"] for p in PROMPTS]
    assert len(set(ids)) == len(ids)
    assert len({p["prompt"] for p in PROMPTS}) == len(PROMPTS)
    for prompt in PROMPTS:
        assert set(prompt) == {"id", "dimension", "subcomponent", "prompt"}
        assert re.fullmatch(r"demo-\d{3}", prompt["id"])
        RUBRIC.check_subcomponent(prompt["dimension"], prompt["subcomponent"])
        assert 20 <= len(prompt["prompt"]) <= 150, prompt["id"]
        assert len(HAN.findall(prompt["prompt"])) > len(prompt["prompt"]) / 2, prompt["id"]


def test_models_include_the_scorer_split():
    assert len(MODELS) == len(set(MODELS)) == 12
    assert {"MOSS-16B", "GPT-4", "InternLM-7B", "InternLM-20B"} <= set(MODELS)


def test_every_prompt_and_model_has_exactly_one_response():
    pairs = Counter((r["prompt_id"], r["model"]) for r in RESPONSES)
    assert set(pairs) == {(p["id"], m) for p in PROMPTS for m in MODELS}
    assert set(pairs.values()) == {1}


def test_response_texts_are_unique_chinese_and_of_realistic_length():
    texts = [r["response"] for r in RESPONSES]
    assert len(set(texts)) == len(texts)
    lengths = sorted(len(t) for t in texts)
    assert lengths[0] >= 30
    assert lengths[-2] <= 400  # all but the one very long answer
    assert lengths[-1] >= 2500
    assert all(HAN.search(t) for t in texts)
    assert any("\n1. " in t for t in texts)
    assert any("```python" in t for t in texts)


def test_a_response_carries_markup_for_safe_rendering():
    hostile = [r["response"] for r in RESPONSES if "<script>alert(1)</script>" in r["response"]]
    assert len(hostile) == 1
    assert '<img src="http://example.invalid/x.png">' in hostile[0]
    assert "![x](http://example.invalid/y.png)" in hostile[0]


def test_intended_scores_are_allowed_by_the_rubric_and_spread_over_every_level():
    seen: dict[str, set[int]] = defaultdict(set)
    for response in RESPONSES:
        dimension = DIMENSION_OF[response["prompt_id"]]
        assert RUBRIC.check_score(dimension, response["intended_score"]) == response["intended_score"]
        seen[dimension].add(response["intended_score"])
    assert seen == {d.name: set(d.scores) for d in RUBRIC.dimensions}


def test_stronger_models_are_harmless_more_often_but_not_always():
    def harmless_rate(model: str) -> float:
        scores = [r["intended_score"] for r in RESPONSES if r["model"] == model]
        return scores.count(3) / len(scores)

    assert harmless_rate("GPT-4") > harmless_rate("InternLM-7B") > harmless_rate("ChatYuan-770M")
    assert harmless_rate("GPT-4") < 1
    assert harmless_rate("ChatYuan-770M") > 0


def test_people_are_distinct():
    people = [*ANNOTATORS, LEAD, ADMIN]
    assert len(ANNOTATORS) == 3
    assert len(set(people)) == len(people)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in people)


def test_labels_reference_existing_responses_and_allowed_scores():
    responses = {(r["prompt_id"], r["model"]) for r in RESPONSES}
    for label in LABELS:
        assert set(label) == {"prompt_id", "model", "annotator", "score", "explanation"}
        assert (label["prompt_id"], label["model"]) in responses
        assert label["annotator"] in ANNOTATORS
        dimension = RUBRIC.dimension(DIMENSION_OF[label["prompt_id"]])
        assert RUBRIC.check_score(dimension.name, label["score"]) == label["score"]
        if dimension.needs_explanation(label["score"]):
            assert HAN.search(label["explanation"]), label
    keys = [(lab["prompt_id"], lab["model"], lab["annotator"]) for lab in LABELS]
    assert len(set(keys)) == len(keys)


def test_labels_cover_the_first_prompts_fully_and_leave_work_in_the_queue():
    per_prompt = Counter(label["prompt_id"] for label in LABELS)
    labelled = [p["id"] for p in PROMPTS if p["id"] in per_prompt]
    assert labelled == [p["id"] for p in PROMPTS[: len(labelled)]]
    assert 15 <= len(labelled) <= len(PROMPTS) - 5
    assert set(per_prompt.values()) == {len(MODELS) * len(ANNOTATORS)}
    unlabelled_dimensions = {p["dimension"] for p in PROMPTS[len(labelled) :]}
    assert len(unlabelled_dimensions) >= 3


def test_labels_mostly_agree_with_the_intended_score_but_not_always():
    intended = {(r["prompt_id"], r["model"]): r["intended_score"] for r in RESPONSES}
    departures = [abs(lab["score"] - intended[(lab["prompt_id"], lab["model"])]) for lab in LABELS]
    share = sum(d > 0 for d in departures) / len(departures)
    assert 0.1 <= share <= 0.3
    assert 2 in departures


def test_annotators_disagree_on_some_responses_including_two_level_spreads():
    scores: dict[tuple[str, str], list[int]] = defaultdict(list)
    for label in LABELS:
        scores[(label["prompt_id"], label["model"])].append(label["score"])
    disagreements = [key for key, values in scores.items() if len(set(values)) > 1]
    assert len(disagreements) >= 10
    three_level_spreads = [
        key
        for key, values in scores.items()
        if len(RUBRIC.dimension(DIMENSION_OF[key[0]]).scores) == 3 and max(values) - min(values) == 2
    ]
    assert len(three_level_spreads) >= 3


def _content_digest() -> str:
    data = [demo_content.PROMPTS, demo_content.RESPONSES, demo_content.LABELS]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


@pytest.mark.parametrize("hash_seed", ["0", "12345"])
def test_content_is_the_same_in_every_process(hash_seed):
    script = "from tests.test_demo_content import _content_digest; print(_content_digest())"
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == _content_digest()


def test_demo_scorer_suggests_an_allowed_score_for_every_response_mostly_the_intended_one():
    from annotator.demo_content import RESPONSES, SUGGESTIONS
    from annotator.rubric import flames_rubric

    rubric = flames_rubric()
    assert len(SUGGESTIONS) == len(RESPONSES)
    for suggestion in SUGGESTIONS:
        rubric.check_score(suggestion["dimension"], suggestion["predicted"])
        assert 0.5 <= suggestion["confidence"] <= 1
    agree = sum(s["predicted"] == r["intended_score"] for s, r in zip(SUGGESTIONS, RESPONSES, strict=True))
    assert 0.6 < agree / len(RESPONSES) < 0.95
