"""The one year range (1900–2100) of every date and week kpdesk reads: ``kpdesk.common.norsk``."""

from __future__ import annotations

import datetime as dt

import pytest

from kpdesk.common import fields, norsk


def test_the_range_has_one_definition() -> None:
    assert (norsk.EARLIEST_YEAR, norsk.LATEST_YEAR) == (1900, 2100)
    assert (fields.EARLIEST_YEAR, fields.LATEST_YEAR) == (norsk.EARLIEST_YEAR, norsk.LATEST_YEAR)


@pytest.mark.parametrize("text", ["31.12.9999", "9999-12-31", "31.12.2101", "01.01.2101", "31.12.1899",
                                  "1899-12-31", "01/01/0001"])
def test_dates_outside_the_range_are_refused(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        norsk.parse_date(text)
    assert str(caught.value) == f"Datoen «{text}» er urimelig; året må være mellom 1900 og 2100"


def test_the_ends_of_the_range_are_dates() -> None:
    assert norsk.parse_date("01.01.1900") == dt.date(1900, 1, 1)
    assert norsk.parse_date("2100-12-31") == dt.date(2100, 12, 31)


@pytest.mark.parametrize(("text", "expected"), [
    ("2027-W20", (2027, 20)), ("2027w20", (2027, 20)), ("2027W5", (2027, 5)), (" 20/2027 ", (2027, 20)),
    ("20 2027", (2027, 20)), ("2026-W53", (2026, 53)), ("1900-W01", (1900, 1)), ("2100-W52", (2100, 52)),
])
def test_weeks(text: str, expected: tuple[int, int]) -> None:
    assert norsk.parse_week(text) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("9999-W52", "Uken «9999-W52» er urimelig; året må være mellom 1900 og 2100"),
    ("52/9999", "Uken «52/9999» er urimelig; året må være mellom 1900 og 2100"),
    ("1899-W52", "Uken «1899-W52» er urimelig; året må være mellom 1900 og 2100"),
    ("0000-W01", "Uken «0000-W01» er urimelig; året må være mellom 1900 og 2100"),
    ("2027-W54", "Uke 54 finnes ikke i 2027"),
    ("2027-W00", "Uke 0 finnes ikke i 2027"),
    ("neste uke", "«neste uke» er ikke en uke; skriv for eksempel 2027-W20"),
])
def test_weeks_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        norsk.parse_week(text)
    assert str(caught.value) == reason


def test_a_field_date_gives_the_same_sentence() -> None:
    with pytest.raises(fields.FieldError) as caught:
        fields.parse_date("31.12.9999")
    assert caught.value.message == "Datoen «31.12.9999» er urimelig; året må være mellom 1900 og 2100"
