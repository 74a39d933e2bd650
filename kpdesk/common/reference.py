"""Bundled reference data for offline use: municipalities, SN2007 industries, NKR levels.

Loaded once from ``resources/data`` on first use. Municipality names that exist in several
counties ("Herøy") resolve to the home county (Nordland, 18) first, as a coordinator in
Nordland means.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from kpdesk.common.norsk import fold
from kpdesk.common.resources import resource_path

HOME_COUNTY = "18"


@dataclass(frozen=True, slots=True)
class Municipality:
    number: str  # always four digits, leading zero kept
    name: str  # the common form a coordinator types
    official_name: str  # official, bilingual where there is a Sámi or Kven name
    county_number: str
    county: str

    @property
    def label(self) -> str:
        return f"{self.number} {self.official_name}"


@dataclass(frozen=True, slots=True)
class Industry:
    code: str  # section letter ("Q") or two-digit division ("87")
    name: str
    section: str


@dataclass(frozen=True, slots=True)
class NkrLevel:
    level: str
    qualifications: str


NKR_LEVELS: tuple[NkrLevel, ...] = (
    NkrLevel("2", "Grunnskole"),
    NkrLevel("3", "Kompetansebevis fra videregående opplæring"),
    NkrLevel("4", "Vitnemål fra videregående opplæring; fag- og svennebrev"),
    NkrLevel("5.1", "Fagskoleutdanning (normalt under 60 studiepoeng)"),
    NkrLevel("5.2", "Fagskoleutdanning (normalt over 60 studiepoeng)"),
    NkrLevel("6", "Bachelorgrad, høgskolekandidat"),
    NkrLevel("7", "Mastergrad"),
    NkrLevel("8", "Ph.d.-grad"),
)


def _read_csv(name: str) -> list[dict[str, str]]:
    with resource_path("data", name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@cache
def municipalities() -> tuple[Municipality, ...]:
    return tuple(
        Municipality(r["number"], r["name"], r["official_name"], r["county_number"], r["county"])
        for r in _read_csv("municipalities.csv")
    )


@cache
def _municipality_index() -> tuple[dict[str, Municipality], dict[str, list[Municipality]]]:
    by_number = {m.number: m for m in municipalities()}
    by_name: dict[str, list[Municipality]] = {}
    for m in municipalities():
        names = {m.name, m.official_name, re.sub(r"\s*\(.*\)$", "", m.name)}
        names.update(part.strip() for part in m.official_name.split(" – "))
        for name in names:
            by_name.setdefault(fold(name), []).append(m)
    for candidates in by_name.values():
        candidates.sort(key=lambda m: (m.county_number != HOME_COUNTY, m.number))
    return by_number, by_name


def municipality(number: str | None) -> Municipality | None:
    """The municipality with this four-digit number, if it exists."""
    if not number:
        return None
    return _municipality_index()[0].get(number)


def find_municipality(text: str) -> Municipality | None:
    """A municipality typed as number ("1824", "824"? no: four digits) or name, any case.

    A name found in several counties resolves to the home county, else the lowest number.
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    by_number, by_name = _municipality_index()
    if cleaned.isdigit():
        return by_number.get(cleaned.zfill(4)) if len(cleaned) in (3, 4) else None
    head = re.match(r"^(\d{4})\s+(.*)$", cleaned)
    if head:  # "1824 Vefsn", as the GUI shows it
        return by_number.get(head.group(1))
    candidates = by_name.get(fold(cleaned))
    return candidates[0] if candidates else None


def municipality_label(number: str | None) -> str:
    found = municipality(number)
    return found.official_name if found else (number or "")


@cache
def industries() -> tuple[Industry, ...]:
    rows = _read_csv("sn2007-divisions.csv")
    result: list[Industry] = []
    seen_sections: set[str] = set()
    for r in rows:
        if r["section"] not in seen_sections:
            seen_sections.add(r["section"])
            result.append(Industry(r["section"], r["section_name"], r["section"]))
        result.append(Industry(r["division"], r["division_name"], r["section"]))
    return tuple(result)


@cache
def _industry_index() -> dict[str, Industry]:
    return {i.code: i for i in industries()}


def industry_for_code(code: str | None) -> Industry | None:
    """The division (or section) an SN2007 code at any depth belongs to: '87.101' -> 87."""
    if not code:
        return None
    cleaned = code.strip().upper()
    index = _industry_index()
    if cleaned in index:
        return index[cleaned]
    digits = cleaned.replace(".", "")
    if len(digits) >= 2 and digits[:2].isdigit():
        return index.get(digits[:2])
    return None


def industry_section(code: str | None) -> Industry | None:
    found = industry_for_code(code)
    if found is None:
        return None
    return _industry_index().get(found.section)


def industry_label(code: str | None) -> str:
    found = industry_for_code(code)
    return f"{code} {found.name}" if found and code else (code or "")
