"""Others' changes since the window last looked: the audit log as a cheap change marker.

Every write (a form, an import, a command, another coordinator's window) leaves audit entries, and
every entry names the open store that wrote it (``AuditEntry.origin``, ``Store.origin``). The window
asks ``changes_since`` every few seconds on its database thread (``ui/others_changes.py``): one
``max(id)`` and, when it moved, the entries after the last one seen that another store wrote, counted
by kind. The same query on SQLite and PostgreSQL. (On PostgreSQL an entry whose transaction began
earlier can commit after a later id was seen; it is missed by the count, and its list is reloaded by
the next change of that kind or when the page is opened again.)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpdesk.db import audit
from kpdesk.db.models import AuditEntry


@dataclass(frozen=True, slots=True)
class Changes:
    """What others wrote after ``since``: the newest entry id now, the kinds of record (audit entities,
    "need", "contact_person", …) and how many records of them (a summary entry without a row: none)."""

    newest: int
    kinds: frozenset[str] = frozenset()
    records: int = 0


def changes_since(session: Session, since: int | None) -> Changes:
    """Others' changes after entry ``since`` (None: the first look, only where the log stands now)."""
    newest = session.scalar(select(func.max(AuditEntry.id))) or 0
    if since is None or newest <= since:
        return Changes(newest)
    counted = session.execute(
        select(AuditEntry.entity, func.count(AuditEntry.entity_id.distinct()))
        .where(AuditEntry.id > since, AuditEntry.id <= newest, AuditEntry.origin != audit.origin(session))
        .group_by(AuditEntry.entity)).all()
    return Changes(newest, frozenset(entity for entity, _ in counted), sum(n for _, n in counted))
