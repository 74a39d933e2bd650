"""Reading exam sittings as frozen rows: the list, one sitting with its candidates and invigilators,
and the invoice basis.

A sitting's times come from its booking: the exam starts at ``Booking.starts_at``, candidates
arrive from ``blocked_from`` (the arrival buffer), the ordinary end is the start plus
``ExamSitting.duration_minutes``, and the room is taken until ``Booking.ends_at`` (the longest
extra time of the candidates in the room). The invoice basis counts, per sitting in the period,
every candidate who is not ``withdrawn`` (avmeldt): ``amount = candidates × fee``. Cancelled
exams are not invoiced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from kpdesk.booking.exam_inputs import Accommodation, candidate_end
from kpdesk.common.codes import EXAM_CANDIDATE_STATUSES
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import fold, sort_key
from kpdesk.db.models import Booking, ExamCandidate, ExamInvigilator, ExamSitting, Room
from kpdesk.db.row_writing import ref_key

# the keys of codes.EXAM_CANDIDATE_STATUSES (which holds their labels), named once for the rules and the window
REGISTERED, WITHDRAWN, PRESENT, ABSENT = "registered", "withdrawn", "present", "absent"
CHECK_IN = (PRESENT, ABSENT)  # what check-in on the day sets
NAME_ERASED = "(navn slettet)"  # an erased candidate, where their name stood


@dataclass(frozen=True, slots=True)
class SittingRow:
    id: int
    ref: str
    institution: str
    course_code: str
    title: str
    booking_id: int
    room_id: int
    room_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime  # the ordinary end (start + duration)
    room_until: dt.datetime  # the booking's end: the longest extra time in the room
    arrival_buffer_minutes: int
    fee_per_candidate: Decimal
    state: str  # the booking's: active | cancelled
    candidates: int  # not avmeldt
    present: int
    absent: int
    invigilators: int

    @property
    def arrival_from(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(minutes=self.arrival_buffer_minutes)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def day(self) -> dt.date:
        return self.starts_at.date()


@dataclass(frozen=True, slots=True)
class CandidateRow:
    id: int
    candidate_no: str
    name: str
    email: str
    extra_minutes: int
    separate_room: bool
    room_booking_id: int | None
    separate_room_name: str  # the second room, "" while not booked
    status: str
    ends_at: dt.datetime  # the ordinary end plus the candidate's extra time
    erased: bool  # name and e-mail removed by retention or erasure

    @property
    def status_label(self) -> str:
        return EXAM_CANDIDATE_STATUSES.label(self.status)

    @property
    def shown_name(self) -> str:
        """The name, or «(navn slettet)» once retention or erasure has removed it (never «[slettet]»)."""
        return NAME_ERASED if self.erased or not self.name.strip() else self.name

    @property
    def accommodation(self) -> Accommodation:
        return Accommodation(self.extra_minutes, self.separate_room, self.separate_room_name)

    @property
    def withdrawn(self) -> bool:
        return self.status == WITHDRAWN


@dataclass(frozen=True, slots=True)
class InvigilatorRow:
    id: int
    name: str
    hours: Decimal


@dataclass(frozen=True)
class SittingDetail:
    sitting: SittingRow
    candidates: tuple[CandidateRow, ...]  # by candidate number
    invigilators: tuple[InvigilatorRow, ...]

    @property
    def attending(self) -> tuple[CandidateRow, ...]:
        """The candidates who are not avmeldt, by candidate number (the sign-in sheet's)."""
        return tuple(c for c in self.candidates if not c.withdrawn)


def candidate_sort_key(number: str) -> tuple[int, int | str]:
    """Candidate numbers in the order people expect: 9 before 10, numbers before other text."""
    return (0, int(number)) if number.isdigit() else (1, fold(number))


# ---------------------------------------------------------------- sittings

def _sitting_query() -> Any:
    def how_many(condition: Any) -> Any:  # a sum of a comparison would come back typed as a boolean
        return func.sum(case((condition, 1), else_=0))

    counts = (select(ExamCandidate.sitting_id,
                     how_many(ExamCandidate.status != WITHDRAWN).label("candidates"),
                     how_many(ExamCandidate.status == PRESENT).label("present"),
                     how_many(ExamCandidate.status == ABSENT).label("absent"))
              .group_by(ExamCandidate.sitting_id).subquery())
    guards = (select(ExamInvigilator.sitting_id, func.count().label("named"))
              .group_by(ExamInvigilator.sitting_id).subquery())
    return (select(ExamSitting.id, ExamSitting.ref, ExamSitting.institution, ExamSitting.course_code,
                   ExamSitting.title, ExamSitting.booking_id, Booking.room_id, Room.name, Booking.starts_at,
                   ExamSitting.duration_minutes, Booking.ends_at, Booking.arrival_buffer_minutes,
                   ExamSitting.fee_per_candidate, Booking.state, counts.c.candidates, counts.c.present,
                   counts.c.absent, guards.c.named, Booking.invigilators)
            .join(Booking, ExamSitting.booking_id == Booking.id)
            .join(Room, Booking.room_id == Room.id)
            .outerjoin(counts, counts.c.sitting_id == ExamSitting.id)
            .outerjoin(guards, guards.c.sitting_id == ExamSitting.id))


def _sitting_row(row: Any) -> SittingRow:
    (id_, ref, institution, code, title, booking_id, room_id, room_name, starts, minutes, ends, buffer, fee,
     state, candidates, present, absent, named, counted) = row
    return SittingRow(id_, ref, institution, code, title, booking_id, room_id, room_name, starts,
                      starts + dt.timedelta(minutes=minutes), ends, buffer or 0, Decimal(fee or 0), state,
                      int(candidates or 0), int(present or 0), int(absent or 0), int(named or counted or 0))


def list_sittings(session: Session, first: dt.date | None = None, last: dt.date | None = None) -> list[SittingRow]:
    """Every sitting (or those from ``first`` to ``last``, both included), in time order."""
    stmt = _sitting_query()
    if first is not None:
        stmt = stmt.where(Booking.starts_at >= dt.datetime.combine(first, dt.time(0)))
    if last is not None:
        stmt = stmt.where(Booking.starts_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0)))
    rows = [_sitting_row(r) for r in session.execute(stmt)]
    rows.sort(key=lambda s: (s.starts_at, sort_key(s.ref)))
    return rows


