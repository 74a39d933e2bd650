"""Bookings as CSV: ``room;title;kind;start;end;repeat;organiser;attendees;offer_ref`` (and
``equipment;arrival_buffer;invigilators;notes;overnight`` when present).

A row with ``repeat`` is a series, its holiday dates skipped. A file that would double-book a room,
with the database or with another row of the same file, or put more people in a room than it
holds, or need equipment the room lacks, is refused whole, naming the line and the clashing booking.
An ``offer_ref`` matches the offer's ref in any case. Each booking or series gets a "create" entry
in the audit log, as when it is booked in the window.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.booking.conflicts import Clash, Existing, overlap_pairs
from kpdesk.booking.inputs import BookingData, validate_booking
from kpdesk.booking.planning import BookingPlan, plan_booking
from kpdesk.booking.recurrence import describe
from kpdesk.booking.rooms import equipment_ids_for, plural
from kpdesk.booking.service import booking_values, insert_bookings, series_values, set_equipment_links
from kpdesk.booking.snapshots import BOOKING, SERIES
from kpdesk.booking.times import format_span
from kpdesk.common import csvfile
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import fold
from kpdesk.db.models import Offer
from kpdesk.db.row_writing import AuditBatch, ref_key
from kpdesk.transfer.base import ImportPlan, ImportProblem, ImportResult, Kind, PlannedRows, stale

BOOKING_COLUMNS = ("room", "title", "kind", "start", "end", "repeat", "organiser", "attendees", "offer_ref")
_OPTIONAL = ("equipment", "arrival_buffer", "invigilators", "notes", "overnight", "public")
_ALIASES = {"rom": "room", "tittel": "title", "type": "kind", "fra": "start", "til": "end", "slutt": "end",
            "gjentakelse": "repeat", "gjentas": "repeat", "rrule": "repeat", "arrangør": "organiser",
            "deltakere": "attendees", "antall": "attendees", "tilbud": "offer_ref",
            "tilbudsreferanse": "offer_ref", "utstyr": "equipment", "oppmøte": "arrival_buffer",
            "eksamensvakter": "invigilators", "notat": "notes", "merknad": "notes",
            "over midnatt": "overnight", "vis på oppslag": "public", "oppslag": "public",
            "offentlig": "public"}
MAX_CLASHES_PER_LINE = 5  # a series clashing all term long: the first dates, then how many more


@dataclass(frozen=True, slots=True)
class PlannedBooking:
    line: int
    data: BookingData
    plan: BookingPlan

    @property
    def action(self) -> str:
        return "create"


def _clash_problem(line: int, start: dt.datetime, end: dt.datetime, clash: Clash) -> ImportProblem:
    return ImportProblem(line, "start", f"{format_span(start, end)}: {clash.message()}")


def _stored_offer_refs(session: Session) -> dict[str, str]:
    """Ref key -> the offer's ref as stored."""
    return {ref_key(ref): ref for ref in session.execute(select(Offer.ref)).scalars()}


