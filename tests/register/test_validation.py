"""Field parsers and record validators: good values, bad values, and the exact sentences shown."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpdesk.common import orgnr
from kpdesk.common.fields import (
    FieldError,
    Problem,
    format_formats,
    parse_date,
    parse_email,
    parse_formats,
    parse_headcount,
    parse_industry,
    parse_level,
    parse_municipality,
    parse_need_status,
    parse_org_number,
    parse_phone,
    parse_priority,
    parse_ref,
    parse_required_text,
    parse_text,
    parse_yes_no,
    sensitive_text_warning,
)
from kpdesk.register.validation import validate_contact, validate_employer, validate_need


def message(parser, *args) -> str:
    with pytest.raises(FieldError) as caught:
        parser(*args)
    return caught.value.message


# ---------------------------------------------------------------- organisation numbers

@pytest.mark.parametrize("text", ["988077917", "988 077 917", " 988.077.917 ", "NO 988 077 917 MVA", "988-077-917"])
def test_org_number_accepts_what_people_type(text: str) -> None:
    assert parse_org_number(text) == "988077917"


def test_org_number_messages() -> None:
    assert message(parse_org_number, "12345") == "Organisasjonsnummer skal ha 9 sifre, «12345» har 5"
    assert message(parse_org_number, "") == "Organisasjonsnummer mangler"
    assert message(parse_org_number, "988077918") == (
        "Organisasjonsnummer «988077918» har feil kontrollsiffer (det siste sifferet stemmer ikke med de åtte "
        "første); sjekk at det er skrevet riktig")
    assert message(parse_org_number, "98807791A") == (
        "Organisasjonsnummer skal bare ha sifre, «98807791A» har andre tegn")
    # str.isdigit says yes to superscripts and other scripts' digits; int() would then fail
    assert "bare ha sifre" in message(parse_org_number, "²²²²²²²²²")
    assert "bare ha sifre" in message(parse_org_number, "٩٨٨٠٧٧٩١٧")


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_org_number_check_digit_property(first_eight: str) -> None:
    """Exactly the numbers MOD11 completes are accepted; every other last digit is refused."""
    full = orgnr.complete(first_eight)
    for last in "0123456789":
        candidate = first_eight + last
        if candidate == full:
            assert parse_org_number(candidate) == candidate
            assert parse_org_number(f"{candidate[:3]} {candidate[3:6]} {candidate[6:]}") == candidate
        else:
            assert "kontrollsiffer" in message(parse_org_number, candidate)


@given(st.text(max_size=30))
def test_org_number_never_crashes(text: str) -> None:
    """Any text either gives nine ASCII digits with a valid check digit or a FieldError."""
    try:
        digits = parse_org_number(text)
    except FieldError as exc:
        assert exc.message
    else:
        assert len(digits) == 9 and digits.isascii() and digits.isdigit()
        assert orgnr.check_digit(digits[:8]) == int(digits[8])


def test_org_number_not_starting_with_8_or_9_is_only_a_warning() -> None:
    data, problems = validate_employer({"org_number": "123456785", "name": "Testbedrift AS"})
    assert data is not None and data.org_number == "123456785"
    assert problems == [Problem("org_number", "Organisasjonsnummer 123 456 785 begynner ikke på 8 eller 9 som i "
                                "Enhetsregisteret", warning=True)]


# ---------------------------------------------------------------- municipality and industry

@pytest.mark.parametrize(("text", "number"), [
    ("1804", "1804"), ("Bodø", "1804"), ("BODØ", "1804"), ("1804 Bodø", "1804"), ("301", "0301"), ("Oslo", "0301"),
    (" Vefsn ", "1824"),
])
def test_municipality_by_number_or_name(text: str, number: str) -> None:
    assert parse_municipality(text) == number


def test_municipality_empty_and_unknown() -> None:
    assert parse_municipality("") is None
    assert parse_municipality("   ") is None
    assert message(parse_municipality, "Atlantis") == (
        "Finner ingen kommune som heter «Atlantis»; skriv navnet eller kommunenummeret")
    assert message(parse_municipality, "9999") == (
        "Kommunenummer 9999 finnes ikke; et kommunenummer har 4 sifre, for eksempel 1804")


@pytest.mark.parametrize(("text", "code"), [
    ("87.101", "87.101"), ("87", "87"), ("87.1", "87.1"), ("q", "Q"), ("87,101", "87.101"), ("87101", "87.101"),
    ("", None),
])
def test_industry_codes_at_any_depth(text: str, code: str | None) -> None:
    assert parse_industry(text) == code


def test_industry_unknown() -> None:
    assert message(parse_industry, "helse") == "Næringskode «helse» er ikke en SN2007-kode; skriv for eksempel 87.101"
    assert message(parse_industry, "04.100") == "Næringskode 04.100 finnes ikke i SN2007"
    assert message(parse_industry, "87.1234") == (
        "Næringskode «87.1234» er ikke en SN2007-kode; skriv for eksempel 87.101")


# ---------------------------------------------------------------- contact details

@pytest.mark.parametrize(("text", "stored"), [
    ("kari@firma.no", "kari@firma.no"), (" Kari.Nordmann@Bodo.Kommune.no ", "kari.nordmann@bodo.kommune.no"),
    ("", ""),
])
def test_email_good(text: str, stored: str) -> None:
    assert parse_email(text) == stored


@pytest.mark.parametrize("text", ["kari", "kari@firma", "kari@@firma.no", "kari @firma.no", "@firma.no",
                                  "kari@firma..no"])
def test_email_bad(text: str) -> None:
    assert message(parse_email, text) == f"«{text}» er ikke en e-postadresse (skriv for eksempel navn@firma.no)"


@pytest.mark.parametrize(("text", "stored"), [
    ("75555000", "75555000"), ("75 55 50 00", "75555000"), ("755 55 000", "75555000"), ("+47 755 55 000", "75555000"),
    ("0047 75 55 50 00", "75555000"), ("+4791234567", "91234567"), ("+46 8 123 456 78", "+46812345678"), ("", ""),
])
def test_phone_good(text: str, stored: str) -> None:
    assert parse_phone(text) == stored


def test_phone_bad() -> None:
    assert message(parse_phone, "1234") == "Et norsk telefonnummer har 8 sifre, «1234» har 4"
    assert message(parse_phone, "+47 1234") == "Et norsk telefonnummer har 8 sifre, «+47 1234» har 4"
    assert message(parse_phone, "ring sentralen") == (
        "Telefonnummer «ring sentralen» skal bare ha sifre, mellomrom og eventuelt +47")
    assert message(parse_phone, "+46 12") == "Det utenlandske telefonnummeret «+46 12» har 4 sifre; det skal ha 7–15"


# ---------------------------------------------------------------- numbers, codes, dates, text

def test_headcount_good() -> None:
    assert parse_headcount("12") == 12
    assert parse_headcount(" 1 200 ") == 1200
    assert parse_headcount("+3") == 3


def test_headcount_distinct_messages() -> None:
    messages = {
        "0": "Antall personer må være minst 1, ikke 0",
        "-3": "Antall personer kan ikke være negativt («-3»)",
        "tre": "Antall personer må være et tall, «tre» er ikke et tall",
        "2,5": "Antall personer må være et helt tall, ikke «2,5»",
        "": "Antall personer mangler",
        "99999999999999999999": "Antall personer 99 999 999 999 999 999 999 er urimelig høyt (høyst 100 000)",
    }
    for text, expected in messages.items():
        assert message(parse_headcount, text).replace("\u00a0", " ") == expected
    assert len(set(messages.values())) == len(messages)


def test_code_lists_accept_words_and_keys_in_any_case() -> None:
    assert parse_level("Fagskole") == "fagskole"
    assert parse_level("NKR 6") == "bachelor"
    assert parse_level("åpent") == "open"
    assert parse_level("") == "open"
    assert parse_priority("Høy") == "high"
    assert parse_priority("low") == "low"
    assert parse_priority("") == "medium"
    assert parse_need_status("I gang") == "running"
    assert parse_need_status("avsluttet") == "closed"
    assert parse_need_status("") == "new"


def test_code_lists_unknown_word_lists_the_choices() -> None:
    assert message(parse_level, "doktorgrad") == (
        "Ukjent nivå «doktorgrad»; bruk en av: kurs, fagbrev, fagskole, bachelor, master, åpent")
    assert message(parse_priority, "akutt") == "Ukjent prioritet «akutt»; bruk en av: lav, middels, høy"
    assert message(parse_need_status, "ferdig").startswith("Ukjent status «ferdig»; bruk en av: ny, kartlagt")


def test_formats() -> None:
    assert parse_formats("nettbasert, Samlingsbasert") == ("online", "sessions")
    assert parse_formats("nett, nettbasert") == ("online",)
    assert parse_formats("") == ()
    assert parse_formats("campus/online") == ("campus", "online")
    assert message(parse_formats, "nettbasert, hjemme") == (
        "Ukjent format «hjemme»; bruk en eller flere av: campus, nettbasert, samlingsbasert, desentralisert")
    assert parse_formats(format_formats(("online", "decentralised"))) == ("online", "decentralised")


def test_dates() -> None:
    assert parse_date("05.06.2027") == dt.date(2027, 6, 5)
    assert parse_date("5.6.2027") == dt.date(2027, 6, 5)
    assert parse_date("2027-06-05") == dt.date(2027, 6, 5)
    assert parse_date("") is None
    assert parse_date("5.6.27") == dt.date(2027, 6, 5)  # the date field's parser: forms and files read alike
    assert message(parse_date, "31.02.2027") == "«31.02.2027» finnes ikke: februar 2027 har 28 dager"
    assert message(parse_date, "i morgen") == (
        "«i morgen» er ikke en dato (skriv for eksempel 22.04.2027, 22.4.27 eller 2027-04-22)")
    assert message(parse_date, "01.06.0202") == "Datoen «01.06.0202» er urimelig; året må være mellom 1900 og 2100"


def test_required_and_optional_text() -> None:
    assert parse_required_text("  Fauske kommune ", "Navnet", 300) == "Fauske kommune"
    assert message(parse_required_text, "   ", "Navnet", 300) == "Navnet mangler"
    assert message(parse_required_text, "x" * 301, "Navnet", 300) == "Navnet er for lang: 301 tegn, høyst 300"
    assert message(parse_required_text, "a\x07b", "Navnet", 300) == (
        "Navnet inneholder et usynlig tegn (U+0007, kontrolltegn) etter «a»; skriv teksten inn på nytt")
    assert parse_text("", "Notatet") == ""
    assert parse_text("  linje 1\nlinje 2 ", "Notatet") == "linje 1\nlinje 2"


def test_yes_no_and_ref() -> None:
    assert parse_yes_no("Ja") is True
    assert parse_yes_no("") is False
    assert message(parse_yes_no, "kanskje") == "Skriv «ja» eller «nei», ikke «kanskje»"
    assert parse_ref(" PN01 ") == "PN01"
    assert parse_ref("") is None
    assert message(parse_ref, "PN 01") == "Referansen «PN 01» kan ikke ha mellomrom"


def test_sensitive_words_in_free_text() -> None:
    assert sensitive_text_warning("Tre ansatte er sykemeldt") is not None
    assert sensitive_text_warning("Helse og omsorg trenger kurs") is None


# ---------------------------------------------------------------- records

EMPLOYER = {"org_number": "988 077 917", "name": " Fauske kommune ", "municipality": "Fauske", "industry": "84.110",
            "notes": "", "may_be_named": "ja"}
NEED = {"ref": "PN01", "employer": "988077917", "title": "Lindrende behandling", "description": "", "headcount": "6",
        "level": "fagskole", "formats": "nettbasert", "earliest_start": "01.06.2027", "latest_start": "31.12.2027",
        "priority": "middels", "status": "ny", "funding_note": ""}


def test_validate_employer_good() -> None:
    data, problems = validate_employer(EMPLOYER)
    assert problems == []
    assert data is not None
    assert (data.org_number, data.name, data.municipality, data.industry, data.may_be_named) == (
        "988077917", "Fauske kommune", "1841", "84.110", True)


def test_validate_employer_collects_every_problem() -> None:
    data, problems = validate_employer({"org_number": "12345", "name": "", "municipality": "Atlantis"})
    assert data is None
    assert [p.field for p in problems] == ["org_number", "name", "municipality"]
    assert problems[1] == Problem("name", "Navnet mangler")


def test_validate_employer_own_parent() -> None:
    data, problems = validate_employer({**EMPLOYER, "parent_org_number": "988077917"})
    assert data is None
    assert problems == [Problem("parent_org_number", "En arbeidsgiver kan ikke være sin egen hovedenhet")]


def test_validate_contact() -> None:
    data, problems = validate_contact({"name": "Marit Sandvik", "email": "Marit@Fauske.no", "phone": "756 00 000",
                                       "registered_on": "01.02.2026"})
    assert problems == []
    assert data is not None
    assert (data.email, data.phone, data.legal_basis, data.registered_on) == (
        "marit@fauske.no", "75600000", "berettiget interesse", dt.date(2026, 2, 1))
    data, problems = validate_contact({"name": "", "email": "marit"})
    assert data is None
    assert [p.field for p in problems] == ["name", "email"]


def test_validate_need_good() -> None:
    data, problems = validate_need(NEED)
    assert problems == []
    assert data is not None
    assert (data.ref, data.employer, data.headcount, data.level, data.formats, data.priority, data.status) == (
        "PN01", "988077917", 6, "fagskole", ("online",), "medium", "new")
    assert (data.earliest_start, data.latest_start) == (dt.date(2027, 6, 1), dt.date(2027, 12, 31))


def test_validate_need_latest_start_before_earliest() -> None:
    data, problems = validate_need({**NEED, "earliest_start": "01.09.2027", "latest_start": "2027-03-01"})
    assert data is None
    assert problems == [Problem("latest_start", "Seneste oppstart 01.03.2027 er før tidligste oppstart 01.09.2027")]


def test_validate_need_empty_required_fields() -> None:
    data, problems = validate_need({"employer": "", "title": " ", "headcount": ""})
    assert data is None
    assert problems == [
        Problem("employer", "Behovet mangler eier: oppgi en arbeidsgiver (organisasjonsnummer), en person "
                            "(referanse som P00001) eller et lokalsamfunn (kommune eller region)"),
        Problem("title", "Tittelen mangler"),
        Problem("headcount", "Antall personer mangler"),
    ]


def test_validate_need_warnings_keep_the_data() -> None:
    data, problems = validate_need({**NEED, "description": "To av dem er sykemeldt"})
    assert data is not None
    assert [(p.field, p.warning) for p in problems] == [("description", True)]
