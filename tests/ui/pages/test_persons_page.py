"""Personer: register an individual in the real form, record their consent in the real dialog, and
see the reminder while it is missing (issue 16, item 5)."""

from __future__ import annotations

import datetime as dt
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
    from kpdesk.register.validation import validate_consent
    from kpdesk.ui.pages.persons import ConsentDialog

    new_person(page, qtbot)
    qtbot.waitUntil(lambda: page.selected_row() is not None and page.selected_row().name == "Kari Nordmann")
    row = page.selected_row()
    assert row.ref.startswith("P") and row.municipality == "1824"
    assert page.consent.reminder.isVisibleTo(page) and "Samtykke mangler" in page.consent.reminder.text()
    assert page.model.data(page.model.index(page.model.row_of(lambda r: r.id == row.id), 4)) == "må sees på"
    assert "1 med samtykke som må sees på" in page.status_text()

    data, _ = validate_consent({"stored": "ja", "contact": "ja", "statistics": "nei", "given_on": "01.12.2026",
                                "how": "skjema", "text_version": "2026-1"})
    monkeypatch.setattr(ConsentDialog, "ask", classmethod(lambda cls, *args: data))
    page.consent.record_button.click()
    qtbot.waitUntil(lambda: page.selected_row() is not None and page.selected_row().consent is not None,
                    timeout=10_000)
    assert page.consent.summary.text() == "Ja til lagring og kontakt (skjema, 01.12.2026)"
    assert not page.consent.reminder.isVisibleTo(page)
    assert "må sees på" not in page.status_text()


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


def test_the_consent_dialog_shows_the_text_and_ticks_nothing_for_the_person(qtbot) -> None:
    from kpdesk.register.consent_text import CONSENT_TEXT
    from kpdesk.ui.pages.persons import ConsentDialog

    dialog = ConsentDialog(None, "P00001")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.findChild(type(dialog.form.problem_labels["how"]), "consentText").text() == CONSENT_TEXT
    form = dialog.form
    assert form.save_button.isEnabled() and form.save_button.text() == "Registrer samtykke"
    assert not any(form.editors[key].isChecked() for key in ("stored", "contact", "statistics"))  # none ticked
    form.editors["statistics"].setChecked(True)
    form.editors["stored"].setChecked(False)  # statistics without storage is refused
    assert not form.save_button.isEnabled()
    form.editors["stored"].setChecked(True)
    form.save_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.data.stored and dialog.data.statistics and not dialog.data.contact
    assert dialog.data.given_on == dt.date.today() and dialog.data.text_version == "2026-1"


def test_the_consent_filter_shows_who_needs_looking_at(page, qtbot) -> None:
    new_person(page, qtbot, "Per Påminnelse", "per@example.no")
    box = page.menu_boxes[1]
    box.setCurrentIndex(box.findData("look"))
    qtbot.waitUntil(lambda: [r.name for r in page.model.visible_rows()] == ["Per Påminnelse"])
    box.setCurrentIndex(box.findData("ok"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    idle(qtbot)
