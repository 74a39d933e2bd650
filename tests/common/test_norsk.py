"""Norwegian conventions: collation, search folding, dates, ISO weeks, numbers, money, identifiers."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpdesk.common.norsk import (
    fold,
    format_date,
    format_datetime,
    format_decimal,
    format_money,
    format_org_number,
    format_phone,
    format_time,
    group_thousands,
    iso_week,
    parse_clock,
    parse_date,
    parse_decimal,
    sort_key,
    week_label,
    week_monday,
)

NBSP = "\u00a0"
# Same examples on every run, no example database, no timing flakiness on a slow CI machine.
steady = settings(derandomize=True, database=None, deadline=None)

# ---------------------------------------------------------------- collation and search


def test_ae_oe_aa_sort_last_case_insensitively() -> None:
    assert sorted(["Ål", "Øy", "Æra", "Zebra", "abc"], key=sort_key) == ["abc", "Zebra", "Æra", "Øy", "Ål"]


def test_norwegian_order_of_municipality_names() -> None:
    names = ["Øksnes", "Andøy", "Ålesund", "Vågan", "Værøy", "Ærø", "Bø", "Bodø", "Åfjord", "Zulu", "vega"]
    assert sorted(names, key=sort_key) == [
        "Andøy", "Bodø", "Bø", "vega", "Værøy", "Vågan", "Zulu", "Ærø", "Øksnes", "Åfjord", "Ålesund"]


def test_lowercase_and_uppercase_are_equal_and_the_letters_keep_their_order() -> None:
    assert sort_key("Ørnes") == sort_key("ØRNES") == sort_key("ørnes")
    assert sort_key("z") < sort_key("æ") < sort_key("ø") < sort_key("å")
    assert sort_key("Æ") < sort_key("Ø") < sort_key("Å")
    assert sort_key("åa") > sort_key("øz") > sort_key("æz") > sort_key("zz")


def test_swedish_and_danish_letters_sort_with_their_norwegian_twins() -> None:
    assert sort_key("Ä") == sort_key("Æ")
    assert sort_key("Ö") == sort_key("Ø")


def test_accented_letters_sort_with_their_base_letter() -> None:
    assert sorted(["Hábmer", "Hamarøy", "Habmer", "Hb"], key=sort_key) == ["Hábmer", "Habmer", "Hamarøy", "Hb"]
    assert sort_key("é") == sort_key("e")
    assert sort_key("Čáhcesuolu") == sort_key("cahcesuolu")


def test_decomposed_input_sorts_like_composed() -> None:
    composed = "Åfjord"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert sort_key(decomposed) == sort_key(composed)
    assert sort_key(decomposed) > sort_key("Øksnes")


def test_sort_key_of_nothing() -> None:
    assert sort_key(None) == sort_key("") == ""
    assert sorted(["b", None, "a"], key=sort_key) == [None, "a", "b"]


@steady
@given(st.lists(st.text(alphabet="abcxyzæøåÆØÅABC ", max_size=6), max_size=8))
def test_sort_key_is_a_total_order_ignoring_case(words: list[str]) -> None:
    by_key = sorted(words, key=sort_key)
    assert [sort_key(w) for w in by_key] == sorted(sort_key(w) for w in words)
    assert sorted((w.upper() for w in words), key=sort_key) == [w.upper() for w in by_key]


def test_fold_finds_across_case_and_normal_forms() -> None:
    assert fold("ø") in fold("ØRNES")
    assert fold("Ø") in fold("bodø")
    assert fold("æ") == fold("Æ") and fold("å") == fold("Å")
    assert fold("Å") == fold(unicodedata.normalize("NFD", "å"))
    assert fold("bo") not in fold("Bø")  # different words
    assert fold("STRASSE") == fold("straße")


# ---------------------------------------------------------------- dates and weeks


def test_format_dates_and_times() -> None:
    assert format_date(dt.date(2027, 1, 5)) == "05.01.2027"
    assert format_date(None) == ""
    assert format_datetime(dt.datetime(2027, 3, 28, 9, 5)) == "28.03.2027 kl. 09.05"
    assert format_datetime(None) == ""
    assert format_time(dt.time(14, 30)) == "14.30"
    assert format_time(dt.datetime(2027, 1, 1, 8, 0)) == "08.00"
    assert format_time(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.12.2027", dt.date(2027, 12, 31)),
        ("1.2.2027", dt.date(2027, 2, 1)),
        (" 01.02.2027 ", dt.date(2027, 2, 1)),
        ("2027-02-01", dt.date(2027, 2, 1)),
        ("01/02/2027", dt.date(2027, 2, 1)),
        ("29.02.2028", dt.date(2028, 2, 29)),
    ],
)
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22.04.2027", dt.date(2027, 4, 22)),
        ("22.4.27", dt.date(2027, 4, 22)),
        ("22.4.2027", dt.date(2027, 4, 22)),
        ("22/4/2027", dt.date(2027, 4, 22)),
        ("22/4/27", dt.date(2027, 4, 22)),
        ("2027-04-22", dt.date(2027, 4, 22)),
        ("1.2", dt.date(2027, 2, 1)),  # no year: this year (as spreadsheets read it)
        ("1.2.", dt.date(2027, 2, 1)),
        ("31/12", dt.date(2027, 12, 31)),
        ("1.2.99", dt.date(2099, 2, 1)),  # two digits: 2000-2099
        ("1.2.00", dt.date(2000, 2, 1)),
    ],
)
def test_parse_date_reads_what_people_type(text: str, expected: dt.date) -> None:
    assert parse_date(text, today=dt.date(2027, 11, 30)) == expected


def test_a_date_without_a_year_is_in_this_year() -> None:
    assert parse_date("1.2") == dt.date(dt.date.today().year, 2, 1)


@pytest.mark.parametrize(("text", "reason"), [
    ("31.02.2027", "«31.02.2027» finnes ikke: februar 2027 har 28 dager"),
    ("29.02.2027", "«29.02.2027» finnes ikke: februar 2027 har 28 dager"),
    ("31.4.27", "«31.4.27» finnes ikke: april 2027 har 30 dager"),
    ("32.01.2027", "«32.01.2027» finnes ikke: januar 2027 har 31 dager"),
    ("2027-02-30", "«2027-02-30» finnes ikke: februar 2027 har 28 dager"),
    ("00.01.2027", "«00.01.2027» finnes ikke: dagene i en måned telles fra 1"),
    ("15.13.2027", "«15.13.2027» finnes ikke: måneden må være 1–12, ikke 13"),
    ("1.2.202", "«1.2.202» har et år med 3 sifre; skriv året med fire sifre (2027) eller to (27)"),
    ("01.01.0000", "Datoen «01.01.0000» er urimelig; året må være mellom 1900 og 2100"),
    ("", "Datoen mangler"),
])
def test_impossible_dates_are_refused_saying_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(text)
    assert str(caught.value) == reason


@pytest.mark.parametrize("text", ["i morgen", "2027.02.01", "01-02-2027", "1. februar 2027", "1.2/2027",
                                  "22042027", "1", "١.٢.٢٠٢٧"])
def test_text_that_is_no_date_is_refused_with_examples(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(text)
    assert str(caught.value) == f"«{text}» er ikke en dato (skriv for eksempel 22.04.2027, 22.4.27 eller 2027-04-22)"


@pytest.mark.parametrize(("text", "expected"), [
    ("1000", dt.time(10)), ("10", dt.time(10)), ("10.30", dt.time(10, 30)), ("10:30", dt.time(10, 30)),
    ("10,30", dt.time(10, 30)), ("9", dt.time(9)), ("930", dt.time(9, 30)), ("0930", dt.time(9, 30)),
    ("0", dt.time(0)), ("2359", dt.time(23, 59)), ("kl. 9", dt.time(9)), ("KL 9.15", dt.time(9, 15)),
    (" 09:00:30 ", dt.time(9, 0, 30)),
])
def test_parse_clock_reads_what_people_type(text: str, expected: dt.time) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("25", "«25» finnes ikke på klokka: timen må være 00–23, ikke 25"),
    ("24.00", "«24.00» finnes ikke på klokka: timen må være 00–23, ikke 24"),
    ("1075", "«1075» finnes ikke på klokka: minuttene må være 00–59"),
    ("10.60", "«10.60» finnes ikke på klokka: minuttene må være 00–59"),
    ("10.3", "«10.3» er ikke et klokkeslett (skriv for eksempel 10.30, 1030 eller 10)"),
    ("12345", "«12345» er ikke et klokkeslett (skriv for eksempel 10.30, 1030 eller 10)"),
    ("ni", "«ni» er ikke et klokkeslett (skriv for eksempel 10.30, 1030 eller 10)"),
    ("kl.", "«kl.» er ikke et klokkeslett (skriv for eksempel 10.30, 1030 eller 10)"),
    ("", "Klokkeslettet mangler"),
])
def test_impossible_times_are_refused_saying_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_clock(text)
    assert str(caught.value) == reason


@steady
@given(st.text(alphabet="0123456789.:/-, kl", max_size=12))
def test_typed_dates_and_times_give_a_value_or_a_reason(text: str) -> None:
    for parse in (parse_date, parse_clock):
        try:
            parse(text)
        except ValueError as exc:
            assert str(exc).strip()


@steady
@given(st.times())
def test_format_and_parse_clock_round_trip(value: dt.time) -> None:
    assert parse_clock(format_time(value)) == value.replace(second=0, microsecond=0)


@steady
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_format_and_parse_date_round_trip(value: dt.date) -> None:
    assert parse_date(format_date(value)) == value


def test_iso_weeks_at_the_turn_of_the_year() -> None:
    assert iso_week(dt.date(2027, 1, 1)) == (2026, 53)
    assert week_label(dt.date(2027, 1, 1)) == "Uke 53, 2026"
    assert iso_week(dt.date(2027, 1, 4)) == (2027, 1)
    assert iso_week(dt.date(2025, 12, 29)) == (2026, 1)
    assert week_label(dt.date(2027, 5, 20)) == "Uke 20, 2027"


def test_week_monday() -> None:
    assert week_monday(2026, 53) == dt.date(2026, 12, 28)
    assert week_monday(2027, 1) == dt.date(2027, 1, 4)
    assert week_monday(2026, 1) == dt.date(2025, 12, 29)


@steady
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_date_lies_in_the_week_of_its_monday(value: dt.date) -> None:
    monday = week_monday(*iso_week(value))
    assert monday.weekday() == 0
    assert monday <= value < monday + dt.timedelta(days=7)


# ---------------------------------------------------------------- numbers and money


@pytest.mark.parametrize(
    ("number", "text"),
    [(0, "0"), (999, "999"), (1000, f"1{NBSP}000"), (12500, f"12{NBSP}500"), (1234567, f"1{NBSP}234{NBSP}567"),
     (-12500, f"-12{NBSP}500"), (-100, "-100")],
)
def test_group_thousands(number: int, text: str) -> None:
    assert group_thousands(number) == text


def test_money() -> None:
    assert format_money(12500) == "12\u00a0500\u00a0kr"
    assert format_money(0) == f"0{NBSP}kr"
    assert format_money(-450) == f"-450{NBSP}kr"
    assert format_money(Decimal("1234567")) == f"1{NBSP}234{NBSP}567{NBSP}kr"
    assert format_money(None) == ""
    assert " " not in format_money(1234567)  # never a breakable space inside an amount


@pytest.mark.parametrize(("value", "text"), [(Decimal("12500.5"), "12 501 kr"), (Decimal("12501.5"), "12 502 kr"),
                                             (Decimal("0.49"), "0 kr"), (Decimal("99.5"), "100 kr")])
def test_money_rounds_half_kroner_up(value: Decimal, text: str) -> None:
    assert format_money(value) == text.replace(" ", NBSP)


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [(Decimal("7.5"), 1, "7,5"), (30, 1, "30"), (Decimal("30.0"), 1, "30"), (7.5, 1, "7,5"), (0, 1, "0"),
     (Decimal("2.25"), 2, "2,25"), (Decimal("2.50"), 2, "2,5"), (Decimal("-1.5"), 1, "-1,5"),
     (Decimal("7.25"), 1, "7,3"), (Decimal("0.05"), 1, "0,1"), (Decimal("-0.04"), 1, "0"), (-0.0, 1, "0"),
     (Decimal("1234.5"), 1, "1234,5"), (None, 1, "")],
)
def test_format_decimal(value: Decimal | float | int | None, places: int, text: str) -> None:
    assert format_decimal(value, places) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [("7,5", Decimal("7.5")), ("7.5", Decimal("7.5")), ("1 200,50", Decimal("1200.50")),
     (f"1{NBSP}200,50", Decimal("1200.50")), ("1.200,50", Decimal("1200.50")), (" 30 ", Decimal(30)),
     ("-2,5", Decimal("-2.5")), ("0,0", Decimal(0))],
)
def test_parse_decimal(text: str, value: Decimal) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["", "sju", "7,5,1", "NaN", "Infinity", "-inf", "1,2.3,4"])
def test_parse_decimal_refuses_non_numbers_in_norwegian(text: str) -> None:
    with pytest.raises(ValueError, match="er ikke et tall"):
        parse_decimal(text)


@steady
@given(st.decimals(min_value=-10**6, max_value=10**6, places=1, allow_nan=False, allow_infinity=False))
def test_decimal_round_trip(value: Decimal) -> None:
    assert parse_decimal(format_decimal(value, 1)) == value


# ---------------------------------------------------------------- identifiers


def test_org_number_display() -> None:
    assert format_org_number("988077917") == "988 077 917"
    assert format_org_number("98807791") == "98807791"  # not nine digits: as given
    assert format_org_number("98807791x") == "98807791x"
    assert format_org_number(None) == format_org_number("") == ""


@pytest.mark.parametrize(
    ("digits", "text"),
    [("75555000", "75 55 50 00"), ("+4775555000", "+47 75 55 50 00"), ("91234567", "91 23 45 67"),
     ("+46812345678", "+46812345678"), ("1234", "1234"), ("7555500x", "7555500x"), ("", ""), (None, "")],
)
def test_phone_numbers_in_pairs(digits: str | None, text: str) -> None:
    assert format_phone(digits) == text


def test_refs_sort_by_their_numbers() -> None:
    from kpdesk.common.list_filter import Column
    from kpdesk.common.norsk import ref_sort_key

    refs = ["B10000", "B9999", "b0001", "B00002", "PN01", "B0120"]
    assert sorted(refs, key=ref_sort_key) == ["b0001", "B00002", "B0120", "B9999", "B10000", "PN01"]
    column = Column("ref", "Ref.", lambda r: r, sort_value=ref_sort_key)
    assert sorted(refs, key=column.sort_key_for)[-2:] == ["B10000", "PN01"]
