"""The week schedule: ISO week days with their holidays, the rooms, and every booking in the week.

Plain frozen dataclasses for the week view and the printed schedule. One indexed query reads
the bookings of all rooms (or one) that overlap the days shown, in every state: the view shows
cancelled and skipped occurrences struck through, with their reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from kpdesk.booking.holidays import holidays_between
from kpdesk.booking.inputs import MAX_ARRIVAL_BUFFER, MAX_BOOKING_DAYS
from kpdesk.booking.times import weekday_name
from kpdesk.common.codes import BOOKING_KINDS
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date, sort_key
from kpdesk.db.models import Booking, Equipment, Offer, Room, room_equipment
from kpdesk.db.stored_values import stored_datetime


@dataclass(frozen=True, slots=True)
class WeekDay:
    date: dt.date
    weekday: str  # 'mandag'
    holiday: str | None  # 'Kristi himmelfartsdag', or None

    @property
    def label(self) -> str:
        """'mandag 17.05.2027'."""
        return f"{self.weekday} {format_date(self.date)}"


@dataclass(frozen=True, slots=True)
class WeekRoom:
    id: int
    name: str
    capacity: int
    opens_at: dt.time
    closes_at: dt.time
    equipment: tuple[str, ...]
    site: str = ""  # where the room is ('Mosjøen'); "" at a centre with one site


@dataclass(frozen=True, slots=True)
class WeekBooking:
    id: int
    room_id: int
    room_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    blocked_from: dt.datetime  # start less the exam's arrival buffer: when the room is taken
    title: str
    kind: str
    kind_label: str
    state: str  # active | cancelled | skipped
    state_reason: str
    organiser: str
    attendees: int | None
    arrival_buffer_minutes: int
    invigilators: int | None
    override_reason: str  # booked despite a conflict, and why
    series_id: int | None
    is_exception: bool
    offer_id: int | None
    offer_ref: str | None
    public: bool = False  # «vis på oppslag»: printed with its title; otherwise as «Opptatt»

    @property
    def active(self) -> bool:
        return self.state == "active"


@dataclass(frozen=True)
class WeekSchedule:
    iso_year: int
    iso_week: int
    days: tuple[WeekDay, ...]
    rooms: tuple[WeekRoom, ...]
    bookings: tuple[WeekBooking, ...]  # by start, then room

    @property
    def label(self) -> str:
        """'Uke 20, 2027'."""
        return f"Uke {self.iso_week}, {self.iso_year}"

    @property
    def dates(self) -> str:
        """'17.05.2027–21.05.2027'."""
        return f"{format_date(self.days[0].date)}–{format_date(self.days[-1].date)}"

    def on(self, day: dt.date, room_id: int | None = None) -> list[WeekBooking]:
        """The bookings that touch ``day`` (in one room), by start."""
        start = dt.datetime.combine(day, dt.time(0))
        end = start + dt.timedelta(days=1)
        return [b for b in self.bookings if b.starts_at < end and b.ends_at > start
                and (room_id is None or b.room_id == room_id)]


# ---------------------------------------------------------------- weeks

def week_of(day: dt.date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def shift_week(iso_year: int, iso_week: int, weeks: int) -> tuple[int, int]:
    """The week ``weeks`` before (negative) or after this one: for previous/next buttons."""
    return week_of(dt.date.fromisocalendar(iso_year, iso_week, 1) + dt.timedelta(weeks=weeks))


def parse_week(text: str) -> tuple[int, int]:
    """'2027-W20', '2027W20' or '20/2027' -> (2027, 20) in 1900–2100; UserError otherwise."""
    from kpdesk.common import norsk

    try:
        return norsk.parse_week(text)
    except ValueError as exc:
        raise UserError(f"{exc}.") from None


# ---------------------------------------------------------------- reads

def week_rooms(session: Session, room_id: int | None = None, site: str | None = None,
               centre_id: int | None = None) -> tuple[WeekRoom, ...]:
    """Every room, the room ``room_id``, or the rooms at ``site`` (as stored), by name; only those of
    the centre ``centre_id`` when given."""
    stmt = select(Room.id, Room.name, Room.capacity, Room.opens_at, Room.closes_at, Room.site)
    if centre_id is not None:
        stmt = stmt.where(Room.centre_id == centre_id)
    if room_id is not None:
        stmt = stmt.where(Room.id == room_id)
    if site is not None:
        stmt = stmt.where(Room.site == site)
    rows = session.execute(stmt).all()
    if room_id is not None and not rows:
        raise UserError(f"Rommet finnes ikke lenger (id {room_id}).")
    equipment: dict[int, list[str]] = {}
    for rid, name in session.execute(select(room_equipment.c.room_id, Equipment.name)
                                     .join(Equipment, Equipment.id == room_equipment.c.equipment_id)):
        equipment.setdefault(rid, []).append(name)
    rooms = [WeekRoom(r[0], r[1], r[2], r[3] or dt.time(8), r[4] or dt.time(16),
                      tuple(sorted(equipment.get(r[0], ()), key=sort_key)), r[5] or "") for r in rows]
    rooms.sort(key=lambda r: (sort_key(r.name), r.id))
    return tuple(rooms)


def bookings_between(session: Session, start: dt.datetime, end: dt.datetime, room_ids: Iterable[int] | None = None,
                     *, states: Iterable[str] | None = None) -> list[WeekBooking]:
    """Bookings that overlap [start, end) (with their arrival buffer), in time order.

    The rooms are named and ``starts_at`` is bounded on both sides, so the query reads one range
    of ``ix_booking_room_time`` per room instead of the whole table (no booking is longer than
    ``MAX_BOOKING_DAYS``; the validator sees to that).
    """
    session.flush()
    if room_ids is None:
        room_ids = session.execute(select(Room.id)).scalars().all()
    earliest = start - dt.timedelta(days=MAX_BOOKING_DAYS)
    latest = end + dt.timedelta(minutes=MAX_ARRIVAL_BUFFER)
    # Times as their stored text: fromisoformat below is several times faster than the generic
    # DateTime processing, and a busy week of 30 rooms is over a thousand rows.
    stmt = (select(Booking.id, Booking.room_id, Room.name, type_coerce(Booking.starts_at, String),
                   type_coerce(Booking.ends_at, String), Booking.title,
                   Booking.kind, Booking.state, Booking.state_reason, Booking.organiser, Booking.attendees,
                   Booking.arrival_buffer_minutes, Booking.invigilators, Booking.override_reason, Booking.series_id,
                   Booking.is_exception, Booking.offer_id, Offer.ref, Booking.public)
            .join(Room, Room.id == Booking.room_id).outerjoin(Offer, Offer.id == Booking.offer_id)
            .where(Booking.starts_at >= earliest, Booking.starts_at < latest, Booking.ends_at > start)
            .order_by(Booking.starts_at, Room.name, Booking.id))
    stmt = stmt.where(Booking.room_id.in_(list(room_ids)))
    if states is not None:
        stmt = stmt.where(Booking.state.in_(list(states)))
    labels = {code.key: code.label for code in BOOKING_KINDS}
    moment = stored_datetime
    result = []
    for (id_, room_id, room_name, starts_text, ends_text, title, kind, state, reason, organiser, attendees, buffer,
         invigilators, override, series_id, exception, offer_id, offer_ref, public) in \
            session.connection().execute(stmt).fetchall():
        starts, ends = moment(starts_text), moment(ends_text)
        blocked = starts - dt.timedelta(minutes=buffer) if buffer else starts
        if blocked >= end:
            continue
        result.append(WeekBooking(id_, room_id, room_name, starts, ends, blocked, title, kind, labels.get(kind, kind),
                                  state, reason or "", organiser or "", attendees, buffer or 0, invigilators,
                                  override or "", series_id, bool(exception), offer_id, offer_ref, bool(public)))
    return result


def week_schedule(session: Session, iso_year: int, iso_week: int, room_id: int | None = None,
                  include_weekend: bool = False, site: str | None = None, centre_id: int | None = None) -> WeekSchedule:
    """Monday to Friday (to Sunday with ``include_weekend``) of an ISO week, for all rooms, one,
    or those at one ``site``; of one centre's rooms when ``centre_id`` is given (a booking belongs
    to its room's centre)."""
    try:
        monday = dt.date.fromisocalendar(iso_year, iso_week, 1)
    except ValueError:
        raise UserError(f"Uke {iso_week} finnes ikke i {iso_year}.") from None
    count = 7 if include_weekend else 5
    dates = [monday + dt.timedelta(days=i) for i in range(count)]
    holidays = holidays_between(dates[0], dates[-1])
    days = tuple(WeekDay(d, weekday_name(d), holidays.get(d)) for d in dates)
    rooms = week_rooms(session, room_id, site, centre_id)
    start = dt.datetime.combine(dates[0], dt.time(0))
    end = dt.datetime.combine(dates[-1] + dt.timedelta(days=1), dt.time(0))
    bookings = bookings_between(session, start, end, [r.id for r in rooms])
    return WeekSchedule(iso_year, iso_week, days, rooms, tuple(bookings))


