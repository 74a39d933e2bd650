"""The meeting place's rooms and the editable equipment list.

Like ``kpdesk.register.service``: field parsers raise ``FieldError``, ``validate_room`` collects every
``Problem`` of a raw record, reads return frozen dataclasses built from column selects, writes
run in the caller's transaction with audit entries, and deletes return snapshots for undo.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from kpdesk.common.errors import UserError
from kpdesk.common.fields import Collector, FieldError, Problem, parse_line, parse_required_text, parse_text
from kpdesk.common.norsk import fold, format_time, plural, sort_key
from kpdesk.db import audit
from kpdesk.db.models import Booking, BookingSeries, Centre, Equipment, Room, booking_equipment, room_equipment
from kpdesk.db.row_writing import NotFoundError, create_row, existing_row, flush_checked
from kpdesk.register.centres import centre_for_new

ROOM, EQUIPMENT = "room", "equipment"
MAX_ROOM_NAME = 100
MAX_EQUIPMENT_NAME = 100
MAX_SITE = 100
MAX_CAPACITY = 10_000
DEFAULT_OPENS, DEFAULT_CLOSES = dt.time(8, 0), dt.time(16, 0)

_TIME = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?(?::\d{2})?$", re.IGNORECASE)


# ---------------------------------------------------------------- parsers

def parse_room_name(text: str) -> str:
    return parse_required_text(text, "Romnavnet", MAX_ROOM_NAME)


def parse_capacity(text: str) -> int:
    """How many people the room holds: a whole number from 1 up."""
    cleaned = (text or "").replace("\u00a0", "").replace(" ", "").strip()
    if not cleaned:
        raise FieldError("Kapasiteten mangler")
    if not (cleaned.lstrip("+-").isascii() and cleaned.lstrip("+-").isdigit()):
        raise FieldError(f"Kapasiteten må være et helt tall, ikke «{(text or '').strip()}»")
    value = int(cleaned)
    if value < 1:
        raise FieldError(f"Kapasiteten må være minst 1, ikke {value}")
    if value > MAX_CAPACITY:
        raise FieldError(f"Kapasiteten {value} er urimelig høy (høyst {MAX_CAPACITY})")
    return value


def parse_site(text: str) -> str:
    """Where the room is ('Mosjøen', 'Campus Helgeland'); empty at a centre with one site."""
    return " ".join(parse_line(text, "Stedet", MAX_SITE).split())


def parse_equipment_name(text: str) -> str:
    return parse_required_text(text, "Utstyrsnavnet", MAX_EQUIPMENT_NAME)


def parse_equipment_list(text: str) -> tuple[str, ...]:
    """Comma-separated equipment names ('projektor, PC-er'); the same name twice counts once."""
    names: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"[,;]", text or ""):
        if not part.strip():
            continue
        name = parse_equipment_name(part)
        if fold(name) not in seen:
            seen.add(fold(name))
            names.append(name)
    return tuple(names)


def parse_opening_time(text: str, label: str, default: dt.time) -> dt.time:
    cleaned = (text or "").strip()
    if not cleaned:
        return default
    match = _TIME.match(cleaned)
    if match is None or int(match.group(1)) > 24 or int(match.group(2) or 0) > 59:
        raise FieldError(f"{label} «{cleaned}» er ikke et klokkeslett (skriv for eksempel 08:00)")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour == 24 and minute == 0:
        return dt.time(23, 59)
    if hour == 24:
        raise FieldError(f"{label} «{cleaned}» finnes ikke på klokka")
    return dt.time(hour, minute)


# ---------------------------------------------------------------- typed records

@dataclass(frozen=True)
class RoomData:
    name: str
    capacity: int
    equipment: tuple[str, ...] = ()
    opens_at: dt.time = DEFAULT_OPENS
    closes_at: dt.time = DEFAULT_CLOSES
    notes: str = ""
    site: str | None = None  # None: keep the stored site (an importer's file without the column)


def validate_room(raw: Mapping[str, str | None]) -> tuple[RoomData | None, list[Problem]]:
    """A room from raw text: name, capacity, equipment, opens_at, closes_at, notes, site.

    Without a ``site`` key the site is None: an update keeps the room's site as it is.
    """
    get = Collector(raw)
    name = get("name", parse_room_name)
    capacity = get("capacity", parse_capacity)
    equipment = get("equipment", parse_equipment_list)
    opens = get("opens_at", parse_opening_time, "Åpningstiden", DEFAULT_OPENS)
    closes = get("closes_at", parse_opening_time, "Stengetiden", DEFAULT_CLOSES)
    notes = get("notes", parse_text, "Notatet")
    site = get("site", parse_site) if "site" in raw else None
    if opens is not None and closes is not None:
        problem = opening_hours_problem(opens, closes)
        if problem:
            get.error("closes_at", problem)
    if not get.ok:
        return None, get.problems
    assert opens is not None and closes is not None  # parse_opening_time gives its default, never None
    return RoomData(name, capacity, equipment, opens, closes, notes, site), get.problems


def opening_hours_problem(opens: dt.time, closes: dt.time) -> str | None:
    if closes <= opens:
        return f"Stengetiden {format_time(closes)} må være etter åpningstiden {format_time(opens)}"
    return None


# ---------------------------------------------------------------- reads

@dataclass(frozen=True, slots=True)
class RoomRow:
    id: int
    name: str
    capacity: int
    opens_at: dt.time
    closes_at: dt.time
    notes: str
    equipment: tuple[str, ...]
    bookings: int  # active bookings, past and future
    site: str = ""
    centre_id: int = 0
    centre: str = ""  # the centre's name


@dataclass(frozen=True, slots=True)
class EquipmentRow:
    id: int
    name: str
    rooms: int  # rooms that have it
    bookings: int  # bookings that need it


def _equipment_by_room(session: Session, room_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
    stmt = select(room_equipment.c.room_id, Equipment.name).join(Equipment,
                                                                  Equipment.id == room_equipment.c.equipment_id)
    if room_ids is not None:
        stmt = stmt.where(room_equipment.c.room_id.in_(list(room_ids)))
    result: dict[int, list[str]] = {}
    for room_id, name in session.execute(stmt):
        result.setdefault(room_id, []).append(name)
    for names in result.values():
        names.sort(key=sort_key)
    return result


def _room_rows(session: Session, *where: Any) -> list[RoomRow]:
    counts = (select(Booking.room_id, func.count().label("n")).where(Booking.state == "active")
              .group_by(Booking.room_id).subquery())
    stmt = (select(Room.id, Room.name, Room.capacity, Room.opens_at, Room.closes_at, Room.notes,
                   func.coalesce(counts.c.n, 0), Room.site, Room.centre_id, Centre.name)
            .join(Centre, Centre.id == Room.centre_id)
            .outerjoin(counts, counts.c.room_id == Room.id).where(*where))
    rows = session.execute(stmt).all()
    equipment = _equipment_by_room(session, [r[0] for r in rows] if where else None)
    result = [RoomRow(id_, name, capacity, opens or DEFAULT_OPENS, closes or DEFAULT_CLOSES, notes or "",
                      tuple(equipment.get(id_, ())), n, site or "", centre_id, centre)
              for id_, name, capacity, opens, closes, notes, n, site, centre_id, centre in rows]
    result.sort(key=lambda r: (sort_key(r.name), r.id))
    return result


def list_rooms(session: Session, centre_id: int | None = None) -> list[RoomRow]:
    """All rooms (or one centre's; None: the whole region) in Norwegian alphabetical order."""
    return _room_rows(session) if centre_id is None else _room_rows(session, Room.centre_id == centre_id)


def get_room(session: Session, room_id: int) -> RoomRow:
    rows = _room_rows(session, Room.id == room_id)
    if not rows:
        raise NotFoundError(f"Rommet finnes ikke lenger (id {room_id}).")
    return rows[0]


def find_room_id(session: Session, name: str) -> int | None:
    """The id of the room with this name (case and spacing ignored), or None."""
    exact = session.execute(select(Room.id).where(Room.name == name)).scalar()
    if exact is not None:
        return exact
    wanted = fold(" ".join(name.split()))
    for id_, room_name in session.execute(select(Room.id, Room.name)):
        if fold(" ".join(room_name.split())) == wanted:
            return id_
    return None


def room_id_for_name(session: Session, name: str) -> int:
    found = find_room_id(session, name)
    if found is None:
        names = ", ".join(sorted(session.execute(select(Room.name)).scalars(), key=sort_key)[:12])
        hint = f" Rommene er: {names}." if names else " Det er ingen rom ennå; legg inn rommene først."
        raise UserError(f"Rommet «{name}» finnes ikke.{hint}")
    return found


def list_sites(session: Session) -> list[str]:
    """The sites rooms are at, in Norwegian alphabetical order ("" not included)."""
    found = session.execute(select(Room.site).where(Room.site != "").distinct()).scalars()
    return sorted(found, key=sort_key)


def site_for_name(session: Session, name: str) -> str:
    """The site as stored for ``name`` (case and spacing ignored); UserError listing the sites."""
    sites = list_sites(session)
    wanted = fold(" ".join(name.split()))
    found = next((site for site in sites if fold(site) == wanted), None)
    if found is not None:
        return found
    hint = f" Stedene er: {', '.join(sites)}." if sites else " Ingen rom har sted ennå; skriv inn stedet på rommene."
    raise UserError(f"Stedet «{name.strip()}» finnes ikke.{hint}")


def list_equipment(session: Session) -> list[EquipmentRow]:
    """The equipment list in Norwegian alphabetical order, with how much each item is used."""
    rooms = (select(room_equipment.c.equipment_id.label("id"), func.count().label("n"))
             .group_by(room_equipment.c.equipment_id).subquery())
    bookings = (select(booking_equipment.c.equipment_id.label("id"), func.count().label("n"))
                .group_by(booking_equipment.c.equipment_id).subquery())
    stmt = (select(Equipment.id, Equipment.name, func.coalesce(rooms.c.n, 0), func.coalesce(bookings.c.n, 0))
            .outerjoin(rooms, rooms.c.id == Equipment.id).outerjoin(bookings, bookings.c.id == Equipment.id))
    rows = [EquipmentRow(*row) for row in session.execute(stmt)]
    rows.sort(key=lambda r: sort_key(r.name))
    return rows


# ---------------------------------------------------------------- equipment writes

def _equipment_ids(session: Session) -> dict[str, tuple[int, str]]:
    """fold(name) -> (id, name) for the whole list."""
    return {fold(name): (id_, name) for id_, name in session.execute(select(Equipment.id, Equipment.name))}


def equipment_ids_for(session: Session, names: Iterable[str], *, create: bool = False) -> list[int]:
    """Ids for equipment names (case ignored); unknown names are created or refused."""
    known = _equipment_ids(session)
    ids: list[int] = []
    unknown = [n for n in names if fold(n) not in known]
    if unknown and not create:
        listed = ", ".join(f"«{n}»" for n in unknown)
        raise UserError(f"Utstyret {listed} finnes ikke i utstyrslisten. Legg det til i utstyrslisten først.")
    for name in names:
        if fold(name) not in known:
            known[fold(name)] = (add_equipment(session, name), name)
        ids.append(known[fold(name)][0])
    return ids


def add_equipment(session: Session, name: str) -> int:
    """Add a name to the equipment list; returns its id."""
    try:
        cleaned = parse_equipment_name(name)
    except FieldError as exc:
        raise UserError(exc.message + ".") from None
    existing = _equipment_ids(session).get(fold(cleaned))
    if existing is not None:
        raise UserError(f"«{existing[1]}» står allerede i utstyrslisten.")
    item = Equipment(name=cleaned)
    session.add(item)
    session.flush()
    audit.record(session, "create", EQUIPMENT, item.id, summary=f"Nytt utstyr «{cleaned}»")
    return item.id


def rename_equipment(session: Session, equipment_id: int, name: str) -> None:
    try:
        cleaned = parse_equipment_name(name)
    except FieldError as exc:
        raise UserError(exc.message + ".") from None
    item = existing_row(session, Equipment, equipment_id, "Utstyret")
    existing = _equipment_ids(session).get(fold(cleaned))
    if existing is not None and existing[0] != equipment_id:
        raise UserError(f"«{existing[1]}» står allerede i utstyrslisten.")
    if item.name != cleaned:
        audit.record(session, "update", EQUIPMENT, equipment_id, field="name", old=item.name, new=cleaned)
        item.name = cleaned
        session.flush()


@dataclass(frozen=True)
class EquipmentSnapshot:
    equipment: dict[str, Any]
    room_ids: tuple[int, ...]
    booking_ids: tuple[int, ...]


def remove_equipment(session: Session, equipment_id: int) -> EquipmentSnapshot:
    """Take an item off the list; the rooms that had it and the bookings that needed it lose it."""
    row = session.execute(select(Equipment.id, Equipment.name).where(Equipment.id == equipment_id)).first()
    if row is None:
        raise NotFoundError(f"Utstyret finnes ikke lenger (id {equipment_id}).")
    rooms = tuple(session.execute(select(room_equipment.c.room_id)
                                  .where(room_equipment.c.equipment_id == equipment_id)).scalars())
    bookings = tuple(session.execute(select(booking_equipment.c.booking_id)
                                     .where(booking_equipment.c.equipment_id == equipment_id)).scalars())
    session.execute(delete(room_equipment).where(room_equipment.c.equipment_id == equipment_id))
    session.execute(delete(booking_equipment).where(booking_equipment.c.equipment_id == equipment_id))
    session.execute(delete(Equipment).where(Equipment.id == equipment_id))
    audit.record(session, "delete", EQUIPMENT, equipment_id,
                 summary=f"Fjernet utstyret «{row.name}» fra {plural(len(rooms), 'rom', 'rom')} og "
                         f"{plural(len(bookings), 'booking', 'bookinger')}")
    return EquipmentSnapshot({"id": row.id, "name": row.name}, rooms, bookings)


def restore_equipment(session: Session, snapshot: EquipmentSnapshot) -> int:
    row = snapshot.equipment
    if session.execute(select(Equipment.id).where(Equipment.id == row["id"])).first() is not None:
        raise UserError(f"«{row['name']}» kan ikke gjenopprettes: id {row['id']} er tatt i bruk igjen.")
    if fold(row["name"]) in _equipment_ids(session):
        raise UserError(f"«{row['name']}» står allerede i utstyrslisten.")
    session.execute(insert(Equipment), [row])
    rooms = set(session.execute(select(Room.id).where(Room.id.in_(snapshot.room_ids))).scalars())
    bookings = set(session.execute(select(Booking.id).where(Booking.id.in_(snapshot.booking_ids))).scalars())
    if rooms:
        session.execute(insert(room_equipment), [{"room_id": r, "equipment_id": row["id"]} for r in sorted(rooms)])
    if bookings:
        session.execute(insert(booking_equipment),
                        [{"booking_id": b, "equipment_id": row["id"]} for b in sorted(bookings)])
    audit.record(session, "restore", EQUIPMENT, row["id"], summary=f"Gjenopprettet utstyret «{row['name']}»")
    return row["id"]


# ---------------------------------------------------------------- room writes

def _check_name_free(session: Session, name: str, room_id: int | None) -> None:
    found = find_room_id(session, name)
    if found is not None and found != room_id:
        raise UserError(f"Et rom som heter «{name}» finnes allerede.")


def _set_equipment(session: Session, room_id: int, ids: list[int]) -> None:
    session.execute(delete(room_equipment).where(room_equipment.c.room_id == room_id))
    if ids:
        session.execute(insert(room_equipment), [{"room_id": room_id, "equipment_id": e} for e in sorted(set(ids))])


def save_room(session: Session, data: RoomData, room_id: int | None = None, *,
              create_equipment: bool = False, centre_id: int | None = None,
              expected_version: int | None = None) -> int:
    """Create (``room_id`` None) or update a room; returns its id (``expected_version``:
    ``kpdesk.db.versions``).

    Equipment names must be on the equipment list unless ``create_equipment`` (the importer)
    adds the unknown ones. A new room belongs to ``centre_id`` (else the only centre); an update
    moves it there when given. Its bookings belong to the room's centre.
    """
    problem = opening_hours_problem(data.opens_at, data.closes_at)
    if problem:
        raise UserError(problem + ".")
    if data.capacity < 1:
        raise UserError(f"Kapasiteten må være minst 1, ikke {data.capacity}.")
    _check_name_free(session, data.name, room_id)
    ids = equipment_ids_for(session, data.equipment, create=create_equipment)
    values = {"name": data.name, "capacity": data.capacity, "opens_at": data.opens_at,
              "closes_at": data.closes_at, "notes": data.notes}
    if data.site is not None:
        values["site"] = data.site
    if room_id is None or centre_id is not None:
        values["centre_id"] = centre_for_new(session, centre_id)
    if room_id is None:
        room = create_row(session, Room, values, ROOM, f"Nytt rom «{data.name}» ({data.capacity} plasser)")
        _set_equipment(session, room.id, ids)
        return room.id
    room = existing_row(session, Room, room_id, "Rommet", expected_version=expected_version)
    for name, new in values.items():
        old = getattr(room, name)
        if old != new:
            setattr(room, name, new)
            audit.record(session, "update", ROOM, room_id, field=name, old=old, new=new)
    old_names = _equipment_by_room(session, [room_id]).get(room_id, [])
    new_names = sorted({fold(n): n for n in data.equipment}.values(), key=sort_key)
    if [fold(n) for n in old_names] != [fold(n) for n in new_names]:
        _set_equipment(session, room_id, ids)
        audit.record(session, "update", ROOM, room_id, field="equipment", old=old_names, new=new_names)
    flush_checked(session, room)
    return room_id


@dataclass(frozen=True)
class RoomSnapshot:
    room: dict[str, Any]
    equipment_ids: tuple[int, ...]


def delete_room(session: Session, room_id: int) -> RoomSnapshot:
    """Delete a room that has no bookings; refused, saying how many, when it has any."""
    table = Room.__table__
    rows = [dict(r) for r in session.execute(select(*table.c).where(table.c.id == room_id)).mappings()]
    if not rows:
        raise NotFoundError(f"Rommet finnes ikke lenger (id {room_id}).")
    name = rows[0]["name"]
    bookings = session.execute(select(func.count()).where(Booking.room_id == room_id)).scalar_one()
    series = session.execute(select(func.count()).where(BookingSeries.room_id == room_id)).scalar_one()
    if bookings or series:
        parts = [plural(bookings, "booking", "bookinger")] if bookings else []
        parts += [plural(series, "bookingserie", "bookingserier")] if series else []
        what = " og ".join(parts)
        raise UserError(f"Rommet «{name}» kan ikke slettes: det har {what}. Flytt eller slett bookingene først.")
    equipment = tuple(session.execute(select(room_equipment.c.equipment_id)
                                      .where(room_equipment.c.room_id == room_id)
                                      .order_by(room_equipment.c.equipment_id)).scalars())
    session.execute(delete(room_equipment).where(room_equipment.c.room_id == room_id))
    session.execute(delete(Room).where(Room.id == room_id))
    audit.record(session, "delete", ROOM, room_id, summary=f"Slettet rommet «{name}»")
    return RoomSnapshot(rows[0], equipment)


def restore_room(session: Session, snapshot: RoomSnapshot) -> int:
    """Put a deleted room back with its id and the equipment that is still on the list."""
    row = snapshot.room
    if session.execute(select(Room.id).where(Room.id == row["id"])).first() is not None:
        raise UserError(f"Rommet «{row['name']}» kan ikke gjenopprettes: id {row['id']} er tatt i bruk igjen.")
    _check_name_free(session, row["name"], None)
    session.execute(insert(Room).execution_options(render_nulls=True), [row])
    living = list(session.execute(select(Equipment.id).where(Equipment.id.in_(snapshot.equipment_ids))).scalars())
    _set_equipment(session, row["id"], living)
    audit.record(session, "restore", ROOM, row["id"], summary=f"Gjenopprettet rommet «{row['name']}»")
    return row["id"]
