"""«Vis på oppslag»: the kind's default, the raw field, and the flag through every write and read."""

from __future__ import annotations

import datetime as dt

import pytest

from kpdesk.booking.inputs import BookingData, public_by_default, validate_booking
from kpdesk.booking.reads import booking_data, get_booking, get_series, series_bookings, series_data
from kpdesk.booking.rooms import RoomData, save_room
from kpdesk.booking.service import create_booking, update_booking, update_following, update_series
from kpdesk.booking.snapshots import undo
from kpdesk.booking.week import bookings_between

T = dt.datetime


@pytest.mark.parametrize(("kind", "public"), [("session", True), ("exam", True), ("video_lecture", True),
                                              ("meeting", False), ("other", False)])
def test_the_kind_decides_by_default(kind: str, public: bool) -> None:
    assert public_by_default(kind) is public
    data = BookingData("Møterom", "Noe", T(2027, 6, 1, 9), T(2027, 6, 1, 10), kind=kind)
    assert data.public is None and data.is_public is public
    assert data.replace(public=not public).is_public is not public


def raw(**values: str) -> dict[str, str]:
    return {"room": "Møterom Tind", "title": "Møte med Hemnes Trelast", "kind": "møte", "start": "01.06.2027 10:00",
            "end": "11:00", **values}


def test_validate_booking_reads_the_flag_or_leaves_it_to_the_kind() -> None:
    data, problems = validate_booking(raw())
    assert data is not None and not problems
    assert data.public is None and not data.is_public
    data, _ = validate_booking(raw(public="ja"))
    assert data is not None and data.public is True and data.is_public
    data, _ = validate_booking(raw(kind="samling", public="nei"))
    assert data is not None and data.public is False and not data.is_public
    data, problems = validate_booking(raw(public="kanskje"))
    assert data is None and [p.field for p in problems] == ["public"]
    assert "«ja» eller «nei»" in problems[0].message


@pytest.fixture
def rooms(store):
    with store.session() as s:
        save_room(s, RoomData("Møterom Tind", 10))
        save_room(s, RoomData("Auditoriet", 60))
    return store


def meeting(**changes: object) -> BookingData:
    data = BookingData("Møterom Tind", "Møte med Hemnes Trelast", T(2027, 6, 1, 10), T(2027, 6, 1, 11),
                       kind="meeting", organiser="Kari Hansen")
    return data.replace(**changes)


def test_a_single_booking_stores_and_reads_back_the_flag(rooms) -> None:
    with rooms.session() as s:
        ids = create_booking(s, meeting()).booking_ids
        assert get_booking(s, ids[0]).public is False
        assert booking_data(s, ids[0]).public is False
        session = create_booking(s, BookingData("Auditoriet", "Samling 2: Helsefag", T(2027, 6, 1, 9),
                                                T(2027, 6, 1, 15), kind="session")).booking_ids
        assert get_booking(s, session[0]).public is True
        write = update_booking(s, ids[0], booking_data(s, ids[0]).replace(public=True))
        assert get_booking(s, ids[0]).public is True
        start = T(2027, 6, 1)
        week = {b.id: b.public for b in bookings_between(s, start, start + dt.timedelta(days=1))}
        assert week == {ids[0]: True, session[0]: True}
        undo(s, write.undo)
        assert get_booking(s, ids[0]).public is False


def test_a_series_and_its_occurrences_share_the_flag(rooms) -> None:
    with rooms.session() as s:
        write = create_booking(s, meeting(public=True, repeat="FREQ=WEEKLY;BYDAY=TU;COUNT=4"))
        series_id = write.series_id
        assert series_id is not None
        assert get_series(s, series_id).public is True
        assert [b.public for b in series_bookings(s, series_id)] == [True] * 4
        assert series_data(s, series_id).public is True

        update_series(s, series_id, series_data(s, series_id).replace(public=False))
        assert get_series(s, series_id).public is False
        assert [b.public for b in series_bookings(s, series_id)] == [False] * 4

        third = series_bookings(s, series_id)[2]
        update_following(s, third.id, booking_data(s, third.id).replace(public=True))
        rest = get_booking(s, third.id).series_id
        assert rest is not None and rest != series_id
        assert get_series(s, rest).public is True and get_series(s, series_id).public is False
        assert [b.public for b in series_bookings(s, series_id)] == [False, False]
        assert [b.public for b in series_bookings(s, rest)] == [True, True]


def test_one_occurrence_can_differ_from_its_series(rooms) -> None:
    with rooms.session() as s:
        write = create_booking(s, meeting(repeat="FREQ=WEEKLY;BYDAY=TU;COUNT=3"))
        second = write.booking_ids[1]
        update_booking(s, second, booking_data(s, second).replace(public=True))
        assert [b.public for b in series_bookings(s, write.series_id)] == [False, True, False]
        assert get_booking(s, second).is_exception
