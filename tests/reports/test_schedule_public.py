"""Printed week schedules and door signs are hallway paper: bookings that are not «vis på oppslag»
print as «Opptatt» with their time, never their title or organiser; rooms are grouped by site;
a holiday door sign says «Stengt – helligdag»; the door sign carries no office details."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest

from kpdesk.common.errors import UserError

T = dt.datetime
PRIVATE_WORDS = ("Hemnes", "Trelast", "Kari Hansen", "Vefsn Bygg", "Rana Gruber", "Nord universitet")


def pdf_text(data: bytes) -> str:
    """The PDF's text with every run of white space as one space (table cells wrap)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages).replace("\u00a0", " "))


def pages(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def centre(store):
    """Rooms at two sites and one without, and a week 20 (Monday 17.05.2027 is a holiday) of bookings."""
    from kpdesk.admin.centre_profile import save_profile, validate_profile
    from kpdesk.booking.inputs import BookingData
    from kpdesk.booking.rooms import RoomData, save_room
    from kpdesk.booking.service import cancel_booking, create_booking

    with store.session() as s:
        profile, problems = validate_profile({"name": "Kunnskapsparken Test", "address": "Testgata 9\n8622 Mo i Rana",
                                              "phone": "75000099", "email": "post@test.example.no",
                                              "web": "https://test.example.no"})
        assert profile is not None, problems
        save_profile(s, profile)
        for name, capacity, site in (("Møterom Tind", 10, "Mo i Rana"), ("Auditoriet", 60, "Mo i Rana"),
                                     ("Storsalen", 40, "Mosjøen"), ("Lageret", 4, "")):
            save_room(s, RoomData(name, capacity, site=site))

        def book(room: str, title: str, start: T, end: T, kind: str, **extra: Any) -> int:
            return create_booking(s, BookingData(room, title, start, end, kind=kind, **extra)).booking_ids[0]

        book("Møterom Tind", "Møte med Hemnes Trelast", T(2027, 5, 18, 10), T(2027, 5, 18, 11), "meeting",
             organiser="Kari Hansen", attendees=4)
        book("Møterom Tind", "Behovsmøte Vefsn Bygg", T(2027, 5, 18, 11), T(2027, 5, 18, 12), "meeting")
        book("Auditoriet", "Samling 2: Helsefag", T(2027, 5, 18, 9), T(2027, 5, 18, 15), "session",
             organiser="Nord universitet", attendees=20)
        book("Auditoriet", "Kompetanseforum Mo Industripark", T(2027, 5, 19, 12), T(2027, 5, 19, 15), "meeting",
             public=True)
        gruber = book("Møterom Tind", "Møte med Rana Gruber", T(2027, 5, 19, 9), T(2027, 5, 19, 10), "meeting")
        cancel_booking(s, gruber, "Avlyst av arbeidsgiveren")
        lecture = book("Auditoriet", "Nettforelesning: Velferdsteknologi", T(2027, 5, 20, 12), T(2027, 5, 20, 14),
                       "video_lecture")
        cancel_booking(s, lecture, "Foreleseren er syk")
        book("Storsalen", "Eksamen for Hemnes Trelast", T(2027, 5, 20, 9), T(2027, 5, 20, 13), "exam",
             arrival_buffer_minutes=30, public=False)
        book("Storsalen", "Vakt på 17. mai", T(2027, 5, 17, 10), T(2027, 5, 17, 14), "other")
    return store


def read(store, work: Any) -> Any:
    with store.session() as s:
        return work(s)


def week_pdf(store, **options: Any) -> bytes:
    from kpdesk.reports import schedule

    return schedule.build_week(read(store, lambda s: schedule.load_week(s, "2027-W20", **options)))


def door_pdf(store, room: str, day: dt.date) -> bytes:
    from kpdesk.reports import schedule

    return schedule.build_door_sign(read(store, lambda s: schedule.load_door_sign(s, room, day)))


def assert_private(text: str) -> None:
    found = [word for word in PRIVATE_WORDS if word in text]
    assert not found, found


# ---------------------------------------------------------------- «Opptatt»

def test_week_schedule_prints_bookings_not_on_the_notice_board_as_busy(centre) -> None:
    text = pdf_text(week_pdf(centre))
    assert_private(text)
    assert "10.00–12.00 Opptatt" in text  # two meetings back to back: one busy time, not two
    assert "08.30–13.00 Opptatt" in text  # a private exam: the room is taken from the arrival time
    assert "09.00–15.00 Samling 2: Helsefag" in text
    assert "12.00–15.00 Kompetanseforum Mo Industripark" in text  # a meeting the coordinator made public
    assert "Nettforelesning: Velferdsteknologi" in text and "AVLYST" in text  # people coming should know
    assert "09.00–10.00" not in text  # the cancelled private meeting is not there at all
    assert "«Opptatt»: rommet er booket i dette tidsrommet." in text


def test_one_room_week_prints_busy_times_without_kind_or_people(centre) -> None:
    text = pdf_text(week_pdf(centre, room="Møterom Tind"))
    assert_private(text)
    assert "Sted: Mo i Rana · 10 plasser" in text
    assert "tirsdag 18.05.2027 10.00–12.00 Opptatt" in text
    assert "møte" not in text.replace("Møterom", "")  # not even the kind
    assert "Helligdag: Andre pinsedag og grunnlovsdagen" in text
    audit = pdf_text(week_pdf(centre, room="Auditoriet"))
    assert "Samling 2: Helsefag samling 20" in audit


def test_door_sign_of_a_busy_room_says_only_when(centre) -> None:
    data = door_pdf(centre, "Møterom Tind", dt.date(2027, 5, 18))
    text = pdf_text(data)
    assert_private(text)
    assert "Møterom Tind" in text and "Tirsdag 18. mai 2027" in text
    assert "Kl. 10.00–12.00 Opptatt" in text
    assert pages(data) == 1


def test_door_sign_shows_public_titles_and_the_arrival_time(centre) -> None:
    text = pdf_text(door_pdf(centre, "Auditoriet", dt.date(2027, 5, 18)))
    assert "Kl. 09.00–15.00 Samling 2: Helsefag" in text
    assert_private(text)  # the organiser is never printed
    exam = pdf_text(door_pdf(centre, "Storsalen", dt.date(2027, 5, 20)))
    assert_private(exam)
    assert "Kl. 08.30–13.00 Opptatt" in exam and "Oppmøte" not in exam


def test_door_sign_has_no_office_clutter(centre) -> None:
    text = pdf_text(door_pdf(centre, "Auditoriet", dt.date(2027, 5, 19)))
    assert "Kompetanseforum Mo Industripark" in text
    for clutter in ("Testgata", "75 00 00 99", "post@test.example.no", "test.example.no", "Uke 20",
                    "19.05.2027 ·", "møte", "Møte,"):
        assert clutter not in text, clutter
    free = pdf_text(door_pdf(centre, "Lageret", dt.date(2027, 5, 19)))
    assert "Rommet er ledig hele dagen." in free


# ---------------------------------------------------------------- holidays

def test_door_sign_on_a_holiday_says_closed_and_names_it(centre) -> None:
    text = pdf_text(door_pdf(centre, "Møterom Tind", dt.date(2027, 5, 17)))
    assert "Stengt – helligdag" in text and "Andre pinsedag og grunnlovsdagen" in text
    assert "Ingen bookinger" not in text and "ledig" not in text
    booked = pdf_text(door_pdf(centre, "Storsalen", dt.date(2027, 5, 17)))
    assert "Stengt" not in booked  # somebody is there: it is not closed for them
    assert "Helligdag: Andre pinsedag og grunnlovsdagen" in booked and "Kl. 10.00–14.00 Opptatt" in booked
    ascension = pdf_text(door_pdf(centre, "Auditoriet", dt.date(2027, 5, 6)))
    assert "Stengt – helligdag Kristi himmelfartsdag" in ascension


# ---------------------------------------------------------------- sites

def test_week_schedule_is_grouped_by_site(centre) -> None:
    data = week_pdf(centre)
    assert pages(data) == 3  # each site from a new page, for its own notice board
    text = pdf_text(data)
    assert "Alle rom (4) på 3 steder" in text
    assert "Rom Mosjøen Mandag" in text  # the header row, repeated on every page, names the site
    mo, mosjoen, none = (text.index(f"{site} (") for site in ("Mo i Rana", "Mosjøen", "Uten sted"))
    assert mo < text.index("Auditoriet") < mosjoen < text.index("Storsalen") < none < text.index("Lageret")
    assert "Mo i Rana (2 rom)" in text


def test_week_schedule_for_one_site(centre) -> None:
    from kpdesk.reports import schedule

    text = pdf_text(week_pdf(centre, site="mosjøen"))
    assert "Ukeplan Mosjøen, uke 20" in text and "Sted: Mosjøen · 1 rom" in text
    assert "Storsalen" in text and "Auditoriet" not in text and "Møterom Tind" not in text
    with pytest.raises(UserError, match=r"Stedet «Narvik» finnes ikke\. Stedene er: Mo i Rana, Mosjøen\."):
        read(centre, lambda s: schedule.load_week(s, "2027-W20", site="Narvik"))
    with pytest.raises(UserError, match="enten ett rom eller ett sted"):
        read(centre, lambda s: schedule.load_week(s, "2027-W20", room="Storsalen", site="Mosjøen"))


def test_one_site_only_is_named_in_the_subtitle(store) -> None:
    from kpdesk.booking.rooms import RoomData, save_room

    with store.session() as s:
        save_room(s, RoomData("Auditoriet", 60, site="Mo i Rana"))
        save_room(s, RoomData("Videorom", 14, site="Mo i Rana"))
    text = pdf_text(week_pdf(store))
    assert "Sted: Mo i Rana · 2 rom" in text and "Mo i Rana (" not in text


# ---------------------------------------------------------------- a full day

def test_a_full_day_still_fits_one_door_sign(centre) -> None:
    from kpdesk.booking.week import WeekBooking
    from kpdesk.reports import schedule

    data = read(centre, lambda s: schedule.load_door_sign(s, "Auditoriet", dt.date(2027, 5, 19)))
    start = T(2027, 5, 19, 8)
    many = tuple(WeekBooking(i, data.room.id, data.room.name, start + dt.timedelta(minutes=40 * i),
                             start + dt.timedelta(minutes=40 * i + 35), start + dt.timedelta(minutes=40 * i),
                             f"Samling nummer {i} om noe viktig" if i % 2 else f"Møte med firma {i}",
                             "session" if i % 2 else "meeting", "", "cancelled" if i == 3 else "active", "", "", 4, 0,
                             None, "", None, False, None, None, bool(i % 2)) for i in range(18))
    pdf = schedule.build_door_sign(schedule.DoorSignData(data.letterhead, data.room, data.day, many))
    assert pages(pdf) == 1
    text = pdf_text(pdf)
    assert "Samling nummer 17" in text and "AVLYST" in text
    assert "Møte med firma" not in text and text.count("Opptatt") == 9


# ---------------------------------------------------------------- the demo


def test_demo_week_prints_no_meeting_title(demo: Path) -> None:
    from kpdesk.db.store import Store
    from kpdesk.reports import schedule

    store = Store.open(demo)
    try:
        data = read(store, lambda s: schedule.load_week(s, "2027-W20"))
        signs = {(room.name, day.date): read(store, lambda s, r=room.name, d=day.date: schedule.load_door_sign(s, r, d))
                 for room in data.schedule.rooms for day in data.schedule.days}
    finally:
        store.close()
    week = pdf_text(schedule.build_week(data))
    meetings = [b for b in data.schedule.bookings if b.kind == "meeting" and b.state != "skipped"]
    assert meetings and all(not b.public for b in meetings)
    for b in meetings:
        assert b.title not in week
    for b in data.schedule.bookings:
        if b.public and b.active:
            assert re.sub(r"\s+", " ", b.title)[:25] in week
    for (room, day), sign in signs.items():
        text = pdf_text(schedule.build_door_sign(sign))
        assert all(b.title not in text for b in meetings if b.room_name == room), (room, day)


def test_demo_week_is_landscape_leaves_out_skipped_dates_and_refuses_unknown_room_or_week(demo: Path) -> None:
    from kpdesk.db.store import Store
    from kpdesk.reports import schedule

    store = Store.open(demo)
    try:
        data = read(store, lambda s: schedule.load_week(s, "2027-W20"))
        with pytest.raises(UserError, match="Rommet «Kjelleren» finnes ikke"):
            read(store, lambda s: schedule.load_week(s, "2027-W20", "Kjelleren"))
        with pytest.raises(UserError, match="Uke 54 finnes ikke i 2027"):
            read(store, lambda s: schedule.load_week(s, "2027-W54"))
    finally:
        store.close()
    pdf = schedule.build_week(data)
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = pdf_text(pdf)
    assert "Ukeplan for rommene, uke 20" in text and "Uke 20, 2027 · 17.05.2027–21.05.2027" in text
    assert "Andre pinsedag og grunnlovsdagen" in text
    skipped = [b for b in data.schedule.bookings if b.state == "skipped"]
    assert skipped and all(b.starts_at.date() == dt.date(2027, 5, 17) for b in skipped)
    assert all(f"{b.starts_at:%H.%M}–{b.ends_at:%H.%M} {b.title}" not in text for b in skipped)
    monday = dt.date(2027, 5, 17)
    assert all(schedule.printed_lines(data.schedule.on(monday, room.id)) == [] for room in data.schedule.rooms)
