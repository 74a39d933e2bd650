"""The window on a region's register on a PostgreSQL server (issue 17): it opens the demo there, an
edit lands for every coordinator, Fil › Koble til regionens register … reads the address strictly,
and a server that does not answer is offered again («Prøv igjen»), at start and while working."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog
from support import ROOT

from kpdesk.common.paths import ServerAddress
from kpdesk.ui.main_window import MainWindow, section_row

NOBODY = ServerAddress("postgresql://kari:hemmelig@127.0.0.1:1/kpdesk")  # nothing listens on port 1
NOBODY_SAID = "Databaseserveren svarer ikke (postgresql://kari@127.0.0.1:1/kpdesk)"


def employers_page(window: MainWindow, qtbot: Any, count: int) -> Any:
    window.navigation.setCurrentRow(section_row("EmployersPage"))
    page = window.page(section_row("EmployersPage"))
    qtbot.waitUntil(lambda: page.model.total_count() == count, timeout=20000)
    return page


def stored_name(location: Any, org_number: str) -> str | None:
    """What a second coordinator's kpdesk reads: a Store of its own."""
    from sqlalchemy import select

    from kpdesk.db.models import Employer
    from kpdesk.db.store import Store

    store = Store.open(location)
    try:
        return store.transaction(lambda s: s.scalar(select(Employer.name).where(Employer.org_number == org_number)))
    finally:
        store.close()


# ---------------------------------------------------------------- on a server (KPDESK_TEST_PG)

def test_the_window_opens_the_demo_on_a_server_and_an_edit_reaches_others(open_window, pg_url: str, qtbot,
                                                                             alerts) -> None:
    from kpdesk.admin.database_summary import summarise
    from kpdesk.cli import main
    from kpdesk.db.store import Store

    assert main(["demo", "--db", pg_url]) == 0
    address = ServerAddress(pg_url)
    other = Store.open(address)
    employers = other.transaction(summarise).employers
    other.close()
    window = open_window(address)
    assert window.db_path is None and window.context.db_path is None  # no early read of a file
    assert window.windowTitle() == address.shown and window.db_label.text() == address.shown
    page = employers_page(window, qtbot, employers)
    row = page.model.visible_rows()[0]
    page.select_where(lambda r: r.id == row.id)
    page.form.editors["name"].setText("Helgeland Regionlag AS")
    page.form.save_button.click()
    qtbot.waitUntil(lambda: any(r.name == "Helgeland Regionlag AS" for r in page.model.visible_rows()), timeout=10000)
    assert stored_name(address, row.org_number) == "Helgeland Regionlag AS"
    window.update_recent_menu()
    assert window.recent_menu.actions()[0].text() == address.shown
    assert alerts.shown == []


def test_backups_of_a_server_are_made_with_pg_dump(open_window, pg_url: str, qtbot, tmp_path: Path,
                                                   monkeypatch) -> None:
    from kpdesk.ui.dialogs.backups import ServerBackupDialog

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump er ikke installert")
    window = open_window(ServerAddress(pg_url))
    opened: list[ServerBackupDialog] = []
    monkeypatch.setattr(ServerBackupDialog, "exec", lambda self: opened.append(self) or 0)
    window.backups_action.trigger()
    dialog = opened[0]
    assert "pg_dump" in dialog.info.text() and "kpdesk restore --db" in dialog.info.text()
    out = tmp_path / "region.dump"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(out), "")))
    dialog.dump_button.click()
    qtbot.waitUntil(lambda: "er lagret" in dialog.outcome.text(), timeout=30000)
    assert out.read_bytes().startswith(b"PGDMP")


# ---------------------------------------------------------------- the address dialog

@pytest.mark.parametrize(("typed", "said"), [
    ("", "Skriv adressen til databaseserveren"),
    ("kpdesk.sqlite", "Adressen må begynne med postgresql://"),
    ("postgresql://kari@tjener:54x2/region", "Porten i «postgresql://kari@tjener:54x2/region» må være et tall"),
    ("postgresql://kari@tjener:99999/region", "må være et tall fra 1 til 65535"),
    ("postgresql://kari:hemmelig@tjener/region", "Skriv adressen uten passord"),
    ("postgresql:///region", "Adressen mangler tjeneren"),
    ("postgresql://kari@tjener:5432", "Adressen mangler navnet på databasen"),
])
def test_the_connection_dialog_refuses_a_bad_address_precisely(qtbot, typed: str, said: str) -> None:
    from kpdesk.ui.dialogs.server_address import ServerDialog

    dialog = ServerDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.edit, typed)
    dialog.connect_button.click()
    assert dialog.isVisible() and dialog.address is None  # stays open for the correction
    assert dialog.problem.isVisible() and said in dialog.problem.text()
    assert "hemmelig" not in dialog.problem.text()
    qtbot.keyClicks(dialog.edit, "x")
    assert not dialog.problem.isVisible()  # gone once the user types again


