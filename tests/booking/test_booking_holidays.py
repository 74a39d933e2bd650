"""Norwegian holidays from the ``holidays`` package, and series that skip them."""

from __future__ import annotations

import datetime as dt

import pytest

from kpdesk.booking.holidays import holiday_name, holidays_between, is_workday
from kpdesk.booking.inputs import BookingData
from kpdesk.booking.reads import series_bookings
from kpdesk.booking.rooms import RoomData, save_room
from kpdesk.booking.service import create_booking
from kpdesk.common.errors import UserError


def test_holidays_2027() -> None:
    found = holidays_between(dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert found == {
        dt.date(2027, 1, 1): "Første nyttårsdag",
        dt.date(2027, 3, 25): "Skjærtorsdag",
        dt.date(2027, 3, 26): "Langfredag",
        dt.date(2027, 3, 28): "Første påskedag",
        dt.date(2027, 3, 29): "Andre påskedag",
        dt.date(2027, 5, 1): "1. mai",
        dt.date(2027, 5, 6): "Kristi himmelfartsdag",
        dt.date(2027, 5, 16): "Første pinsedag",
        dt.date(2027, 5, 17): "Andre pinsedag; Grunnlovsdagen",  # two holidays on one date
        dt.date(2027, 12, 25): "Første juledag",
        dt.date(2027, 12, 26): "Andre juledag",
    }


def test_plain_sundays_are_not_holidays() -> None:
    """Older versions of ``holidays`` listed every Sunday; kpdesk must not, whatever is installed."""
    real = set(holidays_between(dt.date(2027, 1, 1), dt.date(2027, 12, 31)))
    sundays = [dt.date(2027, 1, 3) + dt.timedelta(weeks=w) for w in range(52)]
    assert all(day.weekday() == 6 for day in sundays)
    assert [d for d in sundays if holiday_name(d) is not None] == sorted(real & set(sundays))
    assert holiday_name(dt.date(2027, 1, 3)) is None
    assert not is_workday(dt.date(2027, 1, 3))  # but nobody works then either
    assert is_workday(dt.date(2027, 1, 4))
    assert not is_workday(dt.date(2027, 5, 6))


@pytest.mark.parametrize(("year", "ascension", "whit_monday"), [
    (2024, dt.date(2024, 5, 9), dt.date(2024, 5, 20)), (2025, dt.date(2025, 5, 29), dt.date(2025, 6, 9)),
    (2026, dt.date(2026, 5, 14), dt.date(2026, 5, 25)), (2028, dt.date(2028, 5, 25), dt.date(2028, 6, 5))])
def test_movable_feasts(year: int, ascension: dt.date, whit_monday: dt.date) -> None:
    assert holiday_name(ascension) == "Kristi himmelfartsdag"
    assert "Andre pinsedag" in (holiday_name(whit_monday) or "")


def test_holidays_between_spans_years() -> None:
    assert list(holidays_between(dt.date(2026, 12, 24), dt.date(2027, 1, 2))) == [
        dt.date(2026, 12, 25), dt.date(2026, 12, 26), dt.date(2027, 1, 1)]


def _rooms(store) -> None:
    with store.session() as s:
        save_room(s, RoomData("Møterom Tind", 10))


def test_series_skips_holidays_by_default(store) -> None:
    _rooms(store)
    start = dt.datetime(2027, 3, 22, 8, 30)  # Mondays: 29.03 (2. påskedag) and 17.05 (2. pinsedag)
    data = BookingData("Møterom Tind", "Koordinatormøte", start, start + dt.timedelta(hours=1), kind="meeting",
                       repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270524")
    with store.session() as s:
        write = create_booking(s, data)
        assert [(d.date(), why) for d, why in write.skipped] == [
            (dt.date(2027, 3, 29), "Helligdag: Andre påskedag"),
            (dt.date(2027, 5, 17), "Helligdag: Andre pinsedag; Grunnlovsdagen")]
        assert write.summary.endswith("8 bookinger, 2 hoppet over.")
        rows = series_bookings(s, write.series_id)
        assert len(rows) == 10
        skipped = [r for r in rows if r.state == "skipped"]
        assert [r.starts_at.date() for r in skipped] == [dt.date(2027, 3, 29), dt.date(2027, 5, 17)]
        assert all(not r.is_exception for r in rows)


def test_thursday_series_skips_maundy_thursday_and_ascension(store) -> None:
    _rooms(store)
    start = dt.datetime(2027, 3, 18, 12)
    data = BookingData("Møterom Tind", "Nettforelesning", start, start + dt.timedelta(hours=2),
                       repeat="FREQ=WEEKLY;BYDAY=TH,FR;UNTIL=20270514")
    with store.session() as s:
        write = create_booking(s, data)
        assert [d.date() for d, _ in write.skipped] == [dt.date(2027, 3, 25), dt.date(2027, 3, 26),
                                                        dt.date(2027, 5, 6)]


def test_holidays_kept_when_asked_and_single_bookings_only_warned(store) -> None:
    _rooms(store)
    start = dt.datetime(2027, 5, 6, 10)
    single = BookingData("Møterom Tind", "Dugnad", start, start + dt.timedelta(hours=2))
    with store.session() as s:
        write = create_booking(s, single)
        assert write.skipped == ()
        from kpdesk.booking.planning import plan_booking

        plan = plan_booking(s, single, exclude=write.booking_ids)
        assert plan.conflicts.warnings() == ["06.05.2027 er helligdag (Kristi himmelfartsdag)"]
        series = BookingData("Møterom Tind", "Vakt", dt.datetime(2027, 5, 17, 8), dt.datetime(2027, 5, 17, 9),
                             repeat="FREQ=DAILY;COUNT=2")
        assert create_booking(s, series, skip_holidays=False).skipped == ()


def test_a_series_of_holidays_only_is_refused(store) -> None:
    _rooms(store)
    start = dt.datetime(2027, 3, 25, 9)
    data = BookingData("Møterom Tind", "Påske", start, start + dt.timedelta(hours=1), repeat="FREQ=DAILY;COUNT=2")
    with store.session() as s, pytest.raises(UserError, match="Alle 2 datoene i serien blir hoppet over"):
        create_booking(s, data)
