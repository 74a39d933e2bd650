"""The audit log: who changed what in the register, and when.

Entries live in the database (``AuditEntry``) and may hold personal values of contact persons
in ``old_value``/``new_value``; ``kpdesk.privacy`` scrubs those on erasure. Nothing here writes to
Python logging, so personal data never ends up in log files.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kpdesk.db.models import AuditEntry
from kpdesk.norsk import format_date

UNKNOWN_USER = "ukjent"


def current_user() -> str:
    """The operating-system user, or "ukjent" where the system cannot say."""
    try:
        name = getpass.getuser()
    except Exception:  # getuser raises OSError or KeyError without a user database entry
        return UNKNOWN_USER
    return (name or UNKNOWN_USER)[:100]


def as_text(value: object) -> str | None:
    """A value as the audit log shows it: dates dd.mm.yyyy, booleans ja/nei, lists comma-separated."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H.%M")
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    return str(value)


def record(session: Session, action: str, entity: str, entity_id: int | None, *, field: str = "",
           old: object = None, new: object = None, summary: str = "") -> AuditEntry:
    """Add one audit entry to the caller's transaction (written when the caller commits)."""
    entry = AuditEntry(
        at=dt.datetime.now().replace(microsecond=0),
        user=current_user(),
        action=action[:20],
        entity=entity[:40],
        entity_id=entity_id,
        field=field[:60],
        old_value=as_text(old),
        new_value=as_text(new),
        summary=summary,
    )
    session.add(entry)
    return entry


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
