"""Personer: register an individual in the real form, record their consent in the real dialog, and
see the reminder while it is missing (issue 16, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support import idle

from kpdesk.ui.main_window import section_row


@pytest.fixture
def page(open_window, seeded_db: Path, qtbot):
    window = open_window(seeded_db)
    window.show()
    qtbot.waitExposed(window)
    window.navigation.setCurrentRow(section_row("PersonsPage"))
    persons = window.page(section_row("PersonsPage"))
    qtbot.waitUntil(lambda: persons.context.store is not None and bool(persons._orgs), timeout=10_000)
    return persons


def type_into(qtbot, field, text: str) -> None:
    field.setFocus()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Tab)


def new_person(page, qtbot, name: str = "Kari Nordmann", email: str = "kari@example.no") -> None:
    page.new_button.click()
    form = page.form
    type_into(qtbot, form.editors["name"], name)
    type_into(qtbot, form.editors["municipality"], "1824")
    type_into(qtbot, form.editors["email"], email)
    assert form.save_button.isEnabled()
    form.save_button.click()
    qtbot.waitUntil(lambda: any(r.name == name for r in page.model.visible_rows()), timeout=10_000)


def test_a_new_person_gets_a_ref_and_a_reminder_until_consent_is_recorded(page, qtbot, monkeypatch) -> None:
    from kpdesk.ui.dialogs.consent import ConsentChoice, ConsentDialog

    new_person(page, qtbot)
    qtbot.waitUntil(lambda: page.selected_row() is not None and page.selected_row().name == "Kari Nordmann")
    row = page.selected_row()
    assert row.ref.startswith("P") and row.municipality == "1824"
    assert page.consent.reminder.isVisibleTo(page) and "Samtykke mangler" in page.consent.reminder.text()
    assert page.model.data(page.model.index(page.model.row_of(lambda r: r.id == row.id), 4)) == "må sees på"
    assert "1 med samtykke som må sees på" in page.status_text()
    # beside the e-mail: no consent, so no one may write to her about offers
    assert page.contact_consent.isVisibleTo(page)
    assert page.contact_consent.text() == "Kan kontaktes om tilbud: nei (samtykke mangler)"

    monkeypatch.setattr(ConsentDialog, "ask", classmethod(lambda cls, *args: ConsentChoice(consent_data(True))))
    page.consent.record_button.click()
    qtbot.waitUntil(lambda: page.selected_row() is not None and page.selected_row().consent is not None,
                    timeout=10_000)
    assert page.consent.summary.text() == "Ja til lagring og kontakt (skjema, 01.12.2026)"
    assert not page.consent.reminder.isVisibleTo(page)
    assert "må sees på" not in page.status_text()
    assert page.contact_consent.text() == "Kan kontaktes om tilbud: ja"


def consent_data(stored: bool):
    from kpdesk.register.validation import validate_consent

    yes = "ja" if stored else "nei"
    data, problems = validate_consent({"stored": yes, "contact": yes, "statistics": "nei",
                                       "given_on": "01.12.2026", "how": "skjema", "text_version": "2026-1"})
    assert data is not None, problems
    return data


def test_a_person_needs_an_email_or_a_phone_and_a_known_employer(page, qtbot) -> None:
    page.new_button.click()
    form = page.form
    type_into(qtbot, form.editors["name"], "Ola Uten Kontakt")
    form.save()
    assert "e-post eller telefon" in form.problem_labels["email"].text()
    type_into(qtbot, form.editors["phone"], "900 00 000")
    type_into(qtbot, form.editors["employer"], "974760673")  # a valid number, not in the register
    assert "Fant ingen arbeidsgiver" in form.problem_labels["employer"].text()
    assert not form.save_button.isEnabled()
    form.editors["employer"].clear()
    assert form.save_button.isEnabled()


def test_the_consent_filter_shows_who_needs_looking_at(page, qtbot) -> None:
    new_person(page, qtbot, "Per Påminnelse", "per@example.no")
    box = page.menu_boxes[1]
    box.setCurrentIndex(box.findData("look"))
    qtbot.waitUntil(lambda: [r.name for r in page.model.visible_rows()] == ["Per Påminnelse"])
    box.setCurrentIndex(box.findData("ok"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    idle(qtbot)


def person_with_need(page, qtbot) -> None:
    """Kari with consent to storage and one need, as the register has them."""
    from kpdesk.register import service as register
    from kpdesk.register.validation import NeedData

    new_person(page, qtbot)
    row = next(r for r in page.model.visible_rows() if r.name == "Kari Nordmann")
    with page.context.store.session() as s:
        register.record_consent(s, row.id, consent_data(True))
        register.save_need(s, NeedData(None, "Helsefagarbeider for Kari", person=row.ref))
    page.context.data_changed.emit("consent")
    qtbot.waitUntil(lambda: page.selected_row() is not None and page.selected_row().consent is not None,
                    timeout=10_000)


def test_withdrawing_storage_in_the_window_erases_the_needs(page, qtbot, monkeypatch, alerts) -> None:
    from sqlalchemy import select

    from kpdesk.db.models import Need
    from kpdesk.ui.dialogs.consent import ConsentChoice, ConsentDialog

    person_with_need(page, qtbot)
    asked: list[tuple[bool, int]] = []

    def ask(cls, parent, ref, current=None, needs=0):
        asked.append((current.stored, needs))
        return ConsentChoice(consent_data(False), erase_person=False)

    monkeypatch.setattr(ConsentDialog, "ask", classmethod(ask))
    said: list[str] = []
    page.context.status_message.connect(said.append)
    alerts.answer = False  # «Registrer og slett behovene»? no: nothing happens
    page.consent.record_button.click()
    qtbot.waitUntil(lambda: bool(asked))
    assert asked == [(True, 1)]  # the consent in force and how many needs withdrawing erases
    assert "1 behov til personen slettes for godt" in alerts.texts()
    with page.context.store.session() as s:
        assert list(s.scalars(select(Need.title).where(Need.person_id.is_not(None)))) == ["Helsefagarbeider for Kari"]
    alerts.answer = True
    page.consent.record_button.click()
    qtbot.waitUntil(lambda: page.selected_row() is not None and not page.selected_row().consent.stored,
                    timeout=10_000)
    with page.context.store.session() as s:
        assert list(s.scalars(select(Need.title).where(Need.person_id.is_not(None)))) == []
    assert page.consent.reminder.isVisibleTo(page) and "skal slettes" in page.consent.reminder.text()
    assert page.contact_consent.text() == "Kan kontaktes om tilbud: nei"
    assert said[-1].startswith("Samtykket for P00001 er registrert; 1 behov er slettet.")
    idle(qtbot)


def test_withdrawing_storage_can_erase_the_person_in_the_window(page, qtbot, monkeypatch, alerts) -> None:
    from kpdesk.ui.dialogs.consent import ConsentChoice, ConsentDialog

    person_with_need(page, qtbot)
    monkeypatch.setattr(ConsentDialog, "ask",
                        classmethod(lambda cls, *args: ConsentChoice(consent_data(False), erase_person=True)))
    page.consent.record_button.click()
    qtbot.waitUntil(lambda: "Slette P00001 for godt?" in alerts.texts())
    assert "samtykkene og 1 behov fjernes" in alerts.texts()
    qtbot.waitUntil(lambda: not any(r.name == "Kari Nordmann" for r in page.model.visible_rows()), timeout=10_000)
    assert b"Helsefagarbeider for Kari" not in page.context.store.path.read_bytes()
    idle(qtbot)


def test_the_consent_dialog_opens_with_the_consent_in_force(page, qtbot, monkeypatch) -> None:
    """«Registrer samtykke …» starts from what the person agreed to, and knows what withdrawing erases."""
    from kpdesk.ui.dialogs.consent import ConsentDialog

    person_with_need(page, qtbot)
    shown: list[ConsentDialog] = []
    monkeypatch.setattr(ConsentDialog, "exec", lambda self: shown.append(self) or 0)
    page.consent.record_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    dialog = shown[0]
    qtbot.addWidget(dialog)
    editors = dialog.form.editors
    assert [editors[key].isChecked() for key in ("stored", "contact", "statistics")] == [True, True, False]
    editors["stored"].setChecked(False)
    assert "1 behov slettes for godt" in dialog.without_storage.text() and not dialog.erase_person.isChecked()


def test_a_persons_needs_are_listed_and_lead_to_the_need_on_behov(page, qtbot) -> None:
    """On Behov the owner is «Privatperson P00001», never the name: the Personer page finds her needs."""
    from PySide6.QtCore import Qt as QtKeys

    from kpdesk.ui.widgets.table_view import column_layout

    window = page.window()
    window.navigation.setCurrentRow(section_row("NeedsPage"))
    needs_page = window.current_page()
    qtbot.waitUntil(lambda: needs_page.model.total_count() > 0, timeout=10_000)
    needs_page.filter_edit.setText("Sveis")  # a filter that hides Kari's need
    window.navigation.setCurrentRow(section_row("PersonsPage"))
    assert page.needs.title() == "Behov" and not page.needs.isEnabled()  # no one chosen yet
    person_with_need(page, qtbot)
    panel = page.needs
    qtbot.waitUntil(lambda: panel.model.total_count() == 1, timeout=10_000)
    assert panel.title() == "Behov (1)" and not panel.empty.isVisibleTo(page)
    cells = [panel.model.data(panel.model.index(0, c)) for c in range(panel.model.columnCount())]
    assert cells[1:] == ["Helsefagarbeider for Kari", "ny", "1"]
    assert column_layout(panel.view) is not None
    need_id = panel.model.row_at(0).id
    rect = panel.view.visualRect(panel.model.index(0, 1))
    qtbot.mouseClick(panel.view.viewport(), QtKeys.MouseButton.LeftButton, pos=rect.center())  # as a hand
    qtbot.mouseDClick(panel.view.viewport(), QtKeys.MouseButton.LeftButton, pos=rect.center())  # presses first
    assert window.current_page() is needs_page
    qtbot.waitUntil(lambda: needs_page.selected_row() is not None and needs_page.selected_row().id == need_id,
                    timeout=10_000)
    assert needs_page.filter_edit.text() == ""  # the filter that hid it is cleared
    assert needs_page.form.editors["title"].text() == "Helsefagarbeider for Kari"


def test_a_person_without_needs_is_told_where_they_are_registered(page, qtbot) -> None:
    new_person(page, qtbot, "Ola Uten Behov", "ola@example.no")
    qtbot.waitUntil(lambda: page.selected_row() is not None and page.selected_row().name == "Ola Uten Behov")
    qtbot.waitUntil(lambda: page.needs.title() == "Behov (0)", timeout=10_000)
    assert page.needs.empty.isVisibleTo(page) and "Behov-siden" in page.needs.empty.text()
    assert not page.needs.open_button.isVisibleTo(page)


def test_export_and_erase_a_person_from_the_page(page, qtbot, monkeypatch, alerts, tmp_path: Path) -> None:
    """The person's rights from the window, as for a contact person: an export of everything, then
    erasure for good with the needs and consents."""
    import json

    from PySide6.QtWidgets import QFileDialog

    person_with_need(page, qtbot)
    out = tmp_path / "innsyn.json"
    offered: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _parent, _title, name, _filter: offered.append(name) or (str(out), ""))
    page.consent.export_button.click()
    qtbot.waitUntil(out.exists, timeout=10_000)
    assert offered == ["personopplysninger-P00001.json"]
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [p["name"] for p in exported["persons"]] == ["Kari Nordmann"]
    assert [n["title"] for n in exported["needs"]] == ["Helsefagarbeider for Kari"] and exported["consents"]

    said: list[str] = []
    page.context.status_message.connect(said.append)
    alerts.answer = False
    page.consent.erase_button.click()
    qtbot.waitUntil(lambda: "for godt?" in alerts.texts(), timeout=10_000)
    assert "Slette alle personopplysninger om P00001 «Kari Nordmann» for godt?" in alerts.texts()
    assert "med samtykkene og 1 behov" in alerts.texts()
    assert any(r.name == "Kari Nordmann" for r in page.model.visible_rows())
    alerts.answer = True
    page.consent.erase_button.click()
    qtbot.waitUntil(lambda: not any(r.name == "Kari Nordmann" for r in page.model.visible_rows()), timeout=10_000)
    assert any(text.startswith("Personopplysningene om P00001 er slettet.") for text in said)
    page.context.store.compact()
    data = page.context.store.path.read_bytes()
    # (a contact person in the seeded register is also called Kari Nordmann: her name stays, as hers)
    assert b"kari@example.no" not in data and b"Helsefagarbeider for Kari" not in data
    idle(qtbot)
