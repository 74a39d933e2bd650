"""Timeplan, issue 15: labels across, the site and room filter, rooms × days or calendar, where it opens."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from support import open_drained, with_session

from kpdesk.ui.booking.week_layout import CALENDAR, COLUMNS, GRID, ROWS
from kpdesk.ui.main_window import SECTIONS

T = dt.datetime


def section() -> int:
    return next(i for i, s in enumerate(SECTIONS) if s[2] == "SchedulePage")


def add_room_elsewhere(path) -> None:
    """A sixth room, at another site than the demo's five (Mo i Rana), with a booking in week 20."""
    from kpdesk.booking.inputs import BookingData
    from kpdesk.booking.rooms import RoomData, save_room
    from kpdesk.booking.service import create_booking

    def work(session) -> None:
        save_room(session, RoomData("Lesesalen", 20, site="Mosjøen"))
        create_booking(session, BookingData("Lesesalen", "Eksamen i lesesalen", T(2027, 5, 19, 9), T(2027, 5, 19, 13),
                                            kind="exam"))
        session.commit()

    with_session(path, work)


@pytest.fixture
def page(open_window, demo_db, qtbot):
    add_room_elsewhere(demo_db)
    window = open_drained(open_window, demo_db, qtbot)
    window.navigation.setCurrentRow(section())
    page = window.page(section())
    page.set_week(2027, 20)
    qtbot.waitUntil(page.is_current, timeout=10000)
    return page


def choose(box, data) -> None:
    box.setCurrentIndex(box.findData(data))


def test_every_booking_has_a_label_across_even_the_short_ones(page) -> None:
    layout = page.view.layout_
    assert layout.orientation == ROWS
    short = [box for box in layout.boxes if box.booking.ends_at - box.booking.starts_at <= dt.timedelta(hours=1)]
    assert short
    for box in layout.boxes:
        label = layout.label_of(box.booking.id)
        assert label and label[0].strip() and label[0] != "…", box.booking.title
        assert not hasattr(box, "upright")
    for box in short:  # its own words, or the «N bookinger» it shares
        first = re.sub(r"^\d\d\.\d\d ", "", layout.label_of(box.booking.id)[0]).rstrip("…")
        if box.group is None:
            assert first and box.booking.title.startswith(first)
        else:
            assert re.fullmatch(r"\d+( bookinger)?", first)


def test_a_shared_label_lists_its_bookings_in_the_tooltip(page) -> None:
    from kpdesk.ui.booking import week_tooltips

    bookings = list(page.schedule.bookings[:3])
    tip = week_tooltips.group_tooltip(bookings)
    assert tip.startswith("<b>3 bookinger</b>")
    assert all(html.escape(b.title) in tip for b in bookings)
    assert "Dobbeltklikk for dagsvisning" in tip


def test_site_filter_reduces_the_rows_and_is_remembered(page, qtbot) -> None:
    from PySide6.QtCore import QSettings

    from kpdesk.ui.pages.schedule import SchedulePage

    assert len(page.view.layout_.rooms) == 6
    assert page.site_box.isVisibleTo(page)
    assert [page.site_box.itemText(i) for i in range(page.site_box.count())] == ["Alle steder", "Mo i Rana", "Mosjøen"]
    choose(page.site_box, "Mo i Rana")
    qtbot.waitUntil(page.is_current)
    layout = page.view.layout_
    assert layout.orientation == ROWS and len(layout.rooms) == 5
    assert "Lesesalen" not in [page.room_box.itemText(i) for i in range(page.room_box.count())]
    assert page.room_box.itemText(0) == "Alle rom i Mo i Rana"
    assert {b.room_name for b in page.schedule.bookings} <= {r.name for r in layout.rooms}
    choose(page.room_box, next(r.id for r in page.rooms if r.name == "Videorom 1"))
    qtbot.waitUntil(page.is_current)
    assert [r.name for r in page.view.layout_.rooms] == ["Videorom 1"]
    settings = QSettings()
    assert settings.value("schedule/site") == "Mo i Rana"
    again = SchedulePage(page.context)  # a new window's page starts where this one was left
    qtbot.addWidget(again)
    assert again.site == "Mo i Rana" and again.room_id == page.room_id
    choose(page.site_box, "Mosjøen")  # the room is not there: all the site's rooms
    qtbot.waitUntil(page.is_current)
    assert page.room_id is None and [r.name for r in page.view.layout_.rooms] == ["Lesesalen"]


