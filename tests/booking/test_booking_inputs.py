"""Booking input: field parsers and the record validator, good values and the exact messages."""

from __future__ import annotations

import datetime as dt

import pytest

from kpdesk.booking.inputs import BookingData, booking_problems, parse_buffer, parse_kind, validate_booking
from kpdesk.booking.times import format_span, parse_datetime, parse_end, parse_time
from kpdesk.common.fields import FieldError, Problem

T = dt.datetime


def message(parser, *args) -> str:
    with pytest.raises(FieldError) as caught:
        parser(*args)
    return caught.value.message


def raw(**values: str) -> dict[str, str]:
    base = {"room": "Eksamensrom", "title": "Eksamen SYK2001", "start": "12.05.2027 09:00", "end": "12.05.2027 13:00"}
    return {**base, **values}


@pytest.mark.parametrize("text", ["12.05.2027 09:00", "12.05.2027 9.00", "12.5.2027 kl. 09.00", "2027-05-12T09:00",
                                  "2027-05-12 09:00:00", " 12.05.2027  09:00 ", "12.5.27 0900", "12/5/2027 9",
                                  "12.5.27 KL 9"])
def test_datetime_formats(text: str) -> None:
    assert parse_datetime(text) == T(2027, 5, 12, 9)


def test_datetime_messages() -> None:
    assert message(parse_datetime, "12.05.2027") == (
        "Tidspunktet «12.05.2027» mangler klokkeslett (skriv for eksempel 12.05.2027 09:00)")
    assert message(parse_datetime, "31.02.2027 09:00") == (
        "Tidspunktet «31.02.2027 09:00»: datoen «31.02.2027» finnes ikke: februar 2027 har 28 dager")
    assert message(parse_datetime, "12.05.2027 25:00") == (
        "Tidspunktet «12.05.2027 25:00»: klokkeslettet «25:00» finnes ikke på klokka: timen må være 00–23, ikke 25")
    assert message(parse_datetime, "neste tirsdag") == (
        "Tidspunktet «neste tirsdag» er ikke et tidspunkt (skriv for eksempel 12.05.2027 09:00 eller 2027-05-12T09:00)")
    assert message(parse_datetime, "") == "Tidspunktet mangler"
    assert message(parse_datetime, "12.05.1027 09:00") == (
        "Tidspunktet «12.05.1027 09:00»: datoen «12.05.1027» er urimelig; året må være mellom 1900 og 2100")
    assert message(parse_datetime, "1000") == (
        "Tidspunktet «1000» er ikke et tidspunkt (skriv for eksempel 12.05.2027 09:00 eller 2027-05-12T09:00)")


def test_time_and_end() -> None:
    assert parse_time("kl. 8") == dt.time(8)
    assert parse_time("13.45") == dt.time(13, 45)
    assert parse_end("13:00", T(2027, 5, 12, 9)) == T(2027, 5, 12, 13)  # a bare time: the start's day
    assert parse_end("13.05.2027 02:00", T(2027, 5, 12, 22)) == T(2027, 5, 13, 2)
    assert parse_time("1030") == dt.time(10, 30)
    assert parse_end("1300", T(2027, 5, 12, 9)) == T(2027, 5, 12, 13)
    assert message(parse_time, "9:75") == "Klokkeslettet «9:75» finnes ikke på klokka: minuttene må være 00–59"
    assert message(parse_time, "ni") == (
        "Klokkeslettet «ni» er ikke et klokkeslett (skriv for eksempel 10.30, 1030 eller 10)")
    assert message(parse_end, "25:00", T(2027, 5, 12, 9)) == (
        "Slutt «25:00» finnes ikke på klokka: timen må være 00–23, ikke 25")


def test_kinds_and_buffer() -> None:
    assert parse_kind("Eksamen") == "exam"
    assert parse_kind("forelesning via video") == "video_lecture"
    assert parse_kind("") == "other"
    assert message(parse_kind, "fest") == (
        "Ukjent type «fest»; bruk en av: samling, eksamen, forelesning via video, møte, annet")
    assert parse_buffer("45 min") == 45
    assert parse_buffer("") is None
    assert message(parse_buffer, "300") == "Oppmøtetid før start (minutter) 300 er urimelig høyt (høyst 240)"


