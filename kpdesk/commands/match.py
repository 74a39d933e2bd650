"""``kpdesk match``: propose offers for every open need, and the demand groups (courses to order)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator

from kpdesk.commands import date_option


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option

    parser = subparsers.add_parser(
        "match", help="finn kurstilbud til hvert åpent behov, og samle etterspørselen",
        description="Finner kurstilbud til hvert åpent behov og samler etterspørselen i grupper. Tallene "
                    "(åpne behov, uten passende tilbud) er de samme som på Matching-siden; privatpersoner som "
                    "ikke har samtykket til statistikk, er ikke talt med.",
        epilog="JSON: «needs» har forslagene til hvert behov; «groups» (etterspørselen) og «commitments» "
               "(behov med valgt tilbud) viser hvem som står bak, hver for seg: «employers» (bare "
               "arbeidsgivere), «persons» (privatpersoner, som «Privatperson P0003») og «communities» "
               "(lokalsamfunn); «contributors» i en gruppe teller dem.")
    add_db_option(parser)
    parser.add_argument("--as-of", metavar="ÅÅÅÅ-MM-DD", help="referansedato (standard: i dag)")
    parser.add_argument("--json", action="store_true",
                        help="skriv resultatet som JSON på stdout (feltene står nederst)")


def parse_as_of(text: str | None) -> dt.date:
    """``--as-of``, or today when it is not given."""
    return date_option(text, "--as-of") if text else dt.date.today()


def run(args: argparse.Namespace) -> int:
    from kpdesk.common.collector import collector_paused

    # A run makes no garbage in cycles, and the process ends after it: the cycle collector is
    # spared its passes over the modules, the engine's caches and the proposals (``collector``).
    with collector_paused(then_freeze=True):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from kpdesk.commands import open_database
    from kpdesk.matching.run import run_matching

    as_of = parse_as_of(args.as_of)
    store = open_database(args.db)
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
    """The run as a table for a terminal, line by line (written at once: 60 000 lines). The counts
    are the Matching page's (``MatchingRun.counts``)."""
    from kpdesk.common.norsk import format_date, group_thousands, plural
    from kpdesk.matching.run import level_label

    titles = {o.ref: o.title for o in result.offers} | {n.ref: n.title for n in result.needs}
    offer_part = {o.ref: f"  {o.ref:<8} {o.title}\n" for o in result.offers}  # offers recur by the thousand
    score_part: dict[float, str] = {}
    needs, no_fit = result.counts()
    yield (f"Matching per {format_date(result.as_of)}: {group_thousands(needs)} åpne behov, "
           f"{group_thousands(no_fit)} uten passende tilbud.\n")
    for need_result in result.results:
        yield f"{need_result.need_ref:<8} {titles.get(need_result.need_ref, '')}\n"
        if not need_result.matches:
            yield "         ingen passende tilbud\n"
        for match in need_result.matches[:3]:
            score = score_part.get(match.score)
            if score is None:
                score = score_part[match.score] = "         " + f"{match.score:.2f}".replace(".", ",").rjust(5)
            yield score + (offer_part.get(match.offer_ref) or f"  {match.offer_ref:<8} \n")
    unmet = [g for g in result.groups if g.unmet]
    yield (f"\nSamlet etterspørsel: {plural(len(result.groups), 'gruppe', 'grupper')}, "
           f"{group_thousands(len(unmet))} kurs å bestille.\n")
    for group in result.groups:
        offer = f"{group.offer_ref} ({group.seats_text})" if group.offer_ref else "ingen tilbud: bestill"
        yield (f"  {group.topic} · {level_label(group.level)} · {group.region}: "
               f"{group.contributors.sentence_part() or plural(group.headcount, 'person', 'personer')} → {offer}\n")
