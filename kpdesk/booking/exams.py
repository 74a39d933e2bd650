"""Exam sittings at the meeting place: creating them, their candidates, check-in on the day.

A sitting is one exam booking (kind exam, with the arrival buffer: ``service.create_booking``, so
the usual conflict checks refuse a clash and name the clashing booking) and its facts
(institution, course code, title, ordinary duration, fee per candidate, invigilators with hours).

The rules for candidates, checked by ``room_problems`` before anything is written and again by
every write here:

- Extra time extends that candidate's end (``exam_inputs.candidate_end``). The exam booking is
  held until the latest end of the candidates sitting in the room who are not avmeldt; a longer
  hold must not run into the room's next booking (the clash is named with the candidate).
- A separate-room candidate needs a second room: their own exam booking in that room, from the
  same arrival time to their own end, checked like any booking. Without a room named it is
  flagged (``needs_room``) until one is booked.
- The candidates in the room must fit it (the booking's attendees follow them).
- An avmeldt candidate takes no time and no place: the hold shrinks back, their second room is
  cancelled.

Candidate names and e-mails are personal data: the audit log records that they changed, never
the values (so neither retention nor erasure needs to scrub it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.booking.conflicts import Clash, ConflictError, overlaps
from kpdesk.booking.exam_inputs import Accommodation, CandidateData, ExamData, candidate_end
from kpdesk.booking.exam_reads import CHECK_IN, WITHDRAWN, SittingRow, find_sitting_id, get_sitting
from kpdesk.booking.inputs import BookingData
from kpdesk.booking.planning import room_facts
from kpdesk.booking.service import cancel_booking, create_booking, update_booking
from kpdesk.booking.times import format_span, hm
from kpdesk.common.codes import EXAM_CANDIDATE_STATUSES
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date, plural
from kpdesk.db import audit
from kpdesk.db.models import Booking, ExamCandidate, ExamInvigilator, ExamSitting
from kpdesk.db.row_writing import existing_row

EXAM_SITTING, EXAM_CANDIDATE = "exam_sitting", "exam_candidate"
PERSONAL = ("name", "email")  # changes are logged without their values


# ---------------------------------------------------------------- sittings

def refuse_taken_ref(session: Session, ref: str) -> None:
    if find_sitting_id(session, ref) is not None:
        raise UserError(f"Eksamen «{ref}» finnes allerede.")


def create_sitting(session: Session, data: ExamData, *, override_reason: str = "") -> int:
    """Book the exam and record the sitting; ConflictError (naming the clash) when the room is taken."""
    refuse_taken_ref(session, data.ref)
    write = create_booking(session, data.booking, override_reason=override_reason)
    booking_id = write.booking_ids[0]
    sitting = ExamSitting(ref=data.ref, booking_id=booking_id, institution=data.institution,
                          course_code=data.course_code, title=data.title, duration_minutes=data.duration_minutes,
                          fee_per_candidate=data.fee_per_candidate)
    session.add(sitting)
    session.flush()
    default_hours = data.invigilator_hours()
    session.add_all(ExamInvigilator(sitting_id=sitting.id, name=p.name,
                                    hours=p.hours if p.hours is not None else default_hours)
                    for p in data.invigilators.people)
    session.flush()
    audit.record(session, "create", EXAM_SITTING, sitting.id,
                 summary=f"Ny eksamen {data.ref} ({data.institution}, {data.course_code}) "
                         f"{format_span(data.booking.starts_at, data.booking.ends_at)} i "
                         f"{room_facts(session, data.booking.room).name}.")
    return sitting.id


# ---------------------------------------------------------------- the room's rules

@dataclass(frozen=True, slots=True)
class Attending:
    """A candidate as the room's rules see them (in the main room, not avmeldt)."""

    candidate_no: str
    extra_minutes: int