def test_good_booking() -> None:
    data, problems = validate_booking(raw(kind="eksamen", attendees="12", invigilators="2",
                                          organiser="Nord universitet", equipment="PC-er, eksamensrom",
                                          offer_ref="T0007", notes="Legitimasjon."))
    assert problems == []
    assert data == BookingData("Eksamensrom", "Eksamen SYK2001", T(2027, 5, 12, 9), T(2027, 5, 12, 13), "exam",
                               "Nord universitet", 12, "T0007", None, ("PC-er", "eksamensrom"), 30, 2,
                               "Legitimasjon.")
    assert data.blocked_from == T(2027, 5, 12, 8, 30)


def test_exam_buffer_default_and_explicit() -> None:
    data, _ = validate_booking(raw(kind="eksamen", arrival_buffer="45"))
    assert data.arrival_buffer_minutes == 45
    data, _ = validate_booking(raw(kind="møte"))
    assert data.arrival_buffer_minutes == 0


def test_time_problems() -> None:
    assert validate_booking(raw(end="12.05.2027 08:00"))[1] == [
        Problem("end", "Slutt 12.05.2027 kl. 08.00 er før start 12.05.2027 kl. 09.00")]
    assert validate_booking(raw(end="09:00"))[1] == [
        Problem("end", "Bookingen varer 0 minutter: slutt må være etter start")]
    assert validate_booking(raw(start="12.05.2027 22:00", end="13.05.2027 02:00"))[1] == [
        Problem("end", "Bookingen går over midnatt (12.05.2027 kl. 22.00 – 13.05.2027 kl. 02.00); velg «over "
                       "midnatt» hvis det er meningen")]
    assert validate_booking(raw(end="01.06.2027 09:00"))[1] == [
        Problem("end", "Bookingen varer 20 døgn; høyst 14 døgn er tillatt. Book lange perioder som en serie")]


def test_across_midnight_when_meant() -> None:
    data, problems = validate_booking(raw(start="12.05.2027 22:00", end="13.05.2027 02:00", overnight="ja"))
    assert problems == [] and data.allow_overnight
    data, _ = validate_booking(raw(start="12.05.2027 22:00", end="13.05.2027 02:00"), allow_overnight=True)
    assert data is not None
    data, problems = validate_booking(raw(start="12.05.2027 22:00", end="13.05.2027 00:00"))
    assert problems == []  # ending at midnight is not across it
    assert format_span(data.starts_at, data.ends_at) == "12.05.2027 kl. 22.00–24.00"


def test_exam_fields_only_for_exams() -> None:
    _, problems = validate_booking(raw(kind="møte", arrival_buffer="30", invigilators="2"))
    assert problems == [Problem("arrival_buffer", "Oppmøtetid før start gjelder bare eksamen"),
                        Problem("invigilators", "Eksamensvakter gjelder bare eksamen")]


def test_every_problem_of_a_row_at_once() -> None:
    data, problems = validate_booking({"room": "", "title": "", "kind": "fest", "start": "i morgen", "end": "",
                                       "attendees": "0", "repeat": "FREQ=WEEKLY"})
    assert data is None
    assert [p.field for p in problems] == ["room", "title", "kind", "start", "end", "attendees"]
    assert problems[5].message == "Antall deltakere må være minst 1, ikke 0"


def test_repeat_is_checked_against_the_start() -> None:
    data, problems = validate_booking(raw(start="11.05.2027 09:00", end="11:00",
                                          repeat="FREQ=WEEKLY;BYDAY=TU;UNTIL=20270615"))
    assert problems == []
    assert data.repeat == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270615T235959"
    _, problems = validate_booking(raw(repeat="FREQ=WEEKLY;BYDAY=TU"))
    assert problems == [Problem("repeat", "Gjentakelsen «hver tirsdag» slutter aldri: gi en "
                                          "sluttdato (UNTIL) eller et antall ganger (COUNT)")]


def test_typed_data_is_checked_too() -> None:
    data = BookingData("Rom", "Møte", T(2027, 5, 12, 10), T(2027, 5, 12, 9), kind="meeting", arrival_buffer_minutes=15)
    assert [p.message for p in booking_problems(data)] == [
        "Slutt 12.05.2027 kl. 09.00 er før start 12.05.2027 kl. 10.00", "Oppmøtetid før start gjelder bare eksamen"]
