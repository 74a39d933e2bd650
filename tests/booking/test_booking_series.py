"""Series edits: one occurrence, this and all following, the whole series keeping its exceptions,
and undo of every write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from kpdesk.admin import audit_log
from kpdesk.booking.conflicts import ConflictError
from kpdesk.booking.inputs import BookingData
from kpdesk.booking.reads import BookingRow, booking_data, get_series, series_bookings, series_data
from kpdesk.booking.rooms import RoomData, save_room
from kpdesk.booking.service import (
    cancel_booking,
    cancel_following,
    cancel_series,
    create_booking,
    delete_booking,
    delete_series,
    reactivate_booking,
    update_booking,
    update_following,
    update_series,
)
from kpdesk.booking.snapshots import undo
from kpdesk.common.errors import UserError
from kpdesk.db.models import Booking, BookingSeries

T = dt.datetime
FIRST = T(2027, 1, 5, 9)  # a Tuesday
WEEKLY = BookingData("Videorom", "Nettforelesning", FIRST, T(2027, 1, 5, 11), kind="video_lecture",
                     organiser="Nord universitet", attendees=8, repeat="FREQ=WEEKLY;BYDAY=TU;COUNT=10")


@pytest.fixture
def series(store):
    """A weekly Tuesday series of ten (05.01–09.03.2027) with three one-off changes:
    19.01 cancelled, 26.01 moved to 13:00, 02.02 retitled."""
    with store.session() as s:
        save_room(s, RoomData("Videorom", 14))
        save_room(s, RoomData("Auditoriet", 60))
        write = create_booking(s, WEEKLY)
        rows = {r.starts_at.date(): r.id for r in series_bookings(s, write.series_id)}
        cancel_booking(s, rows[dt.date(2027, 1, 19)], "Foreleser syk")
        update_booking(s, rows[dt.date(2027, 1, 26)], booking_data(s, rows[dt.date(2027, 1, 26)]).replace(
            starts_at=T(2027, 1, 26, 13), ends_at=T(2027, 1, 26, 15)))
        update_booking(s, rows[dt.date(2027, 2, 2)], booking_data(s, rows[dt.date(2027, 2, 2)]).replace(
            title="Nettforelesning med gjesteforeleser"))
    return store, write.series_id


def by_date(rows: list[BookingRow]) -> dict[dt.date, BookingRow]:
    return {(r.recurrence_start or r.starts_at).date(): r for r in rows}


def dump(store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with store.session() as s:
        series = [dict(r) for r in s.execute(select(*BookingSeries.__table__.c).order_by(BookingSeries.id)).mappings()]
        bookings = [dict(r) for r in s.execute(select(*Booking.__table__.c).order_by(Booking.id)).mappings()]
    return series, bookings


def test_one_occurrence_changes_alone(series) -> None:
    store, series_id = series
    with store.session() as s:
        rows = by_date(series_bookings(s, series_id))
        assert len(rows) == 10
        assert (rows[dt.date(2027, 1, 19)].state, rows[dt.date(2027, 1, 19)].state_reason) == ("cancelled",
                                                                                             "Foreleser syk")
        assert rows[dt.date(2027, 1, 26)].starts_at == T(2027, 1, 26, 13)
        assert rows[dt.date(2027, 1, 26)].recurrence_start == T(2027, 1, 26, 9)
        assert [d for d, r in rows.items() if r.is_exception] == [dt.date(2027, 1, 19), dt.date(2027, 1, 26),
                                                                  dt.date(2027, 2, 2)]
        assert get_series(s, series_id).exceptions == 3
        with pytest.raises(UserError, match="er del av en serie"):
            delete_booking(s, rows[dt.date(2027, 1, 12)].id)


def test_whole_series_edit_keeps_cancelled_and_moved_occurrences(series) -> None:
    """The MRBS complaint: a series edit must not bring deleted dates back nor lose one-off changes."""
    store, series_id = series
    with store.session() as s:
        data = series_data(s, series_id)
        assert data.repeat == "FREQ=WEEKLY;BYDAY=TU;COUNT=10"
        write = update_series(s, series_id, data.replace(title="Nettforelesning: Ledelse",
                                                         starts_at=T(2027, 1, 5, 10), ends_at=T(2027, 1, 5, 12)))
        assert write.summary.endswith("7 oppdatert; 3 datoer som er endret eller avlyst enkeltvis, er beholdt som "
                                      "de var.")
        rows = by_date(series_bookings(s, series_id))
    assert len(rows) == 10
    cancelled = rows[dt.date(2027, 1, 19)]
    assert (cancelled.state, cancelled.recurrence_start) == ("cancelled", T(2027, 1, 19, 10))
    moved = rows[dt.date(2027, 1, 26)]
    assert (moved.starts_at, moved.title, moved.recurrence_start) == (T(2027, 1, 26, 13), "Nettforelesning",
                                                                       T(2027, 1, 26, 10))
    assert rows[dt.date(2027, 2, 2)].title == "Nettforelesning med gjesteforeleser"
    plain = [r for d, r in rows.items() if not r.is_exception]
    assert {(r.starts_at.time(), r.title, r.state) for r in plain} == {(dt.time(10), "Nettforelesning: Ledelse",
                                                                        "active")}


def test_series_edit_longer_shorter_and_to_another_weekday(series) -> None:
    store, series_id = series
    with store.session() as s:
        data = series_data(s, series_id)
        write = update_series(s, series_id, data.replace(repeat="FREQ=WEEKLY;BYDAY=TU;COUNT=12"))
        assert write.summary.count("2 nye") == 1
        assert len(series_bookings(s, series_id)) == 12
        # shorter: 26.01 (moved) and 02.02 (retitled) fall outside and are kept as single bookings;
        # the plain dates after them go, and 19.01 stays cancelled
        write = update_series(s, series_id, data.replace(repeat="FREQ=WEEKLY;BYDAY=TU;COUNT=3"))
        rows = by_date(series_bookings(s, series_id))
        assert sorted(rows) == [dt.date(2027, 1, 5), dt.date(2027, 1, 12), dt.date(2027, 1, 19)]
        assert rows[dt.date(2027, 1, 19)].state == "cancelled"
        kept = [s.get(Booking, i) for i in write.detached]
        assert [(b.series_id, b.starts_at, b.title) for b in kept] == [
            (None, T(2027, 1, 26, 13), "Nettforelesning"),
            (None, T(2027, 2, 2, 9), "Nettforelesning med gjesteforeleser")]
        assert "2 enkeltvis endrede datoer utenfor den nye regelen er beholdt som enkeltbookinger" in write.summary
        # to Wednesdays: the cancelled Tuesday becomes the cancelled Wednesday of the same week
        update_series(s, series_id, data.replace(starts_at=T(2027, 1, 6, 9), ends_at=T(2027, 1, 6, 11),
                                                 repeat="FREQ=WEEKLY;BYDAY=WE;COUNT=3"))
        rows = by_date(series_bookings(s, series_id))
        assert {d: r.state for d, r in rows.items()} == {dt.date(2027, 1, 6): "active", dt.date(2027, 1, 13): "active",
                                                         dt.date(2027, 1, 20): "cancelled"}
        assert get_series(s, series_id).rule_text == "hver onsdag, 3 ganger"


def test_this_and_following_splits_the_series(series) -> None:
    store, series_id = series
    with store.session() as s:
        rows = by_date(series_bookings(s, series_id))
        clicked = rows[dt.date(2027, 1, 26)]  # the moved one: "this" takes the new time as well
        write = update_following(s, clicked.id, booking_data(s, clicked.id).replace(
            starts_at=T(2027, 1, 26, 14), ends_at=T(2027, 1, 26, 16), room="Auditoriet"))
        new_id = write.series_id
        assert new_id != series_id
        old, new = get_series(s, series_id), get_series(s, new_id)
        assert old.rrule == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270119T090000"
        assert (new.rrule, new.first_start, new.room_name) == ("FREQ=WEEKLY;BYDAY=TU;COUNT=7", T(2027, 1, 26, 14),
                                                               "Auditoriet")
        old_rows, new_rows = by_date(series_bookings(s, series_id)), by_date(series_bookings(s, new_id))
        assert sorted(old_rows) == [dt.date(2027, 1, 5), dt.date(2027, 1, 12), dt.date(2027, 1, 19)]
        assert old_rows[dt.date(2027, 1, 19)].state == "cancelled"  # the exception stays with its series
        assert len(new_rows) == 7
        assert new_rows[dt.date(2027, 1, 26)].starts_at == T(2027, 1, 26, 14)
        assert new_rows[dt.date(2027, 2, 2)].title == "Nettforelesning med gjesteforeleser"  # moved along, kept
        assert new_rows[dt.date(2027, 2, 2)].starts_at == T(2027, 2, 2, 9)
        assert {r.room_name for d, r in new_rows.items() if d != dt.date(2027, 2, 2)} == {"Auditoriet"}
        assert new_rows[dt.date(2027, 3, 9)].starts_at == T(2027, 3, 9, 14)


def test_cancel_this_and_following(series) -> None:
    store, series_id = series
    with store.session() as s:
        rows = by_date(series_bookings(s, series_id))
        write = cancel_following(s, rows[dt.date(2027, 2, 9)].id, "Kurset er avlyst")
        assert write.summary == "Avlyste «Nettforelesning» fra 09.02.2027 og utover: 5 bookinger."
        assert get_series(s, series_id).rrule == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270202T090000"
        tail = series_bookings(s, write.series_id)
        assert [(r.starts_at.date(), r.state) for r in tail][:2] == [(dt.date(2027, 2, 9), "cancelled"),
                                                                   (dt.date(2027, 2, 16), "cancelled")]
        assert {r.state_reason for r in tail} == {"Kurset er avlyst"}
        assert len(series_bookings(s, series_id)) == 5
        # cancelling from the first occurrence cancels the whole series, without a split
        first = series_bookings(s, series_id)[0]
        write = cancel_following(s, first.id)
        assert write.series_id == series_id
        assert {r.state for r in series_bookings(s, series_id)} == {"cancelled"}


def test_reactivated_holiday_date_survives_a_series_edit(store) -> None:
    with store.session() as s:
        save_room(s, RoomData("Videorom", 14))
        start = T(2027, 3, 22, 9)
        write = create_booking(s, WEEKLY.replace(starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                                 repeat="FREQ=WEEKLY;BYDAY=MO;COUNT=3"))
        rows = by_date(series_bookings(s, write.series_id))
        easter = rows[dt.date(2027, 3, 29)]
        assert easter.state == "skipped"
        reactivate_booking(s, easter.id)
        update_series(s, write.series_id, series_data(s, write.series_id).replace(title="Ny"))
        rows = by_date(series_bookings(s, write.series_id))
        assert (rows[dt.date(2027, 3, 29)].state, rows[dt.date(2027, 3, 29)].is_exception) == ("active", True)


def test_single_booking_becomes_a_series(store) -> None:
    with store.session() as s:
        save_room(s, RoomData("Videorom", 14))
        single = create_booking(s, WEEKLY.replace(repeat=""))
        (booking_id,) = single.booking_ids
        write = update_booking(s, booking_id, booking_data(s, booking_id).replace(repeat="FREQ=WEEKLY;COUNT=3"))
        assert len(series_bookings(s, write.series_id)) == 3
        assert s.get(Booking, booking_id) is None
        with pytest.raises(UserError, match="ikke for én forekomst"):
            update_booking(s, write.booking_ids[0], WEEKLY)


@pytest.mark.parametrize("operation", ["update_series", "update_following", "cancel_following", "cancel_series",
                                       "delete_series", "cancel_one", "update_one", "reactivate"])
def test_undo_puts_every_row_back(series, operation) -> None:
    store, series_id = series
    before = dump(store)
    with store.session() as s:
        rows = by_date(series_bookings(s, series_id))
        fifth = rows[dt.date(2027, 2, 2)].id
        data = series_data(s, series_id)
        write = {
            "update_series": lambda: update_series(s, series_id, data.replace(title="Endret",
                                                                               repeat="FREQ=WEEKLY;COUNT=4")),
            "update_following": lambda: update_following(s, fifth, booking_data(s, fifth).replace(
                starts_at=T(2027, 2, 2, 12), ends_at=T(2027, 2, 2, 13))),
            "cancel_following": lambda: cancel_following(s, fifth),
            "cancel_series": lambda: cancel_series(s, series_id),
            "delete_series": lambda: delete_series(s, series_id),
            "cancel_one": lambda: cancel_booking(s, fifth),
            "update_one": lambda: update_booking(s, fifth, booking_data(s, fifth).replace(title="X")),
            "reactivate": lambda: reactivate_booking(s, rows[dt.date(2027, 1, 19)].id),
        }[operation]()
    assert dump(store) != before
    with store.session() as s:
        undo(s, write.undo)
        assert audit_log.history(s, "booking_series", limit=1)[0].summary.startswith("Angret: ") or \
            audit_log.history(s, "booking", limit=1)[0].summary.startswith("Angret: ")
    assert dump(store) == before


def test_undo_of_create_removes_it(store) -> None:
    with store.session() as s:
        save_room(s, RoomData("Videorom", 14))
    before = dump(store)
    with store.session() as s:
        write = create_booking(s, WEEKLY)
    with store.session() as s:
        undo(s, write.undo)
    assert dump(store) == before


def test_undo_refused_when_the_room_was_booked_since(store) -> None:
    with store.session() as s:
        save_room(s, RoomData("Videorom", 14))
        single = create_booking(s, WEEKLY.replace(repeat=""))
        deleted = delete_booking(s, single.booking_ids[0])
        create_booking(s, WEEKLY.replace(repeat="", title="Noe annet"))
    with store.session() as s, pytest.raises(UserError) as caught:
        undo(s, deleted.undo)
    assert caught.value.message == "Kan ikke angre: rommet er booket av noen andre siden."
    assert "Kollisjon med «Noe annet» 05.01.2027 kl. 09.00–11.00 i Videorom" in caught.value.details[0]


def test_series_edit_conflicts_are_checked(series) -> None:
    store, series_id = series
    with store.session() as s:
        create_booking(s, WEEKLY.replace(title="Eksamen", kind="exam", starts_at=T(2027, 2, 9, 12),
                                         ends_at=T(2027, 2, 9, 15), repeat="", arrival_buffer_minutes=30))
        data = series_data(s, series_id).replace(starts_at=T(2027, 1, 5, 10), ends_at=T(2027, 1, 5, 12))
        with pytest.raises(ConflictError) as caught:
            update_series(s, series_id, data)
        assert caught.value.details == ["09.02.2027 kl. 10.00–12.00: Kollisjon med «Eksamen» 09.02.2027 kl. "
                                        "12.00–15.00 i Videorom (rommet er opptatt fra kl. 11.30 for oppmøte)"]
        write = update_series(s, series_id, data, skip_clashes=True)
        assert [d.date() for d, _ in write.skipped] == [dt.date(2027, 2, 9)]
