"""iCalendar export of the room bookings (RFC 5545, with the ``icalendar`` package).

A series is one VEVENT with its RRULE: occurrences that are cancelled or skipped are EXDATEs,
and an occurrence changed on its own (moved, retitled, in another room) is a VEVENT of its own
with the series' UID and a RECURRENCE-ID. Times carry TZID=Europe/Oslo with a VTIMEZONE built
from zoneinfo, so Outlook and Google Calendar keep a 09:00 series at 09:00 in summer and winter.
The rule's UNTIL is written in UTC, as RFC 5545 requires next to a DTSTART with TZID.

The export holds exactly the active bookings of the database: any date the rule gives that has
no active row is an EXDATE. UIDs stay the same from one export to the next (series or booking
id plus a random tag made once per database), so importing a newer file updates the events.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk import __version__
from kpdesk.booking.recurrence import occurrences, split_rule
from kpdesk.booking.times import OSLO, aware, hm
from kpdesk.common.codes import BOOKING_KINDS
from kpdesk.db import audit
from kpdesk.db.models import Booking, BookingSeries, Offer, Room, Setting

UID_SETTING = "ical_uid_tag"
TZID = "Europe/Oslo"


@dataclass(frozen=True, slots=True)
class IcsResult:
    events: int  # VEVENTs written
    series: int
    bookings: int  # active bookings (occurrences included) the file holds

    def sentence(self, target: str | os.PathLike[str]) -> str:
        from kpdesk.booking.rooms import plural

        return (f"Eksporterte {plural(self.bookings, 'booking', 'bookinger')} "
                f"({plural(self.series, 'serie', 'serier')}) til {target}.")


def uid_tag(session: Session) -> str:
    """A random tag for this database's UIDs, made on the first export and kept."""
    found = session.get(Setting, UID_SETTING)
    if found is None:
        found = Setting(key=UID_SETTING, value=uuid.uuid4().hex[:12])
        session.add(found)
        session.flush()
    return found.value


def _utc(local: dt.datetime) -> str:
    return aware(local).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ical_rule(rule: str, first_start: dt.datetime) -> str:
    """The stored rule with its UNTIL as the UTC moment of the last occurrence (RFC 5545 §3.3.10)."""
    parts = split_rule(rule)
    if "UNTIL" in parts:
        found = occurrences(rule, first_start)
        last = found[-1] if found else first_start
        parts["UNTIL"] = _utc(last)
    return ";".join(f"{k}={v}" for k, v in parts.items())


# ---------------------------------------------------------------- reading

_BOOKING_COLUMNS = (Booking.id, Booking.room_id, Room.name, Booking.series_id, Booking.recurrence_start,
                    Booking.title, Booking.kind, Booking.starts_at, Booking.ends_at, Booking.state,
                    Booking.is_exception, Booking.organiser, Booking.attendees, Offer.ref,
                    Booking.arrival_buffer_minutes, Booking.invigilators, Booking.override_reason, Booking.notes)


def _bookings(session: Session) -> list[Any]:
    stmt = (select(*_BOOKING_COLUMNS).join(Room, Room.id == Booking.room_id)
            .outerjoin(Offer, Offer.id == Booking.offer_id).order_by(Booking.starts_at, Booking.id))
    return list(session.execute(stmt))


def _series(session: Session) -> dict[int, Any]:
    stmt = (select(BookingSeries.id, BookingSeries.room_id, Room.name, BookingSeries.title, BookingSeries.kind,
                   BookingSeries.rrule, BookingSeries.first_start, BookingSeries.duration_minutes)
            .join(Room, Room.id == BookingSeries.room_id))
    return {row.id: row for row in session.execute(stmt)}


# ---------------------------------------------------------------- building

def _description(b: Any) -> str:
    lines = [f"Type: {BOOKING_KINDS.label(b.kind)}"]
    if b.organiser:
        lines.append(f"Arrangør: {b.organiser}")
    if b.attendees:
        lines.append(f"Deltakere: {b.attendees}")
    if b.arrival_buffer_minutes:
        arrive = b.starts_at - dt.timedelta(minutes=b.arrival_buffer_minutes)
        lines.append(f"Oppmøte kl. {hm(arrive)} ({b.arrival_buffer_minutes} minutter før start)")
    if b.invigilators:
        lines.append(f"Eksamensvakter: {b.invigilators}")
    if b.ref:
        lines.append(f"Tilbud: {b.ref}")
    if b.override_reason:
        lines.append(f"Booket tross konflikt: {b.override_reason}")
    if b.notes:
        lines.append(b.notes)
    return "\n".join(lines)


