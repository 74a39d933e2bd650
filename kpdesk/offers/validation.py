"""Field and record rules for providers, course offers and their sessions (samlinger).

The same style as ``kpdesk.common.fields`` (whose parsers are reused here): a ``parse_*`` function
takes raw text and returns the typed value or raises ``FieldError`` with a complete Norwegian
sentence; ``validate_provider`` and ``validate_offer`` collect every ``Problem`` of a record and
return typed data only when none of them is an error.

Inference, kept simple on purpose and documented where the coordinator can read it:

- A provider's kind, when not given, comes from words in its name (``infer_provider_kind``):
  "fagskole" → fagskole; "universitet", "høgskole"/"høyskole" (or UiT, NTNU, …) →
  universitet/høgskole; "videregående" or "vgs" → videregående skole; a company form (AS, ASA,
  …) or a word beginning with "kurs" → kursleverandør; anything else → annen.
- Credits without a credit system (``infer_credit_system``): fagskole level → fagskole
  studiepoeng; bachelor or master level → UH studiepoeng; otherwise the provider's kind decides
  (fagskole → fagskole, universitet/høgskole → UH). The two units are not the same (NOKUT), so
  kpdesk never guesses beyond that: credits it cannot place are an error.
- An offer without a format is online ("nettbasert") when it has no place, else on campus.

Sessions in text (the ``sessions`` CSV column) are comma-separated, each one day or a range:
``03.02.2027–05.02.2027, 14.04.2027``. A day without times runs 09.00–15.30; other times are
written after the date: ``14.04.2027 kl. 10.00–14.00`` or ``03.02.2027 kl. 12.00–05.02.2027 kl.
14.00``. ISO dates (2027-02-03) and "-" or "til" between the ends are read too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from kpdesk.common.codes import CREDIT_SYSTEMS, FORMATS, PROVIDER_KINDS
from kpdesk.common.fields import (
    Collector,
    FieldError,
    Problem,
    clean,
    code_parser,
    parse_date,
    parse_level,
    parse_line,
    parse_municipality,
    parse_ref,
    parse_required_text,
    parse_text,
)
from kpdesk.common.norsk import fold, format_date, format_decimal, group_thousands, parse_decimal

MAX_PROVIDER_NAME = 300
MAX_WEB = 300
MAX_OFFER_TITLE = 300
MAX_SESSION_TITLE = 200
MAX_CREDITS = Decimal(999)  # a five-year programme is 300; the column holds 9999.9
MAX_SEATS = 100_000
MAX_PRICE = 10_000_000
DEFAULT_SESSION_START = dt.time(9, 0)
DEFAULT_SESSION_END = dt.time(15, 30)

parse_provider_kind = code_parser(PROVIDER_KINDS, "tilbydertype", None)
parse_credit_system = code_parser(CREDIT_SYSTEMS, "studiepoengsystem", None)


# ---------------------------------------------------------------- typed records

@dataclass(frozen=True)
class ProviderData:
    name: str
    kind: str | None = None  # PROVIDER_KINDS key; None: inferred from the name (new) or kept (update)
    web: str = ""
    notes: str = ""


@dataclass(frozen=True)
class SessionData:
    """One session block (samling): local wall-clock times, as the room schedule books them."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str = ""


@dataclass(frozen=True)
class OfferData:
    provider: str  # the provider's name
    title: str
    ref: str | None = None  # None: the next free "T00001"-style ref
    description: str = ""
    keywords: str = ""  # comma-separated, as typed
    credits: Decimal | None = None
    credit_system: str | None = None  # CREDIT_SYSTEMS key; None: inferred when saved
    level: str = "open"
    format: str = "campus"
    municipality: str | None = None  # None: no place (online)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    application_deadline: dt.date | None = None
    seats_min: int | None = None
    seats_max: int | None = None
    price_nok: int | None = None
    sessions: tuple[SessionData, ...] | None = None  # None: leave the offer's sessions as they are


# ---------------------------------------------------------------- providers

_COMPANY_FORM = re.compile(r"\b(as|asa|sa|ans|da|ba|enk)\b")
_UNIVERSITY_ABBREVIATIONS = re.compile(r"\b(uit|ntnu|uio|uib|nmbu|oslomet|usn|hvl|hiof|hinn|nla)\b")


