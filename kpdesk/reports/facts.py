"""What the reports say about a course offer and the centre, as plain data and bokmål phrases.

Shared by the matching summary, the offer summary and the meeting handout, so an offer reads
the same on every paper: credits with their system ("30 studiepoeng (fagskole)" is not the same
as UH studiepoeng), the NKR level, format and place, session dates, deadline, price and seats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.common import reference
from kpdesk.common.codes import FORMATS, LEVELS
from kpdesk.common.norsk import format_date, format_decimal, format_money, group_thousands, plural
from kpdesk.db.models import Offer, OfferSession
from kpdesk.reports.style import Letterhead

MAX_SESSIONS_SHOWN = 6
NKR = {"fagbrev": "NKR 4", "fagskole": "NKR 5", "bachelor": "NKR 6", "master": "NKR 7"}


def load_letterhead(session: Session) -> Letterhead:
    """The centre's details for the header and footer (empty until the profile is filled in)."""
    from kpdesk.admin.centre_profile import get_profile

    return Letterhead.from_profile(get_profile(session))


@dataclass(frozen=True, slots=True)
class SessionSpan:
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str = ""


@dataclass(frozen=True)
class OfferFacts:
    """One course offer as the reports print it."""

    id: int
    ref: str
    title: str
    provider: str
    description: str
    credits: Decimal | None
    credit_system: str  # uh | fagskole | none
    level: str | None
    format: str | None
    municipality: str | None
    place: str  # the municipality's official name, or ''
    start_date: dt.date | None
    end_date: dt.date | None
    application_deadline: dt.date | None
    seats_min: int | None
    seats_max: int | None
    price_nok: int | None
    sessions: tuple[SessionSpan, ...] = ()

    @property
    def credits_text(self) -> str:
        return credits_text(self.credits, self.credit_system)

    @property
    def level_text(self) -> str:
        return level_text(self.level)

    @property
    def format_place_text(self) -> str:
        """'samlingsbasert, Rana', 'nettbasert', or the place alone."""
        parts = [FORMATS.label(self.format)] if self.format else []
        if self.place and self.format != "online":
            parts.append(self.place)
        return ", ".join(parts) or "ikke oppgitt"

    @property
    def period_text(self) -> str:
        if self.start_date and self.end_date:
            return f"{format_date(self.start_date)}–{format_date(self.end_date)}"
        if self.start_date:
            return f"fra {format_date(self.start_date)}"
        return "ikke oppgitt"

    @property
    def sessions_text(self) -> str:
        """'14.–16.09.2027, 12.–13.10.2027' (at most six, then how many more); 'ingen samlinger'."""
        if not self.sessions:
            return "ingen samlinger oppgitt"
        shown = [span_text(s.starts_at.date(), s.ends_at.date()) for s in self.sessions[:MAX_SESSIONS_SHOWN]]
        more = len(self.sessions) - MAX_SESSIONS_SHOWN
        if more > 0:
            shown.append(f"og {more} til")
        return ", ".join(shown)

    @property
    def deadline_text(self) -> str:
        return format_date(self.application_deadline) if self.application_deadline else "ikke oppgitt"

    @property
    def price_text(self) -> str:
        return price_text(self.price_nok)

    @property
    def seats_text(self) -> str:
        return seats_range_text(self.seats_min, self.seats_max)


def credits_text(credits: Decimal | None, system: str | None) -> str:
    """'30 studiepoeng (fagskole)', '15 studiepoeng (UH)', 'ingen studiepoeng'."""
    if credits is None or credits == 0 or system in (None, "", "none"):
        return "ingen studiepoeng"
    amount = format_decimal(credits)
    if system == "fagskole":
        return f"{amount} studiepoeng (fagskole)"
    if system == "uh":
        return f"{amount} studiepoeng (UH)"
    return f"{amount} studiepoeng"


def level_text(level: str | None) -> str:
    """'fagskole (NKR 5)', 'kurs', 'åpent'."""
    if not level or level == "open":
        return "ikke angitt"
    label = LEVELS.label(level)
    return f"{label} ({NKR[level]})" if level in NKR else label


def price_text(price: int | None) -> str:
    if price is None:
        return "ikke oppgitt"
    if price == 0:
        return "ingen kursavgift"
    return format_money(price)


