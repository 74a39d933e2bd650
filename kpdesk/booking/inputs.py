"""What a booking is made of, checked field by field in the style of ``kpdesk.register.validation``.

``validate_booking`` takes raw text (from the booking dialog or a CSV row) and returns typed
``BookingData`` or the problems. Rules that need the database (the room exists, the offer ref is
known, no clash) are checked by ``kpdesk.booking.service`` and ``kpdesk.booking.conflicts``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from kpdesk.booking.recurrence import parse_rule
from kpdesk.booking.rooms import parse_equipment_list, parse_room_name
from kpdesk.booking.times import format_span, parse_datetime, parse_end
from kpdesk.common.codes import BOOKING_KINDS
from kpdesk.common.fields import (
    MAX_REF,
    Collector,
    FieldError,
    Problem,
    parse_line,
    parse_required_text,
    parse_text,
    parse_yes_no,
    sensitive_text_warning,
)
from kpdesk.common.norsk import format_datetime

MAX_TITLE = 300
MAX_ORGANISER = 200
MAX_BOOKING_DAYS = 14
MAX_ARRIVAL_BUFFER = 240  # minutes; conflicts.py relies on this bound
DEFAULT_EXAM_BUFFER = 30  # candidates arrive 30 minutes early (domain brief §1.2)
MAX_ATTENDEES = 10_000
# Kinds shown by name on printed schedules and door signs unless the coordinator says otherwise
# («vis på oppslag»); a meeting's title often names an employer that has not agreed to be named.
PUBLIC_KINDS = frozenset({"session", "exam", "video_lecture"})


def public_by_default(kind: str) -> bool:
    """Whether a booking of ``kind`` is «vis på oppslag» unless the coordinator chooses."""
    return kind in PUBLIC_KINDS


@dataclass(frozen=True)
class BookingData:
    room: str  # the room's name
    title: str
    starts_at: dt.datetime  # naive local wall-clock time, Europe/Oslo
    ends_at: dt.datetime
    kind: str = "other"
    organiser: str = ""
    attendees: int | None = None
    offer_ref: str | None = None
    offer_session_id: int | None = None
    equipment: tuple[str, ...] = ()  # equipment names the booking needs
    arrival_buffer_minutes: int = 0  # exams: candidates arrive this long before start; blocks the room
    invigilators: int | None = None  # exams
    notes: str = ""
    repeat: str = ""  # an RRULE in kpdesk's normal form, or "" for a single booking
    allow_overnight: bool = False
    public: bool | None = None  # «vis på oppslag»; None: the kind's default (``public_by_default``)

    @property
    def is_public(self) -> bool:
        """Printed with its title on schedules and door signs (else as «Opptatt»)."""
        return public_by_default(self.kind) if self.public is None else self.public

    @property
    def blocked_from(self) -> dt.datetime:
        """When the room is taken: the start, less the exam's arrival buffer."""
        return self.starts_at - dt.timedelta(minutes=self.arrival_buffer_minutes)

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at

    def replace(self, **changes: object) -> BookingData:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


# ---------------------------------------------------------------- field parsers

def parse_kind(text: str) -> str:
    """A booking kind by key or Norwegian word ('eksamen', 'forelesning via video'); empty: 'other'."""
    cleaned = (text or "").strip()
    if not cleaned:
        return "other"
    key = BOOKING_KINDS.parse(cleaned)
    if key is None:
        raise FieldError(f"Ukjent type «{cleaned}»; bruk en av: {BOOKING_KINDS.words()}")
    return key


def parse_count(text: str, label: str, *, minimum: int = 1, maximum: int = MAX_ATTENDEES) -> int | None:
    """A whole number from ``minimum`` up; empty: None."""
    cleaned = (text or "").replace("\u00a0", "").replace(" ", "").strip()
    if not cleaned:
        return None
    if not re.fullmatch(r"[+-]?\d+", cleaned) or not cleaned.isascii():
        raise FieldError(f"{label} må være et helt tall, ikke «{(text or '').strip()}»")
    value = int(cleaned)
    if value < minimum:
        raise FieldError(f"{label} må være minst {minimum}, ikke {value}")
    if value > maximum:
        raise FieldError(f"{label} {value} er urimelig høyt (høyst {maximum})")
    return value


def parse_offer_ref(text: str) -> str | None:
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if re.search(r"\s", cleaned):
        raise FieldError(f"Tilbudsreferansen «{cleaned}» kan ikke ha mellomrom")
    if len(cleaned) > MAX_REF:
        raise FieldError(f"Tilbudsreferansen er for lang: {len(cleaned)} tegn, høyst {MAX_REF}")
    return cleaned


def parse_public(text: str) -> bool | None:
    """«Vis på oppslag»: ja/nei (1/0, x, true/false); empty: None, the kind's default."""
    return parse_yes_no(text) if (text or "").strip() else None


def parse_buffer(text: str) -> int | None:
    """Minutes before start ('30', '45 min'); empty: None (the default for the kind)."""
    cleaned = (text or "").strip().lower().removesuffix("minutter").removesuffix("min").strip()
    if not cleaned:
        return None
    value = parse_count(cleaned, "Oppmøtetid før start (minutter)", minimum=0, maximum=MAX_ARRIVAL_BUFFER)
    return value


