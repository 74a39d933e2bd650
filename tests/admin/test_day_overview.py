"""The day on the Oversikt page: bookings today, deadlines soon, needs without a proposal, last backup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support import sqlite_only

from kpdesk.admin.day_overview import day_overview, needs_without_proposal
from kpdesk.db.backup import create_backup
from kpdesk.db.models import Setting
from kpdesk.db.store import Store
from kpdesk.matching.run import run_matching

DEMO_DAY = dt.date(2027, 1, 11)


def test_the_demo_day_has_its_bookings_and_a_deadline(demo: Path) -> None:
    store = Store.open(demo, daily_backup=False)
    try:
        day = store.transaction(lambda s: day_overview(s, store.path, today=DEMO_DAY))
    finally:
        store.close()
    assert day.today == DEMO_DAY
    assert day.bookings and all(b.starts_at.date() <= DEMO_DAY <= b.ends_at.date() for b in day.bookings)
    assert [b.starts_at for b in day.bookings] == sorted(b.starts_at for b in day.bookings)
    assert any(b.title == "Koordinatormøte" and b.room == "Møterom Tind" for b in day.bookings)
    assert day.deadlines
    for deadline in day.deadlines:
        assert 0 <= deadline.days_left <= 14
        assert deadline.deadline == DEMO_DAY + dt.timedelta(days=deadline.days_left)


def test_a_given_day_and_a_plain_file(store: Store, db_path: Path) -> None:
    empty = store.transaction(lambda s: day_overview(s, store.path, today=dt.date(2027, 3, 1)))
    assert empty.today == dt.date(2027, 3, 1)
    assert empty.bookings == [] and empty.deadlines == [] and empty.last_backup is None
    plain = store.transaction(lambda s: day_overview(s, None))
    assert plain.today == dt.date.today()


def test_a_demo_file_takes_the_calendars_day_like_every_other_page(store: Store, db_path: Path) -> None:
    store.transaction(lambda s: s.merge(Setting(key="demo_today", value="2027-01-11")))
    assert store.transaction(lambda s: day_overview(s, store.path)).today == dt.date.today()


@sqlite_only("copies of the file in the backups folder")
def test_the_last_backup_is_the_newest(store: Store, db_path: Path) -> None:
    first = create_backup(db_path, "manual", now=dt.datetime(2027, 1, 10, 9, 0))
    newest = create_backup(db_path, "manual", now=dt.datetime(2027, 1, 11, 9, 0))
    day = store.transaction(lambda s: day_overview(s, db_path))
    assert day.last_backup is not None
    assert day.last_backup.path == newest.path != first.path


def test_needs_without_proposal_from_a_matching_run(demo: Path) -> None:
    store = Store.open(demo, daily_backup=False)
    try:
        run = store.transaction(lambda s: run_matching(s, DEMO_DAY))
    finally:
        store.close()
    unproposed = needs_without_proposal(run.results, run.needs, limit=3)
    assert unproposed.count == sum(1 for r in run.results if r.unmet) > 0
    assert len(unproposed.examples) == 3
    refs = [ref for ref, _title, _employer in unproposed.examples]
    assert refs == sorted(refs)
    assert all(run.result_for(ref).unmet for ref in refs)