def seats_range_text(seats_min: int | None, seats_max: int | None) -> str:
    """'10–40 plasser', 'minst 10 deltakere', 'høyst 40 plasser', 'ikke oppgitt'."""
    if seats_min and seats_max:
        return f"{group_thousands(seats_min)}–{group_thousands(seats_max)} plasser"
    if seats_min:
        return f"minst {group_thousands(seats_min)} deltakere"
    if seats_max:
        return f"høyst {group_thousands(seats_max)} plasser"
    return "ikke oppgitt"


def span_text(first: dt.date, last: dt.date) -> str:
    """'14.09.2027', '14.–16.09.2027', '30.09.–02.10.2027', '30.12.2027–02.01.2028'."""
    if first == last:
        return format_date(first)
    if first.year != last.year:
        return f"{format_date(first)}–{format_date(last)}"
    if first.month != last.month:
        return f"{first:%d.%m.}–{format_date(last)}"
    return f"{first:%d.}–{format_date(last)}"


def load_offer_facts(session: Session, refs: Iterable[str]) -> dict[str, OfferFacts]:
    """The offers with these refs (unknown refs are left out), with their sessions, by ref."""
    from kpdesk.offers.service import offer_query, offer_rows

    wanted = sorted(set(refs))
    if not wanted:
        return {}
    rows = []
    for start in range(0, len(wanted), 500):
        rows.extend(offer_rows(session, offer_query().where(Offer.ref.in_(wanted[start:start + 500]))))
    sessions: dict[int, list[SessionSpan]] = {}
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 500):
        stmt = (select(OfferSession.offer_id, OfferSession.starts_at, OfferSession.ends_at, OfferSession.title)
                .where(OfferSession.offer_id.in_(ids[start:start + 500]))
                .order_by(OfferSession.starts_at, OfferSession.id))
        for offer_id, starts, ends, title in session.execute(stmt):
            sessions.setdefault(offer_id, []).append(SessionSpan(starts, ends, title or ""))
    return {r.ref: OfferFacts(
        r.id, r.ref, r.title, r.provider_name, r.description, r.credits, r.credit_system, r.level, r.format,
        r.municipality, reference.municipality_label(r.municipality) if r.municipality else "", r.start_date,
        r.end_date, r.application_deadline, r.seats_min, r.seats_max, r.price_nok,
        tuple(sessions.get(r.id, ())),
    ) for r in rows}


def join_names(names: Sequence[str]) -> str:
    """'A', 'A og B', 'A, B og C'."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} og {names[-1]}"


def offer_labels(offers: Sequence[OfferFacts]) -> dict[str, str]:
    """Offer ref → 'Title – Provider', with what tells twins apart where two share both: the
    place, else the start date, else the reference ('Automatisering, deltid – Nordland fagskole, Mo i Rana')."""
    base = {o.ref: f"{o.title} – {o.provider}" if o.provider else o.title for o in offers}
    twins: dict[str, list[OfferFacts]] = {}
    for offer in offers:
        twins.setdefault(base[offer.ref], []).append(offer)
    labels = dict(base)
    for label, group in twins.items():
        if len(group) < 2:
            continue
        for offer in group:
            places = {o.place for o in group}
            starts = {o.start_date for o in group}
            if len(places) == len(group) and offer.place:
                labels[offer.ref] = f"{label}, {offer.place}"
            elif len(starts) == len(group) and offer.start_date:
                labels[offer.ref] = f"{label}, start {format_date(offer.start_date)}"
            else:
                labels[offer.ref] = f"{label} ({offer.ref})"
    return labels


SOON_DAYS = 60  # page 1's "deadlines in the next 60 days"


def deadline_soon(deadline: dt.date | None, as_of: dt.date) -> bool:
    """Whether an application deadline falls within the next ``SOON_DAYS`` days (today included)."""
    return deadline is not None and as_of <= deadline <= as_of + dt.timedelta(days=SOON_DAYS)


def deadline_step(deadline: dt.date, as_of: dt.date, label: str) -> str:
    """'Søknadsfrist 01.02.2027 (om 21 dager): Tittel – Tilbyder.' (a next step on page 1)."""
    days = (deadline - as_of).days
    when = "i dag" if days == 0 else f"om {plural(days, 'dag', 'dager')}"
    return f"Søknadsfrist {format_date(deadline)} ({when}): {label}."
