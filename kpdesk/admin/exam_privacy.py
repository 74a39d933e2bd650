"""Exam candidates' personal data as export and erasure find it (``kpdesk.admin.privacy`` calls in
here; nothing here imports it). How long it is kept is ``kpdesk.admin.exam_retention``'s rule.

Erasing a candidate blanks the name (``privacy.ERASED``) and the e-mail and marks the row
``erased``; the candidate number, accommodation and status stay, so the invoice basis and counts
are unchanged. Invigilators' names are scrubbed like free text (``privacy.FREE_TEXT``).

``person export|erase --email`` finds candidates by e-mail, compared as ``privacy.normal_email``
compares (no case, spaces or invisible characters); the caller passes that comparison in.
``--exam REF --candidate NR`` finds one candidate by the exam's reference and the candidate number,
which reaches a candidate registered without an e-mail (``find_candidate_id``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kpdesk.booking.exam_reads import candidate_sort_key
from kpdesk.common.codes import EXAM_CANDIDATE_STATUSES
from kpdesk.common.errors import UserError
from kpdesk.db.models import Booking, ExamCandidate, ExamSitting
from kpdesk.db.row_writing import ref_key

# ---------------------------------------------------------------- export and erasure

def find_candidate_id(session: Session, exam_ref: str, candidate_no: str) -> int:
    """The candidate with this number at the exam with this reference (any case); a UserError that
    names what is missing: the exam, or the number at that exam (with the numbers it has)."""
    ref, number = exam_ref.strip(), candidate_no.strip()
    sitting = session.execute(select(ExamSitting.id, ExamSitting.ref)
                              .where(func.lower(ExamSitting.ref) == ref_key(ref))).first()
    if sitting is None:
        raise UserError(f"Eksamen «{ref}» finnes ikke. Se referansene på Eksamen-siden eller i "
                        "eksamensfilen du importerte.")
    numbers: dict[str, int] = {number: id_ for number, id_ in session.execute(
        select(ExamCandidate.candidate_no, ExamCandidate.id).where(ExamCandidate.sitting_id == sitting.id))}
    if number in numbers:
        return numbers[number]
    if not numbers:
        raise UserError(f"Eksamen {sitting.ref} har ingen kandidater.")
    raise UserError(f"Eksamen {sitting.ref} har ingen kandidat med nummer «{number}» "
                    f"(kandidatnumrene er {_some(sorted(numbers, key=candidate_sort_key))}).")


def _some(numbers: list[str], shown: int = 8) -> str:
    """«101, 102 og 103», or the first ``shown`` and «…» when there are more."""
    if len(numbers) > shown:
        return ", ".join(numbers[:shown]) + " …"
    return numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} og {numbers[-1]}"


def candidate_label(session: Session, candidate_id: int) -> str:
    """«kandidat 101 på eksamen EKS-1»: how an export or erasure names the candidate (no name)."""
    row = session.execute(select(ExamCandidate.candidate_no, ExamSitting.ref)
                          .join(ExamSitting, ExamCandidate.sitting_id == ExamSitting.id)
                          .where(ExamCandidate.id == candidate_id)).one()
    return f"kandidat {row.candidate_no} på eksamen {row.ref}"


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
             "extra_minutes": r.extra_minutes, "separate_room": r.separate_room,
             "status": EXAM_CANDIDATE_STATUSES.label(r.status),
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
    """Blank the name (``erased``) and e-mail of these candidates; returns how many rows changed
    (a candidate erased before is not counted again)."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    result = session.execute(update(ExamCandidate).where(ExamCandidate.id.in_(wanted),
                                                         ExamCandidate.erased.is_(False))
                             .values(name=erased, email="", erased=True))
    return int(getattr(result, "rowcount", 0) or 0)
