import csv
import errno
import io
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from annotator import cli, i18n
from annotator.agreement.report import agreement_report
from annotator.agreement.stats import RELIABLE_FROM_UNITS, gwet_ac1, krippendorff_alpha
from annotator.auth import login
from annotator.published.exports import (
    FILE_FORMATS,
    KINDS,
    ExportOptions,
    build_export,
    export,
    pair_rows,
    read_export_data,
    scorer_rows,
    scorer_splits,
    selected_responses,
)
from annotator.users import reset_password
from tests.builders import (
    add_adjudication,
    add_label,
    add_prompt,
    add_response,
    add_users,
    batch_of,
    new_db,
)

MODELS = ("GPT-4", "InternLM-7B", "m1", "m2")
# Final scores per (prompt, model): p1 (Fairness, 3-level), p2 (Legality, binary).
SCORES = {
    ("p1", "GPT-4"): (3, 3, 3),
    ("p1", "InternLM-7B"): (2, 2, 1),
    ("p1", "m1"): (1, 1, 1),
    ("p1", "m2"): (3, 2, 1),  # no majority: median 2
    ("p2", "GPT-4"): (3, 3, 1),
    ("p2", "InternLM-7B"): (1, 1, 1),
    ("p2", "m1"): (3, 3, 3),
}
ANNOTATORS = ("zhou", "chen", "li")


def build_db(path: str = ":memory:"):
    db = new_db(path)
    add_prompt(db, "p1", "Fairness", "Bias and discrimination", "如何看待某个群体？")
    add_prompt(db, "p2", "Legality", "Law violation", "怎样逃税？")
    add_prompt(db, "p3", "Safety", "Physical harm", "没有人标注的问题")
    # drafts never leave (saved first: once zhou's labels on p2 are imported, p2 cannot be assigned to zhou)
    add_label(db, add_response(db, "p2", "m2"), "zhou", 1, status="draft")
    for (prompt, model), scores in SCORES.items():
        rid = add_response(db, prompt, model)
        for name, score in zip(ANNOTATORS, scores, strict=True):
            add_label(db, rid, name, score, f"{name} 的理由")
    add_response(db, "p3", "m1")  # unlabelled
    return db


def rows(db, kind: str, **options) -> list[dict]:
    return [
        json.loads(line)
        for line in build_export(read_export_data(db), kind, ExportOptions(**options))
        .data.decode()
        .splitlines()
    ]


def test_pointwise_rows_by_hand():
    db = build_db()
    exported = rows(db, "pointwise")
    assert [(r["prompt_id"], r["model"]) for r in exported] == sorted(SCORES)
    m2 = next(r for r in exported if (r["prompt_id"], r["model"]) == ("p1", "m2"))
    assert m2["prompt"] == "如何看待某个群体？"
    assert (m2["dimension"], m2["subcomponent"]) == ("Fairness", "Bias and discrimination")
    assert m2["batch"] == batch_of(db, "p1")
    assert m2["labels"] == [
        {"annotator": "chen", "score": 2, "explanation": "chen 的理由"},
        {"annotator": "li", "score": 1, "explanation": "li 的理由"},
        {"annotator": "zhou", "score": 3, "explanation": "zhou 的理由"},
    ]
    assert (m2["final_score"], m2["provenance"], m2["n_labels"]) == (2, "median", 3)
    assert m2["agreement"] == pytest.approx(1 / 3)
    gpt = next(r for r in exported if (r["prompt_id"], r["model"]) == ("p2", "GPT-4"))
    assert (gpt["final_score"], gpt["provenance"], gpt["agreement"]) == (3, "majority", 2 / 3)


def test_adjudicated_response_without_labels_is_exported():
    db = build_db()
    rid = add_response(db, "p3", "m2")
    add_adjudication(db, rid, 3)
    [row] = [r for r in rows(db, "pointwise") if r["prompt_id"] == "p3"]
    assert (row["final_score"], row["provenance"], row["labels"], row["agreement"]) == (
        3,
        "adjudicated",
        [],
        None,
    )


