"""The week schedule, the free-room finder and the use of the meeting place."""

from __future__ import annotations

import datetime as dt

import pytest

from kpdesk.booking.finder import find_rooms, free_slots, nearest_free_times
from kpdesk.booking.inputs import BookingData
from kpdesk.booking.rooms import RoomData, add_equipment, save_room
from kpdesk.booking.service import cancel_booking, create_booking
from kpdesk.booking.usage import room_usage, yearly
from kpdesk.booking.week import parse_week, shift_week, week_of, week_schedule
from kpdesk.common.errors import UserError

T = dt.datetime


@pytest.fixture
def centre(store):
    with store.session() as s:
        add_equipment(s, "videokonferanse")
        add_equipment(s, "PC-er")
        ids = {
            "Auditoriet": save_room(s, RoomData("Auditoriet", 60, ("videokonferanse",), dt.time(8), dt.time(21))),
            "Eksamensrom": save_room(s, RoomData("Eksamensrom", 24, ("PC-er",))),
            "Grupperom": save_room(s, RoomData("Grupperom", 8)),
        }
        create_booking(s, BookingData("Eksamensrom", "Eksamen SYK2001", T(2027, 5, 12, 9), T(2027, 5, 12, 13),
                                      kind="exam", attendees=12, arrival_buffer_minutes=30, invigilators=2,
                                      organiser="Nord universitet"))
        weekly = create_booking(s, BookingData("Auditoriet", "Nettforelesning", T(2027, 5, 3, 18), T(2027, 5, 3, 20),
                                               kind="video_lecture", repeat="FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6"))
        create_booking(s, BookingData("Grupperom", "Behovsmøte", T(2027, 5, 11, 10), T(2027, 5, 11, 11),
                                      kind="meeting", attendees=4))
        cancel_booking(s, weekly.booking_ids[3], "Foreleser syk")  # Thursday 13.05
    return store, ids


def test_week_schedule(centre) -> None:
    store, _ids = centre
    with store.session() as s:
        week = week_schedule(s, 2027, 19)
        ascension = week_schedule(s, 2027, 18)
    assert [(d.label, d.holiday) for d in ascension.days] == [
        ("mandag 03.05.2027", None), ("tirsdag 04.05.2027", None), ("onsdag 05.05.2027", None),
        ("torsdag 06.05.2027", "Kristi himmelfartsdag"), ("fredag 07.05.2027", None)]
    assert (week.label, week.dates) == ("Uke 19, 2027", "10.05.2027–14.05.2027")
    assert [d.holiday for d in week.days] == [None] * 5
    assert [r.name for r in week.rooms] == ["Auditoriet", "Eksamensrom", "Grupperom"]
    assert week.rooms[0].equipment == ("videokonferanse",)
    ordered = [(b.starts_at, b.title, b.state) for b in week.bookings]
    assert ordered == [(T(2027, 5, 10, 18), "Nettforelesning", "active"), (T(2027, 5, 11, 10), "Behovsmøte", "active"),
                       (T(2027, 5, 12, 9), "Eksamen SYK2001", "active"),
                       (T(2027, 5, 13, 18), "Nettforelesning", "cancelled")]
    exam = week.bookings[2]
    assert (exam.blocked_from, exam.kind_label, exam.invigilators, exam.organiser) == (
        T(2027, 5, 12, 8, 30), "eksamen", 2, "Nord universitet")
    assert week.bookings[3].state_reason == "Foreleser syk"
    assert week.bookings[0].series_id is not None
    assert [b.title for b in week.on(dt.date(2027, 5, 12))] == ["Eksamen SYK2001"]


def test_week_with_weekend_one_room_and_navigation(centre) -> None:
    store, ids = centre
    with store.session() as s:
        week = week_schedule(s, 2027, 20, room_id=ids["Auditoriet"], include_weekend=True)
        assert len(week.days) == 7 and week.days[0].holiday == "Andre pinsedag; Grunnlovsdagen"
        assert [r.name for r in week.rooms] == ["Auditoriet"]
        assert [(b.starts_at.day, b.state) for b in week.bookings] == [(17, "skipped"), (20, "active")]
        with pytest.raises(UserError, match="Uke 54 finnes ikke i 2027"):
            week_schedule(s, 2027, 54)
    assert shift_week(2026, 53, 1) == (2027, 1)
    assert shift_week(2027, 1, -1) == (2026, 53)
    assert week_of(dt.date(2027, 1, 1)) == (2026, 53)
    assert parse_week("2027-W20") == (2027, 20) == parse_week("20/2027")
    with pytest.raises(UserError, match="er ikke en uke"):
        parse_week("mai")


def test_free_room_finder(centre) -> None:
    store, _ids = centre
    with store.session() as s:
        options = find_rooms(s, T(2027, 5, 12, 10), T(2027, 5, 12, 12), attendees=10, equipment=["PC-er"])
    names = [(o.room.name, o.suitable) for o in options]
    # free rooms first, then those that hold everyone, then those with the equipment
    assert names == [("Auditoriet", False), ("Grupperom", False), ("Eksamensrom", False)]
    exam_room = options[2]
    assert exam_room.clashes[0].other.title == "Eksamen SYK2001"
    assert exam_room.suggestions == ((T(2027, 5, 12, 13), T(2027, 5, 12, 15)),)
    assert options[0].missing_equipment == ("PC-er",) and options[0].free
    assert not options[1].holds_attendees
    with store.session() as s:
        options = find_rooms(s, T(2027, 5, 12, 10), T(2027, 5, 12, 12), attendees=6)
    assert [(o.room.name, o.suitable) for o in options] == [("Grupperom", True), ("Auditoriet", True),
                                                            ("Eksamensrom", False)]


