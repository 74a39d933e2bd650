"""Record rules for the broker register: employers, contact persons, persons, consent and needs.

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
    FieldError,
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
MAX_PERSON_NAME = 200
MAX_COMMUNITY = 100
MAX_SOURCE = 200
MAX_HOW = 40
MAX_TEXT_VERSION = 20
EARLIEST_HORIZON, LATEST_HORIZON = 2000, 2100
# How consent is usually given; another short word is accepted too.
CONSENT_WAYS = ("skjema", "e-post", "muntlig", "telefon", "import")


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
class PersonData:
    """An individual: contact by e-mail or phone (at least one), no notes."""

    name: str
    municipality: str | None = None  # four digits
    email: str = ""  # lower case
    phone: str = ""
    employer: str | None = None  # an employer's organisation number, when they work somewhere
    ref: str | None = None  # None: the register gives the next free "P00001"-style ref


@dataclass(frozen=True)
class ConsentData:
    """What a person agreed to, when and how (a change is a new record: the newest is in force)."""

    stored: bool  # their needs may be kept (the lawful basis for keeping any need of theirs)
    contact: bool = False  # they may be told about offers
    statistics: bool = False  # they may be counted in anonymous figures
    given_on: dt.date | None = None  # None: today
    how: str = "skjema"
    text_version: str = ""


@dataclass(frozen=True)
class NeedData:
    employer: str | None  # the employer's organisation number; None for a person's or a community's need
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
    person: str | None = None  # a person's ref ("P00003"): an individual's wish, headcount 1
    community: str | None = None  # a municipality's number ("1836") or a region's name ("Helgeland")
    source: str = ""  # where the need comes from ("kompetansekartlegging 2026")
    horizon: int | None = None  # the year it is needed by ("innen 2030")
    registered: dt.date | None = None  # the day the need was recorded; None: today (a new need) or as stored

    @property
    def owner_kind(self) -> str:
        """"employer", "person" or "community"."""
        return "person" if self.person else "community" if self.community else "employer"


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


def validate_person(raw: Mapping[str, str | None]) -> tuple[PersonData | None, list[Problem]]:
    """A person from raw text (ref, name, municipality, email, phone, employer as org number)."""
    get = Collector(raw)
    ref = get("ref", parse_ref)
    name = get("name", parse_required_text, "Navnet", MAX_PERSON_NAME)
    municipality = get("municipality", parse_municipality)
    email = get("email", parse_email)
    phone = get("phone", parse_phone)
    employer = get("employer", parse_org_number) if clean(raw.get("employer")) else None
    if not clean(raw.get("email")) and not clean(raw.get("phone")):
        get.error("email", "Personen må kunne kontaktes på e-post eller telefon: oppgi minst én av dem")
    if not get.ok:
        return None, get.problems
    return PersonData(name, municipality, email, phone, employer, ref), get.problems


def validate_consent(raw: Mapping[str, str | None]) -> tuple[ConsentData | None, list[Problem]]:
    """A consent from raw text (stored, contact, statistics as ja/nei; given_on; how; text_version).

    Contact about offers or being counted in statistics without agreeing to be stored is refused:
    nothing can be done with a person whose data may not be kept.
    """
    get = Collector(raw)
    stored = get("stored", parse_yes_no)
    contact = get("contact", parse_yes_no)
    statistics = get("statistics", parse_yes_no)
    given_on = get("given_on", parse_date)
    how = get("how", parse_line, "Måten samtykket ble gitt på", MAX_HOW)
    text_version = get("text_version", parse_line, "Versjonen av samtykketeksten", MAX_TEXT_VERSION)
    if given_on and given_on > dt.date.today():
        get.error("given_on", f"Samtykkedatoen {format_date(given_on)} er fram i tid")
    if stored is False and (contact or statistics):
        get.error("stored", "Samtykke til kontakt eller statistikk forutsetter samtykke til at opplysningene "
                            "lagres")
    if not get.ok:
        return None, get.problems
    return ConsentData(bool(stored), bool(contact), bool(statistics), given_on, how or "skjema",
                       text_version or ""), get.problems


def parse_community(text: str) -> str | None:
    """A community: a municipality (number or name, stored as its number) or a region's name
    (checked against the database's regions when saved); empty: None."""
    cleaned = clean(text)
    if not cleaned:
        return None
    if cleaned.isdigit():
        return parse_municipality(cleaned)
    try:
        return parse_municipality(cleaned)
    except FieldError:
        return parse_line(cleaned, "Lokalsamfunnet", MAX_COMMUNITY)


def parse_horizon(text: str) -> int | None:
    """The year a need is needed by ("2030", "innen 2030"); empty: None."""
    cleaned = clean(text).casefold().removeprefix("innen").strip()
    if not cleaned:
        return None
    if not (cleaned.isascii() and cleaned.isdigit()) or not EARLIEST_HORIZON <= int(cleaned) <= LATEST_HORIZON:
        raise FieldError(f"Tidshorisonten må være et årstall mellom {EARLIEST_HORIZON} og {LATEST_HORIZON}, "
                         f"ikke «{clean(text)}»")
    return int(cleaned)


def validate_need(raw: Mapping[str, str | None]) -> tuple[NeedData | None, list[Problem]]:
    """A need from raw text under the canonical column names: exactly one owner of ``employer`` (an
    org number), ``person`` (a person's ref) and ``community`` (a municipality or a region).
    A person's need is for that one person: headcount 1 (empty means 1)."""
    get = Collector(raw)
    ref = get("ref", parse_ref)
    owners = [f for f in ("employer", "person", "community") if clean(raw.get(f))]
    employer = get("employer", parse_org_number) if "employer" in owners else None
    person = get("person", parse_ref) if "person" in owners else None
    community = get("community", parse_community) if "community" in owners else None
    if not owners:
        get.error("employer", "Behovet mangler eier: oppgi en arbeidsgiver (organisasjonsnummer), en person "
                              "(referanse som P00001) eller et lokalsamfunn (kommune eller region)")
    elif len(owners) > 1:
        named = {"employer": "arbeidsgiver", "person": "person", "community": "lokalsamfunn"}
        get.error(owners[1], f"Et behov har én eier, men her er både {named[owners[0]]} og {named[owners[1]]} "
                             f"oppgitt; fjern den ene")
    title = get("title", parse_required_text, "Tittelen", MAX_TITLE)
    description = get("description", parse_text, "Beskrivelsen")
    for_person = owners == ["person"]
    headcount: int = 1 if for_person and not clean(raw.get("headcount")) else get("headcount", parse_headcount)
    if for_person and headcount not in (None, 1):
        get.error("headcount", f"Et behov for en person gjelder én person, så antall må være 1, "
                               f"ikke {headcount}")
    source = get("source", parse_line, "Kilden", MAX_SOURCE)
    horizon = get("horizon", parse_horizon)
    level = get("level", parse_level)
    formats = get("formats", parse_formats)
    earliest = get("earliest_start", parse_date)
    latest = get("latest_start", parse_date)
    priority = get("priority", parse_priority)
    status = get("status", parse_need_status)
    funding_note = get("funding_note", parse_text, "Finansieringsnotatet")
    registered = get("registered", parse_date)
    problem = start_window_problem(earliest, latest)
    if problem:
        get.error("latest_start", problem)
    for field, text in (("description", description), ("funding_note", funding_note)):
        if text:
            get.warn(field, sensitive_text_warning(text))
    if not get.ok:
        return None, get.problems
    data = NeedData(employer, title, ref, description, headcount, level, formats, earliest, latest,
                    priority, status, funding_note, person, community, source or "", horizon, registered)
    return data, get.problems


def start_window_problem(earliest: dt.date | None, latest: dt.date | None) -> str | None:
    """Why a start window is impossible (latest before earliest), or None."""
    if earliest and latest and latest < earliest:
        return (f"Seneste oppstart {format_date(latest)} er før tidligste oppstart {format_date(earliest)}")
    return None