# ---------------------------------------------------------------- record rules

def time_problems(starts_at: dt.datetime, ends_at: dt.datetime, *, allow_overnight: bool = False) -> list[Problem]:
    """End after start, no zero length, not across midnight unless allowed, not absurdly long."""
    if ends_at == starts_at:
        return [Problem("end", "Bookingen varer 0 minutter: slutt må være etter start")]
    if ends_at < starts_at:
        return [Problem("end", f"Slutt {format_datetime(ends_at)} er før start {format_datetime(starts_at)}")]
    if ends_at - starts_at > dt.timedelta(days=MAX_BOOKING_DAYS):
        days = (ends_at - starts_at).days
        return [Problem("end", f"Bookingen varer {days} døgn; høyst {MAX_BOOKING_DAYS} døgn er tillatt. "
                               f"Book lange perioder som en serie")]
    midnight = dt.datetime.combine(starts_at.date() + dt.timedelta(days=1), dt.time(0))
    if ends_at > midnight and not allow_overnight:
        return [Problem("end", f"Bookingen går over midnatt ({format_span(starts_at, ends_at)}); velg «over "
                               f"midnatt» hvis det er meningen")]
    return []


def exam_problems(kind: str, buffer: int, invigilators: int | None) -> list[Problem]:
    problems = []
    if kind != "exam" and buffer:
        problems.append(Problem("arrival_buffer", "Oppmøtetid før start gjelder bare eksamen"))
    if kind != "exam" and invigilators is not None:
        problems.append(Problem("invigilators", "Eksamensvakter gjelder bare eksamen"))
    if not 0 <= buffer <= MAX_ARRIVAL_BUFFER:
        problems.append(Problem("arrival_buffer", f"Oppmøtetid før start må være mellom 0 og {MAX_ARRIVAL_BUFFER} "
                                                  f"minutter, ikke {buffer}"))
    return problems


def booking_problems(data: BookingData) -> list[Problem]:
    """The record rules for typed data (the dialog may build ``BookingData`` itself)."""
    problems = time_problems(data.starts_at, data.ends_at, allow_overnight=data.allow_overnight)
    problems += exam_problems(data.kind, data.arrival_buffer_minutes, data.invigilators)
    if not data.room.strip():
        problems.append(Problem("room", "Rommet mangler"))
    if not data.title.strip():
        problems.append(Problem("title", "Tittelen mangler"))
    if data.kind not in BOOKING_KINDS:
        problems.append(Problem("kind", f"Ukjent type «{data.kind}»; bruk en av: {BOOKING_KINDS.words()}"))
    if data.attendees is not None and data.attendees < 1:
        problems.append(Problem("attendees", f"Antall deltakere må være minst 1, ikke {data.attendees}"))
    if data.repeat:
        try:
            parse_rule(data.repeat, data.starts_at)
        except FieldError as exc:
            problems.append(Problem("repeat", exc.message))
    return problems


def validate_booking(raw: Mapping[str, str | None], *, allow_overnight: bool | None = None
                     ) -> tuple[BookingData | None, list[Problem]]:
    """A booking from raw text under the canonical names.

    Names: room, title, kind, start, end (a full moment or a time on the start's day), repeat,
    organiser, attendees, offer_ref, equipment, arrival_buffer, invigilators, notes, overnight
    (ja/nei; ``allow_overnight`` overrides it), public («vis på oppslag», ja/nei; empty: the
    kind's default).
    """
    get = Collector(raw)
    room = get("room", parse_room_name)
    title = get("title", parse_required_text, "Tittelen", MAX_TITLE)
    kind = get("kind", parse_kind)
    start = get("start", parse_datetime, "Start")
    end = get("end", parse_end, start, "Slutt")
    organiser = get("organiser", parse_line, "Arrangøren", MAX_ORGANISER)
    attendees = get("attendees", parse_count, "Antall deltakere")
    offer_ref = get("offer_ref", parse_offer_ref)
    equipment = get("equipment", parse_equipment_list)
    buffer = get("arrival_buffer", parse_buffer)
    invigilators = get("invigilators", parse_count, "Antall eksamensvakter")
    notes = get("notes", parse_text, "Notatet")
    public = get("public", parse_public)
    overnight = get("overnight", parse_yes_no) if allow_overnight is None else allow_overnight
    repeat = ""
    if (raw.get("repeat") or "").strip() and start is not None:
        repeat = get("repeat", parse_rule, start)
    if buffer is None:
        buffer = DEFAULT_EXAM_BUFFER if kind == "exam" else 0
    if start is not None and end is not None:
        get.problems.extend(time_problems(start, end, allow_overnight=bool(overnight)))
    if kind is not None:
        get.problems.extend(exam_problems(kind, buffer, invigilators))
    if notes:
        get.warn("notes", sensitive_text_warning(notes))
    if not get.ok:
        return None, get.problems
    assert start is not None and end is not None and kind is not None  # their parsers raise rather than give None
    data = BookingData(room, title, start, end, kind, organiser, attendees, offer_ref, None, equipment, buffer,
                       invigilators, notes, repeat or "", bool(overnight), public)
    return data, get.problems
