"""A damaged database in the window: never written to; the newest good backup restored, or read-only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support import damage_index_page

from kpdesk.db.backup import create_backup
from kpdesk.db.models import Employer


@pytest.fixture
def damaged_db(seeded_db: Path) -> Path:
    create_backup(seeded_db, "manual", now=dt.datetime.now() - dt.timedelta(days=1))
    for extra in ("-wal", "-shm"):
        seeded_db.with_name(seeded_db.name + extra).unlink(missing_ok=True)
    damage_index_page(seeded_db)
    return seeded_db


def test_the_newest_good_backup_is_offered_and_restored(open_window, damaged_db: Path, alerts) -> None:
    damaged_bytes = damaged_db.read_bytes()
    alerts.choice = 0  # "Gjenopprett sikkerhetskopien"
    window = open_window(damaged_db)
    assert any(kind == "choose" and title == "Databasen er skadet" for kind, title, _ in alerts.shown)
    assert "manual" in alerts.texts()
    assert not window.context.store.read_only
    with window.context.store.session() as session:
        assert session.scalar(select(func.count()).select_from(Employer)) == 4
    saved = [p for p in (damaged_db.parent / "backups").iterdir() if p.name.endswith(".damaged.sqlite")]
    assert saved and saved[0].read_bytes() == damaged_bytes  # the damaged file is kept as it was
    window.close()


def test_a_damaged_database_can_be_opened_read_only_and_is_never_written(open_window, damaged_db: Path,
                                                                         alerts) -> None:
    before = damaged_db.read_bytes()
    backups = sorted(p.name for p in (damaged_db.parent / "backups").iterdir())
    alerts.choice = 1  # "Åpne skrivebeskyttet"
    window = open_window(damaged_db)
    assert window.context.store.read_only
    notices = [text for kind, title, text in alerts.shown if kind == "info" and title == "Databasen er åpnet"]
    assert notices and "skadet" in notices[0]  # the notice after opening says so too, not only the question
    window.close()
    assert damaged_db.read_bytes() == before
    assert sorted(p.name for p in (damaged_db.parent / "backups").iterdir()) == backups