def _event(b: Any, uid: str, stamp: dt.datetime) -> Any:
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", aware(b.starts_at))
    event.add("dtend", aware(b.ends_at))
    event.add("summary", b.title)
    event.add("location", b.name)
    event.add("description", _description(b))
    event.add("categories", [BOOKING_KINDS.label(b.kind)])
    return event


def build_calendar(session: Session, room_id: int | None = None) -> tuple[Any, IcsResult]:
    """The calendar of all rooms, or of one room; and what it holds."""
    from icalendar import Calendar, vRecur

    tag = uid_tag(session)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    rows = _bookings(session)
    series = _series(session)
    by_series: dict[int, list[Any]] = defaultdict(list)
    singles: list[Any] = []
    for b in rows:
        if b.series_id is None or b.series_id not in series:
            singles.append(b)
        elif room_id is not None and series[b.series_id].room_id != room_id:
            if b.room_id == room_id:  # moved into this room from another room's series
                singles.append(b)
        else:
            by_series[b.series_id].append(b)

    calendar = Calendar()
    calendar.add("prodid", f"-//kpdesk//kpdesk {__version__}//NB")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = "kpdesk: alle rom"
    if room_id is not None:
        name = f"kpdesk: {session.execute(select(Room.name).where(Room.id == room_id)).scalar_one()}"
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    events = booked = series_count = 0
    moments: list[dt.datetime] = []

    for series_id, members in sorted(by_series.items()):
        s = series[series_id]
        in_room = [b for b in members if b.state == "active" and (room_id is None or b.room_id == room_id)]
        if not in_room:
            continue
        starts = occurrences(s.rrule, s.first_start)
        duration = dt.timedelta(minutes=s.duration_minutes)
        by_start = {b.recurrence_start: b for b in members if b.recurrence_start is not None}
        head = dict(next((b for b in in_room if not b.is_exception), in_room[0])._mapping)
        head.update(starts_at=s.first_start, ends_at=s.first_start + duration, title=s.title, name=s.name,
                    kind=s.kind, room_id=s.room_id)
        master = _event(_Row(head), f"kpdesk-series-{series_id}-{tag}@kpdesk", stamp)
        master.add("rrule", vRecur.from_ical(ical_rule(s.rrule, s.first_start)))
        excluded, overrides = [], []
        for start in starts:
            b = by_start.get(start)
            if b is None or b.state != "active" or (room_id is not None and b.room_id != room_id):
                excluded.append(aware(start))
                continue
            booked += 1
            moments.append(b.starts_at)
            plain = (b.starts_at == start and b.ends_at == start + duration and b.title == s.title
                     and b.room_id == s.room_id and not b.is_exception)
            if not plain:
                override = _event(b, f"kpdesk-series-{series_id}-{tag}@kpdesk", stamp)
                override.add("recurrence-id", aware(start))
                overrides.append(override)
        if excluded:
            master.add("exdate", excluded)
        calendar.add_component(master)
        for override in overrides:
            calendar.add_component(override)
        events += 1 + len(overrides)
        series_count += 1
        moments.append(s.first_start)
        # Active rows the rule does not give (should not happen): kept as bookings of their own.
        given = set(starts)
        singles += [b for b in in_room if b.recurrence_start not in given]

    for b in singles:
        if b.state != "active" or (room_id is not None and b.room_id != room_id):
            continue
        calendar.add_component(_event(b, f"kpdesk-booking-{b.id}-{tag}@kpdesk", stamp))
        events += 1
        booked += 1
        moments.append(b.starts_at)
    if moments:
        calendar.add_missing_timezones(first_date=dt.date(min(moments).year - 1, 1, 1),
                                       last_date=dt.date(max(moments).year + 2, 1, 1))
    else:
        from icalendar import Timezone

        calendar.add_component(Timezone.from_tzinfo(OSLO, TZID))
    return calendar, IcsResult(events, series_count, booked)


class _Row:
    """Attribute access over a dict (a series' first row, with the series' own values)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


# ---------------------------------------------------------------- writing

def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write the calendar file atomically (see kpdesk.common.atomic_files)."""
    from kpdesk.common import atomic_files as files

    files.write_atomic(path, data, example="bookinger.ics")


def export_ics(session: Session, path: str | os.PathLike[str], room_id: int | None = None) -> IcsResult:
    """Write the bookings (of one room) as an .ics file; audited."""
    calendar, result = build_calendar(session, room_id)
    write_atomic(path, calendar.to_ical())
    audit.record(session, "export", "booking", None, summary=f"Eksporterte {result.bookings} bookinger som "
                                                             f"iCalendar til {Path(path).name}.")
    return result
