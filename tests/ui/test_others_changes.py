"""Others' changes in the window: a second store (another coordinator, an import, a command) writes
beside an open window; the list picks it up after the poll, a stale save or undo is refused naming who
and when and writes nothing, and the user's typing is named, not lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kpdesk.db.models import Employer
from kpdesk.db.store import Store
from kpdesk.register import service as register
from kpdesk.register.validation import EmployerData
from kpdesk.ui.main_window import section_row


@pytest.fixture
def window(open_window, seeded_db: Path, qtbot):
    opened = open_window(seeded_db)
    opened.others_changes.timer.setInterval(150)
    opened.navigation.setCurrentRow(section_row("EmployersPage"))
    page = opened.page(section_row("EmployersPage"))
    qtbot.waitUntil(lambda: page.model.total_count() == 4 and opened.others_changes.looked)
    return opened


def employers(window):
    return window.page(section_row("EmployersPage"))


def kari_writes(db: Path, monkeypatch, name: str, notes: str) -> None:
    """Kari, at another window on the same database, writes new notes on an employer."""
    with monkeypatch.context() as patch:
        patch.setattr("getpass.getuser", lambda: "kari")
        other = Store.open(db)
        try:
            def work(s) -> None:
                row = next(r for r in register.list_employers(s) if r.name == name)
                register.save_employer(s, EmployerData(row.org_number, row.name, row.municipality, row.industry,
                                                       notes=notes), row.id)

            other.transaction(work)
        finally:
            other.close()


def stored(db: Path, org_number: str) -> tuple[str, str, int]:
    store = Store.open(db)
    try:
        return tuple(store.transaction(lambda s: s.execute(
            select(Employer.name, Employer.notes, Employer.version).where(Employer.org_number == org_number)).one()))
    finally:
        store.close()


def test_another_stores_change_appears_after_the_poll_keeping_the_selection(window, seeded_db, qtbot,
                                                                            monkeypatch) -> None:
    page = employers(window)
    page.select_where(lambda r: r.name == "Bodø kommune, helse")
    kari_writes(seeded_db, monkeypatch, "Ærlig Mek. Verksted", "Ringt av Kari")
    qtbot.waitUntil(lambda: any(r.notes == "Ringt av Kari" for r in page.model.visible_rows()), timeout=5000)
    assert page.selected_row().name == "Bodø kommune, helse"
    assert page.form.editors["name"].text() == "Bodø kommune, helse"
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Oppdatert: 1 endring fra andre")


def test_the_windows_own_save_is_no_change_from_others(window, qtbot) -> None:
    page = employers(window)
    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    page.form.editors["notes"].setPlainText("Egen endring")
    page.form.save_button.click()
    qtbot.waitUntil(lambda: any(r.notes == "Egen endring" for r in page.model.visible_rows()))
    seen = window.others_changes.timer.interval() * 4
    qtbot.wait(seen)
    assert "fra andre" not in window.statusBar().currentMessage()


def test_a_stale_save_is_refused_naming_who_and_what_was_typed_and_writes_nothing(window, seeded_db, qtbot,
                                                                                  monkeypatch, alerts) -> None:
    page = employers(window)
    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    page.form.editors["name"].setText("Åsen Settefisk AS")  # Ola types; Kari saves meanwhile
    kari_writes(seeded_db, monkeypatch, "Åsen Smolt AS", "Kari var her")
    qtbot.waitUntil(lambda: "ble endret av en annen mens du redigerte" in window.statusBar().currentMessage(),
                    timeout=5000)
    assert page.form.editors["name"].text() == "Åsen Settefisk AS"  # the poll keeps what Ola typed
    page.form.save_button.click()
    qtbot.waitUntil(lambda: bool(alerts.shown), timeout=5000)
    kind, title, text = alerts.shown[-1]
    assert (kind, title) == ("error", "Endret av en annen")
    assert text.startswith("Arbeidsgiveren «Åsen Smolt AS» ble endret av kari kl. ")
    assert "Endringen din er ikke lagret: se posten slik den er nå, og gjør endringen igjen." in text
    assert text.endswith("Det du skrev, som ikke er lagret:\n• Navn: Åsen Settefisk AS")
    assert stored(seeded_db, "123456785") == ("Åsen Smolt AS", "Kari var her", 2)
    # the form shows the record as stored now, and a save made again from it lands
    qtbot.waitUntil(lambda: page.form.editors["notes"].toPlainText() == "Kari var her" and not page.form.is_dirty())
    page.form.editors["name"].setText("Åsen Settefisk AS")
    page.form.save_button.click()
    qtbot.waitUntil(lambda: any(r.name == "Åsen Settefisk AS" for r in page.model.visible_rows()))
    assert stored(seeded_db, "123456785") == ("Åsen Settefisk AS", "Kari var her", 3)


def test_an_undo_over_someone_elses_change_is_refused(window, seeded_db, qtbot, monkeypatch, alerts) -> None:
    page = employers(window)
    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    page.form.editors["name"].setText("Åsen Settefisk AS")
    page.form.save_button.click()
    qtbot.waitUntil(lambda: any(r.name == "Åsen Settefisk AS" for r in page.model.visible_rows()))
    kari_writes(seeded_db, monkeypatch, "Åsen Settefisk AS", "Kari var her")
    window.context.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(alerts.shown), timeout=5000)
    assert alerts.shown[-1][2].startswith("Arbeidsgiveren «Åsen Settefisk AS» ble endret av kari kl. ")
    assert stored(seeded_db, "123456785") == ("Åsen Settefisk AS", "Kari var her", 3)


def test_a_poll_that_meets_a_server_gone_quiet_asks_no_one_and_polls_again(window, qtbot, monkeypatch,
                                                                          alerts) -> None:
    """The trial's finding: after «Avbryt» the «Prøv igjen» question came back every few seconds, raised
    by the background poll. A poll is not the user's work: it fails quietly and asks again next time."""
    from kpdesk.admin import changes
    from kpdesk.db.server import ServerUnavailable

    asked: list[int] = []

    def quiet(session, since):  # type: ignore[no-untyped-def]
        asked.append(1)
        raise ServerUnavailable("Databaseserveren svarer ikke (postgresql://kari@tjener/region).")

    monkeypatch.setattr(changes, "changes_since", quiet)
    qtbot.waitUntil(lambda: len(asked) >= 3, timeout=5000)  # polled again and again, never stuck
    assert alerts.shown == [] and window.runner.retry is not None and not window.runner.retry.held