def infer_provider_kind(name: str) -> str:
    """The kind a provider's name suggests (see the module docstring); "other" when it says nothing."""
    folded = fold(name)
    if "fagskole" in folded or "fagskule" in folded:
        return "vocational_college"
    if (any(word in folded for word in ("universitet", "høgskole", "høgskule", "høyskole", "hogskole",
                                        "university"))
            or _UNIVERSITY_ABBREVIATIONS.search(folded)):
        return "university"
    if "videregående" in folded or "videregåande" in folded or re.search(r"\bvgs\b", folded):
        return "upper_secondary"
    if _COMPANY_FORM.search(folded) or re.search(r"\bkurs", folded):
        return "vendor"
    return "other"


def parse_web(text: str) -> str:
    """A web address ("www.nord.no", "https://nord.no/evu"); empty is allowed."""
    cleaned = clean(text)
    if not cleaned:
        return ""
    if len(cleaned) > MAX_WEB:
        raise FieldError(f"Nettadressen er for lang: {len(cleaned)} tegn, høyst {MAX_WEB}")
    host = re.sub(r"^https?://", "", cleaned, flags=re.IGNORECASE).split("/")[0]
    if re.search(r"\s", cleaned) or "." not in host.strip(".") or "@" in host:
        raise FieldError(f"«{cleaned}» ser ikke ut som en nettadresse (skriv for eksempel www.nord.no)")
    return cleaned


def provider_name(text: str) -> str:
    """A provider's name as stored: trimmed, inner runs of spaces made one."""
    return re.sub(r"\s+", " ", parse_required_text(text, "Navnet på tilbyderen", MAX_PROVIDER_NAME))


def validate_provider(raw: Mapping[str, str | None]) -> tuple[ProviderData | None, list[Problem]]:
    """A provider from raw text under the canonical column names (name, kind, web, notes)."""
    get = Collector(raw)
    name = get("name", provider_name)
    kind = get("kind", parse_provider_kind)
    web = get("web", parse_web)
    notes = get("notes", parse_text, "Notatet")
    if not get.ok:
        return None, get.problems
    return ProviderData(name, kind, web, notes), get.problems


# ---------------------------------------------------------------- numbers

_UNIT_WORDS = re.compile(r"\s*(studiepoeng|stp\.?|sp\.?|ects)$", re.IGNORECASE)
_MONEY_WORDS = re.compile(r"^(kr\.?|nok)\s*|\s*(kr\.?|nok|,-|,–)$", re.IGNORECASE)


def parse_credits(text: str, maximum: Decimal = MAX_CREDITS) -> Decimal | None:
    """Credits with a decimal comma or point ("7,5", "30 sp"); empty: None."""
    shown = clean(text)
    cleaned = _UNIT_WORDS.sub("", shown)
    if not cleaned:
        return None
    try:
        value = parse_decimal(cleaned.replace("−", "-"))
    except ValueError:
        raise FieldError(f"Studiepoeng må være et tall, «{shown}» er ikke et tall") from None
    if value < 0:
        raise FieldError(f"Studiepoeng kan ikke være negative («{shown}»)")
    if value != value.quantize(Decimal("0.1")):
        raise FieldError(f"Studiepoeng oppgis med høyst én desimal, ikke «{shown}»")
    if value > maximum:
        raise FieldError(f"{shown} studiepoeng er urimelig mye (høyst {maximum})")
    return value


def _whole_number(text: str, label: str, maximum: int) -> int | None:
    cleaned = clean(text).replace(" ", "").replace("\u202f", "")
    if not cleaned:
        return None
    negative = cleaned[:1] in "-−"
    digits = cleaned[1:] if negative else cleaned.lstrip("+")
    if not (digits.isascii() and digits.isdigit()):
        if re.fullmatch(r"\d+[.,]\d+", digits):
            raise FieldError(f"{label} må være et helt tall, ikke «{clean(text)}»")
        raise FieldError(f"{label} må være et tall, «{clean(text)}» er ikke et tall")
    value = int(digits)
    if negative and value:
        raise FieldError(f"{label} kan ikke være negativt («{clean(text)}»)")
    if value > maximum:
        raise FieldError(f"{label} {group_thousands(value)} er urimelig høyt (høyst {group_thousands(maximum)})")
    return value


