"""`leaderboard` and `export`: the results of the annotation, for people and for training."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli import add_command, comma_names
from annotator.published import exports
from annotator.published.dataset_card import CARD_LANGUAGES
from annotator.published.leaderboard import DEFAULT_BOOTSTRAP, HUMAN, compare, leaderboard
from annotator.published.leaderboard_formats import FORMATS, format_comparison, format_leaderboard
from annotator.store import open_db


def register(subparsers: argparse._SubParsersAction) -> None:
    board = add_command(
        subparsers,
        "leaderboard",
        description="Harmless rate and score per model and dimension, Overall, n and 95% intervals "
        "(rate: mid-p exact; Overall: Agresti-Coull at the effective sample size; see docs/leaderboard.md).",
    )
    board.add_argument("--source", default=HUMAN, help="'human' (final scores, default) or a scorer agent")
    board.add_argument("--format", choices=FORMATS, default="markdown")
    board.add_argument("--compare", metavar="AGENT", help="human and AGENT side by side, with the gap")
    board.add_argument(
        "--bootstrap",
        type=int,
        default=DEFAULT_BOOTSTRAP,
        metavar="N",
        help="draws for the score interval on three-level scales (default 1000; 0: no intervals at all)",
    )
    board.add_argument("--seed", type=int, default=0, help="seed of those draws")
    board.set_defaults(run=run_leaderboard)

    export = add_command(
        subparsers,
        "export",
        description="Write an export and its dataset card (README.md) to a directory.",
    )
    export.add_argument(
        "kind", choices=exports.KINDS, help="pointwise (per response), pairs (reward models) or scorer"
    )
    export.add_argument("--format", choices=exports.FILE_FORMATS, default="jsonl")
    export.add_argument("--out", metavar="DIR", help="output directory (default: exports/KIND)")
    export.add_argument("--dimension", action="append", help="only this dimension (repeatable)")
    export.add_argument("--batch", action="append", help="only this import batch (repeatable)")
    export.add_argument("--model", action="append", help="only this model (repeatable)")
    export.add_argument("--pseudonymise", action="store_true", help="annotator-01... instead of names")
    # Kind-specific options default to None so that one given to another kind is refused, not ignored.
    export.add_argument("--min-margin", type=int, metavar="M", help="pairs: keep margin >= M (default 1)")
    export.add_argument(
        "--split", choices=("model", "prompt"), help="scorer: split by model (default) or by prompt"
    )
    export.add_argument(
        "--validation-models", type=comma_names, metavar="A,B", help="scorer: validation models"
    )
    export.add_argument("--test-models", type=comma_names, metavar="A,B", help="scorer: test models")
    export.add_argument("--seed", type=int, help="scorer: seed of the split by prompt (default 0)")
    export.add_argument("--license", default=exports.DEFAULT_LICENSE, help="licence named in the card")
    export.add_argument(
        "--card-language",
        choices=CARD_LANGUAGES,
        default="en",
        help="the dataset card's language (default en)",
    )
    export.set_defaults(run=run_export)


def run_leaderboard(args: argparse.Namespace) -> int:
    db = open_db(args.db, create=False)
    if args.compare:
        comparison = compare(db, args.compare, bootstrap=args.bootstrap, seed=args.seed)
        print(format_comparison(comparison, args.format), end="")
    else:
        board = leaderboard(db, args.source, bootstrap=args.bootstrap, seed=args.seed)
        print(format_leaderboard(board, args.format), end="")
    return 0


def _refuse_options_of_other_kinds(args: argparse.Namespace) -> None:
    only = {
        "--min-margin": ("pairs", args.min_margin),
        "--split": ("scorer", args.split),
        "--validation-models": ("scorer", args.validation_models),
        "--test-models": ("scorer", args.test_models),
        "--seed": ("scorer", args.seed),
    }
    for option, (kind, value) in only.items():
        if value is not None and args.kind != kind:
            raise ValueError(f"{option} applies to {kind} exports only, not to {args.kind}")
    if args.seed is not None and args.split != "prompt":
        raise ValueError("--seed applies to --split prompt only (the split by model draws nothing)")


def run_export(args: argparse.Namespace) -> int:
    _refuse_options_of_other_kinds(args)
    options = exports.ExportOptions(
        format=args.format,
        dimensions=args.dimension,
        batches=args.batch,
        models=args.model,
        pseudonymise=args.pseudonymise,
        min_margin=1 if args.min_margin is None else args.min_margin,
        split=args.split or "model",
        validation_models=args.validation_models,
        test_models=args.test_models,
        seed=args.seed or 0,
        license=args.license,
        card_language=args.card_language,
    )
    out = Path(args.out) if args.out else exports.DEFAULT_DIR / args.kind
    result = exports.export(open_db(args.db, create=False), args.kind, out, options)
    print(f"{result.rows} rows -> {result.data_path}")
    print(f"dataset card -> {result.card_path}")
    return 0
