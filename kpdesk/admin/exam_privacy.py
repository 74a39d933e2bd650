"""Exam candidates' personal data as export and erasure find it (``kpdesk.admin.privacy`` calls in
here; nothing here imports it). How long it is kept is ``kpdesk.admin.exam_retention``'s rule.

Erasing a candidate blanks the name (``privacy.ERASED``) and the e-mail and marks the row
``erased``; the candidate number, accommodation and status stay, so the invoice basis and counts
are unchanged. Invigilators' names are scrubbed like free text (``privacy.FREE_TEXT``).

``person export|erase --email`` finds candidates by e-mail, compared as ``privacy.normal_email``
compares (no case, spaces or invisible characters); the caller passes that comparison in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kpdesk.db.models import Booking, ExamCandidate, ExamSitting

# ---------------------------------------------------------------- export and erasure

def candidate_rows(session: Session, ids: Iterable[int] = (), email: str = "",
                   same_email: Callable[[str], bool] | None = None) -> list[dict[str, object]]:
    """Candidates asked for by id, and those whose e-mail ``same_email`` accepts, as an export shows
    them: the exam's ref, institution, course and date beside the candidate's own row."""
    wanted = set(ids)
    if email and same_email is not None:
        wanted |= {i for i, stored in session.execute(select(ExamCandidate.id, ExamCandidate.email)
                                                      .where(ExamCandidate.email != "")) if same_email(stored)}
    if not wanted:
        return []
    stmt = (select(ExamCandidate.id, ExamCandidate.candidate_no, ExamCandidate.name, ExamCandidate.email,
                   ExamCandidate.extra_minutes, ExamCandidate.separate_room, ExamCandidate.status,
                   ExamCandidate.erased, ExamSitting.ref, ExamSitting.institution, ExamSitting.course_code,
                   Booking.starts_at)
            .join(ExamSitting, ExamCandidate.sitting_id == ExamSitting.id)
            .join(Booking, ExamSitting.booking_id == Booking.id)
            .where(ExamCandidate.id.in_(sorted(wanted))).order_by(ExamCandidate.id))
    return [{"id": r.id, "candidate_no": r.candidate_no, "name": r.name, "email": r.email,
             "extra_minutes": r.extra_minutes, "separate_room": r.separate_room, "status": r.status,
             "erased": r.erased, "exam": r.ref, "institution": r.institution, "course_code": r.course_code,
             "exam_date": r.starts_at.date().isoformat()} for r in session.execute(stmt)]


def identifying_values(rows: Iterable[dict[str, object]], erased: str) -> set[str]:
    """The names and e-mails of these candidates (not already erased)."""
    return {str(r[f]) for r in rows for f in ("name", "email") if r[f] and r[f] != erased}


def other_values(session: Session, ids: Iterable[int]) -> set[str]:
    """Names and e-mails of the candidates not in ``ids`` (a value they share is theirs too)."""
    stmt = select(ExamCandidate.name, ExamCandidate.email).where(ExamCandidate.id.not_in(sorted(set(ids))))
    return {v for row in session.execute(stmt) for v in row if v}


def erase_candidates(session: Session, ids: Iterable[int], erased: str) -> int:
    """Blank the name (``erased``) and e-mail of these candidates; returns how many rows changed."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    result = session.execute(update(ExamCandidate).where(ExamCandidate.id.in_(wanted))
                             .values(name=erased, email="", erased=True))
    return int(getattr(result, "rowcount", 0) or 0)