def extra_time_message(sitting: SittingRow, who: Attending, clash: Clash) -> str:
    """'Kandidat 103 har 45 min ekstra tid, til kl. 13.45, men rommet er booket: Kollisjon med …'."""
    until = candidate_end(sitting.starts_at, sitting.duration_minutes, who.extra_minutes)
    return (f"Kandidat {who.candidate_no} har {who.extra_minutes} min ekstra tid, til kl. {hm(until)}, men "
            f"rommet er ikke ledig så lenge: {clash.message()}")


def room_problems(session: Session, sitting: SittingRow, attending: Sequence[Attending]
                  ) -> list[tuple[str, str]]:
    """(candidate number, why) for what the main room cannot take: extra time that runs into the
    room's next booking, more candidates than places. Empty when all is well. Reads only."""
    problems: list[tuple[str, str]] = []
    capacity = room_facts(session, sitting.room_id).capacity
    if len(attending) > capacity:
        problems.append((attending[capacity].candidate_no,
                         f"«{sitting.room_name}» har plass til {capacity}, men eksamen {sitting.ref} får "
                         f"{plural(len(attending), 'kandidat', 'kandidater')} i rommet"))
    longest = max(attending, key=lambda a: a.extra_minutes, default=None)
    if longest is None or not longest.extra_minutes:
        return problems
    until = candidate_end(sitting.starts_at, sitting.duration_minutes, longest.extra_minutes)
    if until <= sitting.room_until:
        return problems  # the room is held that long already
    found = overlaps(session, sitting.room_id, [(sitting.room_until, until)], exclude={sitting.booking_id})
    for _index, other in found[:1]:
        clash = Clash(sitting.starts_at, until, sitting.room_name, other)
        problems.append((longest.candidate_no, extra_time_message(sitting, longest, clash)))
    return problems


def attending_in_room(session: Session, sitting_id: int, *, changed: CandidateData | None = None
                      ) -> list[Attending]:
    """The sitting's candidates in the main room and not avmeldt, with ``changed`` as it would be."""
    found: dict[str, Attending] = {}
    for number, extra, separate, status in session.execute(
            select(ExamCandidate.candidate_no, ExamCandidate.extra_minutes, ExamCandidate.separate_room,
                   ExamCandidate.status).where(ExamCandidate.sitting_id == sitting_id)):
        if not separate and status != WITHDRAWN:
            found[number] = Attending(number, extra or 0)
    if changed is not None:
        found.pop(changed.candidate_no, None)
        if not changed.accommodation.separate_room and changed.status != WITHDRAWN:
            found[changed.candidate_no] = Attending(changed.candidate_no, changed.accommodation.extra_minutes)
    return list(found.values())


def fit_room(session: Session, sitting_id: int) -> None:
    """Hold the exam booking as long as its candidates need and set its attendees; UserError when
    the room cannot take them (``room_problems``)."""
    sitting = get_sitting(session, sitting_id)
    attending = attending_in_room(session, sitting_id)
    problems = room_problems(session, sitting, attending)
    if problems:
        raise UserError(problems[0][1] + ".", details=[why for _n, why in problems[1:]])
    booking = existing_row(session, Booking, sitting.booking_id, "Eksamensbookingen")
    until = max(candidate_end(sitting.starts_at, sitting.duration_minutes, a.extra_minutes) for a in attending) \
        if attending else sitting.ends_at
    until = max(until, sitting.ends_at)
    for name, value in (("ends_at", until), ("attendees", len(attending) or None)):
        old = getattr(booking, name)
        if old != value:
            setattr(booking, name, value)
            audit.record(session, "update", "booking", booking.id, field=name, old=old, new=value)
    session.flush()


# ---------------------------------------------------------------- candidates

def _second_room_data(sitting: SittingRow, number: str, room: str, extra_minutes: int) -> BookingData:
    return BookingData(room=room, title=f"Eksamen {sitting.course_code} (eget rom, kandidat {number})",
                       starts_at=sitting.starts_at,
                       ends_at=candidate_end(sitting.starts_at, sitting.duration_minutes, extra_minutes),
                       kind="exam", attendees=1, arrival_buffer_minutes=sitting.arrival_buffer_minutes)


