"""Exam sittings: the booking behind them, extra time against the room's next booking, the
second room of a separate-room candidate, check-in, and the invoice basis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from kpdesk.booking import exam_reads, exams
from kpdesk.booking.conflicts import ConflictError
from kpdesk.booking.exam_inputs import (
    Accommodation,
    CandidateData,
    parse_accommodation,
    parse_fee,
    parse_invigilators,
    validate_exam,
)
from kpdesk.booking.inputs import BookingData
from kpdesk.booking.rooms import RoomData, save_room
from kpdesk.booking.service import create_booking
from kpdesk.common.errors import UserError
from kpdesk.common.fields import FieldError
from kpdesk.db.models import AuditEntry, Booking, ExamCandidate
from kpdesk.db.store import Store

EXAM_DAY = dt.date(2027, 5, 12)
EXAM = {"ref": "EKS-1", "room": "Eksamensrommet", "institution": "Nord universitet", "course_code": "SYK2001",
        "title": "Anatomi", "start": "12.05.2027 09:00", "end": "13:00", "fee_per_candidate": "1 500",
        "invigilators": "Kari Vakt (5), Ola Vakt"}


def exam(**changes: str):
    data, problems = validate_exam({**EXAM, **changes})
    assert data is not None, problems
    return data


def candidate(number: str, extra: int = 0, *, status: str = "registered", room: str = "", separate: bool = False,
              name: str = "Kandidat Navn") -> CandidateData:
    return CandidateData("EKS-1", number, name, f"k{number}@example.no", Accommodation(extra, separate or bool(room),
                                                                                      room), status)


@pytest.fixture
def sitting(store: Store) -> int:
    def setup(s):
        save_room(s, RoomData("Eksamensrommet", 4))
        save_room(s, RoomData("Grupperom 2", 2))
        create_booking(s, BookingData("Eksamensrommet", "Styremøte", dt.datetime(2027, 5, 12, 13, 30),
                                      dt.datetime(2027, 5, 12, 15, 0), kind="meeting"))
        return exams.create_sitting(s, exam())

    return store.transaction(setup)


# ---------------------------------------------------------------- parsing

def test_fees_invigilators_and_accommodation_read_as_people_write_them() -> None:
    assert parse_fee("1 500 kr") == Decimal(1500)
    assert parse_fee("1500,50") == Decimal("1500.5")
    assert parse_fee("") == 0
    with pytest.raises(FieldError, match="to desimaler"):
        parse_fee("12,345")
    guards = parse_invigilators("Kari Nordmann (4,5), Ola Hansen")
    assert guards.count == 2 and guards.people[0].hours == Decimal("4.50") and guards.people[1].hours is None
    assert parse_invigilators("3").count == 3 and parse_invigilators("3").people == ()
    assert parse_accommodation("ekstra tid 30 min, eget rom: Grupperom 2") == Accommodation(30, True, "Grupperom 2")
    assert parse_accommodation("+45") == Accommodation(45)
    assert parse_accommodation("eget rom") == Accommodation(0, True, "")
    with pytest.raises(FieldError, match="forstås ikke"):
        parse_accommodation("diabetes")


def test_an_exam_is_an_exam_booking_with_the_arrival_buffer_and_named_invigilators(store: Store, sitting: int) -> None:
    detail = store.transaction(lambda s: exam_reads.sitting_detail(s, sitting))
    row = detail.sitting
    assert (row.ref, row.room_name, row.starts_at, row.ends_at) == (
        "EKS-1", "Eksamensrommet", dt.datetime(2027, 5, 12, 9), dt.datetime(2027, 5, 12, 13))
    assert row.arrival_from == dt.datetime(2027, 5, 12, 8, 30) and row.fee_per_candidate == 1500
    assert [(g.name, g.hours) for g in detail.invigilators] == [("Kari Vakt", Decimal(5)), ("Ola Vakt", Decimal("4.5"))]
    booking = store.transaction(lambda s: s.get(Booking, row.booking_id))
    assert (booking.kind, booking.title, booking.invigilators) == ("exam", "Eksamen SYK2001 Anatomi", 2)


def test_an_exam_that_clashes_is_refused_naming_the_clashing_booking(store: Store, sitting: int) -> None:
    with pytest.raises(ConflictError) as caught:
        store.transaction(lambda s: exams.create_sitting(s, exam(ref="EKS-2", start="12.05.2027 14:00",
                                                                 end="16:00")))
    assert "Styremøte" in "\n".join(caught.value.conflicts.problems())
    with pytest.raises(UserError, match="finnes allerede"):
        store.transaction(lambda s: exams.create_sitting(s, exam(ref="eks-1", start="13.05.2027 09:00")))


# ---------------------------------------------------------------- extra time

def test_extra_time_that_ends_as_the_next_booking_starts_extends_the_exam_booking(store: Store, sitting: int) -> None:
    store.transaction(lambda s: exams.save_candidate(s, sitting, candidate("101")))
    store.transaction(lambda s: exams.save_candidate(s, sitting, candidate("102", 30)))
    row = store.transaction(lambda s: exam_reads.get_sitting(s, sitting))
    assert row.room_until == dt.datetime(2027, 5, 12, 13, 30)  # the meeting starts 13.30
    detail = store.transaction(lambda s: exam_reads.sitting_detail(s, sitting))
    assert [(c.candidate_no, c.ends_at.time()) for c in detail.candidates] == [
        ("101", dt.time(13)), ("102", dt.time(13, 30))]
    assert store.transaction(lambda s: s.get(Booking, row.booking_id).attendees) == 2


def test_extra_time_that_runs_into_the_next_booking_is_refused_and_nothing_changes(store: Store,
                                                                                   sitting: int) -> None:
    with pytest.raises(UserError) as caught:
        store.transaction(lambda s: exams.save_candidate(s, sitting, candidate("103", 45)))
    assert "Kandidat 103 har 45 min ekstra tid, til kl. 13.45" in caught.value.message
    assert "«Styremøte» 12.05.2027 kl. 13.30–15.00" in caught.value.message
    assert store.transaction(lambda s: s.scalars(select(ExamCandidate)).all()) == []
    assert store.transaction(lambda s: exam_reads.get_sitting(s, sitting)).room_until.time() == dt.time(13)


def test_a_withdrawn_candidate_gives_the_time_back(store: Store, sitting: int) -> None:
    cid, _ = store.transaction(lambda s: exams.save_candidate(s, sitting, candidate("102", 30)))
    store.transaction(lambda s: exams.set_status(s, cid, "withdrawn"))
    assert store.transaction(lambda s: exam_reads.get_sitting(s, sitting)).room_until.time() == dt.time(13)


def test_more_candidates_than_places_are_refused(store: Store, sitting: int) -> None:
    for number in ("1", "2", "3", "4"):
        store.transaction(lambda s, n=number: exams.save_candidate(s, sitting, candidate(n)))
    with pytest.raises(UserError, match="har plass til 4"):
        store.transaction(lambda s: exams.save_candidate(s, sitting, candidate("5")))
    store.transaction(lambda s: exams.save_candidate(s, sitting, candidate("5", status="withdrawn")))  # no place


# ---------------------------------------------------------------- a separate room

def test_a_separate_room_is_a_second_exam_booking_to_the_candidates_own_end(store: Store, sitting: int) -> None:
    cid, _ = store.transaction(lambda s: exams.save_candidate(s, sitting, candidate("104", 60, room="Grupperom 2")))
    detail = store.transaction(lambda s: exam_reads.sitting_detail(s, sitting))
    (row,) = detail.candidates
    assert row.separate_room_name == "Grupperom 2" and row.ends_at.time() == dt.time(14)
    second = store.transaction(lambda s: s.get(Booking, row.room_booking_id))
    assert (second.kind, second.starts_at.time(), second.ends_at.time(), second.arrival_buffer_minutes) == (
        "exam", dt.time(9), dt.time(14), 30)
    assert "kandidat 104" in second.title and "Navn" not in second.title
    assert detail.sitting.room_until.time() == dt.time(13)  # not in the main room: its hour is its own room's
    store.transaction(lambda s: exams.set_status(s, cid, "withdrawn"))
    assert store.transaction(lambda s: s.get(Booking, row.room_booking_id).state) == "cancelled"


def test_a_separate_room_that_is_taken_is_refused(store: Store, sitting: int) -> None:
    store.transaction(lambda s: create_booking(s, BookingData("Grupperom 2", "Veiledning", dt.datetime(2027, 5, 12, 12),
                                                              dt.datetime(2027, 5, 12, 14))))
    with pytest.raises(UserError, match=r"Kandidat 104 trenger eget rom.*Veiledning"):
        store.transaction(lambda s: exams.save_candidate(s, sitting, candidate("104", room="Grupperom 2")))
    assert store.transaction(lambda s: s.scalars(select(ExamCandidate)).all()) == []


# ---------------------------------------------------------------- check-in and the audit log

def test_check_in_sets_the_status_and_the_log_never_holds_a_candidates_name(store: Store, sitting: int) -> None:
    cid, _ = store.transaction(lambda s: exams.save_candidate(s, sitting, candidate("101", name="Åse Kandidat")))
    store.transaction(lambda s: exams.save_candidate(s, sitting, candidate("101", name="Åse Kandidatsen")))
    assert store.transaction(lambda s: exams.set_status(s, cid, "present", on=EXAM_DAY)) == "Kandidat 101: møtt."
    row = store.transaction(lambda s: exam_reads.get_sitting(s, sitting))
    assert (row.candidates, row.present, row.absent) == (1, 1, 0)
    logged = store.transaction(lambda s: [(e.old_value, e.new_value, e.summary) for e in s.scalars(select(AuditEntry))])
    assert not [e for e in logged if any(v and "Kandidat" in v and "Åse" in v for v in e)]
    assert not [e for e in logged if any(v and "Åse" in v for v in e)]


def test_attendance_is_recorded_on_the_exam_day_or_after_never_before(store: Store, sitting: int) -> None:
    cid, _ = store.transaction(lambda s: exams.save_candidate(s, sitting, candidate("101")))
    for status in ("present", "absent"):
        with pytest.raises(UserError) as refused:
            store.transaction(lambda s, st=status: exams.set_status(s, cid, st, on=EXAM_DAY - dt.timedelta(days=1)))
        assert refused.value.message == (
            f"Kandidat 101 kan ikke settes til «{'møtt' if status == 'present' else 'ikke møtt'}» ennå: Oppmøte "
            "registreres fra eksamensdagen 12.05.2027, ikke før.")
    assert store.transaction(lambda s: exam_reads.get_sitting(s, sitting)).present == 0
    # avmeldt and påmeldt again are not attendance: any day
    store.transaction(lambda s: exams.set_status(s, cid, "withdrawn", on=dt.date(2027, 1, 4)))
    store.transaction(lambda s: exams.set_status(s, cid, "registered", on=dt.date(2027, 1, 4)))
    assert store.transaction(lambda s: exams.set_status(s, cid, "absent", on=EXAM_DAY)) == "Kandidat 101: ikke møtt."
    assert store.transaction(lambda s: exams.set_status(s, cid, "present", on=EXAM_DAY + dt.timedelta(days=3))) == (
        "Kandidat 101: møtt.")  # recorded afterwards from the sheet
    assert exams.check_in_refusal(EXAM_DAY, "present", EXAM_DAY) == ""
    assert exams.check_in_refusal(EXAM_DAY, "registered", dt.date(2027, 1, 4)) == ""


def test_a_check_in_is_undone_to_each_candidates_status_before(store: Store, sitting: int) -> None:
    ids = [store.transaction(lambda s, n=n, st=st: exams.save_candidate(s, sitting, candidate(n, status=st)))[0]
           for n, st in (("101", "registered"), ("102", "absent"))]
    before = store.transaction(lambda s: exams.set_statuses(s, ids, "present", on=EXAM_DAY))
    assert before == {ids[0]: "registered", ids[1]: "absent"}
    assert store.transaction(lambda s: exam_reads.get_sitting(s, sitting)).present == 2
    assert store.transaction(lambda s: exams.restore_statuses(s, before)) == 2
    rows = store.transaction(lambda s: exam_reads.sitting_detail(s, sitting)).candidates
    assert [(c.candidate_no, c.status) for c in rows] == [("101", "registered"), ("102", "absent")]


# ---------------------------------------------------------------- the invoice basis

def test_the_invoice_basis_counts_everyone_not_withdrawn_times_the_fee(store: Store, sitting: int) -> None:
    for number, status in (("1", "registered"), ("2", "present"), ("3", "absent"), ("4", "withdrawn")):
        store.transaction(lambda s, n=number, st=status: exams.save_candidate(s, sitting, candidate(n, status=st)))
    store.transaction(lambda s: exams.create_sitting(s, exam(ref="EKS-2", start="20.05.2027 09:00",
                                                             institution="UiT", fee_per_candidate="1200,50")))
    lines = store.transaction(lambda s: exam_reads.invoice_lines(s, dt.date(2027, 5, 1), dt.date(2027, 5, 31)))
    assert [(x.exam, x.candidates, x.amount) for x in lines] == [("EKS-1", 3, Decimal(4500)), ("EKS-2", 0, 0)]
    only = store.transaction(lambda s: exam_reads.invoice_lines(s, dt.date(2027, 5, 1), dt.date(2027, 5, 31), "uit"))
    assert [x.exam for x in only] == ["EKS-2"]
    with pytest.raises(UserError, match="Ingen eksamener for institusjonen «NTNU»; kjente institusjoner: Nord"):
        store.transaction(lambda s: exam_reads.invoice_lines(s, dt.date(2027, 5, 1), dt.date(2027, 5, 31), "NTNU"))
    assert store.transaction(lambda s: exam_reads.invoice_lines(s, dt.date(2027, 6, 1), dt.date(2027, 6, 30))) == []
