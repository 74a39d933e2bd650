"""iCalendar export: parsed back with icalendar, the RRULEs expanded with dateutil (less EXDATEs,
with RECURRENCE-ID overrides), compared with the active bookings in the database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar
from sqlalchemy import select
from support import new_location

from kpdesk.booking.ical import build_calendar, export_ics
from kpdesk.booking.inputs import BookingData
from kpdesk.booking.reads import booking_data, series_bookings
from kpdesk.booking.rooms import RoomData, room_id_for_name, save_room
from kpdesk.booking.service import cancel_booking, create_booking, update_booking, update_following
from kpdesk.booking.times import OSLO
from kpdesk.common.errors import UserError
from kpdesk.db.models import Booking, Room

T = dt.datetime
Event = tuple[dt.datetime, dt.datetime, str, str]


def _dates(prop) -> list[dt.datetime]:
    if prop is None:
        return []
    found = []
    for item in prop if isinstance(prop, list) else [prop]:
        found += [d.dt for d in item.dts]
    return found


def expand(data: bytes) -> set[Event]:
    """Every event the calendar holds, as a calendar program would show it."""
    calendar = Calendar.from_ical(data)
    masters, overrides = {}, defaultdict(dict)
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        if "RECURRENCE-ID" in event:
            overrides[uid][event.decoded("RECURRENCE-ID")] = event
        else:
            assert uid not in masters, f"UID {uid} twice"
            masters[uid] = event
    shown: set[Event] = set()

    def add(event, start=None, end=None) -> None:
        shown.add((start or event.decoded("DTSTART"), end or event.decoded("DTEND"), str(event["SUMMARY"]),
                   str(event["LOCATION"])))

    for uid, event in masters.items():
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Oslo"
        if "RRULE" not in event:
            add(event)
            continue
        excluded = set(_dates(event.get("EXDATE")))
        rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
        for occurrence in rule:
            if occurrence in excluded:
                continue
            if occurrence in overrides[uid]:
                add(overrides[uid].pop(occurrence))
            else:
                add(event, occurrence, occurrence + (end - start))
        assert not overrides[uid], "an override whose RECURRENCE-ID the rule does not give"
    return shown


def active_in_db(store, room: str | None = None) -> set[Event]:
    with store.session() as s:
        stmt = (select(Booking.starts_at, Booking.ends_at, Booking.title, Room.name)
                .join(Room, Room.id == Booking.room_id).where(Booking.state == "active"))
        if room:
            stmt = stmt.where(Room.name == room)
        return {(a.replace(tzinfo=OSLO), b.replace(tzinfo=OSLO), t, r) for a, b, t, r in s.execute(stmt)}


@pytest.fixture
def booked(store):
    """A term with a weekly series across summer time, an exception moved to another room, a
    cancelled date, holidays skipped, a split series and single bookings."""
    with store.session() as s:
        save_room(s, RoomData("Videorom", 14))
        save_room(s, RoomData("Auditoriet", 60))
        weekly = create_booking(s, BookingData("Videorom", "Nettforelesning", T(2027, 1, 7, 9), T(2027, 1, 7, 11),
                                               kind="video_lecture", repeat="FREQ=WEEKLY;BYDAY=TH;UNTIL=20271216"))
        rows = {r.starts_at.date(): r.id for r in series_bookings(s, weekly.series_id)}
        cancel_booking(s, rows[dt.date(2027, 2, 4)], "Vinterferie")
        moved = rows[dt.date(2027, 4, 1)]
        update_booking(s, moved, booking_data(s, moved).replace(room="Auditoriet", starts_at=T(2027, 4, 1, 12),
                                                                ends_at=T(2027, 4, 1, 14)))
        split = rows[dt.date(2027, 9, 2)]
        update_following(s, split, booking_data(s, split).replace(starts_at=T(2027, 9, 2, 10),
                                                                  ends_at=T(2027, 9, 2, 12)))
        create_booking(s, BookingData("Auditoriet", "Eksamen SYK2001", T(2027, 5, 12, 9), T(2027, 5, 12, 13),
                                      kind="exam", arrival_buffer_minutes=30, invigilators=2, attendees=12))
        create_booking(s, BookingData("Auditoriet", "Koordinatormøte", T(2027, 3, 22, 8, 30), T(2027, 3, 22, 9, 30),
                                      kind="meeting", repeat="FREQ=WEEKLY;BYDAY=MO;COUNT=10"))
    return store


def test_round_trip_equals_the_active_bookings(booked, tmp_path: Path) -> None:
    target = tmp_path / "bookinger.ics"
    with booked.session() as s:
        result = export_ics(s, target)
    expected = active_in_db(booked)
    assert expand(target.read_bytes()) == expected
    assert result.bookings == len(expected)
    assert result.series == 3  # the weekly series was split in two
    assert result.sentence(target) == f"Eksporterte {len(expected)} bookinger (3 serier) til {target}."


def test_exdates_overrides_and_times(booked) -> None:
    with booked.session() as s:
        calendar, _ = build_calendar(s)
    text = calendar.to_ical().decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Oslo" in text
    assert "DTSTART;TZID=Europe/Oslo:20270107T090000" in text
    # the first half of the split series ends with its last date before the split, in UTC
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270826T070000Z;BYDAY=TH" in text
    events = list(Calendar.from_ical(text).walk("VEVENT"))
    lecture = next(e for e in events if "RRULE" in e and str(e["SUMMARY"]) == "Nettforelesning"
                   and e.decoded("DTSTART").month == 1)
    excluded = {d.date() for d in _dates(lecture.get("EXDATE"))}
    assert excluded == {dt.date(2027, 2, 4), dt.date(2027, 3, 25), dt.date(2027, 5, 6)}  # cancelled, 2 holidays
    override = next(e for e in events if "RECURRENCE-ID" in e)
    assert (override.decoded("RECURRENCE-ID"), override.decoded("DTSTART"), str(override["LOCATION"])) == (
        T(2027, 4, 1, 9, tzinfo=OSLO), T(2027, 4, 1, 12, tzinfo=OSLO), "Auditoriet")
    assert str(override["UID"]) == str(lecture["UID"])
    exam = next(e for e in events if str(e["SUMMARY"]) == "Eksamen SYK2001")
    assert "Oppmøte kl. 08.30 (30 minutter før start)" in str(exam["DESCRIPTION"])
    assert "Eksamensvakter: 2" in str(exam["DESCRIPTION"])


def test_series_stays_at_nine_across_summer_time(booked) -> None:
    """The VTIMEZONE itself (not just zoneinfo) puts 09:00 at 08:00 UTC in winter, 07:00 in summer."""
    with booked.session() as s:
        calendar, _ = build_calendar(s)
    (zone,) = Calendar.from_ical(calendar.to_ical()).walk("VTIMEZONE")
    tz = zone.to_tz()
    for day, utc_hour in ((dt.date(2027, 3, 25), 8), (dt.date(2027, 4, 1), 7), (dt.date(2027, 10, 28), 7),
                          (dt.date(2027, 11, 4), 8)):
        local = dt.datetime.combine(day, dt.time(9), tzinfo=tz)
        assert local.astimezone(dt.UTC).hour == utc_hour
    starts = {e[0] for e in expand(calendar.to_ical()) if e[2] == "Nettforelesning" and e[3] == "Videorom"}
    assert {s.time() for s in starts} == {dt.time(9), dt.time(10)}  # 10:00 after the split, never 08:00


def test_one_room_and_the_rooms_together(booked, tmp_path: Path) -> None:
    together = set()
    for room in ("Videorom", "Auditoriet"):
        with booked.session() as s:
            calendar, _result = build_calendar(s, room_id_for_name(s, room))
        shown = expand(calendar.to_ical())
        assert shown == active_in_db(booked, room)
        assert {e[3] for e in shown} == {room}
        assert f"X-WR-CALNAME:kpdesk: {room}" in calendar.to_ical().decode()
        together |= shown
    assert together == active_in_db(booked)


def test_uids_stay_the_same(booked, tmp_path: Path) -> None:
    uids = []
    for name in ("a.ics", "b.ics"):
        with booked.session() as s:
            export_ics(s, tmp_path / name)
        uids.append(sorted(str(e["UID"]) for e in Calendar.from_ical((tmp_path / name).read_bytes()).walk("VEVENT")))
    assert uids[0] == uids[1]
    assert all(u.startswith(("kpdesk-series-", "kpdesk-booking-")) and u.endswith("@kpdesk") for u in uids[0])


def test_demo_centre_round_trip(tmp_path: Path) -> None:
    """The small demo's term: holidays skipped, occurrences cancelled, exams, samlinger, meetings."""
    from kpdesk.db.store import Store
    from kpdesk.demo import create_demo

    path = new_location(tmp_path, "demo.sqlite")
    create_demo(path, scale="small")
    store = Store.open(path)
    try:
        with store.session() as s:
            calendar, result = build_calendar(s)
        assert expand(calendar.to_ical()) == active_in_db(store)
        assert result.series == 8
    finally:
        store.close()


def test_empty_calendar_and_write_errors(store, tmp_path: Path) -> None:
    with store.session() as s:
        result = export_ics(s, tmp_path / "tom.ics")
        assert (result.events, result.bookings) == (0, 0)
        assert b"BEGIN:VTIMEZONE" in (tmp_path / "tom.ics").read_bytes()
        with pytest.raises(UserError, match=r"finnes ikke, så x\.ics kan ikke lagres der"):
            export_ics(s, tmp_path / "mangler" / "x.ics")
        with pytest.raises(UserError, match="er en mappe"):
            export_ics(s, tmp_path)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