def test_switching_to_the_calendar_puts_days_in_columns_and_is_remembered(page, qtbot) -> None:
    from PySide6.QtCore import QSettings

    from kpdesk.ui.pages.schedule import SchedulePage

    choose(page.arrangement_box, CALENDAR)
    layout = page.view.layout_
    assert layout.orientation == COLUMNS and not layout.day_view
    assert [lane.day.date for lane in layout.lanes] == [dt.date(2027, 5, 17) + dt.timedelta(days=i) for i in range(5)]
    assert all(lane.room is None and len(lane.rooms) == 6 for lane in layout.lanes)
    assert {b.id for b in page.schedule.bookings} == {box.booking.id for box in layout.boxes}
    for lane in layout.lanes:  # overlapping bookings of a day stand side by side, never on top of each other
        boxes = [b for b in layout.boxes if b.lane == lane.index and b.group is None]
        for a in boxes:
            for b in boxes:
                if a is not b:
                    assert not a.rect.intersects(b.rect) or a.rect.intersected(b.rect).isEmpty()
    assert QSettings().value("schedule/arrangement") == CALENDAR
    assert page.calendar_hint.isVisibleTo(page) == any(g.boxed for g in layout.groups)
    again = SchedulePage(page.context)
    qtbot.addWidget(again)
    assert again.view.arrangement == CALENDAR and again.arrangement_box.currentData() == CALENDAR
    choose(page.arrangement_box, GRID)
    assert page.view.layout_.orientation == ROWS


def test_a_new_booking_takes_the_view_to_its_week_and_selects_it(page, qtbot) -> None:
    from kpdesk.booking import service
    from kpdesk.booking.inputs import BookingData

    choose(page.site_box, "Mosjøen")  # the new booking is in Mo i Rana: the filter lets it be seen
    qtbot.waitUntil(page.is_current)
    data = BookingData("Videorom 1", "Veiledning i juni", T(2027, 6, 9, 10), T(2027, 6, 9, 11))
    page.booking_actions.run("ny booking", lambda s: service.create_booking(s, data))
    qtbot.waitUntil(lambda: page.is_current() and page.week == 23 and page.view.selected_id is not None,
                    timeout=10000)
    selected = page.view.booking(page.view.selected_id)
    assert selected.title == "Veiledning i juni"
    assert page.site is None and page.site_box.currentIndex() == 0


def test_an_edit_does_not_move_the_view(page, qtbot) -> None:
    from kpdesk.booking import service

    page.set_week(2027, 21)
    qtbot.waitUntil(page.is_current)
    made: list = []
    page.context.bookings_made.connect(made.append)
    booking = next(b for b in page.schedule.bookings if b.active and b.series_id is None)
    page.booking_actions.run("avlys", lambda s: service.cancel_booking(s, booking.id, "syk"))
    qtbot.waitUntil(lambda: page.is_current() and page.booking(booking.id).state == "cancelled")
    assert made == [] and page.week == 21


def test_it_opens_on_the_week_of_the_next_booking_when_this_week_is_empty(open_window, demo_db, qtbot) -> None:
    from kpdesk.booking.week import opening_week

    expected = with_session(demo_db, lambda s: opening_week(s, dt.date.today()))
    window = open_drained(open_window, demo_db, qtbot)
    window.navigation.setCurrentRow(section())
    page = window.page(section())
    qtbot.waitUntil(page.is_current, timeout=10000)
    assert (page.year, page.week) == expected
    if dt.date.today() < dt.date(2027, 6, 14):  # the demo's bookings lie ahead: the week shown has some
        assert page.schedule.bookings