def second_room_plan_data(session: Session, sitting_id: int, data: CandidateData) -> BookingData | None:
    """The booking a separate-room candidate's room needs, or None (no separate room, or no room named)."""
    if not data.accommodation.separate_room or not data.accommodation.room or data.status == WITHDRAWN:
        return None
    return _second_room_data(get_sitting(session, sitting_id), data.candidate_no, data.accommodation.room,
                             data.accommodation.extra_minutes)


def _keep_second_room(session: Session, row: ExamCandidate, data: CandidateData, sitting: SittingRow) -> None:
    """Book, move or cancel the candidate's second room as ``data`` says (a separate room without
    a room named keeps the one booked before)."""
    wanted = second_room_plan_data(session, sitting.id, data)
    current = session.get(Booking, row.room_booking_id) if row.room_booking_id else None
    if current is not None and current.state != "active":
        current = None
    try:
        if wanted is None:
            if current is not None and (data.status == WITHDRAWN or not data.accommodation.separate_room):
                why = "Kandidaten er avmeldt" if data.status == WITHDRAWN else "Kandidaten trenger ikke eget rom"
                cancel_booking(session, current.id, why)
                row.room_booking_id = None
        elif current is None:
            row.room_booking_id = create_booking(session, wanted).booking_ids[0]
        elif (room_facts(session, current.room_id).id, current.ends_at) != (room_facts(session, wanted.room).id,
                                                                             wanted.ends_at):
            update_booking(session, current.id, wanted)
    except ConflictError as exc:
        found = exc.conflicts.problems()
        raise UserError(f"Kandidat {data.candidate_no} trenger eget rom, men «{exc.conflicts.room_name}» er ikke "
                        f"ledig: {found[0] if found else exc.conflicts.sentence()}.", details=found[1:]) from None


def _candidate_row(session: Session, sitting_id: int, number: str) -> ExamCandidate | None:
    return session.scalars(select(ExamCandidate).where(ExamCandidate.sitting_id == sitting_id,
                                                       ExamCandidate.candidate_no == number)).first()


def save_candidate(session: Session, sitting_id: int, data: CandidateData) -> tuple[int, str]:
    """Add the candidate, or change the one with the same number; (id, "create" | "update" | "unchanged").

    UserError when the rules in the module docstring refuse it; nothing is then changed.
    """
    sitting = get_sitting(session, sitting_id)
    problems = room_problems(session, sitting, attending_in_room(session, sitting_id, changed=data))
    if problems:
        raise UserError(problems[0][1] + ".")
    row = _candidate_row(session, sitting_id, data.candidate_no)
    values = {"name": data.name, "email": data.email, "extra_minutes": data.accommodation.extra_minutes,
              "separate_room": data.accommodation.separate_room, "status": data.status}
    if row is None:
        row = ExamCandidate(sitting_id=sitting_id, candidate_no=data.candidate_no, **values)
        session.add(row)
        session.flush()
        audit.record(session, "create", EXAM_CANDIDATE, row.id,
                     summary=f"Ny kandidat {data.candidate_no} til eksamen {sitting.ref}.")
        action = "create"
    else:
        action = "update" if any(getattr(row, name) != new for name, new in values.items()) else "unchanged"
        if row.status != data.status:
            row.status_changed_at = dt.datetime.now().replace(microsecond=0)
        for name, new in values.items():
            old = getattr(row, name)
            if old != new:
                setattr(row, name, new)
                if row.erased and name in PERSONAL and new:
                    row.erased = False
                hidden = name in PERSONAL
                audit.record(session, "update", EXAM_CANDIDATE, row.id, field=name, old=None if hidden else old,
                             new=None if hidden else new,
                             summary=f"Kandidat {data.candidate_no}, eksamen {sitting.ref}: endret "
                                     f"{'navn' if name == 'name' else 'e-post'}." if hidden else "")
        session.flush()
    _keep_second_room(session, row, data, sitting)
    fit_room(session, sitting_id)
    return row.id, action