def test_free_room_finder_for_a_series(centre) -> None:
    store, _ = centre
    with store.session() as s:
        options = find_rooms(s, T(2027, 5, 3, 19), T(2027, 5, 3, 20), repeat="FREQ=WEEKLY;BYDAY=MO;COUNT=3")
    by_name = {o.room.name: o for o in options}
    # 03.05 and 10.05 clash with the evening lectures; 17.05 is 2. pinsedag, when that series is skipped
    assert [c.start.day for c in by_name["Auditoriet"].clashes] == [3, 10]
    assert not by_name["Grupperom"].within_hours  # 19:00 is after it closes at 16:00
    assert [o.room.name for o in options] == ["Grupperom", "Eksamensrom", "Auditoriet"]


def test_nearest_free_times(centre) -> None:
    store, ids = centre
    with store.session() as s:
        room = ids["Eksamensrom"]
        assert nearest_free_times(s, room, T(2027, 5, 12, 9), T(2027, 5, 12, 10)) == [
            (T(2027, 5, 12, 13), T(2027, 5, 12, 14))]
        assert nearest_free_times(s, room, T(2027, 5, 12, 9), T(2027, 5, 12, 9, 30)) == [
            (T(2027, 5, 12, 8), T(2027, 5, 12, 8, 30)), (T(2027, 5, 12, 13), T(2027, 5, 12, 13, 30))]
        # an exam needs its arrival half hour free as well
        assert nearest_free_times(s, room, T(2027, 5, 12, 13), T(2027, 5, 12, 15), arrival_buffer_minutes=30) == [
            (T(2027, 5, 12, 13, 30), T(2027, 5, 12, 15, 30))]
        (week_room,) = [r for r in week_schedule(s, 2027, 19).rooms if r.id == room]
        assert free_slots(s, week_room, dt.date(2027, 5, 12)) == [(T(2027, 5, 12, 8), T(2027, 5, 12, 8, 30)),
                                                                   (T(2027, 5, 12, 13), T(2027, 5, 12, 16))]
        assert nearest_free_times(s, room, T(2027, 5, 12, 14), T(2027, 5, 12, 15)) == [
            (T(2027, 5, 12, 14), T(2027, 5, 12, 15))]  # free: the time asked for


def test_usage_per_room_and_month(centre) -> None:
    store, _ids = centre
    with store.session() as s:
        rows = room_usage(s, 2027)
    may = {r.room_name: r for r in rows if r.month == 5}
    assert len(rows) == 36
    # May 2027 has 21 weekdays, of which 06.05, 17.05 are holidays (01.05 is a Saturday): 19 workdays
    assert may["Eksamensrom"].open_hours == 19 * 8
    assert may["Eksamensrom"].booked_hours == 4.5  # the exam and its arrival half hour
    assert may["Eksamensrom"].booked_open_hours == 4.5
    assert may["Eksamensrom"].by_kind == (("exam", 1),)
    assert round(may["Eksamensrom"].share, 4) == round(4.5 / 152, 4)
    # the evening lectures: six dates, 06.05 and 17.05 skipped (holidays), 13.05 cancelled; open to 21:00
    assert may["Auditoriet"].bookings == 3
    assert may["Auditoriet"].booked_hours == 6 == may["Auditoriet"].booked_open_hours
    assert may["Auditoriet"].open_hours == 19 * 13
    assert may["Auditoriet"].count("video_lecture") == 3
    assert may["Grupperom"].by_kind == (("meeting", 1),)
    total = {r.room_name: r for r in yearly(rows)}
    assert total["Eksamensrom"].bookings == 1 and total["Eksamensrom"].month == 0
    assert total["Grupperom"].open_hours == sum(r.open_hours for r in rows if r.room_name == "Grupperom")


def test_the_schedule_opens_on_this_week_or_the_week_of_the_next_booking(centre) -> None:
    from kpdesk.booking.week import opening_week

    store, ids = centre
    with store.session() as s:
        assert opening_week(s, dt.date(2027, 5, 12)) == (2027, 19)  # this week has bookings
        assert opening_week(s, dt.date(2027, 4, 1)) == (2027, 18)  # empty: the next booking's week
        assert opening_week(s, dt.date(2027, 5, 3), room_id=ids["Grupperom"]) == (2027, 19)
        assert opening_week(s, dt.date(2027, 5, 3), site="Mosjøen") == (2027, 18)  # nothing there: this week
        assert opening_week(s, dt.date(2027, 9, 1)) == week_of(dt.date(2027, 9, 1))  # nothing ahead


def test_first_booking_of_a_new_series_is_where_the_view_goes(centre) -> None:
    from kpdesk.booking.week import first_booking, week_sites

    store, ids = centre
    with store.session() as s:
        lectures = [b.id for b in week_schedule(s, 2027, 19).bookings if b.title == "Nettforelesning"]
        place = first_booking(s, reversed(lectures))
        assert place is not None and (place.starts_at, place.room_id) == (T(2027, 5, 10, 18), ids["Auditoriet"])
        assert first_booking(s, [lectures[1]]) is None  # the cancelled Thursday: nothing active to go to
        assert first_booking(s, []) is None
        assert week_sites(week_schedule(s, 2027, 19).rooms) == []