def test_the_connection_dialog_takes_a_good_address(qtbot) -> None:
    from kpdesk.ui.dialogs.server_address import ServerDialog

    dialog = ServerDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.edit, " postgresql://kari@region.helgeland.no:5432/kpdesk ")
    dialog.connect_button.click()
    assert dialog.address == ServerAddress("postgresql://kari@region.helgeland.no:5432/kpdesk")
    assert not dialog.isVisible()


# ---------------------------------------------------------------- a server that does not answer

def test_a_server_that_does_not_answer_when_opened_from_the_menu_keeps_the_file(open_window, seeded_db: Path,
                                                                                qtbot, alerts, monkeypatch) -> None:
    from kpdesk.ui.dialogs.server_address import ServerDialog

    window = open_window(seeded_db)
    store = window.context.store
    monkeypatch.setattr(ServerDialog, "ask", classmethod(lambda cls, *_a: NOBODY))
    alerts.choice = None  # «Avbryt»: the file stays open
    window.server_action.trigger()
    qtbot.waitUntil(lambda: bool(alerts.shown), timeout=15000)
    kind, title, text = alerts.shown[0]
    assert (kind, title) == ("choose", "Databaseserveren svarer ikke")
    assert text.startswith(NOBODY_SAID) and "hemmelig" not in text
    assert window.context.store is store and window.db_path == seeded_db
    assert not any(kind == "error" for kind, _t, _x in alerts.shown)


def test_at_start_a_server_that_does_not_answer_offers_to_open_a_file(qtbot, alerts, seeded_db: Path,
                                                                      monkeypatch) -> None:
    from kpdesk.ui.app import create_application

    create_application()
    window = MainWindow(NOBODY)
    qtbot.addWidget(window)
    window.show()
    alerts.choice = 1  # «Åpne en fil …»
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(seeded_db), "")))
    window.open_store()
    qtbot.waitUntil(lambda: window.context.store is not None, timeout=15000)
    assert alerts.shown[0][0] == "choose" and alerts.shown[0][2].startswith(NOBODY_SAID)
    assert window.db_path == seeded_db and window.windowTitle() == seeded_db.name
    employers_page(window, qtbot, 4)


def test_at_start_avslutt_closes_the_window(qtbot, alerts) -> None:
    from kpdesk.ui.app import create_application

    create_application()
    window = MainWindow(NOBODY)
    qtbot.addWidget(window)
    window.show()
    alerts.choice = None  # «Avslutt»
    window.open_store()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=15000)
    assert [kind for kind, _t, _x in alerts.shown] == ["choose"]


# ---------------------------------------------------------------- a server of the test's own

def _pg_server_available() -> bool:
    return any(Path(p).joinpath("initdb").exists() for p in Path("/usr/lib/postgresql").glob("*/bin"))