def today() -> dt.date:
    """The day check-in takes as today (one place, so tests can set it)."""
    return dt.date.today()


def check_in_refusal(day: dt.date, status: str, on: dt.date | None = None) -> str:
    """Why ``status`` cannot be recorded on ``on`` (default: today) for an exam held on ``day``, or "".

    Attendance (møtt, ikke møtt) is recorded on the exam day or after it, never before; påmeldt and
    avmeldt may be set any day. The window greys its check-in buttons with this sentence as the reason.
    """
    if status in CHECK_IN and (on or today()) < day:
        return f"Oppmøte registreres fra eksamensdagen {format_date(day)}, ikke før"
    return ""


def _second_room_name(session: Session, row: ExamCandidate) -> str:
    if row.room_booking_id is None:
        return ""
    booking = session.get(Booking, row.room_booking_id)
    return room_facts(session, booking.room_id).name if booking is not None and booking.state == "active" else ""


def stored_candidate(session: Session, candidate_id: int) -> CandidateData:
    """The candidate as stored, in the shape ``save_candidate`` takes (their second room by name)."""
    row = existing_row(session, ExamCandidate, candidate_id, "Kandidaten")
    return CandidateData("", row.candidate_no, row.name, row.email,
                         Accommodation(row.extra_minutes, row.separate_room, _second_room_name(session, row)),
                         row.status)


def _write_status(session: Session, candidate_id: int, status: str) -> None:
    """The candidate saved with ``status`` (``save_candidate`` checks the room's rules again)."""
    sitting_id = existing_row(session, ExamCandidate, candidate_id, "Kandidaten").sitting_id
    save_candidate(session, sitting_id, replace(stored_candidate(session, candidate_id), status=status))


def set_status(session: Session, candidate_id: int, status: str, *, on: dt.date | None = None) -> str:
    """Check-in on the day and other status changes; returns a sentence for the status line.

    UserError for an unknown status, and for møtt or ikke møtt before the exam day (``check_in_refusal``).
    """
    if status not in EXAM_CANDIDATE_STATUSES:
        raise UserError(f"Ukjent kandidatstatus «{status}»; bruk en av: {EXAM_CANDIDATE_STATUSES.words()}.")
    row = existing_row(session, ExamCandidate, candidate_id, "Kandidaten")
    refusal = check_in_refusal(get_sitting(session, row.sitting_id).day, status, on)
    if refusal:
        raise UserError(f"Kandidat {row.candidate_no} kan ikke settes til «{EXAM_CANDIDATE_STATUSES.label(status)}» "
                        f"ennå: {refusal}.")
    _write_status(session, candidate_id, status)
    return f"Kandidat {row.candidate_no}: {EXAM_CANDIDATE_STATUSES.label(status)}."


def set_statuses(session: Session, candidate_ids: Iterable[int], status: str, *, on: dt.date | None = None
                 ) -> dict[int, str]:
    """``set_status`` for several candidates in one transaction; returns each one's status before,
    for ``restore_statuses`` (undo)."""
    before: dict[int, str] = {}
    for candidate_id in candidate_ids:
        before[candidate_id] = existing_row(session, ExamCandidate, candidate_id, "Kandidaten").status
        set_status(session, candidate_id, status, on=on)
    return before


def restore_statuses(session: Session, statuses: Mapping[int, str]) -> int:
    """Put back the statuses ``set_statuses`` returned (undo): what was, so the exam day's rule does not
    apply; the room's rules do. Returns how many."""
    for candidate_id, status in statuses.items():
        _write_status(session, candidate_id, status)
    return len(statuses)
