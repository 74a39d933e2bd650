"""The plain rows ``figures.year_figures`` counts, read from the database for one year.

A private person's need is counted only with their consent in force to storage and to anonymous
statistics (as every printed figure, ``matching.engine.aggregation``); others are left out of
``needs_registered`` and of the needs behind a run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kpdesk.common.fast_rows import fast_builder
from kpdesk.db.models import (
    Booking,
    CourseRun,
    Employer,
    ExamCandidate,
    Need,
    Offer,
    Person,
    Provider,
    course_run_need,
)
from kpdesk.motor.figures import BookingFact, NeedFact, OwnerKey, RunFact, YearFigures, year_figures
from kpdesk.register.service import consents_in_force

_booking_fact = fast_builder(BookingFact)  # tens of thousands of bookings at regional size


def owner_key(org: str | None, person: str | None, community: str | None) -> OwnerKey:
    if org:
        return ("employer", org)
    if person:
        return ("person", person)
    return ("community", community or "")


def counted_persons(session: Session) -> set[int]:
    """The persons whose needs count in figures: consent in force to storage and to statistics."""
    return {pid for pid, c in consents_in_force(session).items() if c.stored and c.statistics}


def held_bookings(session: Session, start: dt.datetime, end: dt.datetime) -> list[BookingFact]:
    """The bookings held (active) that touch ``start``–``end``; only what is held counts (room hours and
    exams alike): cancelled and skipped dates stay in the database but are not read."""
    separate = set(session.execute(select(ExamCandidate.room_booking_id)
                                   .where(ExamCandidate.room_booking_id.is_not(None))).scalars())
    return [_booking_fact(starts_at, ends_at, "active", kind, booking_id in separate)
            for booking_id, starts_at, ends_at, kind in session.execute(
                select(Booking.id, Booking.starts_at, Booking.ends_at, Booking.kind)
                .where(Booking.starts_at < end, Booking.ends_at > start, Booking.state == "active"))]


def _need_query() -> Select[*tuple[Any, ...]]:  # seven columns
    return (select(Need.id, Need.registered, Need.headcount, Employer.org_number, Person.ref, Need.community,
                   Need.person_id)
            .outerjoin(Employer, Employer.id == Need.employer_id).outerjoin(Person, Person.id == Need.person_id))


@dataclass(frozen=True)
class YearFacts:
    """What the year's figures are counted from: the needs registered in the year, every run, and
    the bookings that touch the year."""

    year: int
    needs: list[NeedFact]
    runs: list[RunFact]
    bookings: list[BookingFact]

    def figures(self) -> YearFigures:
        return year_figures(self.year, self.needs, self.runs, self.bookings)


def load_year(session: Session, year: int) -> YearFacts:
    """The year's rows from the database."""
    first, after = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    counted = counted_persons(session)

    def kept(person_id: int | None) -> bool:
        return person_id is None or person_id in counted

    needs = [NeedFact(registered, owner_key(org, person, community), headcount)
             for _, registered, headcount, org, person, community, person_id
             in session.execute(_need_query().where(Need.registered >= first, Need.registered < after))
             if kept(person_id)]
    behind: dict[int, list[tuple[OwnerKey, int]]] = {}
    linked = _need_query().add_columns(course_run_need.c.run_id).join(course_run_need,
                                                                      course_run_need.c.need_id == Need.id)
    for _, _, headcount, org, person, community, person_id, run_id in session.execute(linked):
        if kept(person_id):
            behind.setdefault(run_id, []).append((owner_key(org, person, community), headcount))
    runs = [RunFact(r.ref, r.status, r.start_date, r.end_date, r.participants, r.completed, r.credits_passed,
                    provider, level, credit_system, tuple(behind.get(r.id, ())))
            for r, provider, level, credit_system in session.execute(
                select(CourseRun, Provider.name, Offer.level, Offer.credit_system)
                .join(Offer, Offer.id == CourseRun.offer_id).join(Provider, Provider.id == Offer.provider_id))]
    bookings = held_bookings(session, dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1))
    return YearFacts(year, needs, runs, bookings)
