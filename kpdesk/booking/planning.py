"""A booking before it is written: its room, its dates, which fall on holidays, what clashes.

``plan_booking`` reads and writes nothing but answers: the booking dialog calls it to show the
conflicts before the coordinator decides, and the service calls it again when saving.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.booking.conflicts import Clash, Conflicts, overlaps
from kpdesk.booking.holidays import holiday_name
from kpdesk.booking.inputs import BookingData, booking_problems
from kpdesk.booking.recurrence import occurrences, parse_rule
from kpdesk.booking.rooms import room_id_for_name
from kpdesk.booking.times import format_span
from kpdesk.common.errors import UserError
from kpdesk.common.fields import FieldError
from kpdesk.common.norsk import fold, sort_key
from kpdesk.db.models import Equipment, Offer, OfferSession, Room, room_equipment


@dataclass(frozen=True, slots=True)
class RoomFacts:
    """What the conflict check needs to know about a room."""

    id: int
    name: str
    capacity: int
    opens_at: dt.time
    closes_at: dt.time
    equipment: tuple[str, ...]

    def missing(self, needed: Sequence[str]) -> tuple[str, ...]:
        have = {fold(e) for e in self.equipment}
        return tuple(n for n in needed if fold(n) not in have)

    def within_hours(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Inside the opening hours of one day (an overnight booking never is)."""
        return start.date() == end.date() and self.opens_at <= start.time() and end.time() <= self.closes_at


def room_facts(session: Session, room: str | int) -> RoomFacts:
    """A room by id or by name (case ignored); UserError when there is no such room."""
    room_id = room if isinstance(room, int) else room_id_for_name(session, room)
    row = session.execute(select(Room.id, Room.name, Room.capacity, Room.opens_at, Room.closes_at)
                          .where(Room.id == room_id)).first()
    if row is None:
        raise UserError(f"Rommet finnes ikke lenger (id {room_id}).")
    names = session.execute(select(Equipment.name).join(room_equipment, room_equipment.c.equipment_id == Equipment.id)
                            .where(room_equipment.c.room_id == room_id)).scalars().all()
    return RoomFacts(row.id, row.name, row.capacity, row.opens_at or dt.time(8), row.closes_at or dt.time(16),
                     tuple(sorted(names, key=sort_key)))


def offer_link(session: Session, ref: str | None, session_id: int | None) -> tuple[int | None, int | None]:
    """(offer id, offer session id) for an offer ref and/or one of its session dates."""
    offer_id = None
    if ref:
        offer_id = session.execute(select(Offer.id).where(Offer.ref == ref)).scalar()
        if offer_id is None:
            raise UserError(f"Tilbudet med referanse «{ref}» finnes ikke.")
    if session_id is not None:
        owner = session.execute(select(OfferSession.offer_id).where(OfferSession.id == session_id)).scalar()
        if owner is None:
            raise UserError(f"Samlingen (id {session_id}) finnes ikke lenger.")
        if offer_id is not None and owner != offer_id:
            raise UserError(f"Samlingen (id {session_id}) hører ikke til tilbudet «{ref}».")
        offer_id = owner
    return offer_id, session_id


@dataclass(frozen=True, slots=True)
class PlannedOccurrence:
    start: dt.datetime
    end: dt.datetime
    holiday: str | None  # the holiday's name when the date is one
    skipped_for_holiday: bool
    clashes: tuple[Clash, ...]


@dataclass(frozen=True)
class BookingPlan:
    data: BookingData
    rule: str  # the RRULE in normal form, "" for a single booking
    room: RoomFacts
    offer_id: int | None
    offer_session_id: int | None
    occurrences: tuple[PlannedOccurrence, ...]
    conflicts: Conflicts

    @property
    def is_series(self) -> bool:
        return bool(self.data.repeat)

    @property
    def active_count(self) -> int:
        return sum(not o.skipped_for_holiday for o in self.occurrences)


