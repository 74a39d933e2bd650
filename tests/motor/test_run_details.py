"""What the window reads and writes around a run: owners served, put back (undo), delete and restore
with links, unlinking bookings, planned runs."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kpdesk.common.errors import UserError
from kpdesk.db.models import Booking, CourseRun, Employer, Need, Offer, Provider, Room, course_run_booking
from kpdesk.motor import run_details as details
from kpdesk.motor import runs
from kpdesk.motor.validation import RunData


@pytest.fixture
def session(store):
    with store.session() as session:
        provider = Provider(name="Nord universitet")
        one, two = Employer(org_number="974760673", name="Helgelandssykehuset"), Employer(org_number="988077917",
                                                                                         name="Østre Vefsn")
        room = Room(name="Kurssal", capacity=20)
        session.add_all([provider, one, two, room])
        session.flush()
        offer = Offer(ref="T1", provider_id=provider.id, title="Sårbehandling")
        session.add_all([offer, Need(ref="B1", employer_id=one.id, title="Sår", headcount=4),
                         Need(ref="B2", employer_id=one.id, title="Sår 2", headcount=2),
                         Need(ref="B3", employer_id=two.id, title="Sår 3", headcount=1),
                         Need(ref="B4", community="1837", title="Sykepleiere i Meløy", headcount=5)])
        session.flush()
        for day in (1, 2, 20):
            session.add(Booking(room_id=room.id, title=f"Samling {day}", starts_at=dt.datetime(2027, 9, day, 9),
                                ends_at=dt.datetime(2027, 9, day, 15), offer_id=offer.id if day == 20 else None))
        session.flush()
        yield session


def test_the_list_counts_needs_and_distinct_owners_of_every_kind(session) -> None:
    run_id = runs.save_run(session, RunData("T1", "G1", needs=("B1", "B2", "B3", "B4")))
    runs.save_run(session, RunData("T1", "G2"))
    rows = {r.run.ref: r for r in details.list_run_rows(session)}
    assert (rows["G1"].needs, rows["G1"].owners, rows["G1"].id) == (4, 3, run_id)  # two employers, one community
    assert (rows["G2"].needs, rows["G2"].owners) == (0, 0)
    assert details.need_choices(session)["B4"].owner == "Meløy kommune (lokalsamfunn)"


def test_put_back_moves_a_status_back_only_as_undo(session) -> None:
    run_id = runs.save_run(session, RunData("T1", "G1", "ordered"))
    before = details.get_run(session, run_id)
    started = RunData("T1", "G1", "started", dt.date(2027, 9, 1), participants=12)
    details.save_or_put_back(session, started, run_id)
    with pytest.raises(UserError, match="kan ikke endres fra «startet» til «bestilt»"):
        details.save_or_put_back(session, details.run_data(before), run_id)
    details.save_or_put_back(session, details.PutBack(details.run_data(before)), run_id)
    assert details.get_run(session, run_id) == before


def test_delete_and_restore_keep_id_needs_and_bookings(session) -> None:
    run_id = runs.save_run(session, RunData("T1", "G1", "planned", dt.date(2027, 9, 1), dt.date(2027, 9, 5),
                                            needs=("B1", "B3")))
    booking_ids = [b.id for b in details.linkable_bookings(session, run_id)]
    assert [b.title for b in details.linkable_bookings(session, run_id)] == ["Samling 1", "Samling 2", "Samling 20"]
    runs.link_bookings(session, run_id, booking_ids[:2])
    assert [b.title for b in details.linkable_bookings(session, run_id)] == ["Samling 20"]  # the offer's own
    before = details.get_run(session, run_id)
    snapshot = details.delete_run(session, run_id)
    assert session.get(CourseRun, run_id) is None
    assert not session.execute(select(course_run_booking)).all()
    assert details.restore_run(session, snapshot) == run_id
    assert details.get_run(session, run_id) == before
    assert [b.title for b in details.run_bookings(session, run_id)] == ["Samling 1", "Samling 2"]
    with pytest.raises(UserError, match=r"id \d+ er tatt i bruk igjen"):
        details.restore_run(session, snapshot)


def test_unlink_bookings_leaves_the_bookings_and_says_how_many(session) -> None:
    run_id = runs.save_run(session, RunData("T1", "G1"))
    ids = list(session.execute(select(Booking.id).order_by(Booking.id)).scalars())
    runs.link_bookings(session, run_id, ids)
    assert details.unlink_bookings(session, run_id, [ids[0], 999]) == 1
    assert [b.id for b in details.run_bookings(session, run_id)] == ids[1:]
    assert session.get(Booking, ids[0]) is not None


def test_planned_runs_and_adding_needs_to_one(session) -> None:
    run_id = runs.save_run(session, RunData("T1", "G1", needs=("B1",)))
    runs.save_run(session, RunData("T1", "G2", "ordered"))
    planned = details.planned_runs(session)
    assert [r.ref for r in planned] == ["G1"]
    runs.save_run(session, details.with_needs(planned[0], ["b1", "B3"]), run_id)
    assert details.get_run(session, run_id).need_refs == ("B1", "B3")
