"""`kpdesk check` floor: the same reads with the plain sqlite3 module, nothing else imported.

Usage: check_sqlite.py DB CLOSED_STATUS... (the runner passes kpdesk.common.codes.CLOSED_NEED_STATUSES).
Mirrors kpdesk check: header and revision read on a read-only connection, then the same PRAGMAs,
integrity and foreign-key checks, the schema revision and the counts of ``kpdesk.admin.database_summary``.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

COUNTS = (
    ("employers", "SELECT count(*) FROM employer"),
    ("needs", "SELECT count(*) FROM need"),
    ("open_needs", "SELECT count(*) FROM need WHERE status NOT IN ({closed})"),
    ("providers", "SELECT count(*) FROM provider"),
    ("offers", "SELECT count(*) FROM offer"),
    ("rooms", "SELECT count(*) FROM room"),
    ("bookings", "SELECT count(*) FROM booking WHERE state = 'active'"),
)


def main(argv: list[str]) -> int:
    path, closed = Path(argv[1]), argv[2:]
    with path.open("rb") as handle:
        handle.read(100)  # kpdesk checks the SQLite header before connecting
    ro = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    ro.execute("SELECT version_num FROM alembic_version").fetchone()
    ro.close()

    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("busy_timeout = 5000", "foreign_keys = ON", "journal_mode = WAL", "synchronous = NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    marks = ", ".join("?" for _ in closed) or "''"
    counts = {name: conn.execute(sql.format(closed=marks), closed if "{closed}" in sql else ()).fetchone()[0]
              for name, sql in COUNTS}
    conn.close()
    ok = problems == ["ok"] and not broken
    print(f"{'OK' if ok else 'FEIL'}: {path.name}, skjema {revision}: {counts}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
