"""Finding a room: which rooms are free for a time (or every date of a series), hold the
attendees and have the equipment; and for a taken room, the nearest free times that day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kpdesk.booking.conflicts import Clash, overlaps
from kpdesk.booking.recurrence import occurrences, parse_rule
from kpdesk.booking.week import WeekRoom, bookings_between, week_rooms
from kpdesk.common.errors import UserError
from kpdesk.common.fields import FieldError
from kpdesk.common.norsk import fold, sort_key

Slot = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True, slots=True)
class RoomOption:
    room: WeekRoom
    holds_attendees: bool
    missing_equipment: tuple[str, ...]
    clashes: tuple[Clash, ...]  # every clashing date of the span or series
    within_hours: bool  # every date inside the room's opening hours
    suggestions: tuple[Slot, ...] = ()  # a taken room, one date: nearest free times that day

    @property
    def free(self) -> bool:
        return not self.clashes

    @property
    def suitable(self) -> bool:
        """Free, big enough and equipped: can be booked without a reason."""
        return self.free and self.holds_attendees and not self.missing_equipment


def _starts(start: dt.datetime, repeat: str) -> list[dt.datetime]:
    if not repeat:
        return [start]
    try:
        rule = parse_rule(repeat, start)
    except FieldError as exc:
        raise UserError(exc.message + ".") from None
    return occurrences(rule, start)


def find_rooms(session: Session, starts_at: dt.datetime, ends_at: dt.datetime, *, repeat: str = "",
               attendees: int | None = None, equipment: Sequence[str] = (), arrival_buffer_minutes: int = 0,
               exclude: Collection[int] = ()) -> list[RoomOption]:
    """Every room judged for the span (or every date of ``repeat``): suitable rooms first, the
    smallest that holds the attendees first among them; then the others, fewest clashes first."""
    if ends_at <= starts_at:
        raise UserError("Slutt må være etter start.")
    starts = _starts(starts_at, repeat)
    duration = ends_at - starts_at
    buffer = dt.timedelta(minutes=arrival_buffer_minutes)
    spans = [(s - buffer, s + duration) for s in starts]
    options = []
    for room in week_rooms(session):
        have = {fold(e) for e in room.equipment}
        clashes = tuple(Clash(starts[i], starts[i] + duration, room.name, other)
                        for i, other in overlaps(session, room.id, spans, exclude=exclude))
        within = all(b.date() == e.date() and room.opens_at <= b.time() and e.time() <= room.closes_at
                     for b, e in spans)
        suggestions: tuple[Slot, ...] = ()
        if clashes and len(starts) == 1:
            suggestions = tuple(nearest_free_times(session, room.id, starts_at, ends_at,
                                                   arrival_buffer_minutes=arrival_buffer_minutes, exclude=exclude))
        options.append(RoomOption(room, attendees is None or attendees <= room.capacity,
                                  tuple(e for e in equipment if fold(e) not in have), clashes, within, suggestions))
    options.sort(key=lambda o: (not o.suitable, len(o.clashes), not o.holds_attendees, len(o.missing_equipment),
                                o.room.capacity, sort_key(o.room.name)))
    return options


def free_slots(session: Session, room: WeekRoom, day: dt.date, *, exclude: Collection[int] = ()) -> list[Slot]:
    """The free stretches of a room's opening hours on ``day`` (active bookings and buffers taken)."""
    opens = dt.datetime.combine(day, room.opens_at)
    closes = dt.datetime.combine(day, room.closes_at)
    busy = sorted((b.blocked_from, b.ends_at) for b in bookings_between(session, opens, closes, [room.id],
                                                                         states=["active"]) if b.id not in exclude)
    slots: list[Slot] = []
    cursor = opens
    for begin, end in busy:
        if begin > cursor:
            slots.append((cursor, min(begin, closes)))
        cursor = max(cursor, end)
        if cursor >= closes:
            break
    if cursor < closes:
        slots.append((cursor, closes))
    return [(a, b) for a, b in slots if b > a]


def nearest_free_times(session: Session, room_id: int, starts_at: dt.datetime, ends_at: dt.datetime, *,
                       arrival_buffer_minutes: int = 0, limit: int = 3, exclude: Collection[int] = ()) -> list[Slot]:
    """Up to ``limit`` free (start, end) of the same length on the same day within the room's
    opening hours, nearest to the wanted start first (the wanted time itself when it is free)."""
    (room,) = week_rooms(session, room_id)
    length = ends_at - starts_at
    buffer = dt.timedelta(minutes=arrival_buffer_minutes)
    wanted = starts_at - buffer  # the room is needed from here
    found: list[Slot] = []
    for begin, end in free_slots(session, room, starts_at.date(), exclude=exclude):
        if end - begin < length + buffer:
            continue
        taken_from = min(max(wanted, begin), end - length - buffer)
        found.append((taken_from + buffer, taken_from + buffer + length))
    found.sort(key=lambda s: (abs(s[0] - starts_at), s[0]))
    return found[:limit]
