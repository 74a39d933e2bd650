"""Course runs: the status rules, the numbers and dates each status needs, and the service's writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from kpdesk.common.errors import UserError
from kpdesk.db.models import AuditEntry, CourseRun, Employer, Need, Offer, Provider
from kpdesk.motor import runs
from kpdesk.motor.validation import (
    RunData,
    allowed_moves,
    date_warnings,
    status_choices,
    transition_problem,
    validate_run,
)


def test_a_run_moves_forward_or_is_cancelled_and_a_cancelled_run_may_be_planned_again() -> None:
    assert allowed_moves("planned") == ("ordered", "started", "completed", "cancelled")
    assert allowed_moves("started") == ("completed", "cancelled")
    assert allowed_moves("completed") == ()
    assert allowed_moves("cancelled") == ("planned",)
    assert transition_problem("ordered", "started") is None
    assert transition_problem("started", "ordered") == ("Statusen kan ikke endres fra «startet» til «bestilt»; "
                                                        "herfra kan den bare bli «gjennomført» eller «avlyst»")
    assert "avsluttet" in (transition_problem("completed", "cancelled") or "")


def raw(**values: str) -> dict[str, str]:
    return {"offer": "T1", **values}


def test_the_fields_are_read_as_people_write_them() -> None:
    data, problems = validate_run(raw(ref="G1", status="Gjennomført", start_date="1.2.27", end_date="30.6.2027",
                                      participants="12", completed="10", credits_passed="75,5",
                                      needs="B1, B2 b3", cofunding_nok="kr 50 000"))
    assert problems == []
    assert data == RunData("T1", "G1", "completed", dt.date(2027, 2, 1), dt.date(2027, 6, 30), 12, 10,
                           Decimal("75.5"), ("B1", "B2", "b3"), "", 50_000)


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"participants": "5", "completed": "6", "status": "gjennomført", "start_date": "1.1.2027",
      "end_date": "2.1.2027"}, "completed", "6 fullførte, men bare 5 startet"),
    ({"start_date": "2.1.2027", "end_date": "1.1.2027"}, "end_date", "Sluttdatoen 01.01.2027 er før startdatoen"),
    ({"status": "startet", "participants": "4"}, "start_date", "Et startet kurs må ha startdato"),
    ({"status": "startet", "start_date": "1.1.2027"}, "participants", "må ha antall deltakere ved start"),
    ({"status": "gjennomført", "start_date": "1.1.2027", "participants": "4"}, "end_date",
     "Et gjennomført kurs må ha sluttdato"),
    ({"status": "startet", "start_date": "1.1.2027", "participants": "4", "completed": "3"}, "completed",
     "oppgis først når kurset er gjennomført, ikke når det er startet"),
    ({"status": "ferdig"}, "status", "Ukjent status «ferdig»; bruk en av: planlagt, bestilt, startet, gjennomført"),
    ({"participants": "-2"}, "participants", "Antall deltakere kan ikke være negativt"),
    ({"offer": ""}, "offer", "Kurstilbudet mangler"),
])
def test_a_broken_rule_is_named_by_field(values: dict[str, str], field: str, message: str) -> None:
    data, problems = validate_run(raw(**values))
    assert data is None
    assert any(p.field == field and message in p.message for p in problems), problems


def test_the_status_list_offers_only_the_allowed_moves() -> None:
    assert status_choices("ordered") == ("ordered", "started", "completed", "cancelled")
    assert status_choices("completed") == ("completed",)
    assert status_choices("cancelled") == ("planned", "cancelled")
    assert status_choices("") == ("planned", "ordered", "started", "completed", "cancelled")


def test_a_start_or_end_not_yet_come_is_a_warning_not_a_refusal() -> None:
    today = dt.date(2027, 9, 1)
    data, problems = validate_run(raw(status="gjennomført", start_date="1.8.2027", end_date="13.9.2028",
                                      participants="5", completed="5"))
    assert data is not None and problems == []
    warned = date_warnings(data, today)
    assert [(p.field, p.message, p.warning) for p in warned] == [
        ("end_date", "Sluttdatoen 13.09.2028 er ennå ikke nådd; er kurset virkelig gjennomført?", True)]
    started = RunData("T1", status="started", start_date=dt.date(2027, 10, 1), participants=3)
    assert [p.field for p in date_warnings(started, today)] == ["start_date"]
    assert date_warnings(RunData("T1", status="ordered", start_date=dt.date(2028, 1, 1)), today) == []


@pytest.fixture
def session(store):
    with store.session() as session:
        provider = Provider(name="Nord universitet")
        employer = Employer(org_number="974760673", name="Helgelandssykehuset")
        session.add_all([provider, employer])
        session.flush()
        session.add_all([Offer(ref="T1", provider_id=provider.id, title="Sårbehandling"),
                         Need(ref="B1", employer_id=employer.id, title="Sår", headcount=4),
                         Need(ref="B2", employer_id=employer.id, title="Sår 2", headcount=2)])
        session.flush()
        yield session


def test_save_run_links_its_needs_and_keeps_to_the_status_rules(session) -> None:
    run_id = runs.save_run(session, RunData("t1", needs=("B1",)))
    row = runs.list_runs(session)[0]
    assert (row.ref, row.offer_ref, row.status, row.need_refs) == ("G00001", "T1", "planned", ("B1",))
    started = RunData("T1", "G00001", "started", dt.date(2027, 8, 20), None, 11, needs=("B1", "b2"))
    assert runs.save_run(session, started, run_id) == run_id
    assert runs.list_runs(session)[0].need_refs == ("B1", "B2")
    with pytest.raises(UserError, match="G00001: Statusen kan ikke endres fra «startet» til «planlagt»"):
        runs.save_run(session, RunData("T1", "G00001", "planned"), run_id)
    with pytest.raises(UserError, match="Ingen behov har referansen «B9»"):
        runs.save_run(session, RunData("T1", needs=("B9",)))
    with pytest.raises(UserError, match="Ingen kurstilbud har referansen «T9»"):
        runs.save_run(session, RunData("T9"))
    with pytest.raises(UserError, match="allerede brukt av gjennomføringen G00001"):
        runs.save_run(session, RunData("T1", "g00001"))
    assert session.execute(select(CourseRun.status)).scalars().all() == ["started"]
    fields = session.execute(select(AuditEntry.field).where(AuditEntry.entity == "course_run")
                             .where(AuditEntry.action == "update")).scalars().all()
    assert set(fields) == {"status", "start_date", "participants", "needs"}


def test_session_days_are_linked_once(session) -> None:
    from kpdesk.db.models import Booking, Room

    room = Room(name="Stort rom", capacity=20)
    session.add(room)
    session.flush()
    booking = Booking(room_id=room.id, title="Samling 1", kind="session", starts_at=dt.datetime(2027, 9, 1, 9),
                      ends_at=dt.datetime(2027, 9, 1, 15))
    session.add(booking)
    session.flush()
    run_id = runs.save_run(session, RunData("T1"))
    assert runs.link_bookings(session, run_id, [booking.id]) == 1
    assert runs.link_bookings(session, run_id, [booking.id]) == 0
