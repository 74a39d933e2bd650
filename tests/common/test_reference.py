"""Bundled reference data: municipalities (2024), SN2007 industries, NKR levels."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from kpdesk.common import reference
from kpdesk.common.reference import (
    NKR_LEVELS,
    find_municipality,
    industries,
    industry_for_code,
    industry_label,
    industry_section,
    municipalities,
    municipality,
    municipality_label,
)

# ---------------------------------------------------------------- municipalities


def test_there_are_357_municipalities_with_unique_four_digit_numbers() -> None:
    all_ = municipalities()
    assert len(all_) == 357
    numbers = [m.number for m in all_]
    assert len(set(numbers)) == 357
    assert all(re.fullmatch(r"\d{4}", n) for n in numbers)
    assert all(m.number.startswith(m.county_number) for m in all_)


def test_counties() -> None:
    counts = Counter(m.county for m in municipalities())
    assert counts["Nordland"] == 41
    assert counts["Oslo"] == 1
    assert len(counts) == 15
    assert {m.county_number for m in municipalities() if m.county == "Nordland"} == {"18"}


def test_oslo_keeps_its_leading_zero() -> None:
    oslo = municipality("0301")
    assert oslo is not None and oslo.name == "Oslo" and oslo.county_number == "03"
    assert municipality("301") is None  # the exact lookup wants four digits


@pytest.mark.parametrize(
    ("number", "official"),
    [("1826", "Aarborte – Hattfjelldal"), ("1875", "Hábmer – Hamarøy"), ("1804", "Bodø"),
     ("1841", "Fauske – Fuossko"), ("5622", "Porsáŋgu – Porsanki – Porsanger")],
)
def test_official_bilingual_names(number: str, official: str) -> None:
    found = municipality(number)
    assert found is not None
    assert found.official_name == official
    assert found.label == f"{number} {official}"
    assert municipality_label(number) == official


def test_municipality_label_of_unknown_and_nothing() -> None:
    assert municipality_label("9999") == "9999"
    assert municipality_label(None) == ""
    assert municipality(None) is None and municipality("") is None


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1824", "1824"),
        ("1824 Vefsn", "1824"),  # as the GUI shows it
        ("301", "0301"),  # leading zero lost in a spreadsheet
        ("0301", "0301"),
        ("Vefsn", "1824"),
        ("vefsn", "1824"),
        ("VEFSN", "1824"),
        ("  Bodø ", "1804"),
        ("BODØ", "1804"),
        ("Hattfjelldal", "1826"),
        ("Aarborte", "1826"),  # Southern Sámi
        ("aarborte – hattfjelldal", "1826"),
        ("Hábmer", "1875"),  # Lule Sámi
        ("HÁBMER", "1875"),
        ("Hamarøy", "1875"),
        ("Fuossko", "1841"),
        ("Guovdageaidnu", "5612"),
        ("Porsanki", "5622"),  # Kven
    ],
)
def test_find_municipality(typed: str, number: str) -> None:
    found = find_municipality(typed)
    assert found is not None and found.number == number


def test_names_in_several_counties_resolve_to_nordland_first() -> None:
    heroy = find_municipality("Herøy")
    assert heroy is not None and (heroy.number, heroy.county) == ("1818", "Nordland")
    assert find_municipality("herøy").number == "1818"
    other = [m for m in municipalities() if m.name.startswith("Herøy") and m.number != "1818"]
    assert len(other) == 1 and other[0].county == "Møre og Romsdal"
    assert find_municipality(other[0].name) == other[0]  # "Herøy (Møre og Romsdal)" finds that one
    assert find_municipality("Herøy (Nordland)").number == "1818"


def test_names_in_several_counties_outside_nordland_resolve_to_the_lowest_number() -> None:
    shared: dict[str, list[str]] = {}
    for m in municipalities():
        shared.setdefault(re.sub(r"\s*\(.*\)$", "", m.name), []).append(m.number)
    for name, numbers in shared.items():
        if len(numbers) > 1 and not any(n.startswith("18") for n in numbers):
            assert find_municipality(name).number == min(numbers), name


def test_every_municipality_is_found_by_its_number_names_and_label() -> None:
    for m in municipalities():
        for typed in (m.number, m.name, m.official_name, m.label, m.name.upper(), m.official_name.lower()):
            assert find_municipality(typed) == m, typed


@pytest.mark.parametrize("typed", ["", "   ", "Atlantis", "18", "18240", "9999", "9999 Atlantis", "Her"])
def test_unknown_municipalities(typed: str) -> None:
    assert find_municipality(typed) is None


# ---------------------------------------------------------------- SN2007 industries


def test_industry_lookup_at_any_depth() -> None:
    found = industry_for_code("87.101")
    assert found is not None
    assert (found.code, found.section) == ("87", "Q")
    section = industry_section("87.101")
    assert section is not None and (section.code, section.section) == ("Q", "Q")
    assert industry_for_code("87").code == "87"
    assert industry_for_code("87.1").code == "87"
    assert industry_for_code("87101").code == "87"
    assert industry_for_code(" 01.110 ").code == "01"
    assert industry_for_code("Q") == section
    assert industry_for_code("q") == section


@pytest.mark.parametrize("code", [None, "", "8", "00.000", "34.100", "X", "ab.cd"])
def test_unknown_industry_codes(code: str | None) -> None:
    assert industry_for_code(code) is None
    assert industry_section(code) is None


def test_industry_label() -> None:
    assert industry_label("86.101") == f"86.101 {industry_for_code('86').name}"
    assert industry_label("00.000") == "00.000"
    assert industry_label(None) == ""


def test_industry_list_has_21_sections_each_before_its_divisions() -> None:
    listed = industries()
    sections = [i for i in listed if i.code.isalpha()]
    assert [s.code for s in sections] == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    current = None
    for item in listed:
        if item.code.isalpha():
            current = item.code
        else:
            assert re.fullmatch(r"\d\d", item.code)
            assert item.section == current, item
    divisions = [i.code for i in listed if not i.code.isalpha()]
    assert divisions == sorted(divisions) and len(set(divisions)) == len(divisions)
    assert industry_for_code("86").section == "Q" and industry_for_code("85").section == "P"


def test_reference_data_is_loaded_once() -> None:
    assert municipalities() is municipalities()
    assert industries() is industries()
    assert reference.HOME_COUNTY == "18"


# ---------------------------------------------------------------- NKR


def test_nkr_levels() -> None:
    assert [level.level for level in NKR_LEVELS] == ["2", "3", "4", "5.1", "5.2", "6", "7", "8"]
    assert "svennebrev" in {lv.level: lv.qualifications for lv in NKR_LEVELS}["4"]
