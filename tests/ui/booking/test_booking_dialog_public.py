"""«Vis på oppslag» in the booking dialog: it follows the kind until the user clicks it, it is saved,
and it comes back when the booking is opened again; the week view marks bookings that are not public."""

from __future__ import annotations

import datetime as dt

import pytest
from support import idle, open_booking_dialog, open_drained, read_db

from kpdesk.ui.main_window import SECTIONS


@pytest.fixture
def window(open_window, demo_db, qtbot):
    return open_drained(open_window, demo_db, qtbot)


def open_dialog(window, qtbot, **kwargs):
    return open_booking_dialog(window, qtbot, shown=False, **kwargs)


def choose_kind(dialog, key: str) -> None:
    dialog.kind.setCurrentIndex(dialog.kind.findData(key))


def stored(window, booking_id: int):
    from kpdesk.booking.reads import get_booking

    return read_db(window.context, lambda s: get_booking(s, booking_id))


def save(dialog, qtbot) -> int:
    qtbot.waitUntil(lambda: dialog.previewed)
    dialog.ok_button.click()
    idle(qtbot)
    assert dialog.write is not None
    return dialog.write.booking_ids[0]


def test_the_box_follows_the_kind_until_the_user_clicks_it(window, qtbot) -> None:
    start = dt.datetime(2027, 6, 8, 10)
    dialog = open_dialog(window, qtbot, prefill={"room": "Møterom Tind", "start": start,
                                                 "end": start + dt.timedelta(hours=1)})
    assert dialog.kind.currentData() == "meeting" and not dialog.public.isChecked()
    choose_kind(dialog, "session")
    assert dialog.public.isChecked()
    choose_kind(dialog, "other")
    assert not dialog.public.isChecked()
    choose_kind(dialog, "exam")
    assert dialog.public.isChecked()
    dialog.public.click()  # as the user does: clicked is emitted, unlike setChecked
    assert not dialog.public.isChecked()
    choose_kind(dialog, "video_lecture")
    assert not dialog.public.isChecked()  # no longer follows the kind
    qtbot.keyClicks(dialog.title, "Møte med Hemnes Trelast")
    assert dialog.raw()["public"] == "nei" and dialog.data is not None and dialog.data.public is False


def test_the_choice_is_saved_and_shown_again(window, qtbot) -> None:
    start = dt.datetime(2027, 6, 8, 12)
    dialog = open_dialog(window, qtbot, prefill={"room": "Møterom Tind", "start": start,
                                                 "end": start + dt.timedelta(hours=1)})
    qtbot.keyClicks(dialog.title, "Kompetanseforum")
    dialog.public.click()
    assert dialog.public.isChecked()
    booking_id = save(dialog, qtbot)
    assert stored(window, booking_id).public is True

    again = open_dialog(window, qtbot, booking_id=booking_id)
    assert again.kind.currentData() == "meeting" and again.public.isChecked()
    choose_kind(again, "other")
    assert again.public.isChecked()  # chosen against the kind's default: it stays
    choose_kind(again, "meeting")
    again.public.click()
    assert not again.public.isChecked()
    assert save(again, qtbot) == booking_id
    assert stored(window, booking_id).public is False

    third = open_dialog(window, qtbot, booking_id=booking_id)
    assert not third.public.isChecked()
    choose_kind(third, "session")  # stored as the kind's default: it follows the new kind
    assert third.public.isChecked()
    third.reject()

    window.context.undo_stack.undo()
    assert stored(window, booking_id).public is True


def test_week_view_marks_bookings_that_are_not_public(window, qtbot) -> None:
    number = next(i for i, s in enumerate(SECTIONS) if s[2] == "SchedulePage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    page.set_week(2027, 20)
    qtbot.waitUntil(page.is_current, timeout=10000)
    bookings = [box.booking for box in page.view.layout_.boxes if box.booking.active]
    private = next(b for b in bookings if b.kind == "meeting")
    public = next(b for b in bookings if b.kind == "video_lecture")
    assert not private.public and public.public
    assert "Ikke på oppslag" in page.view.booking_tooltip(private)
    assert "Ikke på oppslag" not in page.view.booking_tooltip(public)
    assert "Prikket kant: ikke på oppslag" in page.findChild(type(page.week_label), "legendHints").text()
