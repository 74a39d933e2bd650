"""What an exam sitting and a candidate are made of, checked field by field like ``inputs``.

``validate_exam`` takes the raw text of an exam (a CSV row of ``kpdesk import exams``, the
columns ``ref;room;institution;course_code;title;start;end;fee_per_candidate;invigilators``)
and returns ``ExamData`` with the ``BookingData`` of its exam booking (kind exam, the arrival
buffer, the usual booking rules), or the problems. ``validate_candidate`` does the same for a
candidate (``exam;candidate_no;name;email;accommodation;status``). Rules that need the database
(the room exists, the exam is known, no clash) are ``kpdesk.booking.exams``'.

Formats people write:

- fee per candidate: whole kroner or with øre, «1500», «1 500», «1500,50», «1 500 kr»;
- invigilators: a number («2»), or names with hours in brackets, comma-separated: «Kari
  Nordmann (4,5), Ola Hansen» (without hours: the time the room is taken, arrival included);
- accommodation: «ekstra tid 30 min», «+30», «eget rom», «eget rom: Grupperom 2» (the room for the
  candidate's second booking), comma-separated; what is granted, never why.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kpdesk.booking.inputs import BookingData, parse_count, validate_booking
from kpdesk.booking.rooms import parse_room_name
from kpdesk.common.codes import EXAM_CANDIDATE_STATUSES
from kpdesk.common.fields import (
    MAX_CONTACT_NAME,
    Collector,
    FieldError,
    Problem,
    clean,
    code_parser,
    parse_email,
    parse_line,
    parse_ref,
    parse_required_text,
)
from kpdesk.common.norsk import format_decimal, parse_decimal

MAX_INSTITUTION = 200
MAX_COURSE_CODE = 40
MAX_EXAM_TITLE = 240  # the booking's title adds «Eksamen CODE »
MAX_CANDIDATE_NO = 20
MAX_EXTRA_MINUTES = 240
MAX_FEE = Decimal(1_000_000)
MAX_HOURS = Decimal(24)
MAX_INVIGILATORS = 100

parse_candidate_status = code_parser(EXAM_CANDIDATE_STATUSES, "kandidatstatus", "registered")


# ---------------------------------------------------------------- field parsers

def parse_exam_ref(text: str) -> str:
    """The exam's reference ('EKS-2027-01'): required, no spaces."""
    ref = parse_ref(text)
    if ref is None:
        raise FieldError("Referansen til eksamen mangler")
    return ref


def parse_fee(text: str) -> Decimal:
    """Fee per candidate in kroner: '1500', '1 500', '1500,50', '1 500 kr'; empty: 0."""
    cleaned = clean(text).lower().removesuffix("kr").removesuffix("nok").strip().removesuffix(",-").strip()
    if not cleaned:
        return Decimal(0)
    try:
        value = parse_decimal(cleaned)
    except ValueError as exc:
        raise FieldError(f"Prisen per kandidat: {exc}") from None
    if value < 0:
        raise FieldError(f"Prisen per kandidat kan ikke være negativ ({clean(text)})")
    if value > MAX_FEE:
        raise FieldError(f"Prisen per kandidat {clean(text)} er urimelig høy (høyst 1 000 000 kr)")
    if value != value.quantize(Decimal("0.01")):
        raise FieldError(f"Prisen per kandidat kan ha høyst to desimaler (øre), ikke «{clean(text)}»")
    return value.quantize(Decimal("0.01")).normalize() if value else Decimal(0)


@dataclass(frozen=True, slots=True)
class InvigilatorData:
    name: str
    hours: Decimal | None  # None: the time the room is taken


@dataclass(frozen=True, slots=True)
class Invigilators:
    """A number of invigilators, or named ones (then the number is how many are named)."""

    count: int | None
    people: tuple[InvigilatorData, ...] = ()


_NAMED = re.compile(r"^(?P<name>[^()]*?)\s*(?:\((?P<hours>[^()]*)\))?$")


