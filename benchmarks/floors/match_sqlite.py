"""`kpdesk match` floor: read what a whole run reads with plain sqlite3, and write a line per need.

Usage: match_sqlite.py DB CLOSED_STATUS... (the runner passes kpdesk.common.codes.CLOSED_NEED_STATUSES).
The open needs with their employer's place, the offers with their provider, the decisions and
the synonyms, as the same columns; then one line per need with its title, as the table prints
it. Nothing is matched: this is what any whole-process run must spend before it thinks.
``match_psycopg.py`` runs the same queries on a PostgreSQL server.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import Any


def queries(marks: str) -> list[str]:
    """The floor's SELECTs; ``marks`` are the placeholders for the closed statuses."""
    return [
        "SELECT n.ref, n.title, n.description, n.headcount, n.level, n.formats, n.earliest_start, n.latest_start, "
        "e.municipality, e.name, e.org_number, n.status FROM need n JOIN employer e ON n.employer_id = e.id "
        f"WHERE n.status NOT IN ({marks}) ORDER BY n.id",
        "SELECT o.ref, o.title, o.description, o.keywords, p.name, o.level, o.format, o.municipality, "
        "o.start_date, o.end_date, o.application_deadline, o.seats_min, o.seats_max, o.credits, "
        "o.credit_system, o.price_nok FROM offer o JOIN provider p ON o.provider_id = p.id ORDER BY o.id",
        "SELECT n.ref, o.ref, d.decision FROM match_decision d JOIN need n ON d.need_id = n.id "
        "JOIN offer o ON d.offer_id = o.id ORDER BY n.ref, o.ref",
        "SELECT group_key, term FROM thesaurus_term ORDER BY id",
    ]


def read_and_write(fetch: Callable[[str, Sequence[str]], list[Any]], mark: str, closed: list[str]) -> None:
    """Every query through ``fetch(sql, parameters)``, then a line per open need on stdout."""
    needs, *others = queries(",".join([mark] * len(closed)))
    rows = fetch(needs, closed)
    for sql in others:
        fetch(sql, ())
    sys.stdout.write("".join(f"{ref:<8} {title}\n" for ref, title, *_ in sorted(rows)))


def main(argv: list[str]) -> int:
    path, closed = argv[1], argv[2:]
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    read_and_write(lambda sql, parameters: db.execute(sql, parameters).fetchall(), "?", closed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
