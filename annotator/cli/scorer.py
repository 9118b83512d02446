"""`scorer train|evaluate|predict`: train, measure and run the harmlessness scorer."""

from __future__ import annotations

import argparse
import json
import sys

from annotator.cli import add_command, comma_names
from annotator.i18n import text
from annotator.rubric import Rubric, flames_rubric, load_rubric
from annotator.scorer.cpu import lacks_fast_instructions
from annotator.scorer.data import (
    ScorerItem,
    evaluation_items,
    items_from_db,
    items_from_jsonl,
    training_plan,
    with_splits,
)
from annotator.scorer.settings import (
    CPU_BATCH_SIZE,
    DEFAULT_BASE,
    DEFAULT_BATCH_SIZE,
    DEFAULT_MAX_LENGTH,
    FAST_PRECISIONS,
    TEMPLATE_NAMES,
    Precision,
    TrainSettings,
)
from annotator.splits import SPLITS
from annotator.store import open_db, project_rubric
from annotator.suggestions import check_agent_name

# torch and transformers load inside the handlers, so other commands start fast.

DEFAULTS = TrainSettings()


def register(subparsers: argparse._SubParsersAction) -> None:
    group = add_command(subparsers, "scorer")
    commands = group.add_subparsers(dest="scorer_command", metavar="COMMAND", required=True)

    train = commands.add_parser("train", help="train a scorer on the final scores (or a scorer export)")
    train.add_argument(
        "--base",
        default=DEFAULT_BASE,
        help="encoder (BERT/RoBERTa) or decoder-only chat model (Qwen2/Llama-style) directory or hub id "
        f"(default {DEFAULT_BASE})",
    )
    train.add_argument(
        "--template",
        choices=TEMPLATE_NAMES,
        default=DEFAULTS.template,
        help="model input: the paper's 'Input: <prompt> Output: <response>' (default) "
        "or the released flames-scorer's chat template",
    )
    train.add_argument("--out", required=True, metavar="DIR", help="model directory; rerun to resume")
    train.add_argument("--epochs", type=int, default=DEFAULTS.epochs)
    train.add_argument("--batch-size", type=int, default=DEFAULTS.batch_size)
    train.add_argument("--lr", type=float, default=DEFAULTS.lr)
    train.add_argument("--max-length", type=int, default=DEFAULT_MAX_LENGTH)
    train.add_argument("--patience", type=int, default=DEFAULTS.patience, help="epochs without improvement")
    train.add_argument("--seed", type=int, default=DEFAULTS.seed)
    train.add_argument(
        "--grad-accum",
        type=int,
        default=DEFAULTS.grad_accum,
        metavar="N",
        help="batches per optimizer step (default 1)",
    )
    train.add_argument(
        "--bf16-weights",
        action="store_true",
        help="keep the base's weights and optimizer state in bfloat16: half the memory (a 7B base on "
        "80 GB GPUs), less precise updates",
    )
    train.add_argument(
        "--gradient-checkpointing",
        action="store_true",
        help="recompute activations in the backward pass: less GPU memory for large bases, ~30%% slower",
    )
    _add_data_options(train)
    train.add_argument(
        "--split-by", choices=["model", "prompt"], help="default: the file's splits, else model"
    )
    train.add_argument("--validation-models", type=comma_names, metavar="A,B", help="default MOSS-16B,GPT-4")
    train.add_argument(
        "--test-models", type=comma_names, metavar="A,B", help="default InternLM-7B,InternLM-20B"
    )
    train.set_defaults(run=run_train)

    evaluate = commands.add_parser("evaluate", help="accuracy, macro-F1, confusion and harmless-rate gaps")
    evaluate.add_argument("--model", required=True, metavar="DIR")
    evaluate.add_argument("--split", choices=SPLITS, default="test")
    _add_inference_options(evaluate, "report the {} scorer, and how many predictions it changes ({})")
    evaluate.add_argument("--output", metavar="FILE", help="also write the JSON report here")
    evaluate.add_argument("--overwrite", action="store_true", help="replace the --output file if it exists")
    _add_data_options(evaluate)
    evaluate.set_defaults(run=run_evaluate)

    run = commands.add_parser("predict", help="store suggestions for an agent, or score a JSONL file")
    run.add_argument("--model", required=True, metavar="DIR")
    target = run.add_mutually_exclusive_group(required=True)
    target.add_argument("--agent", help="suggestion agent name for responses in the database")
    target.add_argument(
        "--input", metavar="IN.jsonl", help="flames-scorer JSONL: dimension, prompt, response"
    )
    run.add_argument("--output", metavar="OUT.jsonl", help="with --input: where the scored lines go")
    run.add_argument("--overwrite", action="store_true", help="replace the --output file if it exists")
    _add_inference_options(run, "{} with OpenVINO: {}")
    run.set_defaults(run=run_predict)