def parse_count(text: str, label: str) -> int | None:
    """A whole number of people from 0 up ("12"), named ``label`` in messages; empty: None."""
    return _whole_number(text, label, MAX_SEATS)


def parse_seats_min(text: str) -> int | None:
    """The fewest participants the provider needs to run the course; empty: not stated."""
    return _whole_number(text, "Minste antall plasser", MAX_SEATS)


def parse_seats_max(text: str) -> int | None:
    """The most participants the course takes, at least 1; empty: not stated."""
    value = _whole_number(text, "Største antall plasser", MAX_SEATS)
    if value == 0:
        raise FieldError("Største antall plasser må være minst 1, ikke 0")
    return value


def parse_price(text: str, label: str = "Prisen") -> int | None:
    """A price in whole kroner ("5 900", "5900 kr", "kr 5 900,-", "0" for free); empty: not stated.
    ``label`` names the amount in messages (a word that takes «negativ», «høy»: "Medfinansieringen")."""
    shown = clean(text)
    cleaned = _MONEY_WORDS.sub("", shown).strip()
    if not cleaned:
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):  # 5.900: a dot grouping thousands
        cleaned = cleaned.replace(".", "")
    try:
        value = parse_decimal(cleaned.replace("−", "-"))
    except ValueError:
        raise FieldError(f"{label} må være et beløp i kroner, «{shown}» er ikke et tall") from None
    if value < 0:
        raise FieldError(f"{label} kan ikke være negativ («{shown}»)")
    if value != value.to_integral_value():
        raise FieldError(f"{label} oppgis i hele kroner, ikke «{shown}»")
    if value > MAX_PRICE:
        raise FieldError(f"{label} {group_thousands(int(value))} kr er urimelig høy")
    return int(value)


# ---------------------------------------------------------------- format

def parse_offer_format(text: str) -> str | None:
    """One FORMATS key ("nettbasert", "samlinger", …); empty: None (inferred from the place)."""
    cleaned = clean(text)
    if not cleaned:
        return None
    key = FORMATS.parse(cleaned)
    if key is not None:
        return key
    words = [w.strip() for w in re.split(r"[,/+]| og ", cleaned) if w.strip()]
    if len(words) > 1 and all(FORMATS.parse(w) for w in words):
        raise FieldError(f"Et kurstilbud har ett format, ikke flere («{cleaned}»); velg ett av: {FORMATS.words()}")
    raise FieldError(f"Ukjent format «{cleaned}»; bruk en av: {FORMATS.words()}")


def default_format(municipality: str | None) -> str:
    """The format of an offer given without one: online without a place, else on campus."""
    return "campus" if municipality else "online"


# ---------------------------------------------------------------- keywords

def parse_keywords(text: str) -> str:
    """Keywords separated by commas (or semicolons), stored as "a, b, c"."""
    cleaned = parse_line(text, "Stikkordene")
    return ", ".join(w.strip() for w in re.split(r"[,;]", cleaned) if w.strip())


# ---------------------------------------------------------------- sessions (samlinger)

_DATE = r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{1,2}-\d{1,2}"
_TIME = r"(?:kl\.?\s*)?\d{1,2}[.:]\d{2}"
_SESSION = re.compile(
    rf"^(?P<d1>{_DATE})(?:\s+(?P<t1>{_TIME}))?"
    rf"(?:\s*(?:–|—|-|\btil\b)\s*(?:(?P<d2>{_DATE})(?:\s+(?P<t2>{_TIME}))?|(?P<t3>{_TIME})))?$",
    re.IGNORECASE,
)


def _time(text: str, item: str) -> dt.time:
    hours, minutes = re.split(r"[.:]", re.sub(r"^kl\.?\s*", "", text.strip(), flags=re.IGNORECASE))
    try:
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise FieldError(f"Samlingen «{item}» har et klokkeslett som ikke finnes («{text}»)") from None


