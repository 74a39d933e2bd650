"""Record rules for the broker register: employers, contact persons and needs.

The importers call the ``validate_*`` functions for every row, and the forms use the same field
parsers (``kpdesk.common.fields``), so a record is judged the same way wherever it comes from. A
record validator collects every ``Problem`` of a record and returns typed data only when none of
them is an error (warnings are allowed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from kpdesk.common.fields import (
    MAX_CONTACT_NAME,
    MAX_EMPLOYER_NAME,
    MAX_LEGAL_BASIS,
    MAX_ROLE,
    MAX_TITLE,
    Collector,
    Problem,
    clean,
    org_number_warning,
    parse_date,
    parse_email,
    parse_formats,
    parse_headcount,
    parse_industry,
    parse_level,
    parse_line,
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
from kpdesk.common.norsk import format_date

DEFAULT_LEGAL_BASIS = "berettiget interesse"


# ---------------------------------------------------------------- typed records

@dataclass(frozen=True)
class EmployerData:
    org_number: str  # nine digits
    name: str
    municipality: str | None = None  # four digits
    industry: str | None = None  # SN2007 code as typed ("87.101")
    notes: str = ""
    may_be_named: bool = False
    parent_org_number: str | None = None


@dataclass(frozen=True)
class ContactData:
    name: str
    role: str = ""
    email: str = ""  # lower case
    phone: str = ""  # eight digits for Norwegian numbers, "+<digits>" for others
    legal_basis: str = DEFAULT_LEGAL_BASIS
    registered_on: dt.date | None = None  # None: today, when saved


@dataclass(frozen=True)
class NeedData:
    employer: str  # the employer's organisation number
    title: str
    ref: str | None = None  # None: the register gives the next free "B00001"-style ref
    description: str = ""
    headcount: int = 1
    level: str = "open"
    formats: tuple[str, ...] = ()  # empty: any format
    earliest_start: dt.date | None = None
    latest_start: dt.date | None = None
    priority: str = "medium"
    status: str = "new"
    funding_note: str = ""


# ---------------------------------------------------------------- record validators

def validate_employer(raw: Mapping[str, str | None]) -> tuple[EmployerData | None, list[Problem]]:
    """An employer from raw text under the canonical column names."""
    get = Collector(raw)
    org_number = get("org_number", parse_org_number)
    name = get("name", parse_required_text, "Navnet", MAX_EMPLOYER_NAME)
    municipality = get("municipality", parse_municipality)
    industry = get("industry", parse_industry)
    notes = get("notes", parse_text, "Notatet")
    may_be_named = get("may_be_named", parse_yes_no)
    parent = clean(raw.get("parent_org_number"))
    parent_org_number = get("parent_org_number", parse_org_number) if parent else None
    if org_number:
        get.warn("org_number", org_number_warning(org_number))
    if notes:
        get.warn("notes", sensitive_text_warning(notes))
    if org_number and parent_org_number == org_number:
        get.error("parent_org_number", "En arbeidsgiver kan ikke være sin egen hovedenhet")
    if not get.ok:
        return None, get.problems
    data = EmployerData(org_number, name, municipality, industry, notes, may_be_named, parent_org_number)
    return data, get.problems


def validate_contact(raw: Mapping[str, str | None]) -> tuple[ContactData | None, list[Problem]]:
    """A contact person from raw text (name, role, email, phone, legal_basis, registered_on)."""
    get = Collector(raw)
    name = get("name", parse_required_text, "Navnet", MAX_CONTACT_NAME)
    role = get("role", parse_line, "Rollen", MAX_ROLE)
    email = get("email", parse_email)
    phone = get("phone", parse_phone)
    legal_basis = get("legal_basis", parse_line, "Behandlingsgrunnlaget", MAX_LEGAL_BASIS)
    registered_on = get("registered_on", parse_date)
    if registered_on and registered_on > dt.date.today():
        get.error("registered_on", f"Registreringsdatoen {format_date(registered_on)} er fram i tid")
    if not get.ok:
        return None, get.problems
    data = ContactData(name, role, email, phone, legal_basis or DEFAULT_LEGAL_BASIS, registered_on)
    return data, get.problems


def validate_need(raw: Mapping[str, str | None]) -> tuple[NeedData | None, list[Problem]]:
    """A need from raw text under the canonical column names (``employer`` is an org number)."""
    get = Collector(raw)
    ref = get("ref", parse_ref)
    employer = get("employer", parse_org_number)
    title = get("title", parse_required_text, "Tittelen", MAX_TITLE)
    description = get("description", parse_text, "Beskrivelsen")
    headcount = get("headcount", parse_headcount)
    level = get("level", parse_level)
    formats = get("formats", parse_formats)
    earliest = get("earliest_start", parse_date)
    latest = get("latest_start", parse_date)
    priority = get("priority", parse_priority)
    status = get("status", parse_need_status)
    funding_note = get("funding_note", parse_text, "Finansieringsnotatet")
    problem = start_window_problem(earliest, latest)
    if problem:
        get.error("latest_start", problem)
    for field, text in (("description", description), ("funding_note", funding_note)):
        if text:
            get.warn(field, sensitive_text_warning(text))
    if not get.ok:
        return None, get.problems
    data = NeedData(employer, title, ref, description, headcount, level, formats, earliest, latest,
                    priority, status, funding_note)
    return data, get.problems


def start_window_problem(earliest: dt.date | None, latest: dt.date | None) -> str | None:
    """Why a start window is impossible (latest before earliest), or None."""
    if earliest and latest and latest < earliest:
        return (f"Seneste oppstart {format_date(latest)} er før tidligste oppstart {format_date(earliest)}")
    return None
