"""How long exam candidates' names and e-mails are kept (GDPR art. 5(1)(e), storage limitation).

They are needed for the sign-in sheet and the day's check-in, not after: the setting
``retention_exam_days`` (default 90; 0 turns the rule off) is how many days after the exam they are
kept. A candidate is due from the exam's date + N days, until erased. ``candidates_due`` lists the
exams concerned (no names); ``erase_due`` erases them the whole way (``kpdesk.admin.erasure``:
the file, its log and, if asked, its backups), through ``privacy.find_subject`` and
``exam_privacy`` like any erasure. The window's Personvern dialog edits the number of days beside
the contact persons' months, and ``kpdesk person due`` lists and deletes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date, plural
from kpdesk.db.models import Booking, ExamCandidate, ExamSitting, Setting

if TYPE_CHECKING:
    from kpdesk.admin.erasure import BackupChoice, ErasureOutcome
    from kpdesk.db.store import Store

SETTING_KEY = "retention_exam_days"
DEFAULT_DAYS = 90
MAX_DAYS = 3650


def exam_retention_days(session: Session) -> int:
    """The rule's number of days from the settings (0: no rule); the default when unset or invalid."""
    raw = session.execute(select(Setting.value).where(Setting.key == SETTING_KEY)).scalar()
    text = (raw or "").strip()
    return int(text) if text.isdigit() and int(text) <= MAX_DAYS else DEFAULT_DAYS


def set_exam_retention_days(session: Session, days: int) -> None:
    """Change the rule (0 turns it off)."""
    if not 0 <= days <= MAX_DAYS:
        raise UserError(f"Lagringstiden for eksamenskandidater må være mellom 0 og {MAX_DAYS} dager, ikke {days}.")
    old = exam_retention_days(session)
    session.merge(Setting(key=SETTING_KEY, value=str(days)))
    if old != days:
        from kpdesk.db import audit

        audit.record(session, "update", "setting", None, field=SETTING_KEY, old=old, new=days)


# ---------------------------------------------------------------- who is due

@dataclass(frozen=True, slots=True)
class DueSitting:
    """The candidates of one exam whose names and e-mails the rule says to erase (no names here)."""

    sitting_id: int
    ref: str
    day: dt.date
    due_on: dt.date
    candidate_ids: tuple[int, ...]

    def sentence(self, days: int) -> str:
        return (f"{self.ref} ({format_date(self.day)}): {plural(len(self.candidate_ids), 'kandidat', 'kandidater')}, "
                f"{plural(days, 'dag', 'dager')} eller mer etter eksamen "
                f"(kunne slettes fra {format_date(self.due_on)})")


def candidates_due(session: Session, today: dt.date | None = None) -> list[DueSitting]:
    """Sittings whose candidates still have a name or e-mail and are past the rule, oldest first."""
    today = today or dt.date.today()
    days = exam_retention_days(session)
    if days == 0:
        return []
    before = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time(0))  # due on exam day + N
    found: dict[int, tuple[str, dt.date, list[int]]] = {}
    for candidate_id, sitting_id, ref, starts in session.execute(
            select(ExamCandidate.id, ExamSitting.id, ExamSitting.ref, Booking.starts_at)
            .join(ExamSitting, ExamCandidate.sitting_id == ExamSitting.id)
            .join(Booking, ExamSitting.booking_id == Booking.id)
            .where(Booking.starts_at < before, ExamCandidate.erased.is_(False))
            .order_by(Booking.starts_at, ExamCandidate.id)):
        found.setdefault(sitting_id, (ref, starts.date(), []))[2].append(candidate_id)
    return [DueSitting(sitting_id, ref, day, day + dt.timedelta(days=days), tuple(ids))
            for sitting_id, (ref, day, ids) in found.items()]


def erasure_reason(days: int) -> str:
    """How the audit log names an erasure by this rule."""
    return f"etter oppbevaringsregelen for eksamenskandidater ({plural(days, 'dag', 'dager')} etter eksamen)"


def erase_due(store: Store, today: dt.date | None = None, *, backups: BackupChoice = "keep") -> ErasureOutcome:
    """Erase the names and e-mails of every candidate due (``kpdesk.admin.erasure``: the file, its log
    and, if asked, its backups); the window's «Slett kandidatopplysninger» and ``person due --delete``."""
    from kpdesk.admin import erasure, privacy

    def find(session: Session) -> privacy.Subject:
        ids = [i for due in candidates_due(session, today) for i in due.candidate_ids]
        if not ids:
            return privacy.Subject([])
        subject = privacy.find_subject(session, candidate_ids=ids)
        subject.earlier_ids = []
        return subject

    return erasure.erase(store, find, reason=erasure_reason(store.transaction(exam_retention_days)),
                         backups=backups)