def parse_session(item: str) -> SessionData:
    """One session: "03.02.2027", "03.02.2027–05.02.2027" or with times (see the module docstring)."""
    cleaned = clean(item)
    found = _SESSION.match(cleaned)
    if found is None:
        raise FieldError(f"Samlingen «{cleaned}» er ikke en dato eller et datoområde; skriv for eksempel "
                         f"03.02.2027–05.02.2027")
    first = parse_date(found["d1"])
    last = parse_date(found["d2"]) if found["d2"] else first
    assert first is not None and last is not None
    start = _time(found["t1"], cleaned) if found["t1"] else DEFAULT_SESSION_START
    end_text = found["t2"] or found["t3"]
    end = _time(end_text, cleaned) if end_text else DEFAULT_SESSION_END
    starts_at, ends_at = dt.datetime.combine(first, start), dt.datetime.combine(last, end)
    if ends_at <= starts_at:
        raise FieldError(f"Samlingen «{cleaned}» slutter før den begynner")
    return SessionData(starts_at, ends_at)


def parse_sessions(text: str) -> tuple[SessionData, ...]:
    """Comma-separated sessions in time order; the same session twice is an error."""
    sessions: list[SessionData] = []
    for item in re.split(r"[,;\n]", clean(text)):
        if item.strip():
            sessions.append(parse_session(item))
    spans = [(s.starts_at, s.ends_at) for s in sessions]
    for i, span in enumerate(spans):
        if span in spans[:i]:
            raise FieldError(f"Samlingen {format_session(sessions[i])} står to ganger")
    return tuple(sorted(sessions, key=lambda s: (s.starts_at, s.ends_at)))


def _clock(value: dt.datetime) -> str:
    return value.strftime("kl. %H.%M")


def format_session(session: SessionData) -> str:
    """A session as ``parse_session`` reads it back, times left out when they are 09.00–15.30."""
    start, end = session.starts_at, session.ends_at
    default_times = start.time() == DEFAULT_SESSION_START and end.time() == DEFAULT_SESSION_END
    if start.date() == end.date():
        if default_times:
            return format_date(start.date())
        return f"{format_date(start.date())} {_clock(start)}–{end.strftime('%H.%M')}"
    if default_times:
        return f"{format_date(start.date())}–{format_date(end.date())}"
    return f"{format_date(start.date())} {_clock(start)}–{format_date(end.date())} {_clock(end)}"


def format_sessions(sessions: tuple[SessionData, ...] | list[SessionData]) -> str:
    return ", ".join(format_session(s) for s in sessions)


def session_problem(starts_at: dt.datetime, ends_at: dt.datetime) -> str | None:
    """Why a session's times are impossible, or None."""
    if ends_at <= starts_at:
        return f"Samlingen slutter ({ends_at:%d.%m.%Y %H.%M}) før den begynner ({starts_at:%d.%m.%Y %H.%M})"
    return None


# ---------------------------------------------------------------- rules across fields

def infer_credit_system(credits: Decimal | None, level: str, provider_kind: str | None) -> str | None:
    """The credit system of credits given without one, or None when it cannot be told (see above)."""
    if not credits:
        return "none"
    if level == "fagskole":
        return "fagskole"
    if level in ("bachelor", "master"):
        return "uh"
    return {"vocational_college": "fagskole", "university": "uh"}.get(provider_kind or "")


def credit_problems(credits: Decimal | None, system: str | None, level: str) -> list[tuple[str, str, bool]]:
    """(field, message, warning) for credits and their system, after inference."""
    problems: list[tuple[str, str, bool]] = []
    if credits and system is None:
        problems.append(("credit_system", f"{format_decimal(credits)} studiepoeng uten studiepoengsystem: oppgi "
                                          f"UH-studiepoeng eller fagskolestudiepoeng (det går ikke fram av nivået "
                                          f"eller tilbyderen)", False))
    elif credits and system == "none":
        problems.append(("credit_system", f"{format_decimal(credits)} studiepoeng, men studiepoengsystemet er "
                                          f"«ingen»; oppgi UH-studiepoeng eller fagskolestudiepoeng", False))
    elif not credits and system not in (None, "none"):
        problems.append(("credits", f"Studiepoengsystemet er {CREDIT_SYSTEMS.label(system)}, men studiepoeng "
                                    f"mangler", False))
    elif credits and system == "uh" and level == "fagskole":
        problems.append(("credit_system", "Et tilbud på fagskolenivå gir vanligvis fagskolestudiepoeng, ikke "
                                          "UH-studiepoeng", True))
    elif credits and system == "fagskole" and level in ("bachelor", "master"):
        problems.append(("credit_system", f"Et tilbud på {level}nivå gir vanligvis UH-studiepoeng, ikke "
                                          f"fagskolestudiepoeng", True))
    return problems


