"""Copy every row of one kpdesk database into another, file ↔ server (``kpdesk copy``, issue 17): how a
centre moves its register onto the region's PostgreSQL server, or takes a copy home as a file.

Both ends are brought to the same schema revision first (``Store.open`` migrates). The target must
hold no data: only what a new database is born with (the seeded regions, its one centre) is replaced. Every table is
copied in one transaction on the target, parents before children, rows with their own ids; the
id sequences are moved past them (``server.catch_up_sequences``), and each table's row count is
compared before the transaction commits, so a copy is whole or not there at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kpdesk.common.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.orm import Session

    from kpdesk.db.store import Store

BATCH = 5000  # rows per insert: memory stays small at regional size (150 000 rows)
# what a new database holds before anyone has typed anything (migration 0002's regions, 0009's one centre)
BORN_WITH = frozenset({"region", "region_municipality", "centre"})


@dataclass(frozen=True, slots=True)
class CopyResult:
    """Rows copied per table (tables with none are left out)."""

    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _tables() -> list[Table]:
    from kpdesk.db import models  # importing the models registers every table on the metadata

    return [t for t in models.Base.metadata.sorted_tables if t.name != "alembic_version"]


def _count(session: Session, table: Table) -> int:
    from sqlalchemy import func, select

    return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def _rows(session: Session, table: Table) -> Iterator[list[dict[str, object]]]:
    from sqlalchemy import select

    order = list(table.primary_key.columns) or list(table.columns)
    result = session.execute(select(table).order_by(*order).execution_options(yield_per=BATCH))
    for batch in result.mappings().partitions(BATCH):
        yield [dict(row) for row in batch]


def _self_references(table: Table) -> list[str]:
    """Columns that point into their own table (an employer's parent): written after all its rows,
    as a parent may have a higher id than its sub-unit."""
    return [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]


def _copy_table(reading: Session, writing: Session, table: Table) -> int:
    from sqlalchemy import bindparam, insert, update

    later = _self_references(table)
    pointers: list[dict[str, object]] = []
    copied = 0
    for batch in _rows(reading, table):
        if later:
            pointers += [{"_id": row["id"], **{c: row[c] for c in later}} for row in batch
                         if any(row[c] is not None for c in later)]
            batch = [{**row, **dict.fromkeys(later)} for row in batch]
        writing.execute(insert(table), batch)
        copied += len(batch)
    if pointers:
        writing.execute(update(table).where(table.c.id == bindparam("_id"))
                        .values({c: bindparam(c) for c in later}), pointers)
    return copied


def copy_database(source: Store, target: Store) -> CopyResult:
    """Every row of ``source`` into ``target`` (which must hold no data), verified by row counts."""
    from sqlalchemy import delete

    from kpdesk.db.server import catch_up_sequences

    if source.revision() != target.revision():
        raise UserError(f"{source.name} og {target.name} har ulik skjemaversjon ({source.revision()} og "
                        f"{target.revision()}). Oppdater kpdesk og åpne begge på nytt.")
    tables = _tables()

    def check_empty(session: Session) -> None:
        held = [t.name for t in tables if t.name not in BORN_WITH and _count(session, t)]
        if held:
            raise UserError(f"{target.name} har allerede data (i {', '.join(held[:5])}"
                            f"{' …' if len(held) > 5 else ''}). Kopier bare til en ny eller tom database; "
                            "ingenting er endret.")

    counts: dict[str, int] = {}
    with source.session() as reading, target.session() as writing:
        check_empty(writing)
        for table in reversed(tables):
            writing.execute(delete(table))
        for table in tables:
            copied = _copy_table(reading, writing, table)
            expected, landed = _count(reading, table), _count(writing, table)
            if not expected == copied == landed:
                raise UserError(f"Kopien av tabellen {table.name} ble ikke hel ({copied} lest, {landed} skrevet, "
                                f"{expected} i {source.name}). Ingenting er lagret i {target.name}.")
            if copied:
                counts[table.name] = copied
        catch_up_sequences(writing)
    return CopyResult(counts)