def plan(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    known_equipment: set[str] | None = None
    offer_refs: dict[str, str] | None = None
    for row in table:
        data, found = validate_booking(row.values)
        plan.problems.extend(ImportProblem(row.line, p.field, p.message, p.warning) for p in found)
        if data is None:
            continue
        if data.offer_ref:
            if offer_refs is None:
                offer_refs = _stored_offer_refs(session)
            stored = offer_refs.get(ref_key(data.offer_ref))
            if stored and stored != data.offer_ref:
                data = dataclasses.replace(data, offer_ref=stored)
        if data.equipment:
            if known_equipment is None:
                from kpdesk.db.models import Equipment

                known_equipment = {fold(n) for n in session.execute(select(Equipment.name)).scalars()}
            unknown = [n for n in data.equipment if fold(n) not in known_equipment]
            if unknown:
                plan.problems.append(ImportProblem(row.line, "equipment", f"Utstyret {', '.join(unknown)} finnes "
                                                                          f"ikke i utstyrslisten"))
                continue
        try:
            booking_plan = plan_booking(session, data)
        except UserError as exc:
            column = "offer_ref" if "Tilbudet" in exc.message or "Samlingen" in exc.message else (
                "room" if "Rommet" in exc.message else "repeat")
            plan.problems.append(ImportProblem(row.line, column, exc.message.rstrip(".")))
            continue
        plan.problems.extend(conflict_problems(row.line, booking_plan))
        if not booking_plan.conflicts.blocking:
            plan.rows.append(PlannedBooking(row.line, data, booking_plan))
    check_within_file(plan)
    dates = sum(r.plan.active_count for r in plan.rows)
    plan.detail = f" med {plural(dates, 'dato', 'datoer')}"


def conflict_problems(line: int, booking_plan: BookingPlan) -> list[ImportProblem]:
    """What stands in the way of a planned booking on ``line`` (clashes naming the other booking,
    too many attendees, missing equipment) and the holidays a single booking falls on (warnings)."""
    data, conflicts = booking_plan.data, booking_plan.conflicts
    problems = [_clash_problem(line, c.start, c.end, c) for c in conflicts.clashes[:MAX_CLASHES_PER_LINE]]
    hidden = len({c.start for c in conflicts.clashes[MAX_CLASHES_PER_LINE:]})
    if hidden:
        problems.append(ImportProblem(line, "start", f"… og {hidden} datoer til i serien kolliderer"))
    if conflicts.capacity is not None:
        problems.append(ImportProblem(line, "attendees", f"«{conflicts.room_name}» har plass til "
                                                         f"{conflicts.capacity}, ikke {data.attendees}"))
    if conflicts.missing_equipment:
        problems.append(ImportProblem(line, "equipment", f"«{conflicts.room_name}» mangler "
                                                         f"{', '.join(conflicts.missing_equipment)}"))
    if not data.repeat:
        problems.extend(ImportProblem(line, "start", f"{day:%d.%m.%Y} er helligdag ({name})", warning=True)
                        for day, name in conflicts.holidays)
    return problems


def within_file_clashes(rows: Iterable[Any]) -> tuple[list[ImportProblem], set[int]]:
    """Rows of one file that would double-book a room between them: (the problems, the later lines).

    A row is anything with ``line``, ``data`` (``BookingData``) and ``plan`` (``BookingPlan``).
    """
    by_room: dict[int, list[tuple[dt.datetime, dt.datetime, dt.datetime, Any]]] = {}
    for planned in rows:
        buffer = dt.timedelta(minutes=planned.data.arrival_buffer_minutes)
        for occurrence in planned.plan.occurrences:
            if not occurrence.skipped_for_holiday:
                by_room.setdefault(planned.plan.room.id, []).append(
                    (occurrence.start - buffer, occurrence.end, occurrence.start, planned))
    problems: list[ImportProblem] = []
    refused: set[int] = set()  # lines
    for entries in by_room.values():
        for i, j in overlap_pairs([(blocked, end) for blocked, end, _, _ in entries]):
            first, second = sorted((entries[i], entries[j]), key=lambda e: (e[3].line, e[2]))
            earlier, later = first[3], second[3]
            if earlier is later:
                continue  # a series that overlaps itself is refused by plan_booking already
            other = Existing(0, earlier.data.title, first[2], first[1], earlier.data.arrival_buffer_minutes)
            clash = Clash(second[2], second[2] + later.data.duration, later.plan.room.name, other, earlier.line)
            problems.append(_clash_problem(later.line, clash.start, clash.end, clash))
            refused.add(later.line)
    return problems, refused


def check_within_file(plan: ImportPlan) -> None:
    """Rows of the same file must not double-book a room either; the later line is refused."""
    problems, refused = within_file_clashes(plan.rows)
    plan.problems.extend(problems)
    if refused:
        plan.rows = PlannedRows(r for r in plan.rows if r.line not in refused)


def apply(session: Session, plan: ImportPlan) -> ImportResult:
    from kpdesk.db.models import BookingSeries

    dates = skipped = 0
    audit = AuditBatch(session)
    for planned in plan.rows:
        fresh = plan_booking(session, planned.data)  # the database may have changed since the check
        if fresh.conflicts.blocking:
            raise stale()
        equipment = equipment_ids_for(session, planned.data.equipment)
        series_id = None
        if fresh.is_series:
            series = BookingSeries(**series_values(fresh))
            session.add(series)
            session.flush()
            series_id = series.id
        values = booking_values(fresh)
        rows = []
        for occurrence in fresh.occurrences:
            state, why = ("skipped", f"Helligdag: {occurrence.holiday}") if occurrence.skipped_for_holiday \
                else ("active", "")
            rows.append({**values, "series_id": series_id, "recurrence_start": occurrence.start if series_id else None,
                         "starts_at": occurrence.start, "ends_at": occurrence.end, "state": state,
                         "state_reason": why, "is_exception": False, "override_reason": ""})
            dates += state == "active"
            skipped += state == "skipped"
        ids = insert_bookings(session, rows)
        set_equipment_links(session, ids, equipment)
        audit.created(SERIES if series_id else BOOKING, series_id or ids[0], _summary(fresh, rows))
    audit.flush()
    detail = f"{plural(dates, 'dato', 'datoer')} booket"
    if skipped:
        detail += f", {skipped} hoppet over på helligdager"
    return ImportResult("bookings", len(plan.rows), 0, detail=detail)


def _summary(booked: BookingPlan, rows: list[dict[str, object]]) -> str:
    """What the window's audit entry says for the same booking or series."""
    d = booked.data
    if not booked.is_series:
        return f"Ny booking «{d.title}» {format_span(d.starts_at, d.ends_at)} i {booked.room.name}."
    skipped = sum(r["state"] == "skipped" for r in rows)
    return (f"Ny serie «{d.title}» i {booked.room.name}, {describe(booked.rule)}: "
            f"{plural(len(rows) - skipped, 'booking', 'bookinger')}" + (f", {skipped} hoppet over" if skipped else "")
            + ".")


KIND = Kind("bookings", BOOKING, BOOKING_COLUMNS, ("room", "title", "start", "end"), _OPTIONAL, _ALIASES, plan, apply,
            None)
