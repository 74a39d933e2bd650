"""Arbeidsgivere: find, filter, sort, create, edit, delete with undo, contacts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from support import idle

from kpdesk.ui.main_window import section_row


@pytest.fixture
def page(open_window, seeded_db: Path, qtbot):
    window = open_window(seeded_db)
    window.navigation.setCurrentRow(section_row("EmployersPage"))
    employers = window.page(section_row("EmployersPage"))
    qtbot.waitUntil(lambda: employers.model.total_count() == 4)
    return employers


def names(page) -> list[str]:
    return [row.name for row in page.model.visible_rows()]


def test_model_is_well_behaved(page, qtmodeltester) -> None:
    qtmodeltester.check(page.model)
    page.filter_edit.setText("sykehjem")
    page.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(page.model)


def test_filter_as_you_type_folds_norwegian_letters(page, qtbot) -> None:
    qtbot.keyClicks(page.filter_edit, "øst")
    assert names(page) == ["Østre Vefsn sykehjem"]
    page.filter_edit.setText("ø")  # small ø finds capital Ø in names and ø in municipalities
    assert {"Østre Vefsn sykehjem", "Bodø kommune, helse", "Åsen Smolt AS"} <= set(names(page))
    page.filter_edit.clear()
    qtbot.keyClicks(page.filter_edit, "ÆRLIG")
    assert names(page) == ["Ærlig Mek. Verksted"]
    page.filter_edit.setText("vefsn sykehjem")  # every word must be there, in any column
    assert names(page) == ["Østre Vefsn sykehjem"]
    assert page.window().count_label.text() == "Viser 1 av 4 arbeidsgivere"


def test_sorting_puts_ae_oe_aa_last(page) -> None:
    page.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert names(page) == ["Bodø kommune, helse", "Ærlig Mek. Verksted", "Østre Vefsn sykehjem", "Åsen Smolt AS"]


def test_filter_by_municipality_menu(page) -> None:
    box = page.menu_boxes[0]
    labels = [box.itemText(i) for i in range(box.count())]
    assert labels[0] == "Alle kommuner"
    assert "Vefsn" in labels
    box.setCurrentIndex(labels.index("Vefsn"))
    assert names(page) == ["Østre Vefsn sykehjem"]


def test_form_validates_as_you_type_and_creates_with_undo(page, qtbot) -> None:
    page.new_button.click()
    form = page.form
    org = form.editors["org_number"]
    page.window().show()
    qtbot.waitExposed(page.window())
    org.setFocus()
    qtbot.waitUntil(org.hasFocus)
    qtbot.keyClicks(org, "988077918")  # wrong check digit
    problem = form.problem_labels["org_number"]
    assert not problem.isVisibleTo(page)  # not scolded while typing
    assert not form.save_button.isEnabled()
    qtbot.keyClick(org, Qt.Key.Key_Tab)  # leaving the field: now the reason shows
    assert problem.isVisibleTo(page) and "kontrollsiffer" in problem.text()
    org.setFocus()
    qtbot.keyClick(org, Qt.Key.Key_Backspace)
    assert "kontrollsiffer" not in problem.text()  # a shown reason follows the typing
    org.clear()
    qtbot.keyClicks(org, "974 760 673")
    qtbot.keyClicks(form.editors["name"], "Hemnes barnehage")
    qtbot.keyClicks(form.editors["municipality"], "Hemnes")
    assert not problem.isVisibleTo(page)
    assert form.save_button.isEnabled()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Hemnes barnehage" in names(page))
    qtbot.waitUntil(lambda: page.selected_row() is not None and page.selected_row().name == "Hemnes barnehage")
    assert page.selected_row().municipality == "1832"

    page.context.undo_stack.undo()
    qtbot.waitUntil(lambda: "Hemnes barnehage" not in names(page))
    page.context.undo_stack.redo()
    qtbot.waitUntil(lambda: "Hemnes barnehage" in names(page))


def test_duplicate_org_number_is_refused_with_pointer(page, qtbot, alerts) -> None:
    page.new_button.click()
    qtbot.keyClicks(page.form.editors["org_number"], "988077917")
    qtbot.keyClicks(page.form.editors["name"], "Kopi")
    page.form.save_button.click()
    qtbot.waitUntil(lambda: "Østre Vefsn sykehjem" in alerts.texts())
    assert names(page).count("Kopi") == 0


def test_edit_then_undo_restores_old_value(page, qtbot) -> None:
    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    name = page.form.editors["name"]
    assert name.text() == "Åsen Smolt AS"
    name.setText("Åsen Settefisk AS")
    page.form.save_button.click()
    qtbot.waitUntil(lambda: "Åsen Settefisk AS" in names(page))
    page.context.undo_stack.undo()
    qtbot.waitUntil(lambda: "Åsen Smolt AS" in names(page))


def test_delete_asks_and_undo_brings_back_contacts_and_needs(page, qtbot, alerts) -> None:
    page.select_where(lambda r: r.name == "Østre Vefsn sykehjem")
    alerts.answer = False
    page.delete_button.click()
    assert "Østre Vefsn sykehjem" in names(page)  # the safe answer keeps it
    assert any("med 1 behov og 1 kontaktperson?" in str(item) for item in alerts.shown)  # not «1 kontaktpersoner»
    alerts.answer = True
    page.delete_button.click()
    qtbot.waitUntil(lambda: "Østre Vefsn sykehjem" not in names(page))
    page.context.undo_stack.undo()
    qtbot.waitUntil(lambda: "Østre Vefsn sykehjem" in names(page))
    row = next(r for r in page.model.visible_rows() if r.name == "Østre Vefsn sykehjem")
    assert (row.contacts, row.needs) == (1, 1)


def test_contacts_add_and_erase(page, qtbot, monkeypatch, alerts) -> None:
    from kpdesk.register.validation import validate_contact
    from kpdesk.ui.pages.contacts import ContactDialog

    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    panel = page.contacts
    assert panel.isEnabled()
    data, _ = validate_contact({"name": "Per Hansen", "email": "per@asen.example.no", "phone": "+47 900 00 000"})
    monkeypatch.setattr(ContactDialog, "ask", classmethod(lambda cls, *args: data))
    panel.add_button.click()
    qtbot.waitUntil(lambda: panel.model.total_count() == 1)
    assert panel.model.row_at(0).name == "Per Hansen"
    panel.view.selectRow(0)
    panel.erase_button.click()
    qtbot.waitUntil(lambda: panel.model.total_count() == 0)
    assert "kan ikke angres" in alerts.texts()


def test_erase_offers_to_purge_the_backups_that_still_hold_the_person(page, qtbot, monkeypatch, alerts) -> None:
    from kpdesk.admin.erasure import file_holds
    from kpdesk.db import backup
    from kpdesk.register.validation import validate_contact
    from kpdesk.ui.pages.contacts import ContactDialog

    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    panel = page.contacts
    data, _ = validate_contact({"name": "Zyxwvu Testperson", "email": "zyxwvu@asen.example.no"})
    monkeypatch.setattr(ContactDialog, "ask", classmethod(lambda cls, *args: data))
    panel.add_button.click()
    qtbot.waitUntil(lambda: panel.model.total_count() == 1)
    idle(qtbot)
    copy = backup.create_backup(page.context.store.path, "manual")
    assert file_holds(copy.path, ["zyxwvu@asen.example.no"])
    panel.view.selectRow(0)
    alerts.answer = True  # "Slett for godt", then "Fjern fra sikkerhetskopiene"
    panel.erase_button.click()
    qtbot.waitUntil(lambda: "Fjernet personen fra 1 sikkerhetskopi" in page.window().statusBar().currentMessage()
                    or not file_holds(copy.path, ["zyxwvu@asen.example.no"]), timeout=10_000)
    assert copy.path.name in alerts.texts()
    assert not file_holds(copy.path, ["zyxwvu@asen.example.no", "Zyxwvu Testperson"])


def test_moving_away_from_unsaved_edits_asks_first(page, qtbot, alerts) -> None:
    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    page.form.editors["name"].setText("Åsen Smolt og Settefisk AS")
    alerts.answer = True  # "Lagre"
    page.select_where(lambda r: r.name == "Bodø kommune, helse")
    assert "Vil du lagre" in alerts.texts()
    qtbot.waitUntil(lambda: "Åsen Smolt og Settefisk AS" in names(page))
    idle(qtbot)
    assert page.form.editors["name"].text() == "Bodø kommune, helse"

    page.form.editors["name"].setText("Bodø kommune")
    alerts.answer = False  # "Forkast"
    page.select_where(lambda r: r.name == "Ærlig Mek. Verksted")
    assert page.form.editors["name"].text() == "Ærlig Mek. Verksted"
    assert "Bodø kommune" not in names(page)


def test_invalid_unsaved_edits_keep_the_user_on_the_record(page, alerts) -> None:
    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    page.form.editors["org_number"].setText("12")
    alerts.answer = False  # "Fortsett å redigere"
    page.select_where(lambda r: r.name == "Bodø kommune, helse")
    assert "kan ikke lagres" in alerts.texts()
    assert page.selected_row().name == "Åsen Smolt AS"
    assert page.form.editors["org_number"].text() == "12"


def test_contact_export_is_the_privacy_services_file_with_its_audit_entry(page, qtbot, monkeypatch, tmp_path) -> None:
    """The window's «Eksporter alt om personen» writes what ``kpdesk person export`` writes:
    atomically, owner-only, and the access is in the audit log."""
    import json
    import stat

    from PySide6.QtWidgets import QFileDialog
    from support import read_db

    from kpdesk.admin.audit_log import audit_rows

    page.select_where(lambda r: r.name == "Østre Vefsn sykehjem")
    panel = page.contacts
    qtbot.waitUntil(lambda: panel.model.total_count() == 1)
    panel.view.selectRow(0)
    out = tmp_path / "innsyn.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(out), "")))
    panel.export_button.click()
    idle(qtbot)
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [c["name"] for c in exported["contacts"]] == ["Kari Nordmann"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.tmp*"))  # no temporary file left beside it
    newest = read_db(page.context, lambda s: audit_rows(s, limit=1))[0]
    assert (newest.action, newest.entity) == ("export", "contact_person")
    assert "Kari" not in newest.summary  # the audit line names no personal data


def test_contact_dialog_has_one_way_out_and_says_a_wrong_email_in_full(qtbot) -> None:
    from kpdesk.ui.pages.contacts import ContactDialog

    dialog = ContactDialog(None, {"name": "Tone Storli", "email": "tone.storli@reipa"}, "Endre kontaktperson")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    buttons = [b.text() for b in dialog.findChildren(QPushButton) if b.isVisibleTo(dialog)]
    assert "Avbryt" in buttons and "Forkast endringer" not in buttons
    dialog.form.save()
    problem = dialog.form.problem_labels["email"]
    assert "er ikke en e-postadresse" in problem.text() and problem.wordWrap()
    assert problem.heightForWidth(problem.width()) <= problem.height()  # every line of it shows


def test_contact_table_fits_the_panel_with_the_address_shortened_in_the_middle(page, qtbot) -> None:
    from kpdesk.register.validation import validate_contact
    from kpdesk.ui.pages.contacts import ContactDialog

    page.window().resize(1366, 728)
    page.window().show()
    qtbot.waitExposed(page.window())
    page.select_where(lambda r: r.name == "Åsen Smolt AS")
    panel = page.contacts
    address = "tone.storli@reipa-kro-og-camping-avd-halsa.example.no"
    data, _ = validate_contact({"name": "Tone Storli", "role": "Hotelldirektør", "email": address})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ContactDialog, "ask", classmethod(lambda cls, *args: data))
        panel.add_button.click()
        qtbot.waitUntil(lambda: panel.model.total_count() == 1)
    view = panel.view
    header = view.horizontalHeader()
    assert header.length() <= view.viewport().width()  # no sideways scrolling
    email = panel.model.index(0, 2)
    assert view.itemDelegate().is_elided(email)  # shortened, the whole address in the tooltip
    assert all(view.columnWidth(n) > 0 for n in range(4))


def test_a_long_list_counts_with_grouped_thousands_in_the_status_bar(page, qtbot) -> None:
    import dataclasses

    first = page.model.visible_rows()[0]
    rows = [dataclasses.replace(first, id=10_000 + n, name=f"Arbeidsgiver {n:04d}") for n in range(1234)]
    page.show_prepared(page.prepare(rows, page.fetch_extra(None, rows)))
    window = page.window()
    qtbot.waitUntil(lambda: "1\u00a0234 arbeidsgivere" in window.count_label.text())
    page.filter_edit.setText("Arbeidsgiver 0999")
    qtbot.waitUntil(lambda: window.count_label.text() == "Viser 1 av 1\u00a0234 arbeidsgivere")


def test_one_row_is_counted_in_the_singular(page, qtbot) -> None:
    page.filter_edit.setText("Åsen Smolt")
    window = page.window()
    qtbot.waitUntil(lambda: window.count_label.text() == "Viser 1 av 4 arbeidsgivere")
    rows = [r for r in page.model.visible_rows()]
    page.show_prepared(page.prepare(rows, page.fetch_extra(None, rows)))
    page.filter_edit.clear()
    qtbot.waitUntil(lambda: window.count_label.text() == "1 arbeidsgiver")