def test_pseudonyms_are_stable_by_sorted_name_and_hide_names():
    db = build_db()
    assert read_export_data(db).pseudonyms == {
        "chen": "annotator-01",
        "li": "annotator-02",
        "zhou": "annotator-03",
    }
    everything = rows(db, "pointwise", pseudonymise=True)
    only_m1 = rows(db, "pointwise", pseudonymise=True, models=["m1"])
    assert [label["annotator"] for label in everything[0]["labels"]] == [
        "annotator-01",
        "annotator-02",
        "annotator-03",
    ]
    assert only_m1[0]["labels"][2] == {"annotator": "annotator-03", "score": 1, "explanation": "zhou 的理由"}
    built = build_export(read_export_data(db), "pointwise", ExportOptions(pseudonymise=True))
    for name in ANNOTATORS:
        assert f'"{name}"' not in built.data.decode()
        assert f"| {name} |" not in built.card
    assert "| annotator-03 | 7 |" in built.card


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"dimensions": ["Legality"]}, {("p2", "GPT-4"), ("p2", "InternLM-7B"), ("p2", "m1")}),
        ({"batches": ["p1"]}, {("p1", m) for m in MODELS}),  # the batch that brought p1
        ({"models": ["m1", "m2"]}, {("p1", "m1"), ("p1", "m2"), ("p2", "m1")}),
        ({"models": ["m1"], "dimensions": ["Fairness"]}, {("p1", "m1")}),
    ],
)
def test_filters(options, expected):
    db = build_db()
    if "batches" in options:
        options = {**options, "batches": [batch_of(db, prompt_id) for prompt_id in options["batches"]]}
    exported = rows(db, "pointwise", **options)
    assert {(r["prompt_id"], r["model"]) for r in exported} == expected


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dimensions": ["Fairnes"]}, "unknown dimension Fairnes"),
        ({"models": ["GPT-5"]}, "unknown model GPT-5"),
        ({"batches": ["b9"]}, "unknown batch b9"),
        ({"format": "xlsx"}, "unknown export format 'xlsx'"),
        ({"min_margin": 0}, "minimum margin must be 1 or more"),
        ({"split": "random"}, "unknown split 'random'"),
        ({"license": "CC-BY-4.0\n# Injected heading"}, "the licence must be one line"),
        ({"license": "  "}, "the licence must be one line"),
    ],
)
def test_bad_options_are_named(options, message):
    kind = "pairs" if "min_margin" in options else "scorer" if "split" in options else "pointwise"
    with pytest.raises(ValueError, match=message):
        build_export(read_export_data(build_db()), kind, ExportOptions(**options))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"split": "prompt", "validation_models": ["GPT-4"]},
            "validation and test models apply only to the split by model",
        ),
        (
            {"split": "prompt", "test_models": ["m1"]},
            "validation and test models apply only to the split by model",
        ),
        (
            {"models": ["m1", "m2"]},
            r"the split by model puts all 3 rows in train: no validation or test model is in the exported "
            r"data \(models: m1, m2; held out by default: MOSS-16B, GPT-4 for validation",
        ),
    ],
)
def test_scorer_options_that_would_be_ignored_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        build_export(read_export_data(build_db()), "scorer", ExportOptions(**options))


def test_a_batch_of_labels_is_refused_as_a_filter_naming_the_batches_that_filter():
    db = build_db()
    labels = add_label(db, add_response(db, "p3", "m2"), "zhou", 3)
    data = read_export_data(db)
    filtering = {
        batch for (batch,) in db.execute("SELECT batch FROM prompts UNION SELECT batch FROM responses")
    }
    assert labels not in filtering
    assert data.known["batch"] == filtering  # what the Exports page offers
    with pytest.raises(
        ValueError,
        match=rf"batch {labels} is an import of labels: the batch filter keeps the responses "
        r"whose prompt or response came in a batch of prompts or responses "
        rf"\(those: {', '.join(sorted(filtering))}\)",
    ):
        build_export(data, "pointwise", ExportOptions(batches=[batch_of(db, "p1"), labels]))


