"""`kpdesk match` floor on a PostgreSQL server: ``match_sqlite.py``'s reads with plain psycopg.

Usage: match_psycopg.py URL CLOSED_STATUS... (a libpq URL, ``postgresql://user@host:port/db``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import psycopg
from match_sqlite import read_and_write


def main(argv: list[str]) -> int:
    url, closed = argv[1], argv[2:]
    with psycopg.connect(url) as conn:
        def fetch(sql: str, parameters: Sequence[str]) -> list[Any]:
            return conn.execute(sql, list(parameters)).fetchall()

        read_and_write(fetch, "%s", closed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
