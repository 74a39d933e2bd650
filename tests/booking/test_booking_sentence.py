"""The series sentence the booking dialog shows: rhythm, time, first and last date, how many times,
and which holidays are skipped (counted by the same code that plans the series)."""

from __future__ import annotations

import datetime as dt

import pytest

from kpdesk.booking.recurrence import build_rule
from kpdesk.booking.sentence import series_sentence
from kpdesk.common.fields import FieldError

START = dt.datetime(2027, 4, 22, 10)  # a Thursday; Kristi himmelfartsdag is Thursday 06.05.2027
END = dt.datetime(2027, 4, 22, 12)


def test_the_example_from_the_issue() -> None:
    rule = build_rule(weekdays=[3], until=dt.date(2027, 6, 17))
    assert series_sentence(rule, START, END) == (
        "Hver torsdag kl. 10.00–12.00 fra 22.04.2027 til 17.06.2027: 9 ganger, 1 hoppes over "
        "(Kristi himmelfartsdag)")


@pytest.mark.parametrize(("rule", "expected"), [
    (build_rule(weekdays=[3], interval=2, count=3),
     "Annenhver torsdag kl. 10.00–12.00 fra 22.04.2027 til 20.05.2027: 3 ganger, 1 hoppes over "
     "(Kristi himmelfartsdag)"),
    (build_rule(freq="DAILY", weekdays=range(5), until=dt.date(2027, 4, 27)),
     "Hver hverdag kl. 10.00–12.00 fra 22.04.2027 til 27.04.2027: 4 ganger"),
    (build_rule(freq="MONTHLY", weekdays=[3], nth=4, count=2),
     "Fjerde torsdag i måneden kl. 10.00–12.00 fra 22.04.2027 til 27.05.2027: 2 ganger"),
    (build_rule(freq="MONTHLY", monthday=22, count=1), "Den 22. hver måned kl. 10.00–12.00 den 22.04.2027: 1 gang"),
    (build_rule(weekdays=[0, 3], until=dt.date(2027, 5, 17)),
     "Hver mandag og torsdag kl. 10.00–12.00 fra 22.04.2027 til 17.05.2027: 8 ganger, 2 hoppes over "
     "(Kristi himmelfartsdag og Andre pinsedag / Grunnlovsdagen)"),  # one «og» between the dates
])
def test_each_choice_in_words(rule: str, expected: str) -> None:
    assert series_sentence(rule, START, END) == expected


def test_a_rule_that_does_not_fit_is_refused_in_words() -> None:
    with pytest.raises(FieldError) as caught:
        series_sentence(build_rule(weekdays=[2], count=3), START, END)
    assert "FREQ=" not in caught.value.message
    assert caught.value.message.startswith("Gjentakelsen «hver onsdag, 3 ganger» passer ikke med starten")


def test_one_date_with_two_holidays_is_said_in_words() -> None:
    monday = dt.datetime(2027, 5, 10, 10)
    rule = build_rule(weekdays=[0], until=dt.date(2027, 5, 17))
    assert series_sentence(rule, monday, monday + dt.timedelta(hours=2)) == (
        "Hver mandag kl. 10.00–12.00 fra 10.05.2027 til 17.05.2027: 2 ganger, 1 hoppes over "
        "(Andre pinsedag og grunnlovsdagen)")