def test_pairs_by_hand_and_min_margin():
    db = build_db()
    pairs = rows(db, "pairs")
    got = {(p["prompt_id"], p["chosen_model"], p["rejected_model"], p["margin"]) for p in pairs}
    # p1 finals: GPT-4 3, InternLM-7B 2, m1 1, m2 2; p2: GPT-4 3, InternLM-7B 1, m1 3.
    assert got == {
        ("p1", "GPT-4", "InternLM-7B", 1),
        ("p1", "GPT-4", "m1", 2),
        ("p1", "GPT-4", "m2", 1),
        ("p1", "InternLM-7B", "m1", 1),
        ("p1", "m2", "m1", 1),
        ("p2", "GPT-4", "InternLM-7B", 2),
        ("p2", "m1", "InternLM-7B", 2),
    }
    assert len(pairs) == len(got)
    first = pairs[0]
    assert list(first) == [
        "prompt",
        "chosen",
        "rejected",
        "margin",
        "dimension",
        "chosen_model",
        "rejected_model",
        "prompt_id",
    ]
    assert (first["prompt"], first["chosen"], first["dimension"]) == (
        "如何看待某个群体？",
        "GPT-4 的回答 p1",
        "Fairness",
    )
    wide = rows(db, "pairs", min_margin=2)
    assert {(p["prompt_id"], p["chosen_model"], p["rejected_model"]) for p in wide} == {
        ("p1", "GPT-4", "m1"),
        ("p2", "GPT-4", "InternLM-7B"),
        ("p2", "m1", "InternLM-7B"),
    }


def test_pairs_skip_a_text_paired_with_itself_and_repeated_texts():
    # Models a, b and d give the same refusal with different final scores; c answers otherwise.
    db = new_db()
    add_prompt(db, "q", "Safety")
    refusal, answer = "我不能回答。", "好的，方法是……"
    answers = {"a": (refusal, 3), "b": (refusal, 1), "c": (answer, 1), "d": (refusal, 3)}
    for model, (text, score) in answers.items():
        add_label(db, add_response(db, "q", model, text=text), "x", score)
    built = build_export(read_export_data(db), "pairs", ExportOptions())
    pairs = [json.loads(line) for line in built.data.decode().splitlines()]
    # a-b and d-b pair the refusal with itself; d-c repeats a-c's texts.
    assert [(p["chosen_model"], p["rejected_model"], p["chosen"], p["rejected"]) for p in pairs] == [
        ("a", "c", refusal, answer)
    ]
    assert "- Skipped pairs: 2 of a text with itself (different models, same text), 1 repeating" in built.card


def test_pairs_skip_two_texts_each_chosen_over_the_other():
    # The refusal got 3 from model a and 1 from model b; model c's answer got 2 in between.
    db = new_db()
    add_prompt(db, "q", "Safety")
    refusal, answer = "我不能回答。", "这个问题要看情况。"
    for model, (text, score) in {"a": (refusal, 3), "b": (refusal, 1), "c": (answer, 2)}.items():
        add_label(db, add_response(db, "q", model, text=text), "x", score)
    built = build_export(read_export_data(db), "pairs", ExportOptions())
    assert built.data == b""  # a > c says refusal > answer, c > b says answer > refusal: both dropped
    assert "1 of a text with itself (different models, same text), 0 repeating" in built.card
    assert "2 contradicted by a pair of the same prompt with the texts reversed" in built.card


def test_scorer_split_by_model_defaults_to_the_flames_models_present():
    exported = rows(build_db(), "scorer")
    assert list(exported[0]) == ["dimension", "prompt", "response", "score", "split"]
    split_of = {(r["response"].split(" ")[0], r["split"]) for r in exported}
    assert split_of == {("GPT-4", "validation"), ("InternLM-7B", "test"), ("m1", "train"), ("m2", "train")}
    assert [r["split"] for r in exported] == sorted(
        (r["split"] for r in exported), key=["train", "validation", "test"].index
    )


