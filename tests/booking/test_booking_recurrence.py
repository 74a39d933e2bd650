"""Recurrence: RRULE checking with precise messages, and expansion checked against dateutil itself."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.rrule import WEEKLY, rrule
from hypothesis import given, settings
from hypothesis import strategies as st

from kpdesk.booking.recurrence import (
    MAX_OCCURRENCES,
    build_rule,
    describe,
    ending_at,
    moved_rule,
    normal_rule,
    occurrences,
    parse_rule,
)
from kpdesk.booking.times import OSLO
from kpdesk.common.fields import FieldError

T = dt.datetime
TUESDAY = T(2027, 1, 5, 9)


def message(text: str, start: dt.datetime = TUESDAY) -> str:
    with pytest.raises(FieldError) as caught:
        parse_rule(text, start)
    return caught.value.message


def test_normal_form() -> None:
    assert normal_rule("rrule:freq=weekly;byday=tu;until=20270615") == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270615T235959"
    assert normal_rule("FREQ=WEEKLY;INTERVAL=1;COUNT=10") == "FREQ=WEEKLY;COUNT=10"
    assert normal_rule("UNTIL=20270615T090000;FREQ=WEEKLY;INTERVAL=2") == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270615T090000"
    # UTC from a calendar program: 07:00Z in June is 09:00 in Oslo
    assert normal_rule("FREQ=WEEKLY;UNTIL=20270615T070000Z") == "FREQ=WEEKLY;UNTIL=20270615T090000"


def test_bare_until_date_includes_that_day() -> None:
    starts = occurrences(parse_rule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270615", T(2027, 5, 25, 9)), T(2027, 5, 25, 9))
    assert starts == [T(2027, 5, 25, 9), T(2027, 6, 1, 9), T(2027, 6, 8, 9), T(2027, 6, 15, 9)]


def test_messages() -> None:
    assert message("FREQ=WEEKLY;BYDAY=TU") == (
        "Gjentakelsen «FREQ=WEEKLY;BYDAY=TU» slutter aldri: legg til UNTIL=ååååmmdd (til og med en dato) eller "
        "COUNT=n (antall ganger)")
    assert message("hver tirsdag") == "Gjentakelsen «hver tirsdag» kan ikke leses: «HVER TIRSDAG» er ikke NAVN=verdi"
    assert message("FREQ=WEEKLY;BYDAY=XX;COUNT=3") == (
        "Gjentakelsen «FREQ=WEEKLY;BYDAY=XX;COUNT=3» har en ukjent dag i BYDAY: «XX» (bruk MO, TU, WE, TH, FR, SA, SU)")
    assert message("FREQ=FORTNIGHTLY;COUNT=3") == (
        "Gjentakelsen «FREQ=FORTNIGHTLY;COUNT=3» har ukjent FREQ=FORTNIGHTLY; bruk DAILY, WEEKLY, MONTHLY eller YEARLY")
    assert "oftere enn én gang om dagen" in message("FREQ=HOURLY;COUNT=3")
    assert "klokkeslettet tas fra starttidspunktet" in message("FREQ=DAILY;BYHOUR=9;COUNT=3")
    assert message("FREQ=WEEKLY;COUNT=3;UNTIL=20270615") == (
        "Gjentakelsen «FREQ=WEEKLY;COUNT=3;UNTIL=20270615» har både UNTIL og COUNT; bruk bare én av dem")
    assert message("FREQ=WEEKLY;COUNT=0") == (
        "Gjentakelsen «FREQ=WEEKLY;COUNT=0» har COUNT=0; COUNT skal være et helt tall fra 1 og oppover")
    assert message("FREQ=WEEKLY;UNTIL=2027-06-15") == (
        "Gjentakelsen «FREQ=WEEKLY;UNTIL=2027-06-15» har en UNTIL som ikke er en dato: «2027-06-15» (skriv "
        "UNTIL=ååååmmdd, for eksempel UNTIL=20270615)")
    assert message("FREQ=WEEKLY;UNTIL=20270231") == (
        "Gjentakelsen «FREQ=WEEKLY;UNTIL=20270231» har en UNTIL-dato som ikke finnes: «20270231»")
    assert message("FREQ=WEEKLY;FOO=1;COUNT=2").startswith(
        "Gjentakelsen «FREQ=WEEKLY;FOO=1;COUNT=2» kan ikke leses: «FOO» er ikke en del av en RRULE")
    assert message("") == "Gjentakelsen mangler"
    assert message("DTSTART:20270105T090000\nRRULE:FREQ=WEEKLY;COUNT=2").endswith(
        "kan ikke leses: skriv bare selve regelen, for eksempel FREQ=WEEKLY;BYDAY=TU;UNTIL=20270615")


def test_rule_must_fit_the_start_and_give_dates() -> None:
    assert message("FREQ=WEEKLY;BYDAY=TU;UNTIL=20261201") == (
        "Gjentakelsen «FREQ=WEEKLY;BYDAY=TU;UNTIL=20261201T235959» slutter 01.12.2026, før start 05.01.2027")
    assert message("FREQ=WEEKLY;BYDAY=WE;COUNT=3") == (
        "Gjentakelsen «FREQ=WEEKLY;BYDAY=WE;COUNT=3» passer ikke med starten 05.01.2027 (tirsdag): første dato "
        "regelen gir er 06.01.2027 (onsdag). Velg en start som er en av datoene")


def test_occurrences_are_capped() -> None:
    assert len(occurrences("FREQ=DAILY;COUNT=500", TUESDAY)) == MAX_OCCURRENCES
    assert message("FREQ=DAILY;UNTIL=20300101") == (
        "Gjentakelsen «FREQ=DAILY;UNTIL=20300101T235959» gir mer enn 500 datoer; kort den ned med UNTIL eller COUNT")
    assert "gir mer enn 500 datoer" in message("FREQ=WEEKLY;COUNT=100000")


def test_dst_weekly_series_stays_at_nine() -> None:
    """Summer time begins 28.03.2027 and ends 31.10.2027: the wall clock says 09:00 all year."""
    starts = occurrences(parse_rule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231", TUESDAY), TUESDAY)
    assert len(starts) == 52
    assert {s.time() for s in starts} == {dt.time(9)}
    around_spring = [s for s in starts if dt.date(2027, 3, 20) <= s.date() <= dt.date(2027, 4, 3)]
    assert [s.replace(tzinfo=OSLO).utcoffset() for s in around_spring] == [dt.timedelta(hours=1),
                                                                            dt.timedelta(hours=2)]
    around_autumn = [s for s in starts if dt.date(2027, 10, 24) <= s.date() <= dt.date(2027, 11, 7)]
    assert [s.replace(tzinfo=OSLO).astimezone(dt.UTC).hour for s in around_autumn] == [7, 8]


def test_build_and_describe() -> None:
    rule = build_rule(weekdays=[2, 0], interval=2, until=dt.date(2027, 6, 16))
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270616T235959"
    assert describe(rule) == "hver 2. uke på mandag og onsdag, til og med 16.06.2027"
    assert describe("FREQ=WEEKLY;BYDAY=TU;COUNT=10") == "hver uke på tirsdag, 10 ganger"
    assert describe("FREQ=DAILY;COUNT=1") == "hver dag, én gang"


def test_ending_and_moving_rules() -> None:
    assert ending_at("FREQ=WEEKLY;BYDAY=TU;COUNT=10", T(2027, 2, 2, 9)) == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270202T090000"
    assert moved_rule("FREQ=WEEKLY;BYDAY=TU;COUNT=10", TUESDAY, T(2027, 1, 6, 10), remaining=4) == (
        "FREQ=WEEKLY;BYDAY=WE;COUNT=4")
    assert moved_rule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270202T090000", TUESDAY, T(2027, 1, 5, 10)) == (
        "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270202T100000")


# ---------------------------------------------------------------- properties

weekdays = st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True)
starts = st.datetimes(min_value=T(2026, 1, 1), max_value=T(2029, 12, 31)).map(
    lambda d: d.replace(minute=d.minute // 15 * 15, second=0, microsecond=0))


@settings(max_examples=200, deadline=None)
@given(start=starts, days=weekdays, interval=st.integers(1, 4), count=st.integers(1, 60))
def test_count_rules_match_dateutil_and_keep_the_wall_clock(start, days, interval, count) -> None:
    start = start + dt.timedelta(days=(days[0] - start.weekday()) % 7)  # the start is one of the days
    rule = parse_rule(build_rule(weekdays=days, interval=interval, count=count), start)
    found = occurrences(rule, start)
    reference = list(rrule(WEEKLY, dtstart=start, byweekday=days, interval=interval, count=count))
    assert found == reference
    assert len(found) == count
    assert {s.time() for s in found} == {start.time()}
    assert all(s.weekday() in days for s in found)
    assert found == sorted(set(found))


@settings(max_examples=200, deadline=None)
@given(start=starts, days=weekdays, interval=st.integers(1, 3), weeks=st.integers(0, 60))
def test_until_rules_stop_on_the_day(start, days, interval, weeks) -> None:
    start = start + dt.timedelta(days=(days[0] - start.weekday()) % 7)
    until = start.date() + dt.timedelta(weeks=weeks)
    found = occurrences(parse_rule(build_rule(weekdays=days, interval=interval, until=until), start), start)
    reference = list(rrule(WEEKLY, dtstart=start, byweekday=days, interval=interval,
                           until=dt.datetime.combine(until, dt.time(23, 59, 59))))
    assert found == reference
    assert found[0] == start
    assert all(s.date() <= until for s in found)
    assert {s.time() for s in found} == {start.time()}