def _split_outside_brackets(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def parse_hours(text: str, label: str) -> Decimal:
    """Hours as '4', '4,5', '4.5 t', '3,25 timer'."""
    cleaned = clean(text).lower()
    for suffix in ("timer", "time", "t"):
        cleaned = cleaned.removesuffix(suffix).strip()
    try:
        value = parse_decimal(cleaned)
    except ValueError:
        raise FieldError(f"{label}: timene må være et tall, som 4 eller 4,5, ikke «{clean(text)}»") from None
    if not 0 < value <= MAX_HOURS:
        raise FieldError(f"{label}: {format_decimal(value, 2)} timer er ikke mulig (mer enn 0, høyst 24)")
    return value.quantize(Decimal("0.01"))


def parse_invigilators(text: str) -> Invigilators:
    """'2' or 'Kari Nordmann (4,5), Ola Hansen'; empty: none given."""
    cleaned = clean(text)
    if not cleaned:
        return Invigilators(None)
    if re.fullmatch(r"\d+", cleaned):
        return Invigilators(parse_count(cleaned, "Antall eksamensvakter", maximum=MAX_INVIGILATORS))
    people = []
    for part in _split_outside_brackets(cleaned):
        match = _NAMED.match(part)
        if match is None or not match["name"].strip():
            raise FieldError(f"Eksamensvakten «{part}» forstås ikke; skriv navn med timer i parentes, som "
                             f"«Kari Nordmann (4,5), Ola Hansen»")
        name = parse_line(match["name"], "Navnet på eksamensvakten", MAX_CONTACT_NAME)
        hours = parse_hours(match["hours"], f"Eksamensvakten {name}") if match["hours"] is not None else None
        people.append(InvigilatorData(" ".join(name.split()), hours))
    if len(people) > MAX_INVIGILATORS:
        raise FieldError(f"{len(people)} eksamensvakter er for mange (høyst {MAX_INVIGILATORS})")
    return Invigilators(len(people), tuple(people))


def format_invigilators(people: tuple[InvigilatorData, ...] | list[InvigilatorData]) -> str:
    """As ``parse_invigilators`` reads them back: 'Kari Nordmann (4,5), Ola Hansen (4)'."""
    return ", ".join(f"{p.name} ({format_decimal(p.hours, 2)})" if p.hours is not None else p.name for p in people)


@dataclass(frozen=True, slots=True)
class Accommodation:
    """What a candidate is granted: extra minutes, a separate room (and which room, when known)."""

    extra_minutes: int = 0
    separate_room: bool = False
    room: str = ""  # the room of the separate-room booking ("" when not yet chosen)

    def text(self) -> str:
        """'ekstra tid 30 min, eget rom: Grupperom 2' (as ``parse_accommodation`` reads it back)."""
        parts = []
        if self.extra_minutes:
            parts.append(f"ekstra tid {self.extra_minutes} min")
        if self.separate_room:
            parts.append(f"eget rom: {self.room}" if self.room else "eget rom")
        return ", ".join(parts)


_EXTRA = re.compile(r"^(?:ekstra\s*tid|extra\s*time|forlenget\s*tid|utvidet\s*tid)?\s*:?\s*\+?\s*(\d+)\s*"
                    r"(?:min(?:utter|\.)?)?\s*(?:ekstra\s*tid|ekstra)?$", re.IGNORECASE)
_ROOM = re.compile(r"^(?:eget|separat|eige|separate)\s+rom(?:m)?\b\s*:?\s*(?P<room>.*)$", re.IGNORECASE)


def parse_accommodation(text: str) -> Accommodation:
    """'ekstra tid 30', '+30 min', 'eget rom', 'eget rom: Grupperom 2', comma-separated; empty: none."""
    cleaned = clean(text)
    extra, separate, room = 0, False, ""
    for part in (p.strip() for p in cleaned.split(",")):
        if not part:
            continue
        if (match := _ROOM.match(part)) is not None:
            separate = True
            room = parse_room_name(match["room"]) if match["room"].strip() else ""
        elif (match := _EXTRA.match(part)) is not None:
            extra = int(match[1])
            if not 0 < extra <= MAX_EXTRA_MINUTES:
                raise FieldError(f"Ekstra tid må være mellom 1 og {MAX_EXTRA_MINUTES} minutter, ikke {extra}")
        else:
            raise FieldError(f"Tilrettelegging «{part}» forstås ikke; skriv for eksempel «ekstra tid 30 min» "
                             f"eller «eget rom: Grupperom 2»")
    return Accommodation(extra, separate, room)


def parse_candidate_no(text: str) -> str:
    """The institution's candidate number ('101', 'K-2031'): required, no spaces."""
    cleaned = clean(text)
    if not cleaned:
        raise FieldError("Kandidatnummeret mangler")
    if re.search(r"\s", cleaned):
        raise FieldError(f"Kandidatnummeret «{cleaned}» kan ikke ha mellomrom")
    if len(cleaned) > MAX_CANDIDATE_NO:
        raise FieldError(f"Kandidatnummeret er for langt: {len(cleaned)} tegn, høyst {MAX_CANDIDATE_NO}")
    return parse_line(cleaned, "Kandidatnummeret", MAX_CANDIDATE_NO)


# ---------------------------------------------------------------- records

@dataclass(frozen=True)
class ExamData:
    ref: str
    institution: str
    course_code: str
    title: str
    fee_per_candidate: Decimal
    invigilators: Invigilators
    booking: BookingData  # the exam booking: kind exam, start, end, arrival buffer

    @property
    def duration_minutes(self) -> int:
        return int(self.booking.duration.total_seconds() // 60)

    def invigilator_hours(self) -> Decimal:
        """The hours an invigilator without hours of their own is paid: the room's time, arrival included."""
        span = self.booking.ends_at - self.booking.blocked_from
        return (Decimal(int(span.total_seconds() // 60)) / 60).quantize(Decimal("0.01"))


def exam_booking_title(course_code: str, title: str) -> str:
    """'Eksamen SYK2001 Anatomi': what schedules and door signs print."""
    return " ".join(f"Eksamen {course_code} {title}".split())


def validate_exam(raw: Mapping[str, str | None]) -> tuple[ExamData | None, list[Problem]]:
    """An exam from raw text under the canonical names (ref, room, institution, course_code, title,
    start, end, fee_per_candidate, invigilators)."""
    get = Collector(raw)
    ref = get("ref", parse_exam_ref)
    institution = get("institution", parse_required_text, "Institusjonen", MAX_INSTITUTION)
    course_code = get("course_code", parse_required_text, "Emnekoden", MAX_COURSE_CODE)
    title = get("title", parse_required_text, "Tittelen", MAX_EXAM_TITLE)
    fee = get("fee_per_candidate", parse_fee)
    invigilators = get("invigilators", parse_invigilators)
    booking_raw = {"room": raw.get("room"), "title": exam_booking_title(course_code or "", title or "") or "Eksamen",
                   "kind": "exam", "start": raw.get("start"), "end": raw.get("end"),
                   "invigilators": str(invigilators.count) if invigilators and invigilators.count else ""}
    booking, found = validate_booking(booking_raw)
    get.problems.extend(p for p in found if p.field not in ("title", "invigilators"))
    if not get.ok or booking is None:
        return None, get.problems
    assert ref is not None and institution and course_code and title and invigilators is not None
    return ExamData(ref, institution, course_code, title, fee, invigilators, booking), get.problems


@dataclass(frozen=True)
class CandidateData:
    exam_ref: str
    candidate_no: str
    name: str
    email: str
    accommodation: Accommodation
    status: str  # a key of EXAM_CANDIDATE_STATUSES


def validate_candidate(raw: Mapping[str, str | None]) -> tuple[CandidateData | None, list[Problem]]:
    """A candidate from raw text (exam, candidate_no, name, email, accommodation, status)."""
    get = Collector(raw)
    exam = get("exam", parse_exam_ref)
    number = get("candidate_no", parse_candidate_no)
    name = get("name", parse_required_text, "Navnet", MAX_CONTACT_NAME)
    email = get("email", parse_email)
    accommodation = get("accommodation", parse_accommodation)
    status = get("status", parse_candidate_status)
    if not get.ok:
        return None, get.problems
    assert exam is not None and number is not None and name and accommodation is not None and status
    return CandidateData(exam, number, " ".join(name.split()), email or "", accommodation, status), get.problems


def candidate_end(starts_at: dt.datetime, duration_minutes: int, extra_minutes: int) -> dt.datetime:
    """When a candidate with ``extra_minutes`` hands in at the latest."""
    return starts_at + dt.timedelta(minutes=duration_minutes + extra_minutes)

