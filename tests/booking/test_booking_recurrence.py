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
    nth_weekday,
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
    """Messages say the rule in words, never as RRULE text."""
    assert message("FREQ=WEEKLY;BYDAY=TU") == (
        "Gjentakelsen «hver tirsdag» slutter aldri: gi en sluttdato (UNTIL) eller et antall ganger (COUNT)")
    assert message("hver tirsdag") == "Gjentakelsen kan ikke leses: «HVER TIRSDAG» er ikke NAVN=verdi"
    assert message("FREQ=WEEKLY;BYDAY=XX;COUNT=3") == (
        "Gjentakelsen har en ukjent dag i BYDAY: «XX» (bruk MO, TU, WE, TH, FR, SA, SU)")
    assert message("FREQ=FORTNIGHTLY;COUNT=3") == (
        "Gjentakelsen har en ukjent FREQ «FORTNIGHTLY»; bruk DAILY, WEEKLY, MONTHLY eller YEARLY")
    assert "oftere enn én gang om dagen" in message("FREQ=HOURLY;COUNT=3")
    assert "klokkeslettet tas fra starttidspunktet" in message("FREQ=DAILY;BYHOUR=9;COUNT=3")
    assert message("FREQ=WEEKLY;COUNT=3;UNTIL=20270615") == (
        "Gjentakelsen «hver uke, 3 ganger, til og med 15.06.2027» har både sluttdato (UNTIL) og antall ganger "
        "(COUNT); bruk bare én av dem")
    assert message("FREQ=WEEKLY;COUNT=0") == (
        "Gjentakelsen «hver uke, 0 ganger» har COUNT «0»; COUNT skal være et helt tall fra 1 og oppover")
    assert message("FREQ=WEEKLY;UNTIL=2027-06-15") == (
        "Gjentakelsen «hver uke» har en UNTIL som ikke er en dato: «2027-06-15» (skriv datoen som ååååmmdd, "
        "for eksempel 20270615)")
    assert message("FREQ=WEEKLY;UNTIL=20270231") == (
        "Gjentakelsen «hver uke» har en UNTIL-dato som ikke finnes: «20270231»")
    assert message("FREQ=WEEKLY;FOO=1;COUNT=2").startswith(
        "Gjentakelsen «hver uke (egen regel), 2 ganger» kan ikke leses: «FOO» er ikke en del av en RRULE")
    assert message("") == "Gjentakelsen mangler"
    assert message("DTSTART:20270105T090000\nRRULE:FREQ=WEEKLY;COUNT=2").endswith(
        "kan ikke leses: skriv bare selve regelen, uten DTSTART og «RRULE:»")
    for rule in ("FREQ=WEEKLY;BYDAY=TU", "FREQ=FORTNIGHTLY;COUNT=3", "FREQ=WEEKLY;COUNT=3;UNTIL=20270615",
                 "FREQ=DAILY;UNTIL=20300101", "FREQ=WEEKLY;BYDAY=WE;COUNT=3", "RRULE:FREQ=MONTHLY;BYDAY=9TU;COUNT=3"):
        assert "FREQ=" not in message(rule)


def test_rule_must_fit_the_start_and_give_dates() -> None:
    assert message("FREQ=WEEKLY;BYDAY=TU;UNTIL=20261201") == (
        "Gjentakelsen «hver tirsdag, til og med 01.12.2026» slutter 01.12.2026, før start 05.01.2027")
    assert message("FREQ=WEEKLY;BYDAY=WE;COUNT=3") == (
        "Gjentakelsen «hver onsdag, 3 ganger» passer ikke med starten 05.01.2027 (tirsdag): første dato "
        "regelen gir er 06.01.2027 (onsdag). Velg en start som er en av datoene")


def test_occurrences_are_capped() -> None:
    assert len(occurrences("FREQ=DAILY;COUNT=500", TUESDAY)) == MAX_OCCURRENCES
    assert message("FREQ=DAILY;UNTIL=20300101") == (
        "Gjentakelsen «hver dag, til og med 01.01.2030» gir mer enn 500 datoer; velg en tidligere sluttdato eller "
        "færre ganger")
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
    assert describe(rule) == "annenhver mandag og onsdag, til og med 16.06.2027"
    assert describe("FREQ=WEEKLY;BYDAY=TU;COUNT=10") == "hver tirsdag, 10 ganger"
    assert describe("FREQ=WEEKLY;INTERVAL=3;BYDAY=TU;COUNT=10") == "hver 3. uke på tirsdag, 10 ganger"
    assert describe("FREQ=DAILY;COUNT=1") == "hver dag, én gang"
    weekdays = build_rule(freq="DAILY", weekdays=range(5), count=12)
    assert weekdays == "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=12"
    assert describe(weekdays) == "hver hverdag, 12 ganger"
    second_tuesday = build_rule(freq="MONTHLY", weekdays=[1], nth=2, count=6)
    assert second_tuesday == "FREQ=MONTHLY;BYDAY=2TU;COUNT=6"
    assert describe(second_tuesday) == "andre tirsdag i måneden, 6 ganger"
    assert describe(build_rule(freq="MONTHLY", weekdays=[4], nth=-1, count=2)) == "siste fredag i måneden, 2 ganger"
    on_the_15th = build_rule(freq="MONTHLY", monthday=15, until=dt.date(2027, 12, 31))
    assert on_the_15th == "FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20271231T235959"
    assert describe(on_the_15th) == "den 15. hver måned, til og med 31.12.2027"
    assert describe("FREQ=YEARLY;BYMONTH=5;COUNT=3") == "hvert år (egen regel), 3 ganger"
    assert describe("nonsense") == "egen regel"


def test_nth_weekday() -> None:
    assert nth_weekday(dt.date(2027, 4, 13)) == 2  # the second Tuesday of April 2027
    assert nth_weekday(dt.date(2027, 4, 27)) == 4
    assert nth_weekday(dt.date(2027, 4, 29)) == -1  # a fifth Thursday is the last one


def test_monthly_rules_give_the_right_dates() -> None:
    start = T(2027, 4, 13, 9)
    found = occurrences(parse_rule(build_rule(freq="MONTHLY", weekdays=[1], nth=2, count=3), start), start)
    assert [s.date() for s in found] == [dt.date(2027, 4, 13), dt.date(2027, 5, 11), dt.date(2027, 6, 8)]
    found = occurrences(parse_rule(build_rule(freq="MONTHLY", monthday=13, count=3), start), start)
    assert [s.date() for s in found] == [dt.date(2027, 4, 13), dt.date(2027, 5, 13), dt.date(2027, 6, 13)]


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
