"""Commands for leads: assign, reassign, gold, adjudicate, adjudication-queue."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from annotator import adjudication, assignment, gold
from annotator.cli import add_command, comma_names
from annotator.states import AdjudicationReason, values
from annotator.store import open_db


def register(subparsers: argparse._SubParsersAction) -> None:
    assign = add_command(
        subparsers,
        "assign",
        description="Give each chosen prompt K different annotators: balanced shares, every pair of "
        "annotators sharing prompts, reproducible with --seed. Existing assignments stay as they are.",
    )
    assign.add_argument("--annotators", required=True, metavar="NAME,NAME,...", type=comma_names)
    assign.add_argument("--overlap", type=int, default=assignment.DEFAULT_OVERLAP, metavar="K")
    assign.add_argument("--dimension", metavar="D", help="only prompts of this dimension")
    assign.add_argument("--subcomponent", metavar="S", help="only prompts of this subcomponent")
    assign.add_argument("--batch", metavar="B", help="only prompts of this import batch")
    assign.add_argument("--seed", type=int, default=0, metavar="N")
    assign.add_argument("--by", metavar="LEAD", help="recorded as who assigned")
    assign.set_defaults(run=run_assign)

    reassign = add_command(
        subparsers,
        "reassign",
        description="Move the open and skipped prompts of an inactive annotator (those without "
        "submitted labels) to the given annotators; submitted work and drafts stay.",
    )
    reassign.add_argument("--from", dest="source", required=True, metavar="NAME")
    reassign.add_argument("--to", required=True, metavar="NAME,NAME,...", type=comma_names)
    reassign.add_argument("--seed", type=int, default=0, metavar="N")
    reassign.set_defaults(run=run_reassign)

    gold_parser = add_command(subparsers, "gold", description="Gold checks.")
    actions = gold_parser.add_subparsers(dest="gold_command", metavar="ACTION", required=True)
    set_gold = actions.add_parser(
        "set", help="mark a response as gold", description="Mark a response as gold."
    )
    set_gold.add_argument("response_id", metavar="RESPONSE_ID")
    set_gold.add_argument("score", metavar="SCORE")
    set_gold.add_argument("--lead", required=True, metavar="NAME")
    set_gold.set_defaults(run=run_gold_set)
    remove = actions.add_parser(
        "remove", help="unmark a gold response", description="Unmark a gold response."
    )
    remove.add_argument("response_id", metavar="RESPONSE_ID")
    remove.add_argument("--lead", required=True, metavar="NAME")
    remove.set_defaults(run=run_gold_remove)
    mix = actions.add_parser(
        "mix", help="mix gold prompts into queues", description="Mix gold prompts silently into queues."
    )
    mix.add_argument("--annotators", required=True, metavar="NAME,NAME,...", type=comma_names)
    mix.add_argument("--rate", required=True, type=float, help="share of each queue that is gold, e.g. 0.05")
    mix.add_argument("--seed", type=int, default=0, metavar="N")
    mix.set_defaults(run=run_gold_mix)
    accuracy = actions.add_parser(
        "accuracy", help="each annotator's gold accuracy", description="Each annotator's gold accuracy."
    )
    accuracy.add_argument("--threshold", type=float, default=gold.DEFAULT_THRESHOLD)
    accuracy.add_argument("--json", action="store_true", help="machine-readable output")
    accuracy.set_defaults(run=run_gold_accuracy)

    adjudicate = add_command(
        subparsers,
        "adjudicate",
        description="Record (or change) the final score of a response; earlier decisions stay in the "
        "history.",
    )
    adjudicate.add_argument("response_id", metavar="RESPONSE_ID")
    adjudicate.add_argument("score", metavar="SCORE")
    adjudicate.add_argument("--lead", required=True, metavar="NAME")
    adjudicate.add_argument("--reason", required=True, choices=values(AdjudicationReason))
    adjudicate.add_argument("--note", default="", metavar="TEXT")
    adjudicate.set_defaults(run=run_adjudicate)

    queue = add_command(
        subparsers,
        "adjudication-queue",
        description="Responses whose submitted labels have no strict majority or lie two levels apart, "
        "most disagreeing first.",
    )
    queue.add_argument("--json", action="store_true", help="machine-readable output")
    queue.add_argument("--dimension", metavar="D")
    queue.add_argument("--model", metavar="M")
    queue.set_defaults(run=run_adjudication_queue)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items()) or "nobody"


def run_assign(args: argparse.Namespace) -> int:
    summary = assignment.assign(
        open_db(args.db, create=False),
        args.annotators,
        args.overlap,
        dimension=args.dimension,
        subcomponent=args.subcomponent,
        batch=args.batch,
        seed=args.seed,
        assigned_by=args.by,
    )
    print(
        f"{summary.prompts_selected} prompts chosen: {summary.prompts_assigned} assigned "
        f"({summary.rows_added} rows: {_counts(summary.added_by_annotator)}), "
        f"{summary.already_complete} already had {args.overlap} annotators"
    )
    return 0


def run_reassign(args: argparse.Namespace) -> int:
    summary = assignment.reassign_unfinished(open_db(args.db, create=False), args.source, args.to, args.seed)
    print(
        f"moved {summary.moved} prompts ({_counts(summary.moved_to)}); "
        f"{summary.kept_submitted} with submitted labels stay with {args.source}"
    )
    if summary.unplaced:
        print(f"{len(summary.unplaced)} prompts stay: every target already has them")
    return 0


def run_gold_set(args: argparse.Namespace) -> int:
    saved = gold.set_gold(open_db(args.db, create=False), args.response_id, args.score, args.lead)
    replaced = "" if saved.replaced is None else " (was {}, set by {})".format(*saved.replaced)
    print(f"{args.response_id} is gold with score {saved.score}{replaced}")
    return 0


def run_gold_remove(args: argparse.Namespace) -> int:
    gold.remove_gold(open_db(args.db, create=False), args.response_id, args.lead)
    print(f"{args.response_id} is no longer gold")
    return 0


def run_gold_mix(args: argparse.Namespace) -> int:
    summary = gold.mix_gold(open_db(args.db, create=False), args.annotators, args.rate, args.seed)
    for name, added in summary.added.items():
        short = f", {summary.short[name]} short: no unseen gold prompt left" if name in summary.short else ""
        print(f"{name}: {added} gold prompts added, {summary.gold_share[name]:.1%} of the queue{short}")
    return 0


def run_gold_accuracy(args: argparse.Namespace) -> int:
    frame = gold.gold_accuracy(open_db(args.db, create=False), args.threshold)
    if args.json:
        print(frame.to_json(orient="records", force_ascii=False))
        return 0
    for row in frame.itertuples():
        flag = "  below threshold" if row.below_threshold else ""
        print(f"{row.annotator:<24} {row.correct}/{row.n} {row.accuracy:.0%}{flag}")
    return 0


def run_adjudicate(args: argparse.Namespace) -> int:
    result = adjudication.adjudicate(
        open_db(args.db, create=False), args.response_id, args.score, args.lead, args.reason, args.note
    )
    print(f"{result.response_id}: final score {result.final_score} ({result.reason}) by {result.lead}")
    return 0


def run_adjudication_queue(args: argparse.Namespace) -> int:
    items = adjudication.adjudication_queue(
        open_db(args.db, create=False), dimension=args.dimension, model=args.model
    )
    if args.json:
        print(
            json.dumps(
                [{**asdict(item), "scores": list(item.scores)} for item in items],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for item in items:
        scores = " ".join(str(s) for s in item.scores)
        print(
            f"{item.response_id}  {item.dimension:<16} {item.model:<20} scores {scores:<12} "
            f"spread {item.spread} entropy {item.entropy:.2f}"
        )
    print(f"{len(items)} responses to adjudicate")
    return 0