class OwnServer:
    """A PostgreSQL server in a temp folder (``scripts/pg_server.sh``) that the test stops and starts."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kpdesk-pg-"))
        self.folder.chmod(0o755)  # the server runs as the postgres user when the tests run as root
        self.url = ""

    def script(self, action: str) -> str:
        done = subprocess.run(["bash", str(ROOT / "scripts" / "pg_server.sh"), action, str(self.folder / "pg")],
                              capture_output=True, text=True, check=True, timeout=120)
        return done.stdout.strip()

    def start(self) -> None:
        self.url = self.script("start")

    def stop(self) -> None:
        self.script("stop")


@pytest.fixture
def own_server() -> Iterator[OwnServer]:
    if not _pg_server_available():
        pytest.skip("PostgreSQL er ikke installert (initdb mangler)")
    server = OwnServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture
def register_on_own_server(own_server: OwnServer, seeded_db: Path) -> ServerAddress:
    """The seeded register (four employers), moved onto the test's own server with ``kpdesk copy``."""
    from sqlalchemy import create_engine, make_url, text

    from kpdesk.cli import main

    admin = create_engine(make_url(own_server.url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE region"))
    admin.dispose()
    address = ServerAddress(own_server.url.rsplit("/", 1)[0] + "/region")
    assert main(["copy", "--from", str(seeded_db), "--to", address.url]) == 0
    return address


@pytest.mark.skipif(os.environ.get("KPDESK_SKIP_OWN_PG") == "1", reason="KPDESK_SKIP_OWN_PG=1")
def test_a_save_while_the_server_is_away_is_done_again_when_it_answers(open_window, own_server: OwnServer,
                                                                       register_on_own_server: ServerAddress,
                                                                       qtbot, alerts, monkeypatch) -> None:
    from kpdesk.ui import alerts as module

    window = open_window(register_on_own_server)
    page = employers_page(window, qtbot, 4)
    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    page.form.editors["name"].setText("Åsen Settefisk AS")
    asked: list[str] = []

    def server_back_then_retry(_parent: Any, title: str, text: str, yes: str, no: str | None = None) -> bool:
        asked.append(f"{title}: {text} [{yes}/{no}]")
        own_server.start()  # the server answers again before the coordinator chooses «Prøv igjen»
        return True

    monkeypatch.setattr(module, "question", server_back_then_retry)
    own_server.stop()
    page.form.save_button.click()
    qtbot.waitUntil(lambda: any(r.name == "Åsen Settefisk AS" for r in page.model.visible_rows()), timeout=30000)
    assert len(asked) == 1
    assert asked[0].startswith("Mistet forbindelsen til databaseserveren: Databaseserveren svarer ikke (")
    assert asked[0].endswith("[Prøv igjen/Avbryt]")
    assert stored_name(register_on_own_server, "123456785") == "Åsen Settefisk AS"
    assert alerts.shown == []  # no error dialog, no traceback


@pytest.mark.skipif(os.environ.get("KPDESK_SKIP_OWN_PG") == "1", reason="KPDESK_SKIP_OWN_PG=1")
def test_avbryt_leaves_the_edit_unsaved_without_a_second_message(open_window, own_server: OwnServer,
                                                                 register_on_own_server: ServerAddress,
                                                                 qtbot, alerts) -> None:
    window = open_window(register_on_own_server)
    page = employers_page(window, qtbot, 4)
    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    page.form.editors["name"].setText("Åsen Settefisk AS")
    alerts.answer = False  # «Avbryt»
    own_server.stop()
    page.form.save_button.click()
    qtbot.waitUntil(lambda: bool(alerts.shown), timeout=15000)
    qtbot.wait(300)
    assert [(kind, title) for kind, title, _x in alerts.shown] == [
        ("question", "Mistet forbindelsen til databaseserveren")]
    assert page.form.editors["name"].text() == "Åsen Settefisk AS"  # still in the form, to save later
    own_server.start()
    assert stored_name(register_on_own_server, "123456785") == "Åsen Smolt AS"


def test_the_recent_list_remembers_a_server_without_its_password(qapp, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from kpdesk.ui import recent_files

    QSettings().clear()
    gone = tmp_path / "borte.sqlite"
    recent_files.remember(gone)
    recent_files.remember(NOBODY)
    recent_files.remember(ServerAddress("postgresql://kari@127.0.0.1:1/kpdesk"))  # the same, once
    assert recent_files.remembered() == [ServerAddress("postgresql://kari@127.0.0.1:1/kpdesk"), gone]
    assert "hemmelig" not in str(QSettings().value(recent_files.KEY))
    assert recent_files.forget_missing() == [ServerAddress("postgresql://kari@127.0.0.1:1/kpdesk")]


# ---------------------------------------------------------------- the runner's retry hook, without a server

def test_held_jobs_run_again_in_order_or_fail_once_said(qtbot, alerts, monkeypatch) -> None:
    """Two jobs meet a server that went away: one question; «Prøv igjen» runs both again (in the order
    asked), «Avbryt» hands each to its on_error marked as said, so the error dialog stays silent."""
    from kpdesk.db.server import ServerUnavailable
    from kpdesk.ui import alerts as module
    from kpdesk.ui.app import create_application
    from kpdesk.ui.operations import Runner
    from kpdesk.ui.server_retry import RetryOffer

    create_application()
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    runner = Runner(widget)
    runner.retry = RetryOffer(widget)
    tries: dict[str, int] = {"a": 0, "b": 0}
    ran: list[str] = []
    results: list[object] = []

    def job(name: str, fail_times: int) -> Any:
        def work(_task: Any) -> str:
            tries[name] += 1
            if tries[name] <= fail_times:
                raise ServerUnavailable("Databaseserveren svarer ikke (postgresql://kari@tjener/region): borte.")
            ran.append(name)
            return name
        return work

    answer_question = alerts.question

    def user_takes_a_moment(*args: Any) -> bool:  # meanwhile the second job fails too, and joins
        qtbot.waitUntil(lambda: len(runner.retry.held) == 2, timeout=10000)  # type: ignore[union-attr]
        return answer_question(*args)

    monkeypatch.setattr(module, "question", user_takes_a_moment)
    for name in ("a", "b"):
        runner.submit(job(name, 1), results.append, results.append)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=10000)
    assert results == ["a", "b"] and ran == ["a", "b"] and tries == {"a": 2, "b": 2}
    assert [kind for kind, _t, _x in alerts.shown] == ["question"]  # one question for both

    alerts.shown.clear()
    monkeypatch.setattr(module, "question", answer_question)
    alerts.answer = False  # «Avbryt»
    failed: list[BaseException] = []
    runner.submit(job("a", 99), results.append, lambda exc: (failed.append(exc), module.show_exception(None, exc)))
    qtbot.waitUntil(lambda: bool(failed), timeout=10000)
    assert isinstance(failed[0], ServerUnavailable) and failed[0].said
    assert [kind for kind, _t, _x in alerts.shown] == ["question"]  # no error dialog after it
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=5000)
