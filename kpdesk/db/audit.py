"""The audit log: who changed what in the register, and when.

Entries live in the database (``AuditEntry``) and may hold personal values of contact persons
in ``old_value``/``new_value``; ``kpdesk.admin.privacy`` scrubs those on erasure. Nothing here writes to
Python logging, so personal data never ends up in log files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import cast

from sqlalchemy.orm import Session

from kpdesk.common.norsk import format_date
from kpdesk.common.os_user import current_user
from kpdesk.db.models import AuditEntry


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
        return ",".join(str(v) for v in cast("Iterable[object]", value))
    return str(value)


# What the log records, with the bokmål word the Endringslogg shows for it. An entry of another
# kind is a programming error (``check_kind``): the log would show a raw English key.
ACTIONS = {
    "create": "opprettet", "update": "endret", "delete": "slettet", "restore": "gjenopprettet",
    "import": "import", "export": "eksport", "erase": "sletting av personopplysninger", "cancel": "avlyst",
    "undo": "angret", "override": "booket tross konflikt", "accept": "valgt", "reject": "avvist",
}
ENTITIES = {
    "employer": "arbeidsgiver", "contact_person": "kontaktperson", "need": "behov", "offer": "kurstilbud",
    "provider": "tilbyder", "offer_session": "samling", "match_decision": "matchingbeslutning",
    "thesaurus_term": "synonym", "room": "rom", "equipment": "utstyr", "booking": "booking",
    "booking_series": "bookingserie", "setting": "innstilling", "audit_entry": "endringslogg",
    "centre_profile": "senterprofil", "person": "person", "consent": "samtykke",
    "exam_sitting": "eksamen", "exam_candidate": "eksamenskandidat", "course_run": "gjennomføring",
    "centre": "senter",
}


def check_kind(action: str, entity: str) -> None:
    """Refuse an action or entity the log has no bokmål word for (a programming error)."""
    if action not in ACTIONS or entity not in ENTITIES:
        raise ValueError(f"Ukjent handling eller type i endringsloggen: {action!r}, {entity!r}")


def origin(session: Session) -> str:
    """The open store a session belongs to (``Store.origin``), as its audit entries record it."""
    return str(session.info.get("origin", ""))


def record(session: Session, action: str, entity: str, entity_id: int | None, *, field: str = "",
           old: object = None, new: object = None, summary: str = "") -> AuditEntry:
    """Add one audit entry to the caller's transaction (written when the caller commits)."""
    check_kind(action, entity)
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
        origin=origin(session),
    )
    session.add(entry)
    return entry
