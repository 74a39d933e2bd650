"""Exam sittings and their candidates as CSV (import only).

``exams``: ``ref;room;institution;course_code;title;start;end;fee_per_candidate;invigilators``.
Each row books the room as an exam (the arrival buffer, the usual conflict checks) and records
the sitting. A row whose booking would clash, with the database or with another row of the file,
is refused naming the clashing booking; so is an unknown room and a reference already used.

``candidates``: ``exam;candidate_no;name;email;accommodation;status``. A candidate number already
registered for the exam updates that candidate (the institution's list sent again), as the other
importers do: a column the file leaves out keeps what is stored, and an empty cell means empty, so
an empty ``accommodation`` removes the extra time or separate room, said as a warning on the line
(«Kandidat 102: ekstra tid 30 min fjernes …»); an empty ``status`` keeps the stored status (check-in
is not undone by the institution's list; a new candidate is påmeldt). Møtt or ikke møtt before the
exam day is refused on its line, as the window's check-in is (``exams.check_in_refusal``). The same
number twice in the file, an unknown exam, extra time that runs into the room's next booking,
more candidates than the room has places and a second room that is taken are refused, each on
its line. A separate room without a room named is only warned about.

Both are all or nothing, through ``kpdesk.transfer``'s one plan and import path.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.booking.conflicts import ConflictError
from kpdesk.booking.exam_inputs import CandidateData, ExamData, validate_candidate, validate_exam
from kpdesk.booking.exam_reads import WITHDRAWN, get_sitting, sitting_refs
from kpdesk.booking.exams import (
    EXAM_CANDIDATE,
    EXAM_SITTING,
    Attending,
    attending_in_room,
    check_in_refusal,
    create_sitting,
    room_problems,
    save_candidate,
    second_room_plan_data,
    stored_candidate,
)
from kpdesk.booking.inputs import BookingData
from kpdesk.booking.planning import BookingPlan, plan_booking
from kpdesk.common import csvfile
from kpdesk.common.errors import UserError
from kpdesk.db.models import ExamCandidate
from kpdesk.db.row_writing import ref_key
from kpdesk.transfer.base import ImportPlan, ImportProblem, ImportResult, Kind, problems_at, repeated_ref, stale
from kpdesk.transfer.bookings import conflict_problems, within_file_clashes

EXAM_COLUMNS = ("ref", "room", "institution", "course_code", "title", "start", "end", "fee_per_candidate",
                "invigilators")
CANDIDATE_COLUMNS = ("exam", "candidate_no", "name", "email", "accommodation", "status")
_EXAM_ALIASES = {"referanse": "ref", "rom": "room", "institusjon": "institution", "emnekode": "course_code",
                 "emne": "course_code", "tittel": "title", "fra": "start", "til": "end", "slutt": "end",
                 "pris per kandidat": "fee_per_candidate", "pris": "fee_per_candidate",
                 "eksamensvakter": "invigilators", "vakter": "invigilators"}
_CANDIDATE_ALIASES = {"eksamen": "exam", "kandidatnummer": "candidate_no", "kandidatnr": "candidate_no",
                      "navn": "name", "e-post": "email", "epost": "email", "tilrettelegging": "accommodation"}


# ---------------------------------------------------------------- exams

@dataclass(frozen=True, slots=True)
class PlannedExam:
    line: int
    exam: ExamData
    plan: BookingPlan

    @property
    def action(self) -> str:
        return "create"

    @property
    def data(self) -> BookingData:
        return self.exam.booking


def _booking_problem(line: int, exc: UserError) -> ImportProblem:
    return ImportProblem(line, "room" if "Rommet" in exc.message else "start", exc.message.rstrip("."))


def plan_exams(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    taken = sitting_refs(session)
    seen: dict[str, int] = {}
    planned: list[PlannedExam] = []
    for row in table:
        data, found = validate_exam(row.values)
        plan.problems.extend(problems_at(row.line, found))
        if data is None:
            continue
        repeated = repeated_ref(seen, row.line, data.ref)
        if repeated is not None:
            plan.problems.append(repeated)
            continue
        key = ref_key(data.ref)
        if key in taken:
            plan.problems.append(ImportProblem(row.line, "ref", f"Eksamen «{data.ref}» finnes allerede"))
            continue
        try:
            booking_plan = plan_booking(session, data.booking)
        except UserError as exc:
            plan.problems.append(_booking_problem(row.line, exc))
            continue
        plan.problems.extend(conflict_problems(row.line, booking_plan))
        if not booking_plan.conflicts.blocking:
            planned.append(PlannedExam(row.line, data, booking_plan))
    clashes, refused = within_file_clashes(planned)
    plan.problems.extend(clashes)
    for exam in planned:
        if exam.line not in refused:
            plan.rows.append(exam)


def apply_exams(session: Session, plan: ImportPlan) -> ImportResult:
    for planned in plan.rows:
        try:
            create_sitting(session, planned.exam)
        except ConflictError:
            raise stale() from None  # the room was booked since the file was checked
    return ImportResult("exams", len(plan.rows), 0)


# ---------------------------------------------------------------- candidates

@dataclass(frozen=True, slots=True)
class PlannedCandidate:
    line: int
    action: str  # "create" | "update"
    sitting_id: int
    candidate: CandidateData

    @property
    def data(self) -> CandidateData:
        """What the import preview shows (the candidate's name)."""
        return self.candidate


@dataclass(frozen=True, slots=True)
class _SecondRoom:
    """A separate-room candidate's booking, as ``within_file_clashes`` reads rows."""

    line: int
    data: BookingData
    plan: BookingPlan


def _stored_numbers(session: Session, sitting_id: int,
                    cache: dict[int, dict[str, tuple[int, str]]]) -> dict[str, tuple[int, str]]:
    """Candidate number -> (id, name) of the candidates registered for a sitting."""
    if sitting_id not in cache:
        cache[sitting_id] = {number: (id_, name) for number, id_, name in session.execute(
            select(ExamCandidate.candidate_no, ExamCandidate.id, ExamCandidate.name)
            .where(ExamCandidate.sitting_id == sitting_id))}
    return cache[sitting_id]


def _same_person(stored_name: str, name: str) -> bool:
    """Whether a row's name may update the stored candidate: the same name (case and spacing aside),
    or a stored name that retention has blanked."""
    def key(text: str) -> str:
        return " ".join(text.split()).casefold()

    return not key(stored_name) or key(stored_name) == key(name)


def _second_room(session: Session, line: int, sitting_id: int, data: CandidateData,
                 stored_id: int | None) -> tuple[list[ImportProblem], _SecondRoom | None]:
    """The problems of a separate-room candidate's second room, and its planned booking."""
    accommodation = data.accommodation
    if accommodation.separate_room and not accommodation.room and data.status != WITHDRAWN:
        return [ImportProblem(line, "accommodation", f"Kandidat {data.candidate_no} skal ha eget rom, men ingen "
                                                     f"rom er oppgitt; skriv for eksempel «eget rom: Grupperom 2» "
                                                     f"eller book rommet i Eksamen-visningen", warning=True)], None
    wanted = second_room_plan_data(session, sitting_id, data)
    if wanted is None:
        return [], None
    exclude: set[int] = set()
    if stored_id is not None:
        current = session.get(ExamCandidate, stored_id)
        if current is not None and current.room_booking_id is not None:
            exclude.add(current.room_booking_id)
    try:
        booking_plan = plan_booking(session, wanted, exclude=exclude)
    except UserError as exc:
        return [ImportProblem(line, "accommodation", exc.message.rstrip("."))], None
    found = [ImportProblem(line, "accommodation", f"Eget rom for kandidat {data.candidate_no}: {p.message}",
                           p.warning) for p in conflict_problems(line, booking_plan)]
    return found, None if booking_plan.conflicts.blocking else _SecondRoom(line, wanted, booking_plan)


def _as_updated(session: Session, line: int, data: CandidateData, stored_id: int, columns: tuple[str, ...],
                status_text: str) -> tuple[CandidateData, list[ImportProblem]]:
    """A stored candidate's row as it updates them: a left-out column (and an empty status) keeps what
    is stored; what an accommodation cell takes away is said on the line."""
    stored = stored_candidate(session, stored_id)
    if "email" not in columns:
        data = replace(data, email=stored.email)
    if "accommodation" not in columns:
        data = replace(data, accommodation=stored.accommodation)
    if "status" not in columns or not status_text.strip():
        data = replace(data, status=stored.status)
    before, after = stored.accommodation, data.accommodation
    changes = []
    if before.extra_minutes and not after.extra_minutes:
        changes.append(f"ekstra tid {before.extra_minutes} min fjernes")
    elif before.extra_minutes and before.extra_minutes != after.extra_minutes:
        changes.append(f"ekstra tid endres fra {before.extra_minutes} til {after.extra_minutes} min")
    if before.separate_room and not after.separate_room:
        changes.append("eget rom fjernes" + (f" (bookingen av {before.room} avlyses)" if before.room else ""))
    if not changes:
        return data, []
    why = "tilretteleggingen er tom i filen" if not after.text() else f"filen sier «{after.text()}»"
    return data, [ImportProblem(line, "accommodation", f"Kandidat {data.candidate_no}: {' og '.join(changes)}; "
                                                       f"{why}", warning=True)]


def _check_in_problem(session: Session, line: int, sitting_id: int, data: CandidateData,
                      stored_status: str | None) -> ImportProblem | None:
    """Attendance the file sets before the exam day (a status already stored stands)."""
    if data.status == stored_status:
        return None
    why = check_in_refusal(get_sitting(session, sitting_id).starts_at.date(), data.status)
    if not why:
        return None
    return ImportProblem(line, "status", f"Kandidat {data.candidate_no}: {why}; skriv «påmeldt» eller la "
                                         f"statusen stå tom til eksamen er holdt")


def _room_rules(session: Session, plan: ImportPlan, rows: list[PlannedCandidate]) -> None:
    """Each sitting's main room with the file's candidates as they would be (extra time, places)."""
    by_sitting: dict[int, list[PlannedCandidate]] = {}
    for row in rows:
        by_sitting.setdefault(row.sitting_id, []).append(row)
    for sitting_id, planned in by_sitting.items():
        attending: dict[str, Attending] = {a.candidate_no: a for a in attending_in_room(session, sitting_id)}
        lines = {row.candidate.candidate_no: row.line for row in planned}
        for row in planned:
            attending.pop(row.candidate.candidate_no, None)
            data = row.candidate
            if not data.accommodation.separate_room and data.status != WITHDRAWN:
                attending[data.candidate_no] = Attending(data.candidate_no, data.accommodation.extra_minutes)
        for number, why in room_problems(session, get_sitting(session, sitting_id), list(attending.values())):
            column = "accommodation" if "ekstra tid" in why else "candidate_no"
            plan.problems.append(ImportProblem(lines.get(number, planned[0].line), column, why))


def plan_candidates(session: Session, plan: ImportPlan, table: csvfile.CsvTable) -> None:
    refs: dict[str, int] | None = None
    numbers: dict[int, dict[str, tuple[int, str]]] = {}
    seen: dict[tuple[int, str], int] = {}
    rows: list[PlannedCandidate] = []
    second_rooms: list[_SecondRoom] = []
    for row in table:
        data, found = validate_candidate(row.values)
        plan.problems.extend(problems_at(row.line, found))
        if data is None:
            continue
        refs = sitting_refs(session) if refs is None else refs
        sitting_id = refs.get(ref_key(data.exam_ref))
        if sitting_id is None:
            plan.problems.append(ImportProblem(row.line, "exam", f"Eksamen «{data.exam_ref}» finnes ikke; importer "
                                                                 f"eksamenene først (kpdesk import exams)"))
            continue
        key = (sitting_id, data.candidate_no)
        if key in seen:
            plan.problems.append(ImportProblem(row.line, "candidate_no", f"Kandidatnummer {data.candidate_no} til "
                                                                         f"eksamen {data.exam_ref} står også på "
                                                                         f"linje {seen[key]}"))
            continue
        seen[key] = row.line
        found_stored = _stored_numbers(session, sitting_id, numbers).get(data.candidate_no)
        if found_stored is not None and not _same_person(found_stored[1], data.name):
            plan.problems.append(ImportProblem(
                row.line, "candidate_no", f"Kandidatnummer {data.candidate_no} til eksamen {data.exam_ref} er "
                f"allerede registrert på {found_stored[1]}, ikke {data.name}; rett nummeret (eller navnet, hvis "
                "det er samme kandidat)"))
            continue
        stored = found_stored[0] if found_stored is not None else None
        stored_status = None
        if stored is not None:
            stored_status = stored_candidate(session, stored).status
            data, changes = _as_updated(session, row.line, data, stored, table.columns,
                                        row.values.get("status") or "")
            plan.problems.extend(changes)
        early = _check_in_problem(session, row.line, sitting_id, data, stored_status)
        if early is not None:
            plan.problems.append(early)
            continue
        problems, second = _second_room(session, row.line, sitting_id, data, stored)
        plan.problems.extend(problems)
        if second is not None:
            second_rooms.append(second)
        rows.append(PlannedCandidate(row.line, "create" if stored is None else "update", sitting_id, data))
    _room_rules(session, plan, rows)
    clashes, _refused = within_file_clashes(second_rooms)
    plan.problems.extend(ImportProblem(p.line, "accommodation", p.message) for p in clashes)
    for planned in rows:
        plan.rows.append(planned)


def _withdrawals_first(rows: list[PlannedCandidate]) -> list[PlannedCandidate]:
    """Withdrawals free places and time before others take them."""
    return sorted(rows, key=lambda r: r.candidate.status != WITHDRAWN)


def apply_candidates(session: Session, plan: ImportPlan) -> ImportResult:
    created = updated = unchanged = 0
    for planned in _withdrawals_first(list(plan.rows)):
        try:
            _id, action = save_candidate(session, planned.sitting_id, planned.candidate)
        except UserError:
            raise stale() from None  # the room or its next booking changed since the file was checked
        created += action == "create"
        updated += action == "update"
        unchanged += action == "unchanged"
    return ImportResult("candidates", created, updated, unchanged)


EXAM_KIND = Kind("exams", EXAM_SITTING, EXAM_COLUMNS, EXAM_COLUMNS[:7], (), _EXAM_ALIASES, plan_exams, apply_exams,
                 None)
CANDIDATE_KIND = Kind("candidates", EXAM_CANDIDATE, CANDIDATE_COLUMNS, ("exam", "candidate_no", "name"), (),
                      _CANDIDATE_ALIASES, plan_candidates, apply_candidates, None)
