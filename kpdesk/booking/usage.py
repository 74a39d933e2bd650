"""Use of the meeting place for the yearly report: per room and month, hours booked against the
opening hours, and how many bookings of each kind.

Opening hours count on workdays (Monday to Friday, not holidays). Booked hours are the hours
active bookings take the room, arrival buffers included: all of them (evening lectures too),
and the part inside the opening hours of workdays, which is what the share is taken of.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from kpdesk.booking.holidays import is_workday
from kpdesk.booking.inputs import MAX_BOOKING_DAYS
from kpdesk.booking.week import week_rooms
from kpdesk.common.codes import BOOKING_KINDS
from kpdesk.db.models import Booking
from kpdesk.db.stored_values import stored_datetime

_HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class MonthUsage:
    room_id: int
    room_name: str
    year: int
    month: int  # 1–12; 0 for the whole year (``yearly``)
    open_hours: float
    booked_hours: float  # all hours taken, inside and outside opening hours
    booked_open_hours: float  # the part inside opening hours on workdays
    bookings: int  # active bookings starting in the month
    by_kind: tuple[tuple[str, int], ...]  # (kind key, count) in BOOKING_KINDS order, zeros left out

    @property
    def share(self) -> float:
        """Booked share of the opening hours, 0–1."""
        return self.booked_open_hours / self.open_hours if self.open_hours else 0.0

    def count(self, kind: str) -> int:
        return dict(self.by_kind).get(kind, 0)


def _overlap(a: dt.datetime, b: dt.datetime, c: dt.datetime, d: dt.datetime) -> float:
    return max(0.0, (min(b, d) - max(a, c)).total_seconds())


def room_usage(session: Session, year: int, room_id: int | None = None) -> list[MonthUsage]:
    """Twelve ``MonthUsage`` per room (or for one room), rooms in Norwegian order."""
    rooms = week_rooms(session, room_id)
    first, after = dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1)
    workdays = {m: [dt.date(year, m, d) for d in range(1, calendar.monthrange(year, m)[1] + 1)
                    if is_workday(dt.date(year, m, d))] for m in range(1, 13)}
    stmt = (select(Booking.room_id, Booking.kind, type_coerce(Booking.starts_at, String),
                   type_coerce(Booking.ends_at, String), Booking.arrival_buffer_minutes)
            .where(Booking.state == "active", Booking.starts_at >= first - dt.timedelta(days=MAX_BOOKING_DAYS),
                   Booking.starts_at < after))
    if room_id is not None:
        stmt = stmt.where(Booking.room_id == room_id)
    session.flush()
    wanted = {r.id: r for r in rooms}
    booked: dict[tuple[int, int], float] = {}
    inside: dict[tuple[int, int], float] = {}
    counts: dict[tuple[int, int], dict[str, int]] = {}
    parse = stored_datetime
    for rid, kind, starts_text, ends_text, buffer in session.connection().execute(stmt):
        room = wanted.get(rid)
        if room is None:
            continue
        starts, ends = parse(starts_text), parse(ends_text)
        taken_from = starts - dt.timedelta(minutes=buffer or 0)
        if starts >= first:
            key = (rid, starts.month)
            bucket = counts.setdefault(key, {})
            bucket[kind] = bucket.get(kind, 0) + 1
        day = max(taken_from.date(), first.date())
        while day <= ends.date() and day.year == year:
            midnight = dt.datetime.combine(day, dt.time(0))
            key = (rid, day.month)
            booked[key] = booked.get(key, 0.0) + _overlap(taken_from, ends, midnight, midnight + dt.timedelta(days=1))
            if is_workday(day):
                inside[key] = inside.get(key, 0.0) + _overlap(taken_from, ends, dt.datetime.combine(day, room.opens_at),
                                                              dt.datetime.combine(day, room.closes_at))
            day += dt.timedelta(days=1)
    result = []
    order = [code.key for code in BOOKING_KINDS]
    for room in rooms:
        daily = (dt.datetime.combine(first.date(), room.closes_at)
                 - dt.datetime.combine(first.date(), room.opens_at)).total_seconds()
        for month in range(1, 13):
            key = (room.id, month)
            kinds = counts.get(key, {})
            by_kind = tuple((k, kinds[k]) for k in order + sorted(set(kinds) - set(order)) if kinds.get(k))
            result.append(MonthUsage(room.id, room.name, year, month, len(workdays[month]) * daily / _HOUR,
                                     booked.get(key, 0.0) / _HOUR, inside.get(key, 0.0) / _HOUR,
                                     sum(kinds.values()), by_kind))
    return result


def yearly(rows: list[MonthUsage]) -> list[MonthUsage]:
    """The months of each room added up (``month`` 0), rooms in the order given."""
    totals: dict[int, list[MonthUsage]] = {}
    for row in rows:
        totals.setdefault(row.room_id, []).append(row)
    result = []
    for months in totals.values():
        kinds: dict[str, int] = {}
        for m in months:
            for kind, n in m.by_kind:
                kinds[kind] = kinds.get(kind, 0) + n
        first = months[0]
        result.append(MonthUsage(first.room_id, first.room_name, first.year, 0,
                                 sum(m.open_hours for m in months), sum(m.booked_hours for m in months),
                                 sum(m.booked_open_hours for m in months), sum(m.bookings for m in months),
                                 tuple(kinds.items())))
    return result
