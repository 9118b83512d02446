"""The `agreement` command: the inter-annotator agreement report as text or JSON."""

from __future__ import annotations

import argparse

from annotator.cli import add_command
from annotator.store import open_db


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "agreement",
        description="Percent agreement, Krippendorff's alpha, Gwet's AC1/AC2 and Fleiss' kappa per "
        "dimension, subcomponent, model, week and batch; annotator pairs; each annotator and scorer "
        "agent against the consensus; anchoring. Every figure has a bootstrap interval.",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the report as JSON (shape in docs/agreement.md)"
    )
    parser.add_argument(
        "--bootstrap", type=int, default=1000, metavar="N", help="bootstrap resamples (default 1000; 0: none)"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="bootstrap seed (default 0)")
    parser.set_defaults(run=run_agreement)


def run_agreement(args: argparse.Namespace) -> int:
    from annotator.agreement.formatting import format_report, report_json
    from annotator.agreement.report import agreement_report

    report = agreement_report(open_db(args.db, create=False), bootstrap=args.bootstrap, seed=args.seed)
    print(report_json(report) if args.json else format_report(report))
    return 0