def get_sitting(session: Session, sitting_id: int) -> SittingRow:
    row = session.execute(_sitting_query().where(ExamSitting.id == sitting_id)).first()
    if row is None:
        raise UserError(f"Eksamen finnes ikke lenger (id {sitting_id}).")
    return _sitting_row(row)


def find_sitting_id(session: Session, ref: str) -> int | None:
    """The sitting with this reference, in any case; None when there is none."""
    return session.execute(select(ExamSitting.id).where(func.lower(ExamSitting.ref) == ref_key(ref.strip()))
                           ).scalar()


def sitting_id_for_ref(session: Session, ref: str) -> int:
    """As ``find_sitting_id``; a UserError naming the reference when there is no such exam."""
    found = find_sitting_id(session, ref)
    if found is None:
        raise UserError(f"Eksamen «{ref.strip()}» finnes ikke. Importer eksamenene først (kpdesk import exams).")
    return found


def sitting_refs(session: Session) -> dict[str, int]:
    """Reference key (``ref_key``) -> sitting id, for an importer's look-ups."""
    return {ref_key(ref): id_ for id_, ref in session.execute(select(ExamSitting.id, ExamSitting.ref))}


def candidate_rows(session: Session, sitting_ids: Sequence[int]) -> dict[int, list[CandidateRow]]:
    """The candidates of these sittings by candidate number, per sitting."""
    if not sitting_ids:
        return {}
    second = aliased(Booking)
    stmt = (select(ExamCandidate.id, ExamCandidate.sitting_id, ExamCandidate.candidate_no, ExamCandidate.name,
                   ExamCandidate.email, ExamCandidate.extra_minutes, ExamCandidate.separate_room,
                   ExamCandidate.room_booking_id, Room.name, ExamCandidate.status, ExamCandidate.erased,
                   Booking.starts_at, ExamSitting.duration_minutes)
            .join(ExamSitting, ExamCandidate.sitting_id == ExamSitting.id)
            .join(Booking, ExamSitting.booking_id == Booking.id)
            .outerjoin(second, ExamCandidate.room_booking_id == second.id)
            .outerjoin(Room, second.room_id == Room.id)
            .where(ExamCandidate.sitting_id.in_(list(sitting_ids))))
    found: dict[int, list[CandidateRow]] = {}
    for (id_, sitting_id, number, name, email, extra, separate, room_booking, room, status, erased, starts,
         minutes) in session.execute(stmt):
        found.setdefault(sitting_id, []).append(CandidateRow(
            id_, number, name, email, extra or 0, bool(separate), room_booking, room or "", status,
            candidate_end(starts, minutes, extra or 0), bool(erased)))
    for rows in found.values():
        rows.sort(key=lambda c: candidate_sort_key(c.candidate_no))
    return found


def sitting_detail(session: Session, sitting_id: int) -> SittingDetail:
    """One sitting with its candidates (by number) and invigilators."""
    sitting = get_sitting(session, sitting_id)
    guards = tuple(InvigilatorRow(i, n, Decimal(h)) for i, n, h in session.execute(
        select(ExamInvigilator.id, ExamInvigilator.name, ExamInvigilator.hours)
        .where(ExamInvigilator.sitting_id == sitting_id).order_by(ExamInvigilator.id)))
    return SittingDetail(sitting, tuple(candidate_rows(session, [sitting_id]).get(sitting_id, [])), guards)


# ---------------------------------------------------------------- the invoice basis

@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One exam on the invoice basis (no candidate names)."""

    exam: str  # the sitting's ref
    institution: str
    course_code: str
    title: str
    day: dt.date
    candidates: int  # not avmeldt
    fee_per_candidate: Decimal

    @property
    def amount(self) -> Decimal:
        return self.fee_per_candidate * self.candidates


def invoice_lines(session: Session, first: dt.date, last: dt.date, institution: str | None = None
                  ) -> list[InvoiceLine]:
    """The exams held from ``first`` to ``last`` (not cancelled), of one institution (any case) or all,
    by date; a UserError for a period that ends before it starts or an institution with no exams."""
    if last < first:
        raise UserError(f"Perioden slutter ({last:%d.%m.%Y}) før den begynner ({first:%d.%m.%Y}).")
    sittings = [s for s in list_sittings(session, first, last) if s.state == "active"]
    if institution is not None and institution.strip():
        known = {fold(s.institution) for s in list_sittings(session)}
        wanted = fold(institution.strip())
        if wanted not in known:
            names = sorted({s.institution for s in list_sittings(session)}, key=sort_key)
            raise UserError(f"Ingen eksamener for institusjonen «{institution.strip()}»"
                            + (f"; kjente institusjoner: {', '.join(names)}." if names else "."))
        sittings = [s for s in sittings if fold(s.institution) == wanted]
    return [InvoiceLine(s.ref, s.institution, s.course_code, s.title, s.day, s.candidates, s.fee_per_candidate)
            for s in sorted(sittings, key=lambda s: (s.starts_at, sort_key(s.institution), sort_key(s.ref)))]