def offer_rule_problems(start: dt.date | None, end: dt.date | None, deadline: dt.date | None,
                        seats_min: int | None, seats_max: int | None) -> list[tuple[str, str]]:
    """(field, message) for dates and seats that contradict each other."""
    problems: list[tuple[str, str]] = []
    if start and end and end < start:
        problems.append(("end_date", f"Sluttdatoen {format_date(end)} er før startdatoen {format_date(start)}"))
    if start and deadline and deadline > start:
        problems.append(("application_deadline", f"Søknadsfristen {format_date(deadline)} er etter startdatoen "
                                                 f"{format_date(start)}"))
    if seats_min is not None and seats_max is not None and seats_min > seats_max:
        problems.append(("seats_min", f"Minste antall plasser ({seats_min}) er større enn største antall plasser "
                                      f"({seats_max})"))
    return problems


def sessions_outside(sessions: tuple[SessionData, ...], start: dt.date | None, end: dt.date | None) -> str | None:
    """A warning when sessions lie outside the offer's start and end dates, else None."""
    outside = [s for s in sessions
               if (start and s.starts_at.date() < start) or (end and s.ends_at.date() > end)]
    if not outside:
        return None
    period = f"{format_date(start)}–{format_date(end)}" if start and end else (
        f"fra {format_date(start)}" if start else f"til {format_date(end)}")
    shown = format_sessions(outside)
    return f"{'Samlingen' if len(outside) == 1 else 'Samlingene'} {shown} ligger utenfor kursperioden {period}"


# ---------------------------------------------------------------- the offer record

def validate_offer(raw: Mapping[str, str | None], provider_kind: Callable[[str], str | None] | None = None,
                   ) -> tuple[OfferData | None, list[Problem]]:
    """An offer from raw text under the canonical column names (``provider`` is a name).

    ``provider_kind`` gives the kind of a provider by name (a known one); by default, and for a
    name it does not know, the kind is inferred from the name. It only matters for credits
    given without a credit system. ``sessions`` is read only when the key is in ``raw``.
    """
    get = Collector(raw)
    ref = get("ref", parse_ref)
    provider = get("provider", provider_name)
    title = get("title", parse_required_text, "Tittelen", MAX_OFFER_TITLE)
    description = get("description", parse_text, "Beskrivelsen")
    keywords = get("keywords", parse_keywords)
    credits = get("credits", parse_credits)
    system = get("credit_system", parse_credit_system)
    level = get("level", parse_level)
    fmt = get("format", parse_offer_format)
    municipality = get("location", parse_municipality)
    start = get("start_date", parse_date)
    end = get("end_date", parse_date)
    deadline = get("application_deadline", parse_date)
    seats_min = get("seats_min", parse_seats_min)
    seats_max = get("seats_max", parse_seats_max)
    price = get("price_nok", parse_price)
    sessions = get("sessions", parse_sessions) if "sessions" in raw else None
    for field, message in offer_rule_problems(start, end, deadline, seats_min, seats_max):
        get.error(field, message)
    credit_trouble = any(p.field in ("credits", "credit_system") for p in get.problems)
    if level is not None and ("credits" in raw or "credit_system" in raw) and not credit_trouble:
        if system is None:
            kind = None
            if provider:
                kind = (provider_kind(provider) if provider_kind else None) or infer_provider_kind(provider)
            system = infer_credit_system(credits, level, kind)
        for field, message, warning in credit_problems(credits, system, level):
            (get.warn if warning else get.error)(field, message)
    if fmt is None and not any(p.field == "location" for p in get.problems):
        fmt = default_format(municipality)
    if fmt not in (None, "online") and municipality is None and not any(p.field == "location"
                                                                       for p in get.problems):
        get.warn("location", f"Stedet (kommunen) mangler, men formatet er {FORMATS.label(fmt)}; skriv kommunen, "
                             f"eller velg nettbasert")
    if sessions:
        get.warn("sessions", sessions_outside(sessions, start, end))
    if not get.ok:
        return None, get.problems
    # parse_level gives "open" for empty text; a format is inferred unless the location failed.
    assert level is not None and fmt is not None
    data = OfferData(provider, title, ref, description, keywords, credits, system, level, fmt, municipality,
                     start, end, deadline, seats_min, seats_max, price, sessions)
    return data, get.problems
