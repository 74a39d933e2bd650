"""Conflicts: clashes named precisely, exam buffers, capacity and equipment, override and skip,
and the batched SQL overlap check against a brute-force reference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kpdesk.booking.conflicts import ConflictError, overlap_pairs, overlaps
from kpdesk.booking.inputs import BookingData
from kpdesk.booking.planning import plan_booking
from kpdesk.booking.reads import get_booking, series_bookings
from kpdesk.booking.rooms import RoomData, add_equipment, save_room
from kpdesk.booking.service import create_booking, update_booking
from kpdesk.booking.week import week_schedule
from kpdesk.db.models import Booking, Room

T = dt.datetime
EXAM = BookingData("Eksamensrom", "Eksamen SYK2001", T(2027, 5, 12, 9), T(2027, 5, 12, 13), kind="exam",
                   attendees=12, arrival_buffer_minutes=30)


@pytest.fixture
def place(store):
    with store.session() as s:
        add_equipment(s, "PC-er")
        add_equipment(s, "videokonferanse")
        save_room(s, RoomData("Eksamensrom", 24, ("PC-er",)))
        save_room(s, RoomData("Videorom", 10, ("videokonferanse",)))
        create_booking(s, EXAM)
    return store


def lecture(start: T, hours: float = 2, **extra) -> BookingData:
    values = {"room": "Eksamensrom", "title": "Forelesning", "starts_at": start,
              "ends_at": start + dt.timedelta(hours=hours), "kind": "video_lecture"}
    return BookingData(**{**values, **extra})


def refusal(session: Session, data: BookingData, **options) -> ConflictError:
    with pytest.raises(ConflictError) as caught:
        create_booking(session, data, **options)
    return caught.value


def test_clash_is_named_with_title_date_time_and_room(place) -> None:
    with place.session() as s:
        error = refusal(s, lecture(T(2027, 5, 12, 11)))
    assert error.message == ("Bookingen i «Eksamensrom» kolliderer med 1 annen booking. Oppgi en grunn for å "
                             "booke likevel.")
    assert error.details == ["Kollisjon med «Eksamen SYK2001» 12.05.2027 kl. 09.00–13.00 i Eksamensrom (rommet er "
                             "opptatt fra kl. 08.30 for oppmøte)"]
    assert error.conflicts.clashes[0].other.title == "Eksamen SYK2001"


def test_exam_buffer_blocks_the_room(place) -> None:
    with place.session() as s:
        error = refusal(s, lecture(T(2027, 5, 12, 8), hours=0.75))  # 08:00–08:45 runs into the 08:30 arrival
        assert error.conflicts.clashes[0].other.blocked_from == T(2027, 5, 12, 8, 30)
        assert create_booking(s, lecture(T(2027, 5, 12, 7, 30), hours=1)).booking_ids  # 07:30–08:30 fits


def test_buffer_edges(store) -> None:
    with store.session() as s:
        save_room(s, RoomData("Eksamensrom", 24))
        create_booking(s, EXAM)
        assert create_booking(s, lecture(T(2027, 5, 12, 6, 30))).booking_ids  # 06:30–08:30 ends as arrival begins
        refusal(s, lecture(T(2027, 5, 12, 6, 31)))
        assert create_booking(s, lecture(T(2027, 5, 12, 13))).booking_ids  # right after the exam
        # an exam's own buffer blocks too: a second exam arriving 12:30 clashes with one ending 13:00
        late = EXAM.replace(title="Eksamen 2", starts_at=T(2027, 5, 12, 15), ends_at=T(2027, 5, 12, 17))
        refusal(s, late.replace(starts_at=T(2027, 5, 12, 15, 10)))  # arrival 14:40 < lecture's 15:00 end
        assert create_booking(s, late.replace(starts_at=T(2027, 5, 12, 15, 30), ends_at=T(2027, 5, 12, 17))).booking_ids


def test_cancelled_and_other_rooms_do_not_block(place) -> None:
    from kpdesk.booking.service import cancel_booking

    with place.session() as s:
        exam_id = s.execute(select(Booking.id)).scalar_one()
        create_booking(s, lecture(T(2027, 5, 12, 10), room="Videorom"))
        cancel_booking(s, exam_id, "Flyttet til campus")
        assert create_booking(s, lecture(T(2027, 5, 12, 10))).booking_ids


def test_capacity_and_equipment(place) -> None:
    with place.session() as s:
        error = refusal(s, lecture(T(2027, 5, 13, 9), room="Videorom", attendees=14, equipment=("PC-er",)))
    assert error.details == ["«Videorom» har plass til 10, men bookingen gjelder 14 deltakere",
                             "«Videorom» mangler PC-er"]
    assert error.message.startswith("Bookingen i «Videorom» har flere deltakere (14) enn rommet har plass til (10) "
                                    "og trenger utstyr rommet mangler (PC-er).")


def test_override_with_reason_is_stored_and_shown(place) -> None:
    with place.session() as s:
        write = create_booking(s, lecture(T(2027, 5, 12, 11)), override_reason="Eksamensvakten tar forelesningen")
        row = get_booking(s, write.booking_ids[0])
        assert row.override_reason == "Eksamensvakten tar forelesningen"
        week = week_schedule(s, 2027, 19)
        shown = {b.title: b.override_reason for b in week.bookings}
        assert shown == {"Eksamen SYK2001": "", "Forelesning": "Eksamensvakten tar forelesningen"}
        # a reason is not stored where nothing clashed
        calm = create_booking(s, lecture(T(2027, 5, 14, 9)), override_reason="unødvendig")
        assert get_booking(s, calm.booking_ids[0]).override_reason == ""


def test_series_clash_skip_or_override(place) -> None:
    weekly = lecture(T(2027, 4, 28, 10), repeat="FREQ=WEEKLY;BYDAY=WE;COUNT=4")  # 28.04, 05.05, 12.05, 19.05
    with place.session() as s:
        error = refusal(s, weekly)
        assert error.message == ("Bookingen i «Eksamensrom» 1 av 4 datoer kolliderer med 1 annen booking. Oppgi en "
                                 "grunn for å booke likevel, eller hopp over datoene som kolliderer.")
        assert error.details == ["12.05.2027 kl. 10.00–12.00: Kollisjon med «Eksamen SYK2001» 12.05.2027 kl. "
                                 "09.00–13.00 i Eksamensrom (rommet er opptatt fra kl. 08.30 for oppmøte)"]
        write = create_booking(s, weekly, skip_clashes=True)
        rows = series_bookings(s, write.series_id)
        assert [(r.starts_at.day, r.state) for r in rows] == [(28, "active"), (5, "active"), (12, "skipped"),
                                                              (19, "active")]
        assert rows[2].state_reason.startswith("Kollisjon med «Eksamen SYK2001» 12.05.2027 kl. 09.00–13.00")
    with place.session() as s:
        write = create_booking(s, weekly.replace(room="Videorom"), override_reason="test")
        assert {r.override_reason for r in series_bookings(s, write.series_id)} == {""}  # nothing clashed there


def test_skip_is_not_for_hard_conflicts_or_single_bookings(place) -> None:
    with place.session() as s:
        refusal(s, lecture(T(2027, 5, 12, 11)), skip_clashes=True)
        weekly = lecture(T(2027, 5, 12, 10), room="Videorom", attendees=20, repeat="FREQ=WEEKLY;COUNT=2")
        assert "hopp over" not in refusal(s, weekly, skip_clashes=True).message


def test_update_excludes_itself_and_needs_a_reason_for_new_clashes(place) -> None:
    with place.session() as s:
        exam_id = s.execute(select(Booking.id)).scalar_one()
        update_booking(s, exam_id, EXAM.replace(ends_at=T(2027, 5, 12, 14)))  # its own old time is no clash
        other = create_booking(s, lecture(T(2027, 5, 12, 15))).booking_ids[0]
        with pytest.raises(ConflictError):
            update_booking(s, other, lecture(T(2027, 5, 12, 13, 30)))
        update_booking(s, other, lecture(T(2027, 5, 12, 13, 30)), override_reason="Kort overlapp, avtalt")
        assert get_booking(s, other).override_reason == "Kort overlapp, avtalt"
        # a new title where it stands: the accepted clash needs no new reason; a move does
        update_booking(s, other, lecture(T(2027, 5, 12, 13, 30), title="Forelesning 2"))
        assert get_booking(s, other).override_reason == "Kort overlapp, avtalt"
        with pytest.raises(ConflictError):
            update_booking(s, other, lecture(T(2027, 5, 12, 13, 15)))
        update_booking(s, other, lecture(T(2027, 5, 12, 16)))
        assert get_booking(s, other).override_reason == ""  # nothing clashes any more


def test_plan_shows_conflicts_without_writing(place) -> None:
    with place.session() as s:
        plan = plan_booking(s, lecture(T(2027, 5, 12, 7), attendees=30))
        assert plan.conflicts.blocking
        assert [o.start for o in plan.occurrences] == [T(2027, 5, 12, 7)]
        assert plan.conflicts.warnings() == ["Bookingen 12.05.2027 kl. 07.00 er utenfor åpningstiden til "
                                             "«Eksamensrom»"]
        assert len(s.execute(select(Booking.id)).all()) == 1


# ---------------------------------------------------------------- the query against brute force

def test_overlap_pairs_within_one_list() -> None:
    spans = [(T(2027, 1, 1, 9), T(2027, 1, 1, 11)), (T(2027, 1, 1, 11), T(2027, 1, 1, 12)),
             (T(2027, 1, 1, 10), T(2027, 1, 1, 10, 30)), (T(2027, 1, 1, 8), T(2027, 1, 1, 9))]
    assert overlap_pairs(spans) == [(0, 2)]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory):
    from kpdesk.db.store import Store

    store = Store.open(Path(tmp_path_factory.mktemp("overlap")) / "k.sqlite")
    with store.session() as s:
        s.execute(insert(Room), [{"id": 1, "name": "A", "capacity": 10}, {"id": 2, "name": "B", "capacity": 10}])
    yield store
    store.close()


BASE = T(2027, 3, 27)  # across the start of summer time: wall-clock times must not care
moments = st.integers(0, 4 * 24 * 4).map(lambda q: BASE + dt.timedelta(minutes=15 * q))
lengths = st.integers(1, 4 * 24 * 3).map(lambda q: dt.timedelta(minutes=15 * q))  # up to three days
existing = st.lists(st.tuples(moments, lengths, st.sampled_from([0, 0, 30, 60, 240]),
                              st.sampled_from(["active", "active", "cancelled", "skipped"]), st.sampled_from([1, 2])),
                    max_size=25)
candidates = st.lists(st.tuples(moments, lengths), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=existing, spans=candidates, exclude_first=st.booleans())
def test_overlap_query_matches_brute_force(scratch, rows, spans, exclude_first) -> None:
    session = Session(scratch.engine)
    try:
        records = [{"id": i + 1, "room_id": room, "title": f"b{i}", "starts_at": start, "ends_at": start + length,
                    "arrival_buffer_minutes": buffer, "state": state}
                   for i, (start, length, buffer, state, room) in enumerate(rows)]
        if records:
            session.execute(insert(Booking), records)
        wanted = [(start, start + length) for start, length in spans]
        exclude = {1} if exclude_first else set()
        found = {(i, other.id) for i, other in overlaps(session, 1, wanted, exclude=exclude)}
        brute = {(i, r["id"]) for i, (s, e) in enumerate(wanted) for r in records
                 if r["room_id"] == 1 and r["state"] == "active" and r["id"] not in exclude
                 and r["starts_at"] - dt.timedelta(minutes=r["arrival_buffer_minutes"]) < e and r["ends_at"] > s}
        assert found == brute
    finally:
        session.rollback()
        session.close()


def test_overlap_query_uses_the_room_time_index(scratch) -> None:
    from kpdesk.booking.conflicts import OVERLAP_SQL

    with scratch.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + OVERLAP_SQL.format(values="(?,?,?,?)", room="?"),
                                    (0, "2027-01-01", "2027-01-02", "2027-01-01", 1)).all()
    details = " ".join(row[-1] for row in plan)
    assert "ix_booking_room_time (room_id=? AND starts_at>? AND starts_at<?)" in details