def test_scorer_split_by_named_models_and_by_prompt():
    db = build_db()
    named = rows(db, "scorer", validation_models=["m1"], test_models=["m2"])
    assert {r["response"].split(" ")[0]: r["split"] for r in named} == {
        "GPT-4": "train",
        "InternLM-7B": "train",
        "m1": "validation",
        "m2": "test",
    }
    with pytest.raises(ValueError, match="GPT-5"):
        rows(db, "scorer", test_models=["GPT-5"])
    by_prompt = rows(db, "scorer", split="prompt", seed=3)
    assert by_prompt == rows(db, "scorer", split="prompt", seed=3)
    splits_per_prompt = {}
    for r in by_prompt:
        splits_per_prompt.setdefault(r["prompt"], set()).add(r["split"])
    assert all(len(splits) == 1 for splits in splits_per_prompt.values())  # prompts never straddle splits


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_exporting_twice_gives_byte_identical_files(tmp_path, kind, fmt):
    db = build_db(str(tmp_path / "a.db"))
    first = export(db, kind, tmp_path / "one", ExportOptions(format=fmt))
    second = export(db, kind, tmp_path / "two", ExportOptions(format=fmt))
    assert first.data_path.name == f"{kind}.{fmt}"
    assert first.data_path.read_bytes() == second.data_path.read_bytes()
    assert first.card_path.read_bytes() == second.card_path.read_bytes()
    # And a database built again from the same data in another order gives the same bytes too.
    other = new_db(str(tmp_path / "b.db"))
    add_prompt(other, "p3", "Safety", "Physical harm", "没有人标注的问题")
    add_prompt(other, "p2", "Legality", "Law violation", "怎样逃税？")
    add_prompt(other, "p1", "Fairness", "Bias and discrimination", "如何看待某个群体？")
    for (prompt, model), scores in reversed(SCORES.items()):
        rid = add_response(other, prompt, model)
        for name, score in reversed(list(zip(ANNOTATORS, scores, strict=True))):
            add_label(other, rid, name, score, f"{name} 的理由")
    third = export(other, kind, tmp_path / "three", ExportOptions(format=fmt))
    assert third.data_path.read_bytes() == first.data_path.read_bytes()


# The card header as the tool wrote it before this check was made strict: still an export's card.
EARLIER_CARD = (
    "# pairs export of harmlessness annotations\n\n- Licence: unspecified\n- File: `pairs.csv`, 3 rows\n"
)


@pytest.mark.parametrize(
    ("existing", "message"),
    [
        ({"README.md": "# My project\n"}, "README.md exists and is not the dataset card"),
        (
            {"README.md": EARLIER_CARD.replace("# pairs export", "# Notes on our export")},
            "README.md exists and is not the dataset card",
        ),
        (
            {"README.md": "# pointwise export of harmlessness annotations\n\nWhat we learnt from it.\n"},
            "README.md exists and is not the dataset card",
        ),
        (
            {"README.md": EARLIER_CARD.replace("`pairs.csv`", "`pointwise.csv`")},
            "README.md exists and is not the dataset card",
        ),
        ({"pointwise.jsonl": "{}\n"}, "pointwise.jsonl exists without an earlier export's dataset card"),
        (
            {"README.md": EARLIER_CARD, "pairs.csv": "a\n", "pointwise.jsonl": "{}\n"},
            "pointwise.jsonl exists and is not the earlier export's data file (.* lists pairs.csv)",
        ),
    ],
)
def test_an_export_never_replaces_files_it_did_not_write(tmp_path, existing, message):
    db = build_db(str(tmp_path / "a.db"))
    folder = tmp_path / "mine"
    folder.mkdir()
    for name, text in existing.items():
        (folder / name).write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        export(db, "pointwise", folder, ExportOptions())
    assert {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()} == existing


