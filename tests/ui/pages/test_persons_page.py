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
    from kpdesk.ui.pages.persons import ConsentChoice, ConsentDialog

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


def test_unticking_storage_says_what_happens_and_offers_to_erase_the_person(qtbot) -> None:
    from kpdesk.ui.pages.persons import ConsentDialog

    dialog = ConsentDialog(None, "P00001", had_storage=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    stored = dialog.form.editors["stored"]
    assert dialog.without_storage.isVisible() and dialog.erase_person.isChecked()  # nothing ticked yet
    assert "behovene slettes for godt" in dialog.without_storage.text()
    stored.setChecked(True)
    assert not dialog.without_storage.isVisible() and not dialog.erase_person.isVisible()
    stored.setChecked(False)
    dialog.erase_person.setChecked(False)  # keep the person, with the proof of the withdrawal
    dialog.form.save_button.click()
    choice = dialog.choice()
    assert not choice.data.stored and not choice.erase_person


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
    from kpdesk.ui.pages.persons import ConsentChoice, ConsentDialog

    person_with_need(page, qtbot)
    asked: list[bool] = []

    def ask(cls, parent, ref, had_storage=False):
        asked.append(had_storage)
        return ConsentChoice(consent_data(False), erase_person=False)

    monkeypatch.setattr(ConsentDialog, "ask", classmethod(ask))
    alerts.answer = False  # «Registrer og slett behovene»? no: nothing happens
    page.consent.record_button.click()
    assert asked == [True] and "Behovene til personen slettes for godt" in alerts.texts()
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
    idle(qtbot)


def test_withdrawing_storage_can_erase_the_person_in_the_window(page, qtbot, monkeypatch, alerts) -> None:
    from kpdesk.ui.pages.persons import ConsentChoice, ConsentDialog

    person_with_need(page, qtbot)
    monkeypatch.setattr(ConsentDialog, "ask",
                        classmethod(lambda cls, *args: ConsentChoice(consent_data(False), erase_person=True)))
    page.consent.record_button.click()
    assert "Slette P00001 for godt?" in alerts.texts()
    qtbot.waitUntil(lambda: not any(r.name == "Kari Nordmann" for r in page.model.visible_rows()), timeout=10_000)
    assert b"Helsefagarbeider for Kari" not in page.context.store.path.read_bytes()
    idle(qtbot)
