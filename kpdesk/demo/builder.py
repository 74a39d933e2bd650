"""Building demo rows in memory: ids, organisation numbers, offers with samlinger, needs, bookings.

Rows are plain dicts with explicit ids and every column set, so they go into the database with
bulk inserts (rows of one shape batch into one statement). Keys starting with "_" are notes for
the builder itself and are dropped before writing.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from decimal import Decimal
from typing import Any

from kpdesk.booking.inputs import public_by_default
from kpdesk.common import orgnr
from kpdesk.demo.catalogue import (
    FIRST_NAMES,
    FUNDING_NOTES,
    LAST_NAMES,
    TOPIC,
    OfferSpec,
    Profile,
    ProviderSpec,
    RoomSpec,
    Topic,
)

Row = dict[str, Any]

DEMO_TODAY = dt.date(2027, 1, 11)  # the demo's "today": the first full week of the spring 2027 term
TERM_START, TERM_END = dt.date(2027, 1, 4), dt.date(2027, 6, 18)
HISTORY_START = dt.date(2026, 8, 17)  # needs were registered from the autumn 2026 term on
YEAR_START, YEAR_END = dt.date(2027, 1, 1), dt.date(2027, 12, 31)
EXAM_BUFFER = 30  # minutes candidates arrive before an exam
TAG = " (DEMO)"

# Insert order (foreign keys first).
TABLES = ("employer", "contact_person", "person", "consent", "provider", "offer", "offer_session", "need",
          "need_status_change",
          "match_decision", "equipment", "room", "room_equipment", "booking_series", "booking", "booking_equipment",
          "exam_sitting", "exam_invigilator", "exam_candidate", "course_run", "course_run_need", "course_run_booking")
EXAM_FEES = (1200, 1500, 1500, 1650)  # kroner per candidate, as published price lists have them
CONSENT_TEXT_VERSION = "2026-1"
CONSENT_WAYS = ("skjema", "skjema", "e-post", "muntlig", "telefon")

STATUS_PATHS: dict[str, tuple[str, ...]] = {
    "new": ("new",),
    "mapped": ("new", "mapped"),
    "matched": ("new", "mapped", "matched"),
    "ordered": ("new", "mapped", "matched", "ordered"),
    "running": ("new", "mapped", "matched", "ordered", "running"),
    "closed": ("new", "mapped", "closed"),  # covered some other way before any course started
    "rejected": ("new", "rejected"),
}
STATUS_WEIGHTS = {"new": 22, "mapped": 24, "matched": 14, "ordered": 12, "running": 8, "closed": 10, "rejected": 10}
UNMET_STATUSES = ("new", "mapped", "closed", "rejected")  # nobody offers the topic, so never matched
HEADCOUNT_WEIGHTS = (14, 16, 14, 11, 9, 7, 6, 5, 4, 3, 3, 2, 2, 2, 2)  # for 1..15 persons
FORMAT_SENTENCES = {
    "online": "Nettbasert opplegg passer best, helst med få samlinger.",
    "sessions": "Samlinger i regionen passer godt.",
    "campus": "Undervisning på dagtid, gjerne på studiesenteret.",
    "decentralised": "Ønsker et desentralisert opplegg nær arbeidsplassen.",
}
REJECT_NOTES = ("Passer ikke i tid.", "For høyt nivå for gruppa.", "For langt å reise til samlingene.")


def norwegian_holidays(years: range) -> dict[dt.date, str]:
    """Public holidays by date with the names kpdesk prints. Plain Sundays are not holidays here."""
    from kpdesk.booking.holidays import holidays_between

    return holidays_between(dt.date(years.start, 1, 1), dt.date(years.stop - 1, 12, 31))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def slug(text: str, separator: str = "-") -> str:
    """ASCII for e-mail addresses: 'Øystein Bø' -> 'oystein.bo'."""
    folded = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return separator.join("".join(ch if ch.isalnum() else " " for ch in folded).split())


class RoomGrid:
    """Which half hours of each room and day are taken: the guarantee that bookings never overlap.

    A booking takes the half hours from (start − arrival buffer) to its end, so an exam's buffer is
    as occupied as the exam. Times lie on the half-hour grid and inside the room's opening hours.
    """

    UNIT = 30

    def __init__(self, hours: dict[int, tuple[dt.time, dt.time]]) -> None:
        self.hours = {room: (self._unit(opens), self._unit(closes)) for room, (opens, closes) in hours.items()}
        self._busy: dict[tuple[int, dt.date], int] = {}

    @classmethod
    def _unit(cls, moment: dt.time | dt.datetime) -> int:
        minutes = moment.hour * 60 + moment.minute
        if minutes % cls.UNIT:
            raise ValueError(f"{moment} is not on the half-hour grid")
        return minutes // cls.UNIT

    @staticmethod
    def _mask(first: int, last: int) -> int:
        return ((1 << (last - first)) - 1) << first

    def _span(self, room: int, start: dt.datetime, end: dt.datetime, buffer: int) -> tuple[int, int] | None:
        if end.date() != start.date():
            return None
        first, last = self._unit(start) - buffer // self.UNIT, self._unit(end)
        opens, closes = self.hours[room]
        return (first, last) if opens <= first < last <= closes else None

    def fits(self, room: int, start: dt.datetime, end: dt.datetime, buffer: int = 0) -> bool:
        span = self._span(room, start, end, buffer)
        return span is not None and not self._busy.get((room, start.date()), 0) & self._mask(*span)

    def take(self, room: int, start: dt.datetime, end: dt.datetime, buffer: int = 0) -> None:
        span = self._span(room, start, end, buffer)
        key = (room, start.date())
        if span is None or self._busy.get(key, 0) & self._mask(*span):
            raise ValueError(f"room {room} is not free {start}–{end}")
        self._busy[key] = self._busy.get(key, 0) | self._mask(*span)

    def take_first(self, room: int, day: dt.date, after: int, length: int, buffer: int = 0) -> int | None:
        """Take the first ``length`` free units (plus buffer units before) from unit ``after`` on."""
        opens, closes = self.hours[room]
        busy = self._busy.get((room, day), 0)
        for start in range(max(after, opens + buffer), closes - length + 1):
            mask = self._mask(start - buffer, start + length)
            if not busy & mask:
                self._busy[(room, day)] = busy | mask
                return start
        return None


class DemoBuilder:
    """All demo rows, table by table, from one seeded random generator."""

    def __init__(self, seed: int, *, first_ids: dict[str, int] | None = None,
                 providers: dict[str, int] | None = None, equipment: dict[str, int] | None = None) -> None:
        self.rng = random.Random(seed)
        self.rows: dict[str, list[Row]] = {name: [] for name in TABLES}
        self._next_id = dict(first_ids or {})
        self.provider_ids = dict(providers or {})  # name -> id, including any already in the database
        self.equipment_ids = dict(equipment or {})
        self.provider_specs: dict[str, ProviderSpec] = {}
        self.holidays = norwegian_holidays(range(2026, 2032))
        self.org_numbers: set[str] = set()
        self.contact_names: set[str] = set()
        self.offers_by_topic: dict[str, list[Row]] = {}
        # exam sittings draw from their own generator, so adding them changed none of the other rows
        self.exam_rng = random.Random(f"{seed}-exams")
        self.run_rng = random.Random(f"{seed}-runs")  # and course runs from theirs

    def new_id(self, table: str) -> int:
        value = self._next_id.get(table, 1)
        self._next_id[table] = value + 1
        return value

    # ------------------------------------------------------------ days and moments

    def is_workday(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def workdays(self, first: dt.date, count: int) -> list[dt.date]:
        """``count`` consecutive workdays from ``first`` on, skipping weekends and holidays."""
        days: list[dt.date] = []
        day = first
        while len(days) < count:
            if self.is_workday(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def random_day(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def stamp(self, day: dt.date) -> dt.datetime:
        """An office-hours moment on ``day``, for created/updated/decided timestamps."""
        return at(day, self.rng.randint(8, 15), self.rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50)))

    # ------------------------------------------------------------ employers and contacts

    def org_number(self, first_digit: str) -> str:
        """A fresh valid organisation number (MOD11) with the given first digit (8 or 9)."""
        while True:
            candidate = orgnr.complete(f"{first_digit}{self.rng.randrange(10_000_000):07d}")
            if candidate and candidate not in self.org_numbers:
                self.org_numbers.add(candidate)
                return candidate

    def add_employer(self, name: str, municipality: str, profile: Profile, industry: str, *,
                     parent: Row | None = None, named: bool = False, note: str = "") -> Row:
        created = self.stamp(self.random_day(dt.date(2026, 6, 1), HISTORY_START - dt.timedelta(days=1)))
        row: Row = {
            "id": self.new_id("employer"),
            "org_number": self.org_number(self.rng.choice("89") if parent else "9"),
            "name": name + TAG, "parent_id": parent["id"] if parent else None, "municipality": municipality,
            "industry": industry, "may_be_named": named, "notes": note, "source": "demo",
            "created_at": created, "updated_at": created, "_profile": profile,
        }
        self.rows["employer"].append(row)
        return row

    def person_name(self) -> str:
        """An invented name, different from earlier ones while there are fresh combinations left."""
        name = ""
        for _ in range(5):
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.contact_names:
                break
        self.contact_names.add(name)
        return name

    def phone(self) -> str:
        if self.rng.random() < 0.7:
            return f"{self.rng.choice('49')}{self.rng.randrange(10_000_000):07d}"  # mobile
        return f"75{self.rng.randrange(1_000_000):06d}"  # a Nordland landline

    def add_contacts(self, employer: Row, count: int) -> None:
        domain = slug(employer["name"].removesuffix(TAG))[:40] + ".example.no"
        for _ in range(count):
            name = self.person_name()
            self.rows["contact_person"].append({
                "id": self.new_id("contact_person"), "employer_id": employer["id"], "name": name,
                "role": self.rng.choice(employer["_profile"].roles), "email": f"{slug(name, '.')}@{domain}",
                "phone": self.phone(), "legal_basis": "berettiget interesse",
                "registered_on": employer["created_at"].date(),
                "created_at": employer["created_at"], "updated_at": employer["created_at"],
            })

    # ------------------------------------------------------------ providers, offers and samlinger

    def add_provider(self, spec: ProviderSpec) -> None:
        self.provider_specs[spec.name] = spec
        if spec.name in self.provider_ids:
            return
        self.provider_ids[spec.name] = provider_id = self.new_id("provider")
        created = at(dt.date(2026, 6, 1), 8) + dt.timedelta(minutes=len(self.rows["provider"]))
        self.rows["provider"].append({"id": provider_id, "name": spec.name, "kind": spec.kind, "web": spec.web,
                                      "notes": spec.notes, "created_at": created, "updated_at": created})

    def add_offer(self, spec: OfferSpec, title: str | None = None) -> Row:
        topic = TOPIC[spec.topic]
        kind = self.provider_specs[spec.provider].kind
        level, system, nkr = level_for(kind, topic, spec.credits)
        seats_min, seats_max = seats(kind, self.rng)
        created = self.stamp(self.random_day(dt.date(2026, 9, 1), min(spec.start - dt.timedelta(days=30),
                                                                      DEMO_TODAY)))
        keywords = self.rng.sample(topic.keywords, self.rng.randint(3, min(5, len(topic.keywords))))
        offer_id = self.new_id("offer")
        offer: Row = {
            "id": offer_id, "ref": f"T{offer_id:04d}", "provider_id": self.provider_ids[spec.provider],
            "title": title or spec.title, "description": topic.offer_text + (f" NKR-nivå {nkr}." if nkr else ""),
            "keywords": ", ".join(keywords), "credits": Decimal(spec.credits) if spec.credits else None,
            "credit_system": system, "level": level, "format": spec.format, "municipality": spec.municipality,
            "start_date": spec.start, "end_date": self.offer_end(spec),
            "application_deadline": deadline(kind, spec.start), "seats_min": seats_min, "seats_max": seats_max,
            "price_nok": spec.price, "created_at": created, "updated_at": created,
        }
        self.rows["offer"].append(offer)
        self.offers_by_topic.setdefault(topic.key, []).append(offer)
        self.add_sessions(offer, spec)
        return offer

    def offer_end(self, spec: OfferSpec) -> dt.date:
        if spec.days and spec.days <= 10:  # a course of consecutive days
            return self.workdays(spec.start, spec.days)[-1]
        if spec.days:
            return spec.start + dt.timedelta(days=spec.days)
        months = {None: 8, 15: 5, 30: 10, 60: 20, 90: 30, 180: 46}.get(spec.credits, 10)
        end = add_months(spec.start, months)
        return end - dt.timedelta(days=max(0, end.weekday() - 4))  # a Friday, not a weekend

    def add_sessions(self, offer: Row, spec: OfferSpec) -> None:
        """1–4 samlinger: all the days of a short course, else spread over the course from its start."""
        start, end = offer["start_date"], offer["end_date"]
        if spec.days and spec.days <= 10:
            plan = [self.workdays(start, spec.days)]
        else:
            count = self.rng.randint(1, 2) if spec.format == "online" else self.rng.randint(2, 4)
            length = 1 if spec.format == "online" else self.rng.randint(2, 3)
            span = max(0, (end - start).days - 21)
            plan = []
            for i in range(count):
                first = start + dt.timedelta(days=span * i // count)
                days = self.workdays(first + dt.timedelta(days=(start.weekday() - first.weekday()) % 7), length)
                if not plan or days[0] > plan[-1][-1]:
                    plan.append(days)
        for number, days in enumerate(plan, start=1):
            title = "Kursdager" if spec.days and spec.days <= 10 else (
                "Oppstartssamling" if number == 1 else f"Samling {number}")
            self.rows["offer_session"].append({
                "id": self.new_id("offer_session"), "offer_id": offer["id"], "starts_at": at(days[0], 9),
                "ends_at": at(days[-1], 15, 30), "title": title, "_days": days,
            })

    # ------------------------------------------------------------ needs

    def add_person(self, municipality: str, employer: Row | None = None) -> Row:
        """An individual with a consent record (their needs are added with ``add_need(person=…)``)."""
        rng = self.rng
        person_id = self.new_id("person")
        name = self.person_name()
        created = self.stamp(self.random_day(HISTORY_START, DEMO_TODAY - dt.timedelta(days=7)))
        email = f"{slug(name, '.')}.{person_id}@example.no" if rng.random() < 0.85 else ""
        row: Row = {
            "id": person_id, "ref": f"P{person_id:04d}", "name": name, "municipality": municipality,
            "email": email, "phone": self.phone() if not email or rng.random() < 0.5 else "",
            "employer_id": employer["id"] if employer else None, "created_at": created, "updated_at": created,
        }
        self.rows["person"].append(row)
        return row

    def add_consent(self, person: Row, *, contact: bool, statistics: bool, given: dt.date | None = None) -> None:
        """``given``: the day the consent was given (default: the day the person was registered)."""
        given = given or person["created_at"].date()
        self.rows["consent"].append({
            "id": self.new_id("consent"), "person_id": person["id"], "stored": True, "contact": contact,
            "statistics": statistics, "given_on": given, "how": self.rng.choice(CONSENT_WAYS),
            "text_version": CONSENT_TEXT_VERSION, "recorded_at": person["created_at"],
        })

    def add_community_need(self, community: str, title: str, level: str, headcount: int, horizon: int,
                           source: str, description: str) -> Row:
        """A need of a municipality or region as a community ("Sykepleiere i Rødøy: 5 innen 2030")."""
        need_id = self.new_id("need")
        day = self.random_day(HISTORY_START, DEMO_TODAY - dt.timedelta(days=7))
        need: Row = {
            "id": need_id, "ref": f"B{need_id:04d}", "employer_id": None, "person_id": None, "community": community,
            "title": title, "description": description, "headcount": headcount, "level": level, "formats": "",
            "earliest_start": None, "latest_start": None, "priority": "medium", "status": "mapped",
            "status_changed_on": day, "funding_note": "", "source": source, "horizon": horizon,
            "registered": day, "created_at": self.stamp(day), "updated_at": self.stamp(day),
        }
        self.rows["need"].append(need)
        self.rows["need_status_change"] += [
            {"id": self.new_id("need_status_change"), "need_id": need_id, "status": step, "changed_on": day}
            for step in ("new", "mapped")]
        return need

    def add_need(self, employer: Row | None, topic: Topic, *, person: Row | None = None) -> Row:
        """A need with a status history that fits its status, matched to an offer once past "mapped";
        of an employer, or of a person (``person``: for that one person)."""
        rng = self.rng
        offers = self.offers_by_topic.get(topic.key, [])
        status = rng.choices(tuple(STATUS_WEIGHTS), tuple(STATUS_WEIGHTS.values()))[0]
        if not offers and status not in UNMET_STATUSES:
            status = "mapped"
        offer = rng.choice(offers) if status in ("matched", "ordered", "running") else None
        if status == "running":  # the course has started, so it must have started by "today"
            started = [o for o in offers if o["start_date"] <= DEMO_TODAY]
            offer, status = (rng.choice(started), "running") if started else (offer, "ordered")
        path = STATUS_PATHS[status]
        if status == "rejected" and rng.random() < 0.5:
            path = ("new", "mapped", "rejected")
        dates = self.status_dates(len(path), offer["start_date"] if status == "running" and offer is not None else None)
        earliest, latest = self.start_window(offer)
        headcount = rng.choices(range(1, 16), HEADCOUNT_WEIGHTS)[0] if person is None else 1
        formats = self.formats(offer)
        if person is not None:
            text = ["Ønsker dette for egen del, ved siden av jobb."]
        else:
            persons = f"Gjelder {headcount} ansatte." if headcount > 1 else "Gjelder én ansatt."
            text = [rng.choice(topic.need_texts), persons]
        text += [FORMAT_SENTENCES[f] for f in formats[:1]]
        if status == "closed":
            text.append("Avsluttet: behovet ble dekket gjennom intern opplæring.")
        need_id = self.new_id("need")
        need: Row = {
            "id": need_id, "ref": f"B{need_id:04d}", "employer_id": employer["id"] if employer else None,
            "person_id": person["id"] if person else None, "community": None, "source": "", "horizon": None,
            "title": rng.choice(topic.need_titles), "description": " ".join(text), "headcount": headcount,
            "level": offer["level"] if offer else (topic.level if rng.random() < 0.8 else "open"),
            "formats": ",".join(formats), "earliest_start": earliest, "latest_start": latest,
            "priority": rng.choices(("low", "medium", "high"), (25, 50, 25))[0], "status": status,
            "status_changed_on": dates[-1], "funding_note": rng.choice(FUNDING_NOTES) if person is None else "",
            "registered": dates[0], "created_at": self.stamp(dates[0]), "updated_at": self.stamp(dates[-1]),
        }
        self.rows["need"].append(need)
        self.rows["need_status_change"] += [
            {"id": self.new_id("need_status_change"), "need_id": need_id, "status": step, "changed_on": day}
            for step, day in zip(path, dates, strict=True)]
        if offer:
            self.add_decision(need_id, offer, "accepted", dates[2], "Passer tema, nivå og oppstart.")
        elif status == "mapped" and offers and rng.random() < 0.15:
            self.add_decision(need_id, rng.choice(offers), "rejected", dates[-1], rng.choice(REJECT_NOTES))
        return need

    def add_decision(self, need_id: int, offer: Row, decision: str, day: dt.date, note: str) -> None:
        self.rows["match_decision"].append({
            "id": self.new_id("match_decision"), "need_id": need_id, "offer_id": offer["id"],
            "decision": decision, "note": note, "decided_at": self.stamp(day),
        })

    def status_dates(self, count: int, last: dt.date | None) -> list[dt.date]:
        """Increasing dates from the autumn 2026 term to "today", the last one on ``last`` if given."""
        end = last or DEMO_TODAY - dt.timedelta(days=1)
        span = (end - HISTORY_START).days
        if last:
            offsets = [*sorted(self.rng.sample(range(span), count - 1)), span]
        else:
            offsets = sorted(self.rng.sample(range(span + 1), count))
        return [HISTORY_START + dt.timedelta(days=d) for d in offsets]

    def start_window(self, offer: Row | None) -> tuple[dt.date, dt.date | None]:
        """A start window in 2027, around the offer's start when the need is matched to one."""
        if offer:
            start = offer["start_date"]
            return (max(YEAR_START, start - dt.timedelta(days=self.rng.randint(0, 45))),
                    min(YEAR_END, start + dt.timedelta(days=self.rng.randint(0, 90))))
        earliest = dt.date(2027, self.rng.randint(1, 10), self.rng.choice((1, 1, 15)))
        if self.rng.random() < 0.1:
            return earliest, None
        return earliest, min(YEAR_END, add_months(earliest, self.rng.randint(1, 6)))

    def formats(self, offer: Row | None) -> list[str]:
        roll = self.rng.random()
        if offer and roll < 0.6:
            return [offer["format"]]
        if roll < 0.3:
            return []
        return self.rng.sample(tuple(FORMAT_SENTENCES), 1 if roll < 0.8 else 2)

    def pick_topic(self, profile: Profile) -> Topic:
        keys, weights = zip(*profile.topics, strict=True)
        return TOPIC[self.rng.choices(keys, weights)[0]]

    # ------------------------------------------------------------ rooms and bookings

    def add_equipment(self, names: tuple[str, ...]) -> None:
        for name in names:
            if name not in self.equipment_ids:
                self.equipment_ids[name] = self.new_id("equipment")
                self.rows["equipment"].append({"id": self.equipment_ids[name], "name": name})

    def add_room(self, spec: RoomSpec, name: str, opens: dt.time, closes: dt.time, site: str) -> Row:
        created = at(dt.date(2026, 6, 1), 9)
        room: Row = {"id": self.new_id("room"), "name": name, "capacity": spec.capacity, "opens_at": opens,
                     "closes_at": closes, "notes": spec.notes, "site": site, "created_at": created,
                     "updated_at": created}
        self.rows["room"].append(room)
        self.rows["room_equipment"] += [{"room_id": room["id"], "equipment_id": self.equipment_ids[e]}
                                        for e in spec.equipment]
        return room

    def booking(self, room: Row, start: dt.datetime, end: dt.datetime, kind: str, title: str, **extra: Any) -> Row:
        """One booking row with every column set; made weeks before it starts (or before "today").

        «Vis på oppslag» follows the kind, as in the booking dialog.
        """
        created = at(min(start.date() - dt.timedelta(days=14), DEMO_TODAY - dt.timedelta(days=1)), 9)
        row: Row = {
            "id": self.new_id("booking"), "room_id": room["id"], "series_id": None, "recurrence_start": None,
            "title": title, "kind": kind, "starts_at": start, "ends_at": end, "state": "active",
            "state_reason": "", "is_exception": False, "organiser": "", "attendees": None, "offer_id": None,
            "offer_session_id": None, "arrival_buffer_minutes": 0, "invigilators": None, "override_reason": "",
            "notes": "", "public": public_by_default(kind), "created_at": created, "updated_at": created,
        }
        row.update(extra)
        self.rows["booking"].append(row)
        return row

    def add_series(self, grid: RoomGrid, room: Row, title: str, kind: str, first: dt.datetime, minutes: int,
                   until: dt.date, *, interval: int = 1, organiser: str = "", attendees: int | None = None,
                   offer_id: int | None = None) -> list[Row]:
        """A weekly series and one booking per occurrence; occurrences on holidays are skipped."""
        from dateutil.rrule import rrulestr

        weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[first.weekday()]
        every = f"INTERVAL={interval};" if interval > 1 else ""
        rule = f"FREQ=WEEKLY;{every}BYDAY={weekday};UNTIL={until:%Y%m%d}T235959"
        series_id = self.new_id("booking_series")
        created = at(min(first.date() - dt.timedelta(days=21), DEMO_TODAY - dt.timedelta(days=1)), 10)
        self.rows["booking_series"].append({
            "id": series_id, "room_id": room["id"], "title": title, "kind": kind, "rrule": rule,
            "first_start": first, "duration_minutes": minutes, "organiser": organiser, "attendees": attendees,
            "offer_id": offer_id, "notes": "", "public": public_by_default(kind), "created_at": created,
            "updated_at": created,
        })
        bookings = []
        for start in rrulestr(rule, dtstart=first):
            end = start + dt.timedelta(minutes=minutes)
            state, reason = "active", ""
            if start.date() in self.holidays:
                state, reason = "skipped", f"Helligdag: {self.holidays[start.date()]}"
            elif grid.fits(room["id"], start, end):
                grid.take(room["id"], start, end)
            else:
                state, reason = "cancelled", "Rommet var opptatt."
            bookings.append(self.booking(
                room, start, end, kind, title, series_id=series_id, recurrence_start=start, state=state,
                state_reason=reason, organiser=organiser, attendees=attendees, offer_id=offer_id))
        return bookings

    def add_exam(self, grid: RoomGrid, room: Row, day: dt.date, hours: int, title: str, attendees: int,
                 **extra: Any) -> Row | None:
        """A sitting at 09:00 on the first free workday from ``day``; the room is taken from 08:30."""
        for _ in range(20):
            start, end = at(day, 9), at(day, 9 + hours)
            if self.is_workday(day) and grid.fits(room["id"], start, end, EXAM_BUFFER):
                grid.take(room["id"], start, end, EXAM_BUFFER)
                return self.booking(room, start, end, "exam", title, **exam_fields(attendees), **extra)
            day += dt.timedelta(days=1)
        return None


    def add_sitting(self, grid: RoomGrid, booking: Row, institution: str, course_code: str, title: str, *,
                    extra_time: bool = True) -> Row:
        """An exam sitting on an exam booking: its fee, named invigilators paid for the room's time,
        and one candidate per attendee (about one in ten avmeldt; with ``extra_time`` one in eight
        with 30 minutes more where the room is free for it: the booking then holds the room that
        much longer)."""
        rng = self.exam_rng
        start, end = booking["starts_at"], booking["ends_at"]
        created = booking["created_at"]
        number = len(self.rows["exam_sitting"]) + 1
        sitting: Row = {"id": self.new_id("exam_sitting"), "ref": f"EKS-{start:%Y}-{number:03d}",
                        "booking_id": booking["id"], "institution": institution, "course_code": course_code,
                        "title": title, "duration_minutes": int((end - start).total_seconds() // 60),
                        "fee_per_candidate": rng.choice(EXAM_FEES), "created_at": created, "updated_at": created}
        self.rows["exam_sitting"].append(sitting)
        hours = round((end - start).total_seconds() / 3600 + EXAM_BUFFER / 60, 2)
        for _ in range(booking["invigilators"] or 2):
            self.rows["exam_invigilator"].append({"id": self.new_id("exam_invigilator"), "sitting_id": sitting["id"],
                                                  "name": self._exam_name(rng), "hours": hours})
        longest = 0
        for number in range(booking["attendees"] or 0):
            name = self._exam_name(rng)
            status = "withdrawn" if rng.random() < 0.1 else "registered"
            extra = 30 if rng.random() < 0.125 and status == "registered" and extra_time else 0
            if extra > longest and grid.fits(booking["room_id"], end, end + dt.timedelta(minutes=extra)):
                grid.take(booking["room_id"], end, end + dt.timedelta(minutes=extra))
                longest = extra
            extra = min(extra, longest)
            self.rows["exam_candidate"].append({
                "id": self.new_id("exam_candidate"), "sitting_id": sitting["id"], "candidate_no": str(101 + number),
                "name": name, "email": f"{slug(name, '.')}.{sitting['id']}@student.example.no", "extra_minutes": extra,
                "separate_room": False, "room_booking_id": None, "status": status, "status_changed_at": None,
                "erased": False})
        booking["ends_at"] = end + dt.timedelta(minutes=longest)
        booking["attendees"] = sum(c["sitting_id"] == sitting["id"] and c["status"] != "withdrawn"
                                   for c in self.rows["exam_candidate"][-(booking["attendees"] or 0):]) or None
        return sitting

    @staticmethod
    def _exam_name(rng: random.Random) -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def exam_fields(attendees: int) -> Row:
    """Candidates arrive 30 minutes early; two invigilators, so one can escort while one stays."""
    return {"attendees": attendees, "arrival_buffer_minutes": EXAM_BUFFER, "invigilators": 2 + attendees // 25,
            "notes": "Kandidatene møter 30 minutter før start. Legitimasjon kontrolleres."}


def level_for(kind: str, topic: Topic, credits: int | None) -> tuple[str, str, str]:
    """(level key, credit system, NKR level) of an offer from this kind of provider."""
    if kind == "university":
        return ("master", "uh", "7") if topic.level == "master" else ("bachelor", "uh", "6")
    if kind == "vocational_college":  # under 60 studiepoeng is normally 5.1, above 5.2
        return "fagskole", "fagskole", "5.1" if (credits or 0) < 60 else "5.2"
    if kind == "upper_secondary":
        return "fagbrev", "none", "4"
    return "kurs", "none", ""


def deadline(kind: str, start: dt.date) -> dt.date:
    """15 April (Samordna opptak) for autumn starts, 1 December for January; two weeks for courses."""
    if kind in ("vendor", "other"):
        return start - dt.timedelta(days=14)
    if start.month >= 8:
        return dt.date(2027, 6, 1) if kind == "upper_secondary" else dt.date(2027, 4, 15)
    if start.month >= 3:
        return start - dt.timedelta(days=28)
    return dt.date(2026, 12, 15) if kind == "upper_secondary" else dt.date(2026, 12, 1)


def seats(kind: str, rng: random.Random) -> tuple[int, int]:
    low, high = {"university": (15, 40), "vocational_college": (12, 35), "upper_secondary": (8, 20)}.get(kind, (6, 16))
    seats_min = rng.randint(low // 2, low)
    return seats_min, rng.randint(max(high // 2, seats_min + 4), high)