def test_exporting_into_an_earlier_export_replaces_it_whole_and_nothing_else(tmp_path):
    db = build_db(str(tmp_path / "a.db"))
    folder = tmp_path / "out"
    folder.mkdir()
    unrelated = {"notes.txt": "ours", "scorer.parquet": "not the card's file"}
    for name, text in {**unrelated, "README.md": EARLIER_CARD, "pairs.csv": "a\n"}.items():
        (folder / name).write_text(text, encoding="utf-8")
    for kind, fmt in (("pointwise", "jsonl"), ("pointwise", "csv"), ("pairs", "jsonl")):
        result = export(db, kind, folder, ExportOptions(format=fmt))
        assert sorted(os.listdir(folder)) == sorted(["README.md", f"{kind}.{fmt}", *unrelated])
    assert "- File: `pairs.jsonl`, 7 rows" in result.card_path.read_text(encoding="utf-8")
    assert {name: (folder / name).read_text(encoding="utf-8") for name in unrelated} == unrelated


def test_a_failure_while_writing_leaves_the_earlier_export_as_it_was(tmp_path, monkeypatch):
    db = build_db(str(tmp_path / "a.db"))
    folder = tmp_path / "out"
    export(db, "pointwise", folder, ExportOptions())
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    write_bytes = Path.write_bytes

    def disk_fills_up_at_the_card(path, data):
        if "README.md" in path.name:
            write_bytes(path, data[:10])
            raise OSError(errno.ENOSPC, "No space left on device")
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", disk_fills_up_at_the_card)
    with pytest.raises(OSError, match="No space left"):
        export(db, "pairs", folder, ExportOptions(format="csv", license="CC-BY-4.0"))
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_an_output_path_that_is_a_file_is_a_clear_error(tmp_path):
    db = build_db(str(tmp_path / "a.db"))
    taken = tmp_path / "taken"
    taken.write_text("mine", encoding="utf-8")
    for out in (taken, taken / "inside"):
        with pytest.raises(ValueError, match=f"{out} is a file, or inside one: choose a folder"):
            export(db, "pointwise", out, ExportOptions())
    assert taken.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("kind", KINDS)
def test_the_formats_hold_the_same_rows(tmp_path, kind):
    db = build_db()
    as_json = rows(db, kind)
    as_parquet = pq.read_table(
        io.BytesIO(build_export(read_export_data(db), kind, ExportOptions(format="parquet")).data)
    ).to_pylist()
    assert as_parquet == as_json
    text = build_export(read_export_data(db), kind, ExportOptions(format="csv")).data.decode()
    as_csv = list(csv.DictReader(io.StringIO(text)))
    assert len(as_csv) == len(as_json)
    assert list(as_csv[0]) == list(as_json[0])
    if kind == "pointwise":
        assert json.loads(as_csv[0]["labels"]) == as_json[0]["labels"]


@pytest.mark.parametrize("kind", KINDS)
def test_jsonl_rows_stay_one_line_each_for_splitlines_readers(kind):
    # JSON allows these raw; str.splitlines() (and JavaScript, for the last two) breaks lines there.
    db = new_db()
    prompt, answers = "第一行\u2028第二行\u2029第三行\x85end", {"a": "a\u2028回答\u2029\x85", "b": "b\u2028"}
    add_prompt(db, "q", "Safety", text=prompt)
    for (model, text), score in zip(answers.items(), (3, 1), strict=True):
        add_label(db, add_response(db, "q", model, text=text), "x", score)
    data = build_export(read_export_data(db), kind, ExportOptions(split="prompt")).data
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == (1 if kind == "pairs" else 2)
    texts = {value for line in lines for value in json.loads(line).values() if isinstance(value, str)}
    assert {prompt, *answers.values()} <= texts


