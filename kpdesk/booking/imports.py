"""Importing rooms and bookings from CSV, in the two steps of ``kpdesk.transfer``.

``plan_bytes`` reads the file with ``kpdesk.common.csvfile``, checks every row and resolves it against
the database without writing; ``apply_import`` writes a plan with no errors, all or nothing,
with one audit entry. Every problem is reported as "linje N, kolonne X: …".

Rooms: ``name;capacity;equipment;notes`` (and ``opens_at;closes_at`` when present). A name that
is already there updates that room; equipment names not on the list are added to it.

Bookings: ``room;title;kind;start;end;repeat;organiser;attendees;offer_ref`` (and
``equipment;arrival_buffer;invigilators;notes;overnight`` when present). A row with ``repeat``
is a series, its holiday dates skipped. A file that would double-book a room, with the
database or with another row of the same file, or put more people in a room than it holds, or
need equipment the room lacks, is refused whole, naming the line and the clashing booking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.booking.conflicts import Clash, Existing, overlap_pairs
from kpdesk.booking.inputs import BookingData, validate_booking
from kpdesk.booking.planning import BookingPlan, plan_booking
from kpdesk.booking.rooms import ROOM, RoomData, equipment_ids_for, plural, save_room, validate_room
from kpdesk.booking.service import booking_values, insert_bookings, series_values, set_equipment_links
from kpdesk.booking.snapshots import BOOKING
from kpdesk.booking.times import format_span
from kpdesk.common import csvfile
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import fold
from kpdesk.db import audit
from kpdesk.db.models import Room
from kpdesk.transfer import ImportProblem
from kpdesk.transfer.base import PlanCounts

KINDS = ("rooms", "bookings")
MAX_CLASHES_PER_LINE = 5  # a series clashing all term long: the first dates, then how many more
KIND_WORDS = {"rooms": ("rom", "rom"), "bookings": ("booking", "bookinger")}

ROOM_COLUMNS = ("name", "capacity", "equipment", "notes")
BOOKING_COLUMNS = ("room", "title", "kind", "start", "end", "repeat", "organiser", "attendees", "offer_ref")
_OPTIONAL = {"rooms": ("opens_at", "closes_at"),
             "bookings": ("equipment", "arrival_buffer", "invigilators", "notes", "overnight")}
_COLUMNS = {"rooms": ROOM_COLUMNS, "bookings": BOOKING_COLUMNS}
_REQUIRED = {"rooms": ("name", "capacity"), "bookings": ("room", "title", "start", "end")}
_ALIASES = {
    "rooms": {"navn": "name", "rom": "name", "romnavn": "name", "kapasitet": "capacity", "plasser": "capacity",
              "utstyr": "equipment", "notat": "notes", "notater": "notes", "merknad": "notes",
              "åpner": "opens_at", "åpningstid": "opens_at", "stenger": "closes_at", "stengetid": "closes_at"},
    "bookings": {"rom": "room", "tittel": "title", "type": "kind", "fra": "start", "til": "end", "slutt": "end",
                 "gjentakelse": "repeat", "gjentas": "repeat", "rrule": "repeat", "arrangør": "organiser",
                 "deltakere": "attendees", "antall": "attendees", "tilbud": "offer_ref",
                 "tilbudsreferanse": "offer_ref", "utstyr": "equipment", "oppmøte": "arrival_buffer",
                 "eksamensvakter": "invigilators", "notat": "notes", "merknad": "notes",
                 "over midnatt": "overnight"},
}
# Room fields a header column controls on update (an absent column keeps the database value).
_ROOM_FIELDS = ("capacity", "equipment", "notes", "opens_at", "closes_at")


def count_words(kind: str, count: int) -> str:
    one, many = KIND_WORDS[kind]
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True, slots=True)
class PlannedRoom:
    line: int
    action: str  # "create" | "update"
    data: RoomData
    target_id: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedBooking:
    line: int
    data: BookingData
    plan: BookingPlan

    @property
    def action(self) -> str:
        return "create"


@dataclass
class PlaceImportPlan(PlanCounts):
    kind: str
    source: str
    encoding: str = ""
    delimiter: str = ""
    columns: tuple[str, ...] = ()
    rows: list[Any] = field(default_factory=list)  # PlannedRoom or PlannedBooking
    problems: list[ImportProblem] = field(default_factory=list)

    def sentence(self) -> str:
        if self.has_errors:
            return f"{self.source} har {len(self.errors)} feil; ingenting kan importeres."
        if self.kind == "bookings":
            dates = sum(r.plan.active_count for r in self.rows)
            return f"{self.source}: {count_words(self.kind, len(self.rows))} med {plural(dates, 'dato', 'datoer')}."
        return (f"{self.source}: {count_words(self.kind, len(self.rows))}, {self.creates} nye og "
                f"{self.updates} finnes fra før.")


@dataclass(frozen=True, slots=True)
class PlaceImportResult:
    kind: str
    created: int
    updated: int
    dates: int = 0  # bookings: active dates written
    skipped: int = 0  # bookings: dates stored as skipped (holidays)

    def sentence(self) -> str:
        total = self.created + self.updated
        if self.kind == "bookings":
            text = f"Importerte {count_words(self.kind, total)}: {plural(self.dates, 'dato', 'datoer')} booket"
            return text + (f", {self.skipped} hoppet over på helligdager." if self.skipped else ".")
        return f"Importerte {count_words(self.kind, total)}: {self.created} nye, {self.updated} oppdatert."


# ---------------------------------------------------------------- planning

def plan_bytes(session: Session, kind: str, data: bytes, source: str = "filen") -> PlaceImportPlan:
    """Read and check a rooms or bookings CSV file against the database; writes nothing."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    plan = PlaceImportPlan(kind, source)
    try:
        table = csvfile.parse(data, _COLUMNS[kind], required=_REQUIRED[kind], optional=_OPTIONAL[kind],
                              aliases=_ALIASES[kind])
    except csvfile.CsvError as exc:
        plan.problems.append(ImportProblem(exc.line, "", exc.message))
        return plan
    plan.encoding, plan.delimiter, plan.columns = table.encoding, table.delimiter, table.columns
    plan.problems.extend(ImportProblem(p.line, p.column, p.message, p.warning) for p in table.problems)
    if kind == "rooms":
        _plan_rooms(session, plan, table)
    else:
        _plan_bookings(session, plan, table)
    plan.problems.sort(key=lambda p: p.line)
    return plan


