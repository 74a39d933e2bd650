"""The audit log as people read it: the history of one row, the filtered list, labels, and CSV export."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kpdesk.db.audit import record
from kpdesk.db.models import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: dt.datetime
    user: str
    action: str
    entity: str
    entity_id: int | None
    field: str
    old_value: str | None
    new_value: str | None
    summary: str


def history(session: Session, entity: str | None = None, entity_id: int | None = None,
            *, limit: int = 1000) -> list[AuditRow]:
    """The newest audit entries first, optionally for one entity (and one row of it)."""
    from sqlalchemy import select

    table = AuditEntry.__table__
    stmt = select(*table.c).order_by(table.c.id.desc()).limit(limit)
    if entity is not None:
        stmt = stmt.where(table.c.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(table.c.entity_id == entity_id)
    return [AuditRow(*row) for row in session.execute(stmt)]


# ---------------------------------------------------------------- the log as the GUI lists it

ACTION_LABELS = {
    "create": "opprettet", "update": "endret", "delete": "slettet", "restore": "gjenopprettet",
    "import": "import", "export": "eksport", "erase": "sletting av personopplysninger",
}
ENTITY_LABELS = {
    "employer": "arbeidsgiver", "contact_person": "kontaktperson", "need": "behov", "offer": "kurstilbud",
    "provider": "tilbyder", "room": "rom", "booking": "booking", "booking_series": "bookingserie",
    "setting": "innstilling", "audit_entry": "endringslogg", "centre_profile": "senterprofil",
}
CSV_COLUMNS = ("tidspunkt", "bruker", "handling", "hva", "id", "felt", "fra", "til", "sammendrag")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the log list shows; every part is optional and they combine with "and"."""

    entity: str | None = None
    action: str | None = None
    user: str | None = None
    text: str = ""  # found in field, old or new value, or summary; any letter case
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    entity_id: int | None = None


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


def audit_rows(session: Session, filters: AuditFilter | None = None, *, limit: int | None = None) -> list[AuditRow]:
    """Audit entries matching ``filters``, newest first (at most ``limit``).

    Text is matched in Python with ``casefold`` (SQLite's LIKE folds only ASCII, not æøå).
    """
    from sqlalchemy import select

    f = filters or AuditFilter()
    table = AuditEntry.__table__
    stmt = select(*table.c).order_by(table.c.at.desc(), table.c.id.desc())
    for column, value in ((table.c.entity, f.entity), (table.c.action, f.action), (table.c.user, f.user),
                          (table.c.entity_id, f.entity_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    if f.date_from is not None:
        stmt = stmt.where(table.c.at >= dt.datetime.combine(f.date_from, dt.time.min))
    if f.date_to is not None:
        stmt = stmt.where(table.c.at < dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time.min))
    needle = f.text.strip().casefold()
    if not needle and limit is not None:
        stmt = stmt.limit(limit)
    rows = []
    for row in session.execute(stmt):
        entry = AuditRow(*row)
        if needle and not any(needle in (v or "").casefold() for v in
                              (entry.field, entry.old_value, entry.new_value, entry.summary,
                               action_label(entry.action), entity_label(entry.entity))):
            continue
        rows.append(entry)
        if limit is not None and len(rows) >= limit:
            break
    return rows


def audit_choices(session: Session) -> dict[str, list[str]]:
    """The users, actions and entities the log holds (for the GUI's filter lists), sorted."""
    from sqlalchemy import select

    table = AuditEntry.__table__
    return {name: sorted(v for v in session.execute(select(table.c[name]).distinct()).scalars() if v)
            for name in ("user", "action", "entity")}


def export_audit_csv(session: Session, path: str | os.PathLike[str], filters: AuditFilter | None = None) -> int:
    """Write the matching entries to a CSV file (kpdesk's CSV writer: ``;``, UTF-8 with BOM), newest first.

    The file may hold personal values of contact persons, so the export itself is logged.
    """
    from pathlib import Path

    from kpdesk.common import csvfile

    rows = audit_rows(session, filters)
    csvfile.write(path, CSV_COLUMNS, [
        (r.at, r.user, action_label(r.action), entity_label(r.entity), r.entity_id, r.field, r.old_value,
         r.new_value, r.summary) for r in rows])
    record(session, "export", "audit_entry", None,
           summary=f"Eksporterte {len(rows)} {'oppføring' if len(rows) == 1 else 'oppføringer'} fra endringsloggen "
                   f"til {Path(path).name}.")
    return len(rows)
