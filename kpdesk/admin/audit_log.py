"""The audit log as people read it: the history of one row, the filtered list, labels, and CSV export."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kpdesk.common.codes import (
    BOOKING_KINDS,
    BOOKING_STATES,
    CREDIT_SYSTEMS,
    DECISIONS,
    FORMATS,
    LEVELS,
    NEED_STATUSES,
    PRIORITIES,
    PROVIDER_KINDS,
    CodeList,
)
from kpdesk.db.audit import ACTIONS, ENTITIES, record
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
    origin: str = ""  # the open store that wrote it (revision 0010)


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

# Column names as a coordinator reads them (the log records the database's own names).
FIELD_LABELS = {
    "address": "adresse", "application_deadline": "søknadsfrist", "arrival_buffer_minutes": "oppmøte før (min)",
    "attendees": "deltakere", "capacity": "kapasitet", "closes_at": "stenger", "contact": "kontaktperson",
    "coordinator": "koordinator", "credit_system": "studiepoengsystem", "credits": "studiepoeng",
    "decided_at": "besluttet", "decision": "beslutning", "description": "beskrivelse",
    "duration_minutes": "varighet (min)", "earliest_start": "tidligste oppstart", "email": "e-post",
    "end_date": "sluttdato", "ends_at": "slutter", "equipment": "utstyr", "first_start": "første start",
    "format": "format", "formats": "format", "funding_note": "finansiering", "group_key": "gruppe",
    "headcount": "antall", "industry": "næring", "invigilators": "eksamensvakter", "is_exception": "unntak",
    "key": "nøkkel", "keywords": "stikkord", "kind": "type", "latest_start": "seneste oppstart",
    "legal_basis": "behandlingsgrunnlag", "level": "nivå", "logo": "logo", "logo_png": "logo",
    "may_be_named": "kan navngis", "municipality": "kommune", "name": "navn", "note": "merknad",
    "notes": "notater", "offer": "kurstilbud", "opens_at": "åpner", "org_number": "org.nr.",
    "organiser": "arrangør", "override_reason": "grunn til å booke tross konflikt", "parent_id": "serie",
    "phone": "telefon", "price_nok": "pris (kr)", "priority": "prioritet", "public": "vis på oppslag",
    "recurrence_start": "serien starter", "ref": "ref.", "registered_on": "registrert", "role": "rolle",
    "room_id": "rom", "rrule": "gjentakelse", "seats_max": "plasser maks", "seats_min": "plasser minst",
    "sessions": "samlinger", "site": "sted", "source": "kilde", "start_date": "startdato", "starts_at": "starter",
    "state": "tilstand", "state_reason": "grunn", "status": "status", "status_changed_on": "status endret",
    "term": "ord", "title": "tittel", "value": "verdi", "web": "nettside", "person_id": "person",
    "community": "lokalsamfunn", "horizon": "innen år", "employer_id": "arbeidsgiver", "centre_id": "senter",
    "registered": "registrert", "offer_id": "kurstilbud", "participants": "deltakere ved start",
    "completed": "fullført", "credits_passed": "studiepoeng bestått", "cofunding_source": "medfinansiering fra",
    "cofunding_nok": "medfinansiering (kr)", "needs": "behov", "bookings": "samlingsdager",
}
# Fields whose values are code keys: shown as their bokmål labels ("mapped" → "kartlagt").
_VALUE_CODES: dict[str, tuple[CodeList, ...]] = {
    "status": (NEED_STATUSES,), "level": (LEVELS,), "format": (FORMATS,), "formats": (FORMATS,),
    "priority": (PRIORITIES,), "kind": (BOOKING_KINDS, PROVIDER_KINDS), "state": (BOOKING_STATES,),
    "decision": (DECISIONS,), "credit_system": (CREDIT_SYSTEMS,)}
ACTION_LABELS = ACTIONS
ENTITY_LABELS = ENTITIES
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


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " "))


def value_label(field: str, value: str | None) -> str:
    """A logged value as the coordinator reads it: code keys as their labels, lists item by item."""
    if not value:
        return ""
    lists = _VALUE_CODES.get(field, ())
    if not lists:
        return value
    return ", ".join(next((codes.label(key) for codes in lists if key in codes), key) for key in value.split(","))


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
                               action_label(entry.action), entity_label(entry.entity), field_label(entry.field),
                               value_label(entry.field, entry.old_value), value_label(entry.field, entry.new_value))):
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
        (r.at, r.user, action_label(r.action), entity_label(r.entity), r.entity_id, field_label(r.field) if r.field
         else "", value_label(r.field, r.old_value), value_label(r.field, r.new_value), r.summary) for r in rows])
    record(session, "export", "audit_entry", None,
           summary=f"Eksporterte {len(rows)} {'oppføring' if len(rows) == 1 else 'oppføringer'} fra endringsloggen "
                   f"til {Path(path).name}.")
    return len(rows)