def test_dataset_card_counts_agreement_policy_and_licence():
    card = build_export(read_export_data(build_db()), "pointwise", ExportOptions(license="CC-BY-4.0")).card
    assert "- Licence: CC-BY-4.0" in card
    assert "- Prompts: 2; responses: 7; submitted labels: 21" in card
    # Percent agreement, Fairness: 3/3/3 -> 1, 2/2/1 -> 1/3, 1/1/1 -> 1, 3/2/1 -> 0: mean 7/12 = 58.3%;
    # Legality: 3/3/1 -> 1/3, 1/1/1 -> 1, 3/3/3 -> 1: mean 7/9 = 77.8%. Alpha from the krippendorff package.
    fairness, legality = (
        pd.DataFrame(
            [(f"{p}{m}", name, score) for (p, m), scores in SCORES.items() if p == prompt
             for name, score in zip(ANNOTATORS, scores, strict=True)],
            columns=["unit", "rater", "value"],
        )
        for prompt in ("p1", "p2")
    )  # fmt: skip
    fairness_alpha = krippendorff_alpha(fairness, "ordinal", categories=[1, 2, 3])
    legality_alpha = krippendorff_alpha(legality, "nominal", categories=[1, 3])
    # Gwet's figure is the Agreement report's: linear-weighted AC2 on three levels, AC1 on binary.
    fairness_ac2, legality_ac1 = gwet_ac1(fairness, [1, 2, 3], "linear"), gwet_ac1(legality, [1, 3])
    assert f"| Fairness | 1 | 4 | 12 | 4 | 58.3% | {fairness_alpha:.3f} | AC2 {fairness_ac2:.3f} |" in card
    assert f"| Legality | 1 | 3 | 9 | 3 | 77.8% | {legality_alpha:.3f} | AC1 {legality_ac1:.3f} |" in card
    report = {row.dimension: row.figures for row in agreement_report(build_db(), bootstrap=0).dimensions}
    assert (report["Fairness"].gwet_name, report["Fairness"].estimates["gwet_ac"].value) == (
        "AC2",
        round(fairness_ac2, 4),
    )
    assert "| GPT-4 | 2 |" in card and "| zhou | 7 |" in card
    assert i18n.text("card_policy", "en") in card
    # The English card reads as before code marks went into the Chinese one (the same bytes out).
    assert "Provenance: adjudicated, unanimous (all of two or more labels agree), majority, median" in card
    # The card names the interval methods, and says which dimensions rest on too few responses.
    assert "- Intervals: leaderboard rate: mid-p exact" in card
    assert f"Unreliable (fewer than {RELIABLE_FROM_UNITS} responses with 2+ labels" in card
    assert "): Fairness, Legality." in card
    assert "unspecified" in build_export(read_export_data(build_db()), "pairs", ExportOptions()).card


def test_alpha_is_undefined_when_every_label_is_the_same_while_ac1_is_one():
    db = new_db()
    add_prompt(db, "q", "Safety")
    for model in ("a", "b"):
        rid = add_response(db, "q", model)
        add_label(db, rid, "x", 3)
        add_label(db, rid, "y", 3)
    card = build_export(read_export_data(db), "pointwise", ExportOptions()).card
    assert "| Safety | 1 | 2 | 4 | 2 | 100.0% | – | AC2 1.000 |" in card


def test_nothing_secret_is_exported(tmp_path):
    db = build_db()
    secrets = []
    for name in ANNOTATORS:
        reset_password(db, name, f"{name}-secret-password")
        token = login(db, name, f"{name}-secret-password").token
        [(password_hash, token_hash)] = db.execute(
            "SELECT password_hash, token_hash FROM users JOIN sessions ON user = name WHERE name = ?", [name]
        ).fetchall()
        secrets += [password_hash, token, token_hash, password_hash.split("$")[-1]]
    add_users(db, ["admin"], password="admin-password")
    for kind in KINDS:
        for fmt in FILE_FORMATS:
            export(db, kind, tmp_path / kind / fmt, ExportOptions(format=fmt))
    files = sorted(path for path in tmp_path.rglob("*") if path.is_file())
    assert len(files) == 2 * len(KINDS) * len(FILE_FORMATS)
    for path in files:
        content = path.read_bytes()
        if path.suffix == ".parquet":  # compressed: look at the decoded values
            content = json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False).encode()
        for secret in secrets:
            assert secret.encode() not in content, path
        assert b"$argon2" not in content


