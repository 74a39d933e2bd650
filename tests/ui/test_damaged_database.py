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


def opened_window(qtbot, path: Path):  # type: ignore[no-untyped-def]
    from kpdesk.ui.app import create_application
    from kpdesk.ui.main_window import MainWindow

    create_application()
    window = MainWindow(path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_store()
    return window


def test_the_newest_good_backup_is_offered_and_restored(qtbot, damaged_db: Path, alerts) -> None:
    damaged_bytes = damaged_db.read_bytes()
    alerts.choice = 0  # "Gjenopprett sikkerhetskopien"
    window = opened_window(qtbot, damaged_db)
    qtbot.waitUntil(lambda: window.context.store is not None, timeout=15_000)
    assert any(kind == "choose" and title == "Databasen er skadet" for kind, title, _ in alerts.shown)
    assert "manual" in alerts.texts()
    assert not window.context.store.read_only
    with window.context.store.session() as session:
        assert session.scalar(select(func.count()).select_from(Employer)) == 4
    saved = [p for p in (damaged_db.parent / "backups").iterdir() if p.name.endswith(".damaged.sqlite")]
    assert saved and saved[0].read_bytes() == damaged_bytes  # the damaged file is kept as it was
    window.close()


def test_a_damaged_database_can_be_opened_read_only_and_is_never_written(qtbot, damaged_db: Path,
                                                                         alerts) -> None:
    before = damaged_db.read_bytes()
    backups = sorted(p.name for p in (damaged_db.parent / "backups").iterdir())
    alerts.choice = 1  # "Åpne skrivebeskyttet"
    window = opened_window(qtbot, damaged_db)
    qtbot.waitUntil(lambda: window.context.store is not None, timeout=15_000)
    assert window.context.store.read_only
    assert "skadet" in alerts.texts()  # the notice after opening says so too
    window.close()
    assert damaged_db.read_bytes() == before
    assert sorted(p.name for p in (damaged_db.parent / "backups").iterdir()) == backups