def check_data(data: BookingData) -> None:
    """The record rules as a UserError (for typed data that did not come through ``validate_booking``)."""
    problems = [p for p in booking_problems(data) if not p.warning]
    if problems:
        raise UserError(problems[0].message + ".", details=[p.message for p in problems[1:]])


def series_starts(data: BookingData) -> tuple[str, list[dt.datetime]]:
    """(rule in normal form, starts): the booking's own start, or every start of its rule."""
    if not data.repeat:
        return "", [data.starts_at]
    try:
        rule = parse_rule(data.repeat, data.starts_at)
    except FieldError as exc:
        raise UserError(exc.message + ".") from None
    starts = occurrences(rule, data.starts_at)
    length = data.ends_at - data.starts_at + dt.timedelta(minutes=data.arrival_buffer_minutes)
    for earlier, later in itertools.pairwise(starts):
        if later - earlier < length:
            raise UserError(f"Datoene i serien overlapper hverandre: {format_span(earlier, earlier + data.duration)} "
                            f"varer til etter neste start {format_span(later, later + data.duration)}.")
    return rule, starts


def holiday_skips(starts: Sequence[dt.datetime]) -> dict[dt.datetime, str]:
    """The starts of a series that fall on a holiday, with the holiday's name: a series skips them."""
    return {s: name for s in starts if (name := holiday_name(s.date())) is not None}


def evaluate(session: Session, room: RoomFacts, data: BookingData, starts: Sequence[dt.datetime], *,
             exclude: Collection[int] = ()) -> tuple[list[tuple[Clash, ...]], Conflicts]:
    """Clashes per start (same order) and the conflicts of booking ``data`` at ``starts`` in ``room``."""
    duration = data.ends_at - data.starts_at
    buffer = dt.timedelta(minutes=data.arrival_buffer_minutes)
    spans = [(s - buffer, s + duration) for s in starts]
    per_start: list[list[Clash]] = [[] for _ in starts]
    for index, other in overlaps(session, room.id, spans, exclude=exclude):
        per_start[index].append(Clash(starts[index], starts[index] + duration, room.name, other))
    over = data.attendees is not None and data.attendees > room.capacity
    conflicts = Conflicts(
        room_name=room.name,
        occurrences=len(starts),
        clashes=tuple(c for group in per_start for c in group),
        capacity=room.capacity if over else None,
        attendees=data.attendees if over else None,
        missing_equipment=room.missing(data.equipment),
        outside_hours=tuple(s for s in starts if not room.within_hours(s - buffer, s + duration)),
        holidays=tuple((s.date(), name) for s in starts if (name := holiday_name(s.date())) is not None),
    )
    return [tuple(group) for group in per_start], conflicts


def plan_booking(session: Session, data: BookingData, *, skip_holidays: bool = True,
                 exclude: Collection[int] = (), held: Mapping[dt.date, object] | None = None) -> BookingPlan:
    """Resolve the room and offer, expand the dates, mark holidays and check for conflicts.

    A series skips its holiday dates when ``skip_holidays`` (they are not checked for clashes);
    a single booking on a holiday is only warned about. ``exclude``: ids of bookings being
    replaced, which therefore do not clash. ``held``: dates of a series edit that occurrences
    changed one by one keep; they are left out of the plan.
    """
    check_data(data)
    room = room_facts(session, data.room)
    offer_id, session_id = offer_link(session, data.offer_ref, data.offer_session_id)
    rule, starts = series_starts(data)
    if held:
        starts = [s for s in starts if s.date() not in held]
    holidays = {s: holiday_name(s.date()) for s in starts}
    skip = set(holiday_skips(starts)) if skip_holidays and data.repeat else set()
    active = [s for s in starts if s not in skip]
    clashes, conflicts = evaluate(session, room, data, active, exclude=exclude)
    by_start = dict(zip(active, clashes, strict=True))
    duration = data.ends_at - data.starts_at
    planned = tuple(PlannedOccurrence(s, s + duration, holidays[s], s in skip, by_start.get(s, ())) for s in starts)
    return BookingPlan(data, rule, room, offer_id, session_id, planned, conflicts)
