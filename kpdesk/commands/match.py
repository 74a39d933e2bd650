"""``kpdesk match``: propose offers for every open need, and the demand groups (courses to order)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator

from kpdesk.commands import date_option
from kpdesk.common.errors import UserError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option

    parser = subparsers.add_parser("match", help="finn kurstilbud til hvert åpent behov, og samle etterspørselen")
    add_db_option(parser)
    parser.add_argument("--as-of", metavar="ÅÅÅÅ-MM-DD", help="referansedato (standard: i dag)")
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON på stdout")


def parse_as_of(text: str | None) -> dt.date:
    """``--as-of``, or today when it is not given."""
    return date_option(text, "--as-of") if text else dt.date.today()


def run(args: argparse.Namespace) -> int:
    from kpdesk.common.paths import resolve_db_path
    from kpdesk.db.store import Store
    from kpdesk.matching.run import run_matching

    as_of = parse_as_of(args.as_of)
    path = resolve_db_path(args.db)
    if not path.exists():
        raise UserError(f"{path} finnes ikke.")
    store = Store.open(path)
    try:
        with store.session() as session:
            result = run_matching(session, as_of)
    finally:
        store.close()
    if args.json:
        result.write_json(sys.stdout)
    else:
        sys.stdout.write("".join(_table_lines(result)))
    return 0


def _table_lines(result) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The run as a table for a terminal, line by line (written at once: 60 000 lines)."""
    from kpdesk.common.norsk import format_date, group_thousands, plural
    from kpdesk.matching.run import level_label

    titles = {o.ref: o.title for o in result.offers} | {n.ref: n.title for n in result.needs}
    no_fit = sum(1 for r in result.results if not r.matches)
    yield (f"Matching per {format_date(result.as_of)}: {group_thousands(len(result.results))} åpne behov, "
           f"{group_thousands(no_fit)} uten passende tilbud.\n")
    for need_result in result.results:
        yield f"{need_result.need_ref:<8} {titles.get(need_result.need_ref, '')}\n"
        if not need_result.matches:
            yield "         ingen passende tilbud\n"
        for match in need_result.matches[:3]:
            score = f"{match.score:.2f}".replace(".", ",")
            yield f"         {score:>5}  {match.offer_ref:<8} {titles.get(match.offer_ref, '')}\n"
    unmet = [g for g in result.groups if g.unmet]
    yield (f"\nSamlet etterspørsel: {plural(len(result.groups), 'gruppe', 'grupper')}, "
           f"{group_thousands(len(unmet))} kurs å bestille.\n")
    for group in result.groups:
        offer = f"{group.offer_ref} ({group.seats_text})" if group.offer_ref else "ingen tilbud: bestill"
        yield (f"  {group.topic} · {level_label(group.level)} · {group.region}: "
               f"{group.contributors.sentence_part() or plural(group.headcount, 'person', 'personer')} → {offer}\n")