def _plan_rooms(session: Session, plan: PlaceImportPlan, table: csvfile.CsvTable) -> None:
    existing = {fold(" ".join(name.split())): id_ for id_, name in session.execute(select(Room.id, Room.name))}
    seen: dict[str, int] = {}
    for row in table.rows:
        data, found = validate_room(row.values)
        plan.problems.extend(ImportProblem(row.line, p.field, p.message, p.warning) for p in found)
        if data is None:
            continue
        key = fold(" ".join(data.name.split()))
        if key in seen:
            plan.problems.append(ImportProblem(row.line, "name", f"Rommet «{data.name}» står også på linje "
                                                                 f"{seen[key]}"))
            continue
        seen[key] = row.line
        target = existing.get(key)
        plan.rows.append(PlannedRoom(row.line, "update" if target else "create", data, target))


def _clash_problem(line: int, start: dt.datetime, end: dt.datetime, clash: Clash) -> ImportProblem:
    return ImportProblem(line, "start", f"{format_span(start, end)}: {clash.message()}")


def _plan_bookings(session: Session, plan: PlaceImportPlan, table: csvfile.CsvTable) -> None:
    known_equipment: set[str] | None = None
    for row in table.rows:
        data, found = validate_booking(row.values)
        plan.problems.extend(ImportProblem(row.line, p.field, p.message, p.warning) for p in found)
        if data is None:
            continue
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
        conflicts = booking_plan.conflicts
        for clash in conflicts.clashes[:MAX_CLASHES_PER_LINE]:
            plan.problems.append(_clash_problem(row.line, clash.start, clash.end, clash))
        hidden = len({c.start for c in conflicts.clashes[MAX_CLASHES_PER_LINE:]})
        if hidden:
            plan.problems.append(ImportProblem(row.line, "start", f"… og {hidden} datoer til i serien kolliderer"))
        if conflicts.capacity is not None:
            plan.problems.append(ImportProblem(row.line, "attendees", f"«{conflicts.room_name}» har plass til "
                                                                      f"{conflicts.capacity}, ikke {data.attendees}"))
        if conflicts.missing_equipment:
            plan.problems.append(ImportProblem(row.line, "equipment", f"«{conflicts.room_name}» mangler "
                                                                      f"{', '.join(conflicts.missing_equipment)}"))
        if not data.repeat:
            for day, name in conflicts.holidays:
                plan.problems.append(ImportProblem(row.line, "start", f"{day:%d.%m.%Y} er helligdag ({name})",
                                                   warning=True))
        if not conflicts.blocking:
            plan.rows.append(PlannedBooking(row.line, data, booking_plan))
    _check_within_file(plan)