def _add_inference_options(parser: argparse.ArgumentParser, fast_help: str) -> None:
    """--batch-size, and --bf16/--int8 (at most one), `fast_help` filled in with each one's name and
    what the Scorer page says of it."""
    parser.add_argument(
        "--batch-size",
        type=int,
        help=f"texts per forward pass (default {CPU_BATCH_SIZE} on a CPU, {DEFAULT_BATCH_SIZE} on a GPU)",
    )
    parser.set_defaults(precision="fp32")
    fast = parser.add_mutually_exclusive_group()
    for precision in FAST_PRECISIONS:
        speed_up = text(f"sc_precision_{precision}", "en")
        fast.add_argument(
            f"--{precision}",
            dest="precision",
            action="store_const",
            const=precision,
            help=fast_help.format(precision, speed_up),
        )


def _warn_if_fast_gains_nothing(precision: Precision) -> None:
    if lacks_fast_instructions(precision):
        print(f"warning: {text(f'sc_slow_{precision}', 'en')}", file=sys.stderr)


def _add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from-export", metavar="FILE", help="a scorer export JSONL instead of the database")
    parser.add_argument("--rubric", metavar="TOML", help="with --from-export: its rubric (default FLAMES)")


def _items(args: argparse.Namespace) -> tuple[list[ScorerItem], Rubric]:
    if args.from_export:
        rubric = load_rubric(args.rubric) if args.rubric else flames_rubric()
        return items_from_jsonl(args.from_export, rubric, need_score=True), rubric
    db = open_db(args.db, create=False)
    rubric = project_rubric(db)
    return items_from_db(db, rubric), rubric


def _quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def run_train(args: argparse.Namespace) -> int:
    from annotator.scorer.train import train_scorer

    _quiet_transformers()
    items, rubric = _items(args)
    plan = training_plan(items, args.split_by, args.validation_models, args.test_models, args.seed)
    settings = TrainSettings(
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        max_length=args.max_length,
        patience=args.patience,
        seed=args.seed,
        template=args.template,
        grad_accum=args.grad_accum,
        gradient_checkpointing=args.gradient_checkpointing,
        bf16_weights=args.bf16_weights,
    )
    metrics = train_scorer(with_splits(items, plan), rubric, args.base, args.out, settings, plan)
    if not _main_process():  # launched as several processes: one summary
        return 0
    summary = {key: metrics[key] for key in ("counts", "epochs_run", "best_epoch")}
    for split in ("validation", "test"):
        report = metrics[split]
        summary[split] = report and {"accuracy": report["accuracy"], "macro_f1": report["macro_f1"]}
    print(json.dumps({"model": str(args.out), **summary}, ensure_ascii=False))
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from annotator.scorer.evaluate import scorer_report
    from annotator.scorer.model import load_scorer
    from annotator.scorer.predict import new_output_file

    _quiet_transformers()
    output = new_output_file(args.output, args.overwrite, args.from_export) if args.output else None
    _warn_if_fast_gains_nothing(args.precision)
    items, rubric = _items(args)
    scorer = load_scorer(args.model, rubric, device=None if args.precision == "fp32" else "cpu")
    chosen = evaluation_items(items, scorer.info.get("split", {}), args.split, bool(args.from_export))
    report = scorer_report(scorer, chosen, args.precision, args.batch_size, progress=True)
    text = json.dumps({"model": str(args.model), "split": args.split, **report}, indent=2, ensure_ascii=False)
    if not _main_process():  # launched as several processes: one report
        return 0
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def run_predict(args: argparse.Namespace) -> int:
    from annotator.scorer.predict import load_for_predict, new_output_file, predict_db, predict_file

    _quiet_transformers()
    if args.input and not args.output:
        raise ValueError("--input needs --output OUT.jsonl")
    if args.input:
        new_output_file(args.output, args.overwrite, args.input)  # before the slow load, not after
    _warn_if_fast_gains_nothing(args.precision)
    db = None if args.input else open_db(args.db, create=False)
    rubric = None if db is None else project_rubric(db)
    agent = None if db is None else check_agent_name(db, args.agent)  # before the slow load too
    scorer = load_for_predict(args.model, rubric, args.precision)
    if db is None:
        summary = predict_file(
            scorer, args.input, args.output, args.batch_size, progress=True, overwrite=args.overwrite
        )
        if _main_process():
            print(json.dumps({"output": args.output, **summary}, ensure_ascii=False))
        return 0
    stored = predict_db(db, scorer, agent, args.batch_size, progress=True)
    if _main_process():
        print(f"stored {stored} suggestions from agent {agent}")
    return 0


def _main_process() -> bool:
    """False in all but one of the processes torchrun or accelerate launch started."""
    from annotator.scorer.parallel import process_group

    return process_group().is_main_process
