"""The employers list as plain rows, from one SQL text that needs no SQLAlchemy.

The register (``kpdesk.register.service``) runs this SQL in its sessions. The window also runs it with
the plain ``sqlite3`` module while the database is still opening behind it (``read_early``):
the list a coordinator starts on is then on screen without waiting some 500 ms for SQLAlchemy
and the models to load. One SQL text serves both, so the two cannot drift apart; the early read
is only used when the file is a kpdesk database at the current schema revision, and the list is
read again through the store once that is open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpdesk.common import reference
from kpdesk.common.codes import CLOSED_NEED_STATUSES


@dataclass(frozen=True, slots=True)
class EmployerRow:
    id: int
    org_number: str
    name: str
    parent_id: int | None
    parent_name: str
    municipality: str | None
    municipality_name: str
    industry: str | None
    industry_name: str
    may_be_named: bool
    notes: str
    needs: int
    open_needs: int
    contacts: int
    centre_id: int = 0
    centre: str = ""  # the centre's name


_CLOSED = ", ".join(f"'{status}'" for status in sorted(CLOSED_NEED_STATUSES))


def employer_sql(one: bool = False, centre: bool = False) -> str:
    """Employers with their counts of needs, open needs and contacts, in the columns of EmployerRow.

    ``one``: only the employer with id ``:id``, counted over its own needs and contacts (SQLite
    would otherwise count every employer's before picking one). ``centre``: only the employers of
    the centre with id ``:centre``.
    """
    own = "WHERE employer_id = :id " if one else ""
    where = [*(["e.id = :id"] if one else []), *(["e.centre_id = :centre"] if centre else [])]
    return (
        "SELECT e.id, e.org_number, e.name, e.parent_id, p.name, e.municipality, e.industry, e.may_be_named,"
        " e.notes, coalesce(n.needs, 0), coalesce(n.open_needs, 0), coalesce(c.contacts, 0), e.centre_id, ce.name"
        " FROM employer AS e"
        " JOIN centre AS ce ON ce.id = e.centre_id"
        " LEFT JOIN employer AS p ON p.id = e.parent_id"
        " LEFT JOIN (SELECT employer_id, count(*) AS needs,"
        f" sum(CASE WHEN status NOT IN ({_CLOSED}) THEN 1 ELSE 0 END) AS open_needs"
        f" FROM need {own}GROUP BY employer_id) AS n ON n.employer_id = e.id"
        " LEFT JOIN (SELECT employer_id, count(*) AS contacts"
        f" FROM contact_person {own}GROUP BY employer_id) AS c ON c.employer_id = e.id"
        + (" WHERE " + " AND ".join(where) if where else "")
    )


def municipality_name(number: str | None, cache: dict[str | None, str]) -> str:
    """The municipality's label ("1824 Vefsn"), looked up once per number in ``cache``."""
    name = cache.get(number)
    if name is None:
        name = cache[number] = reference.municipality_label(number)
    return name


def industry_name(code: str | None) -> str:
    found = reference.industry_for_code(code)
    return found.name if found else ""


def employer_rows(records: Iterable[tuple[Any, ...]]) -> list[EmployerRow]:
    """Rows from the records ``employer_sql`` gives, in their order."""
    places: dict[str | None, str] = {}
    industries: dict[str | None, str] = {}
    rows = []
    for (id_, org, name, parent_id, parent_name, municipality, industry, may_be_named, notes,
         needs, open_needs, contacts, centre_id, centre) in records:
        industry_label = industries.get(industry)
        if industry_label is None:
            industry_label = industries[industry] = industry_name(industry)
        rows.append(EmployerRow(
            id_, org, name, parent_id, parent_name or "", municipality, municipality_name(municipality, places),
            industry, industry_label, bool(may_be_named), notes or "", needs, open_needs, contacts, centre_id, centre,
        ))
    return rows


def by_name(rows: list[EmployerRow]) -> list[EmployerRow]:
    """The rows in Norwegian alphabetical order of name (Æ Ø Å last), then by id."""
    from kpdesk.common.norsk import sort_key

    rows.sort(key=lambda r: (sort_key(r.name), r.id))
    return rows


def read_early(path: Path, centre_name: str | None = None) -> list[EmployerRow] | None:
    """Every employer (or the named centre's), by name, read with plain sqlite3 and without writing
    anything; None when the file is not a kpdesk database at the current schema revision, or cannot
    be read now (the store's own opening then explains why)."""
    from kpdesk.common.errors import UserError
    from kpdesk.db.inspection import connect_read_only, inspect_file
    from kpdesk.db.migrate import head_revision

    try:
        state = inspect_file(path, need_write=False)
        if state.revision != head_revision():
            return None
        wal = path.with_name(path.name + "-wal")
        had_log = wal.exists()
        conn = connect_read_only(path)  # immutable, without locks, when there is no log beside it
        try:
            rows = employer_rows(conn.execute(employer_sql()))
            if centre_name is not None:
                rows = [r for r in rows if r.centre == centre_name]
        finally:
            conn.close()
        # another kpdesk opened the file meanwhile: a read without locks may be torn; the store reads it
        return by_name(rows) if wal.exists() == had_log else None
    except (UserError, OSError, sqlite3.Error):
        return None