# ---------------------------------------------------------------- where the week view opens

def _in_rooms(stmt: Any, room_id: int | None, site: str | None) -> Any:
    if room_id is not None:
        stmt = stmt.where(Booking.room_id == room_id)
    if site is not None:
        stmt = stmt.where(Booking.room_id.in_(select(Room.id).where(Room.site == site)))
    return stmt


def opening_week(session: Session, today: dt.date, room_id: int | None = None,
                 site: str | None = None) -> tuple[int, int]:
    """The week the schedule opens on: this week when it has an active booking (in the room, or
    at the site), else the week of the next one; this week when nothing lies ahead."""
    monday = today - dt.timedelta(days=today.weekday())
    start = dt.datetime.combine(monday, dt.time(0))
    end = start + dt.timedelta(days=7)
    stmt = _in_rooms(select(Booking.starts_at).where(Booking.state == "active", Booking.ends_at > start,
                                                     Booking.starts_at >= start - dt.timedelta(days=MAX_BOOKING_DAYS))
                     .order_by(Booking.starts_at).limit(1), room_id, site)
    first = session.execute(stmt).scalar()
    if first is None or first >= end:
        return week_of(first.date()) if first is not None else week_of(today)
    return week_of(today)


@dataclass(frozen=True, slots=True)
class BookingPlace:
    """Where a booking is in the schedule: to go to its week and select it."""

    id: int
    starts_at: dt.datetime
    room_id: int
    site: str


def first_booking(session: Session, booking_ids: Iterable[int]) -> BookingPlace | None:
    """The earliest active booking of ``booking_ids`` (a new series' first date), or None."""
    ids = list(booking_ids)
    if not ids:
        return None
    row = session.execute(select(Booking.id, Booking.starts_at, Booking.room_id, Room.site)
                          .join(Room, Room.id == Booking.room_id)
                          .where(Booking.id.in_(ids), Booking.state == "active")
                          .order_by(Booking.starts_at, Booking.id).limit(1)).first()
    return BookingPlace(row[0], row[1], row[2], row[3] or "") if row is not None else None


def week_sites(rooms: Iterable[WeekRoom]) -> list[str]:
    """The rooms' sites, sorted the Norwegian way, without the empty one."""
    return sorted({room.site for room in rooms if room.site}, key=sort_key)
