"""Reading bookings and series as frozen rows, and as ``BookingData`` to fill the booking dialog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kpdesk.booking.inputs import BookingData
from kpdesk.booking.recurrence import describe
from kpdesk.booking.rooms import NotFoundError
from kpdesk.common.norsk import sort_key
from kpdesk.db.models import Booking, BookingSeries, Equipment, Offer, Room, booking_equipment


@dataclass(frozen=True, slots=True)
class BookingRow:
    id: int
    room_id: int
    room_name: str
    series_id: int | None
    recurrence_start: dt.datetime | None
    title: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str  # active | cancelled | skipped
    state_reason: str
    is_exception: bool
    organiser: str
    attendees: int | None
    offer_id: int | None
    offer_ref: str | None
    offer_session_id: int | None
    arrival_buffer_minutes: int
    invigilators: int | None
    override_reason: str
    notes: str
    equipment: tuple[str, ...]
    public: bool  # «vis på oppslag»

    @property
    def blocked_from(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(minutes=self.arrival_buffer_minutes)


@dataclass(frozen=True, slots=True)
class SeriesRow:
    id: int
    room_id: int
    room_name: str
    title: str
    kind: str
    rrule: str
    rule_text: str  # 'hver uke på tirsdag, til og med 15.06.2027'
    first_start: dt.datetime
    duration_minutes: int
    organiser: str
    attendees: int | None
    offer_ref: str | None
    notes: str
    active: int
    cancelled: int
    skipped: int
    exceptions: int
    public: bool


def equipment_of(session: Session, booking_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    ids = list(booking_ids)
    if not ids:
        return {}
    found: dict[int, list[str]] = {}
    stmt = (select(booking_equipment.c.booking_id, Equipment.name)
            .join(Equipment, Equipment.id == booking_equipment.c.equipment_id)
            .where(booking_equipment.c.booking_id.in_(ids)))
    for booking_id, name in session.execute(stmt):
        found.setdefault(booking_id, []).append(name)
    return {b: tuple(sorted(names, key=sort_key)) for b, names in found.items()}


# SQLAlchemy types the columns of a select() up to ten; longer selects are typed Select[*tuple[Any, ...]].
def _booking_query() -> Select[*tuple[Any, ...]]:
    return (select(Booking.id, Booking.room_id, Room.name, Booking.series_id, Booking.recurrence_start, Booking.title,
                   Booking.kind, Booking.starts_at, Booking.ends_at, Booking.state, Booking.state_reason,
                   Booking.is_exception, Booking.organiser, Booking.attendees, Booking.offer_id, Offer.ref,
                   Booking.offer_session_id, Booking.arrival_buffer_minutes, Booking.invigilators,
                   Booking.override_reason, Booking.notes, Booking.public)
            .join(Room, Room.id == Booking.room_id).outerjoin(Offer, Offer.id == Booking.offer_id))


def _booking_rows(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[BookingRow]:
    session.flush()
    rows = session.execute(stmt).all()
    equipment = equipment_of(session, [r[0] for r in rows])
    return [BookingRow(id_, room_id, room_name, series_id, recurrence_start, title, kind, starts_at, ends_at, state,
                       state_reason, bool(is_exception), organiser or "", attendees, offer_id, offer_ref,
                       offer_session_id, arrival_buffer or 0, invigilators, override_reason or "", notes or "",
                       equipment.get(id_, ()), bool(public))
            for (id_, room_id, room_name, series_id, recurrence_start, title, kind, starts_at, ends_at, state,
                 state_reason, is_exception, organiser, attendees, offer_id, offer_ref, offer_session_id,
                 arrival_buffer, invigilators, override_reason, notes, public) in rows]


def get_booking(session: Session, booking_id: int) -> BookingRow:
    rows = _booking_rows(session, _booking_query().where(Booking.id == booking_id))
    if not rows:
        raise NotFoundError(f"Bookingen finnes ikke lenger (id {booking_id}).")
    return rows[0]


def series_bookings(session: Session, series_id: int) -> list[BookingRow]:
    """Every occurrence of a series, whatever its state, in time order."""
    return _booking_rows(session, _booking_query().where(Booking.series_id == series_id)
                         .order_by(Booking.starts_at, Booking.id))


def get_series(session: Session, series_id: int) -> SeriesRow:
    session.flush()
    row = session.execute(
        select(BookingSeries.id, BookingSeries.room_id, Room.name, BookingSeries.title, BookingSeries.kind,
               BookingSeries.rrule, BookingSeries.first_start, BookingSeries.duration_minutes,
               BookingSeries.organiser, BookingSeries.attendees, Offer.ref, BookingSeries.notes, BookingSeries.public)
        .join(Room, Room.id == BookingSeries.room_id).outerjoin(Offer, Offer.id == BookingSeries.offer_id)
        .where(BookingSeries.id == series_id)).first()
    if row is None:
        raise NotFoundError(f"Bookingserien finnes ikke lenger (id {series_id}).")
    counts = dict(session.execute(select(Booking.state, func.count()).where(Booking.series_id == series_id)
                                  .group_by(Booking.state)).all())
    exceptions = session.execute(select(func.count()).where(Booking.series_id == series_id,
                                                            Booking.is_exception.is_(True))).scalar_one()
    (id_, room_id, room_name, title, kind, rrule, first_start, duration_minutes, organiser, attendees, offer_ref,
     notes, public) = row
    return SeriesRow(id_, room_id, room_name, title, kind, rrule, describe(rrule), first_start, duration_minutes,
                     organiser or "", attendees, offer_ref, notes or "", counts.get("active", 0),
                     counts.get("cancelled", 0), counts.get("skipped", 0), exceptions, bool(public))


def booking_data(session: Session, booking_id: int) -> BookingData:
    """One booking as the dialog edits it (without a rule: one occurrence is edited alone)."""
    b = get_booking(session, booking_id)
    return BookingData(
        room=b.room_name, title=b.title, starts_at=b.starts_at, ends_at=b.ends_at, kind=b.kind,
        organiser=b.organiser, attendees=b.attendees, offer_ref=b.offer_ref, offer_session_id=b.offer_session_id,
        equipment=b.equipment, arrival_buffer_minutes=b.arrival_buffer_minutes, invigilators=b.invigilators,
        notes=b.notes, allow_overnight=b.ends_at.date() != b.starts_at.date(), public=b.public,
    )


def series_data(session: Session, series_id: int) -> BookingData:
    """A whole series as the dialog edits it: its rule, first start, and the details of its first
    occurrence that follows the rule (buffer, invigilators, equipment live on the occurrences)."""
    s = get_series(session, series_id)
    first = session.execute(select(Booking.id).where(Booking.series_id == series_id,
                                                     Booking.is_exception.is_(False))
                            .order_by(Booking.starts_at).limit(1)).scalar()
    base = booking_data(session, first) if first is not None else None
    start = s.first_start
    end = start + dt.timedelta(minutes=s.duration_minutes)
    return BookingData(
        room=s.room_name, title=s.title, starts_at=start, ends_at=end, kind=s.kind, organiser=s.organiser,
        attendees=s.attendees, offer_ref=s.offer_ref, offer_session_id=base.offer_session_id if base else None,
        equipment=base.equipment if base else (), arrival_buffer_minutes=base.arrival_buffer_minutes if base else 0,
        invigilators=base.invigilators if base else None, notes=s.notes, repeat=s.rrule,
        allow_overnight=end.date() != start.date(), public=s.public,
    )