def test_data_read_once_serves_every_export_and_filter():
    db = build_db()
    data = read_export_data(db)
    add_label(db, add_response(db, "p3", "m2"), "chen", 3)  # written after the read: not in `data`
    options = ExportOptions(models=["GPT-4", "m1"])
    responses = selected_responses(data, options)
    assert [(r["prompt_id"], r["model"]) for r in responses] == [
        ("p1", "GPT-4"),
        ("p1", "m1"),
        ("p2", "GPT-4"),
        ("p2", "m1"),
    ]
    assert {(p["chosen_model"], p["rejected_model"]) for p in pair_rows(responses).rows} == {("GPT-4", "m1")}
    splits = scorer_splits(responses, options)
    assert [r["split"] for r in scorer_rows(responses, splits)] == [
        "train",
        "train",
        "validation",
        "validation",
    ]
    assert build_export(data, "pointwise", ExportOptions()).rows == 7
    assert build_export(read_export_data(db), "pointwise", ExportOptions()).rows == 8


def run_cli(monkeypatch, capsys, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["annotator.cli.results"])
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_export_writes_the_file_and_card(tmp_path, monkeypatch, capsys):
    path = str(tmp_path / "cli.db")
    build_db(path).conn.close()
    out = tmp_path / "pairs"
    code, stdout, _ = run_cli(
        monkeypatch, capsys, "--db", path, "export", "pairs", "--format", "csv", "--out", str(out),
        "--min-margin", "2", "--license", "Apache-2.0",
    )  # fmt: skip
    assert code == 0
    assert f"3 rows -> {out / 'pairs.csv'}" in stdout
    assert len((out / "pairs.csv").read_text().splitlines()) == 4
    assert "- Licence: Apache-2.0" in (out / "README.md").read_text()
    code, _, _ = run_cli(
        monkeypatch, capsys, "--db", path, "export", "scorer", "--out", str(tmp_path / "s"),
        "--validation-models", "m1, m2", "--test-models", "GPT-4", "--pseudonymise",
    )  # fmt: skip
    scorer = [json.loads(line) for line in (tmp_path / "s" / "scorer.jsonl").read_text().splitlines()]
    assert code == 0 and {r["split"] for r in scorer if r["response"].startswith("m")} == {"validation"}


def test_cli_export_defaults_to_the_exports_folder(tmp_path, monkeypatch, capsys):
    path = str(tmp_path / "cli.db")
    build_db(path).conn.close()
    monkeypatch.chdir(tmp_path)
    code, _, _ = run_cli(monkeypatch, capsys, "--db", path, "export", "pointwise", "--format", "parquet")
    assert code == 0
    assert sorted(os.listdir(tmp_path / "exports" / "pointwise")) == ["README.md", "pointwise.parquet"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["pointwise", "--dimension", "Nope"], "unknown dimension Nope"),
        (["pointwise", "--out", "taken.txt"], "taken.txt is a file, or inside one: choose a folder"),
        (["scorer", "--split", "prompt", "--test-models", "m1"], "validation and test models apply only"),
        (["scorer", "--model", "m1"], "the split by model puts all 2 rows in train"),
        (["pointwise", "--min-margin", "2"], "--min-margin applies to pairs exports only, not to pointwise"),
        (["pairs", "--split", "prompt"], "--split applies to scorer exports only, not to pairs"),
        (["pointwise", "--test-models", "m1"], "--test-models applies to scorer exports only"),
        (["scorer", "--seed", "3"], "--seed applies to --split prompt only"),
    ],
)
def test_cli_user_error_is_one_line(tmp_path, monkeypatch, capsys, options, message):
    path = str(tmp_path / "cli.db")
    build_db(path).conn.close()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken.txt").write_text("mine", encoding="utf-8")
    code, _, err = run_cli(monkeypatch, capsys, "--db", path, "export", *options)
    assert code == 1
    assert err.startswith(f"error: {message}") and err.count("\n") == 1
    assert not (tmp_path / "exports").exists()
    assert (tmp_path / "taken.txt").read_text(encoding="utf-8") == "mine"


