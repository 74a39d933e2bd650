"""The week's geometry without painting: label packing, wrapping, every booking labelled, calendar columns."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest

from kpdesk.booking.week import WeekBooking, WeekDay, WeekRoom, WeekSchedule
from kpdesk.ui.booking.week_layout import CALENDAR, COLUMNS, GRID, ROWS, WeekLayout, pack_labels, wrap_text

# ---------------------------------------------------------------- plain numbers


def test_pack_gives_a_booking_with_room_its_own_label() -> None:
    assert pack_labels([0, 100], [100, 200], [40, 40], lambda n: 80) == [(0, 0), (1, 1)]


def test_pack_gathers_short_bookings_until_the_shared_label_fits() -> None:
    # four 10-px bookings side by side, then one with room: «3 bookinger» needs 25 px
    starts, stops = [0, 10, 20, 30, 100], [10, 20, 30, 100, 200]
    assert pack_labels(starts, stops, [40] * 5, lambda n: 25) == [(0, 2), (3, 3), (4, 4)]


def test_pack_joins_a_shared_label_cut_short_at_the_end_to_the_run_before() -> None:
    starts, stops = [0, 10, 20, 150, 160], [10, 20, 150, 160, 170]
    assert pack_labels(starts, stops, [40] * 5, lambda n: 60) == [(0, 4)]  # not «(0, 2)» and a cut «2»
    starts, stops = [0, 100, 150, 160], [100, 150, 160, 170]
    assert pack_labels(starts, stops, [40] * 4, lambda n: 60) == [(0, 0), (1, 3)]


def test_pack_of_nothing_is_nothing() -> None:
    assert pack_labels([], [], [], lambda n: 10) == []


def test_wrap_breaks_between_words_and_elides_only_what_does_not_fit() -> None:
    advance = len  # one unit a character

    def elide(text: str, width: int) -> str:
        return text if len(text) <= width else text[:width - 1] + "…"

    assert wrap_text("Nettforelesning helsefag", 15, 2, advance, elide) == ["Nettforelesning", "helsefag"]
    assert wrap_text("Nettforelesning helsefag", 15, 1, advance, elide) == ["Nettforelesnin…"]
    assert wrap_text("Eksamen", 20, 3, advance, elide) == ["Eksamen"]
    assert wrap_text("a b c d e f", 3, 2, advance, elide) == ["a b", "c …"]


# ---------------------------------------------------------------- layouts of a made-up week

MONDAY = dt.date(2027, 2, 8)


def room(i: int, site: str = "Bodø") -> WeekRoom:
    return WeekRoom(i, f"Rom {i}", 20, dt.time(8), dt.time(20), (), site)


def booking(i: int, room_: WeekRoom, day: int, hour: float, minutes: int,
            title: str = "Nettforelesning") -> WeekBooking:
    start = dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(0)) + dt.timedelta(hours=hour)
    return WeekBooking(i, room_.id, room_.name, start, start + dt.timedelta(minutes=minutes), start, title,
                       "video_lecture", "forelesning via video", "active", "", "", None, 0, None, "", None, False,
                       None, None, True)


def week(rooms: list[WeekRoom], bookings: list[WeekBooking]) -> WeekSchedule:
    days = tuple(WeekDay(MONDAY + dt.timedelta(days=i), n, None)
                 for i, n in enumerate(["mandag", "tirsdag", "onsdag", "torsdag", "fredag"]))
    return WeekSchedule(2027, 6, days, tuple(rooms), tuple(sorted(bookings, key=lambda b: b.starts_at)))


@pytest.fixture
def metrics(qapp):
    from PySide6.QtGui import QFont, QFontMetrics

    return QFontMetrics(QFont())


def test_thirty_rooms_every_booking_has_words_across(metrics) -> None:
    rooms = [room(i) for i in range(1, 31)]
    bookings = []
    for r in rooms:  # a busy day: eight half-hour bookings, and one long one
        bookings += [booking(len(bookings) + 1, r, 0, 8 + k * 0.5, 30, "Eksamen") for k in range(8)]
        bookings.append(booking(len(bookings) + 1, r, 1, 9, 180, "Nettforelesning helsefag"))
    layout = WeekLayout(week(rooms, bookings), 1140, 600, metrics, arrangement=GRID)
    assert layout.orientation == ROWS
    assert not hasattr(layout.boxes[0], "upright")  # nothing turned on its side any more
    for b in bookings:
        label = layout.label_of(b.id)
        assert label and label[0].strip(), b
    short = layout.label_of(bookings[0].id)
    assert short[0] == "8 bookinger"
    long_ = layout.label_of(bookings[8].id)
    assert long_[0].startswith("Nettforelesning") and "09.00" in " ".join(long_)
    group = layout.groups[next(b.group for b in layout.boxes if b.booking.id == bookings[0].id)]
    assert len(group.bookings) == 8 and not group.boxed


def test_a_short_booking_alone_gets_its_title_in_the_free_time_after_it(metrics) -> None:
    rooms = [room(1), room(2)]
    b = booking(1, rooms[0], 2, 10, 30, "Samling")
    layout = WeekLayout(week(rooms, [b]), 1140, 600, metrics)
    box = layout.boxes[0]
    assert box.group is None and box.lines[0] == "Samling"
    assert box.text_rect is not None and box.text_rect.width() > box.rect.width()
    assert "10.00–10.30" in box.lines


def test_calendar_puts_overlapping_bookings_of_a_few_rooms_side_by_side(metrics) -> None:
    rooms = [room(1), room(2), room(3)]
    bookings = [booking(i + 1, r, 0, 10, 90, f"Kurs {i + 1}") for i, r in enumerate(rooms)]
    layout = WeekLayout(week(rooms, bookings), 1140, 600, metrics, arrangement=CALENDAR)
    assert layout.orientation == COLUMNS and len(layout.lanes) == 5  # days as columns
    rects = sorted((box.rect for box in layout.boxes), key=lambda r: r.x())
    assert len({r.x() for r in rects}) == 3 and all(a.right() <= b.x() for a, b in pairwise(rects))
    assert all(box.lines and box.lines[0] == f"Kurs {box.booking.id}" for box in layout.boxes)
    assert any("Rom 1" in line for line in layout.boxes[0].lines)  # several rooms in a day: the room is named


def test_calendar_gathers_what_the_column_cannot_hold(metrics) -> None:
    rooms = [room(i) for i in range(1, 31)]
    bookings = [booking(i + 1, r, 0, 10, 60) for i, r in enumerate(rooms)]
    layout = WeekLayout(week(rooms, bookings), 1140, 600, metrics, arrangement=CALENDAR)
    assert len(layout.groups) == 1 and layout.groups[0].boxed
    hidden = layout.groups[0].bookings
    shown = [box for box in layout.boxes if box.group is None]
    assert len(hidden) + len(shown) == 30 and shown
    assert layout.groups[0].lines[0] in (f"{len(hidden)} bookinger", str(len(hidden)))
    assert layout.box_at(layout.groups[0].rect.center()) is None
    assert layout.group_at(layout.groups[0].rect.center()) == 0


def test_a_shared_label_has_the_list_as_tooltip_and_opens_its_day(qtbot) -> None:
    from PySide6.QtCore import QPointF, Qt

    from kpdesk.ui.booking.week_widget import WeekView

    rooms = [room(i) for i in range(1, 31)]
    bookings = []
    for r in rooms:
        bookings += [booking(len(bookings) + 1, r, 2, 8 + k * 0.5, 30, f"Eksamen {k}") for k in range(8)]
    view = WeekView()
    qtbot.addWidget(view)
    view.resize(1140, 600)
    view.show()
    view.set_schedule(week(rooms, bookings))
    layout = view.layout_
    group = layout.groups[0]
    assert not group.boxed and group.lines[0] == "8 bookinger"
    pos = view.to_viewport(group.rect.center())
    tip = view.tooltip_at(QPointF(pos))
    assert tip.startswith("<b>8 bookinger</b>") and "08.00–08.30  Eksamen 0 · Rom 1" in tip
    with qtbot.waitSignal(view.day_activated) as opened:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert opened.args == [MONDAY + dt.timedelta(days=2)]
    assert not view.viewport().grab().isNull()  # paints, bars and labels


def test_a_busy_calendar_week_fits_the_width_it_is_given(metrics) -> None:
    """Thirty rooms busy every day (the regional demo): no day is pushed behind a scrollbar."""
    rooms = [room(i) for i in range(1, 31)]
    bookings = [booking(d * 100 + i + 1, r, d, 10, 60) for d in range(5) for i, r in enumerate(rooms)]
    layout = WeekLayout(week(rooms, bookings), 1140, 600, metrics, arrangement=CALENDAR)
    assert layout.width <= 1140
    assert all(lane.rect.right() <= 1140 for lane in layout.lanes) and len(layout.lanes) == 5
    assert len(layout.groups) == 5 and all(group.boxed for group in layout.groups)
