"""The day on the Oversikt page: today's bookings, application deadlines soon, the needs the last
matching left without a proposal, and the last backup. Plain data, no Qt."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.db.backup import BackupInfo, list_backups
from kpdesk.db.models import Booking, Offer, Provider, Room

DEADLINE_DAYS = 14


@dataclass(frozen=True, slots=True)
class DayBooking:
    booking_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    title: str
    kind: str


@dataclass(frozen=True, slots=True)
class Deadline:
    offer_id: int
    ref: str
    title: str
    provider: str
    deadline: dt.date
    days_left: int


@dataclass(frozen=True, slots=True)
class DayOverview:
    today: dt.date
    bookings: list[DayBooking]
    deadlines: list[Deadline]
    last_backup: BackupInfo | None


@dataclass(frozen=True, slots=True)
class Unproposed:
    """Open needs the last matching found no offer for (and none chosen): courses to order."""

    count: int
    examples: list[tuple[str, str, str]]  # (ref, title, employer), the first few in ref order


def calendar_day() -> dt.date:
    """Today, as every page of kpdesk takes it (a demo file too: its data spans the months around the
    day it was made for, so the calendar's day shows its bookings and deadlines like the other pages)."""
    return dt.date.today()


def day_overview(session: Session, db_path: str | os.PathLike[str] | None, today: dt.date | None = None,
                 days: int = DEADLINE_DAYS) -> DayOverview:
    day = today or calendar_day()
    start = dt.datetime.combine(day, dt.time())
    bookings = [
        DayBooking(b.id, b.starts_at, b.ends_at, room, b.title, b.kind)
        for b, room in session.execute(
            select(Booking, Room.name).join(Room, Booking.room_id == Room.id)
            .where(Booking.state == "active", Booking.starts_at < start + dt.timedelta(days=1),
                   Booking.ends_at > start)
            .order_by(Booking.starts_at, Room.name))
    ]
    deadlines = [
        Deadline(o.id, o.ref, o.title, provider, o.application_deadline, (o.application_deadline - day).days)
        for o, provider in session.execute(
            select(Offer, Provider.name).join(Provider, Offer.provider_id == Provider.id)
            .where(Offer.application_deadline.is_not(None), Offer.application_deadline >= day,
                   Offer.application_deadline <= day + dt.timedelta(days=days))
            .order_by(Offer.application_deadline, Offer.ref))
        if o.application_deadline is not None
    ]
    backups = list_backups(db_path) if db_path is not None else []
    last = max(backups, key=lambda b: b.created, default=None)
    return DayOverview(day, bookings, deadlines, last)


class _Result(Protocol):  # what needs_without_proposal reads from a matching run's results and needs
    @property
    def need_ref(self) -> str: ...

    @property
    def unmet(self) -> bool: ...


class _Need(Protocol):
    @property
    def ref(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def employer_name(self) -> str: ...


def needs_without_proposal(results: Sequence[_Result], needs: Sequence[_Need], limit: int = 5) -> Unproposed:
    """From a matching run (``run.results``, ``run.needs``): the open needs with no proposal."""
    unmet = {r.need_ref for r in results if r.unmet}
    found = [n for n in needs if n.ref in unmet]
    return Unproposed(len(found), [(n.ref, n.title, n.employer_name) for n in found[:limit]])