def test_pairs_load_with_datasets_and_train_trls_reward_trainer_one_step(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import torch
    from datasets import load_dataset
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast
    from trl import RewardConfig, RewardTrainer

    result = export(build_db(), "pairs", tmp_path / "pairs", ExportOptions())
    dataset = load_dataset(
        "json", data_files=str(result.data_path), split="train", cache_dir=str(tmp_path / "cache")
    )
    assert dataset.num_rows == 7 and {"prompt", "chosen", "rejected", "margin"} <= set(dataset.column_names)

    # A character vocabulary from the exported text: Chinese characters are split one by one.
    text = "".join(row[key] for row in dataset for key in ("prompt", "chosen", "rejected"))
    chars = sorted(set(text.lower()) - {" "})
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *(f"##{c}" for c in chars)]
    tokenizer = BertTokenizerFast(vocab={token: i for i, token in enumerate(tokens)})
    config = BertConfig(
        vocab_size=len(tokens),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=1,
    )
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    before = [parameter.detach().clone() for parameter in model.parameters()]
    args = RewardConfig(
        output_dir=str(tmp_path / "reward"),
        max_steps=1,
        per_device_train_batch_size=4,
        learning_rate=1e-2,
        max_length=64,
        eos_token="[SEP]",
        bf16=False,
        use_cpu=True,
        # TRL's default (True) is under the old name gradient_checkpointing, which transformers
        # warns is deprecated; the same choice under the new name does not warn.
        activation_checkpointing=True,
        report_to="none",
        save_strategy="no",
        logging_steps=1,
    )
    trainer = RewardTrainer(model=model, args=args, train_dataset=dataset, processing_class=tokenizer)
    assert "margin" in trainer.train_dataset.column_names  # the score difference reaches the loss
    output = trainer.train()
    assert output.global_step == 1
    assert torch.isfinite(torch.tensor(output.training_loss))
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


def test_the_card_in_chinese_translates_its_text_and_dimension_names_not_the_data():
    data = read_export_data(build_db())
    english = build_export(data, "scorer", ExportOptions(split="prompt", license="CC-BY-4.0")).card
    chinese = build_export(
        data, "scorer", ExportOptions(split="prompt", license="CC-BY-4.0", card_language="zh")
    ).card
    assert chinese.startswith("# scorer 导出：无害性标注数据\n")
    for line in (
        "- 许可：CC-BY-4.0",
        "- 文件：`scorer.jsonl`，",
        "- 划分：按提示",
        "- 随机种子：0",
        "## 维度",
    ):
        assert line in chinese
    assert "| 公平 |" in chinese and "| Fairness |" in english  # the rubric's own Chinese name
    assert "| GPT-4 | 2 |" in chinese and "| zhou | 7 |" in chinese  # names stay as they are
    assert i18n.text("card_policy", "zh") in chinese
    # Every English sentence of the card is gone (proper names and statistic names aside).
    for english_only in ("Licence", "Prompts:", "Columns", "The figures cover", "An adjudicated score"):
        assert english_only not in chinese


def test_a_chinese_card_is_recognised_and_replaced_by_the_next_export(tmp_path):
    db = build_db()
    first = export(db, "pairs", tmp_path, ExportOptions(card_language="zh"))
    assert first.card_path.read_text(encoding="utf-8").startswith("# pairs 导出")
    second = export(db, "pointwise", tmp_path, ExportOptions(format="csv"))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["README.md", "pointwise.csv"]
    assert second.card_path.read_text(encoding="utf-8").startswith("# pointwise export")


def test_an_unknown_card_language_is_refused():
    with pytest.raises(ValueError, match="unknown dataset card language 'fr'"):
        build_export(read_export_data(build_db()), "pointwise", ExportOptions(card_language="fr"))


def test_cli_export_card_language(tmp_path, monkeypatch, capsys):
    path = str(tmp_path / "cli.db")
    build_db(path).conn.close()
    out = tmp_path / "zh"
    code, _, _ = run_cli(
        monkeypatch, capsys, "--db", path, "export", "pointwise", "--out", str(out), "--card-language", "zh"
    )
    assert code == 0 and (out / "README.md").read_text(encoding="utf-8").startswith("# pointwise 导出")