def _check_within_file(plan: PlaceImportPlan) -> None:
    """Rows of the same file must not double-book a room either; the later line is refused."""
    by_room: dict[int, list[tuple[dt.datetime, dt.datetime, dt.datetime, PlannedBooking]]] = {}
    for planned in plan.rows:
        buffer = dt.timedelta(minutes=planned.data.arrival_buffer_minutes)
        for occurrence in planned.plan.occurrences:
            if not occurrence.skipped_for_holiday:
                by_room.setdefault(planned.plan.room.id, []).append(
                    (occurrence.start - buffer, occurrence.end, occurrence.start, planned))
    refused: set[int] = set()
    for entries in by_room.values():
        for i, j in overlap_pairs([(blocked, end) for blocked, end, _, _ in entries]):
            first, second = sorted((entries[i], entries[j]), key=lambda e: (e[3].line, e[2]))
            earlier, later = first[3], second[3]
            if earlier is later:
                continue  # a series that overlaps itself is refused by plan_booking already
            other = Existing(0, earlier.data.title, first[2], first[1], earlier.data.arrival_buffer_minutes)
            clash = Clash(second[2], second[2] + later.data.duration, later.plan.room.name, other, earlier.line)
            plan.problems.append(_clash_problem(later.line, clash.start, clash.end, clash))
            refused.add(id(later))
    plan.rows = [r for r in plan.rows if id(r) not in refused]


# ---------------------------------------------------------------- applying

def _stale() -> UserError:
    return UserError("Databasen er endret siden filen ble kontrollert. Kontroller filen på nytt før du importerer.")


def apply_import(session: Session, plan: PlaceImportPlan) -> PlaceImportResult:
    """Write a checked plan inside the caller's transaction; refuses a plan with errors."""
    if plan.has_errors:
        raise UserError(f"{plan.source} har {len(plan.errors)} feil, så ingenting er importert. Rett feilene og "
                        f"prøv igjen.", details=[str(p) for p in plan.errors[:20]])
    result = _apply_rooms(session, plan) if plan.kind == "rooms" else _apply_bookings(session, plan)
    audit.record(session, "import", ROOM if plan.kind == "rooms" else BOOKING, None,
                 summary=f"Import av {count_words(plan.kind, len(plan.rows))} fra {plan.source}: "
                         f"{result.sentence()}")
    return result


def _apply_rooms(session: Session, plan: PlaceImportPlan) -> PlaceImportResult:
    columns = set(plan.columns)
    created = updated = 0
    for planned in plan.rows:
        data: RoomData = planned.data
        if planned.action == "update":
            current = session.get(Room, planned.target_id)
            if current is None:
                raise _stale()
            from kpdesk.booking.rooms import get_room

            row = get_room(session, current.id)
            kept = {"capacity": row.capacity, "equipment": row.equipment, "notes": row.notes,
                    "opens_at": row.opens_at, "closes_at": row.closes_at}
            values = {f: getattr(data, f) if f in columns else kept[f] for f in _ROOM_FIELDS}
            save_room(session, RoomData(data.name, **values), current.id, create_equipment=True)
            updated += 1
        else:
            save_room(session, data, create_equipment=True)
            created += 1
    return PlaceImportResult("rooms", created, updated)


def _apply_bookings(session: Session, plan: PlaceImportPlan) -> PlaceImportResult:
    from kpdesk.db.models import BookingSeries

    dates = skipped = 0
    for planned in plan.rows:
        fresh = plan_booking(session, planned.data)  # the database may have changed since the check
        if fresh.conflicts.blocking:
            raise _stale()
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
        set_equipment_links(session, insert_bookings(session, rows), equipment)
    return PlaceImportResult("bookings", len(plan.rows), 0, dates, skipped)
