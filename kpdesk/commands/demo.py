"""``kpdesk demo``: create a database with a realistic, deterministic demo dataset."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option

    parser = subparsers.add_parser("demo", help="lag en database med demodata")
    add_db_option(parser, required="databasefilen demodataene skrives i (ny eller tom)")
    parser.add_argument("--scale", choices=("small", "regional"), default="small",
                        help="small: ett studiesenter; regional: hele regionen, for ytelsesmålinger")
    parser.add_argument("--seed", type=int, default=1, help="frø for tilfeldige valg (samme frø gir samme data)")


def run(args: argparse.Namespace) -> int:
    import time

    from kpdesk.common.norsk import format_decimal
    from kpdesk.common.paths import location_of
    from kpdesk.demo import create_demo

    path = location_of(args.db)
    started = time.perf_counter()
    summary = create_demo(path, scale=args.scale, seed=args.seed)
    seconds = format_decimal(time.perf_counter() - started, 1)
    scale = "ett studiesenter" if args.scale == "small" else "hele Nordland"
    print(f"Demodata ({scale}, frø {args.seed}) laget i {path} på {seconds} s: {summary.sentence()}.")
    return 0
