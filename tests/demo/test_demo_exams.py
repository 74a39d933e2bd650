"""The demos' exam sittings: each on an exam booking that holds the room for its candidates' extra
time, candidate numbers unique per sitting, and the invoice basis and sign-in sheet work on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import drop_location, new_location

from kpdesk.booking import exam_reads
from kpdesk.cli import main
from kpdesk.common.paths import Location
from kpdesk.db.store import Store
from kpdesk.demo import build
from kpdesk.reports import exam_papers


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Location]:
    path = new_location(tmp_path_factory.mktemp("demo"), "demo.sqlite", lasting=True)
    assert main(["demo", "--db", str(path)]) == 0
    yield path
    drop_location(path)


def test_the_small_demo_has_sittings_whose_bookings_hold_the_room_for_extra_time(demo_db: Path) -> None:
    store = Store.open(demo_db, daily_backup=False)
    try:
        with store.session() as session:
            sittings = exam_reads.list_sittings(session)
            details = [exam_reads.sitting_detail(session, s.id) for s in sittings]
            lines = exam_reads.invoice_lines(session, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
            signin = exam_papers.load_signin(session, sittings[0].ref)
    finally:
        store.close()
    assert len(sittings) >= 5
    assert sum(len(d.candidates) for d in details) >= 30
    assert any(c.extra_minutes for d in details for c in d.candidates)
    assert any(c.withdrawn for d in details for c in d.candidates)
    for detail in details:
        s = detail.sitting
        numbers = [c.candidate_no for c in detail.candidates]
        assert len(numbers) == len(set(numbers)), s.ref
        assert s.room_until >= max((c.ends_at for c in detail.attending), default=s.ends_at), s.ref
        assert s.candidates == len(detail.attending) and detail.invigilators, s.ref
    assert sum(x.amount for x in lines) == sum(s.candidates * s.fee_per_candidate for s in sittings)
    assert exam_papers.build_signin(signin).startswith(b"%PDF-")


def test_the_regional_demo_has_a_few_dozen_sittings() -> None:
    builder = build("regional")
    sittings = builder.rows["exam_sitting"]
    assert 20 <= len(sittings) <= 40
    assert len(builder.rows["exam_candidate"]) >= len(sittings)
    exams = {b["id"]: b for b in builder.rows["booking"] if b["kind"] == "exam"}
    assert all(s["booking_id"] in exams for s in sittings)
