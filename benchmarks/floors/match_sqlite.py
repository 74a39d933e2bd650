"""`kpdesk match` floor: read what a whole run reads with plain sqlite3, and write a line per need.

Usage: match_sqlite.py DB CLOSED_STATUS... (the runner passes kpdesk.common.codes.CLOSED_NEED_STATUSES).
The open needs with their employer's place, the offers with their provider, the decisions and
the synonyms, as the same columns; then one line per need with its title, as the table prints
it. Nothing is matched: this is what any whole-process run must spend before it thinks.
"""

from __future__ import annotations

import sqlite3
import sys


def main(argv: list[str]) -> int:
    path, closed = argv[1], argv[2:]
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    marks = ",".join("?" * len(closed))
    needs = db.execute(
        "SELECT n.ref, n.title, n.description, n.headcount, n.level, n.formats, n.earliest_start, n.latest_start, "
        "e.municipality, e.name, e.org_number, n.status FROM need n JOIN employer e ON n.employer_id = e.id "
        f"WHERE n.status NOT IN ({marks}) ORDER BY n.id", closed).fetchall()
    db.execute("SELECT o.ref, o.title, o.description, o.keywords, p.name, o.level, o.format, o.municipality, "
               "o.start_date, o.end_date, o.application_deadline, o.seats_min, o.seats_max, o.credits, "
               "o.credit_system, o.price_nok FROM offer o JOIN provider p ON o.provider_id = p.id "
               "ORDER BY o.id").fetchall()
    db.execute("SELECT n.ref, o.ref, d.decision FROM match_decision d JOIN need n ON d.need_id = n.id "
               "JOIN offer o ON d.offer_id = o.id ORDER BY n.ref, o.ref").fetchall()
    db.execute("SELECT group_key, term FROM thesaurus_term ORDER BY id").fetchall()
    sys.stdout.write("".join(f"{ref:<8} {title}\n" for ref, title, *_ in sorted(needs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
