"""«Registrer samtykke»: the consent text, boxes that start from the consent in force, a reason for a
refused combination, and what withdrawing storage does (issue 16, items 1 and 5 of the Personer trial)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel

from kpdesk.register.service import ConsentRow


def in_force(stored: bool = True, contact: bool = True, statistics: bool = False, how: str = "e-post") -> ConsentRow:
    return ConsentRow(1, 1, stored, contact, statistics, dt.date(2026, 3, 2), how, "2026-1",
                      dt.datetime(2026, 3, 2, 10, 0))


def open_dialog(qtbot, *args):  # type: ignore[no-untyped-def]
    from kpdesk.ui.dialogs.consent import ConsentDialog

    dialog = ConsentDialog(None, *args)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def ticked(dialog) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    return {key: dialog.form.editors[key].isChecked() for key in ("stored", "contact", "statistics")}


def test_the_text_is_shown_and_a_person_without_consent_starts_with_nothing_ticked(qtbot) -> None:
    from kpdesk.register.consent_text import CONSENT_TEXT

    dialog = open_dialog(qtbot, "P00001")
    assert dialog.findChild(QLabel, "consentText").text() == CONSENT_TEXT
    form = dialog.form
    assert form.save_button.isEnabled() and form.save_button.text() == "Registrer samtykke"
    assert ticked(dialog) == {"stored": False, "contact": False, "statistics": False}
    # never consented: nothing to withdraw, no proof of a withdrawal, no offer to erase here
    assert dialog.without_storage.isVisible() and "kan ingen behov lagres" in dialog.without_storage.text()
    assert not dialog.erase_person.isVisible() and not dialog.findChild(QLabel, "keepPerson").isVisible()
    assert "bevis på at samtykket er trukket" not in " ".join(label.text() for label in dialog.findChildren(QLabel)
                                                             if label.isVisible())
    form.editors["stored"].setChecked(True)
    form.editors["statistics"].setChecked(True)
    form.save_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.data.stored and dialog.data.statistics and not dialog.data.contact
    assert dialog.data.given_on == dt.date.today() and dialog.data.text_version == "2026-1"
    assert not dialog.choice().erase_person


def test_ticking_contact_without_storage_says_why_the_button_is_grey(qtbot) -> None:
    dialog = open_dialog(qtbot, "P00001")
    form = dialog.form
    form.editors["contact"].setChecked(True)  # without «Lagring»: refused, and the dialog says why
    assert not form.save_button.isEnabled()
    reason = form.problem_labels["stored"]
    assert reason.isVisible()
    assert reason.text() == "Samtykke til kontakt eller statistikk forutsetter samtykke til at opplysningene lagres"
    assert form.save_button.toolTip() == f"Kan ikke registreres: {reason.text()}"
    qtbot.wait(20)  # laid out: the reason is as wide as the field column and whole, not cut under the box
    assert reason.fontMetrics().horizontalAdvance(reason.text()) < 2 * reason.width()  # two lines at most
    assert reason.height() >= reason.heightForWidth(reason.width())
    form.editors["stored"].setChecked(True)
    assert form.save_button.isEnabled() and not reason.isVisible() and form.save_button.toolTip() == ""


def test_the_boxes_start_from_the_consent_in_force(qtbot) -> None:
    dialog = open_dialog(qtbot, "P00002", in_force(), 3)
    assert ticked(dialog) == {"stored": True, "contact": True, "statistics": False}
    assert dialog.form.editors["how"].currentData() == "e-post"
    assert not dialog.storage_box.isVisible()  # storage kept: nothing about erasing
    dialog.form.save_button.click()  # the same answer asked again is a record too
    assert dialog.result() == dialog.DialogCode.Accepted
    assert (dialog.data.stored, dialog.data.contact, dialog.data.given_on) == (True, True, dt.date.today())


def test_withdrawing_storage_says_how_many_needs_go_and_keeps_the_person_by_default(qtbot) -> None:
    dialog = open_dialog(qtbot, "P00002", in_force(), 3)
    form = dialog.form
    form.editors["stored"].setChecked(False)
    assert dialog.without_storage.isVisible() and "3 behov slettes for godt" in dialog.without_storage.text()
    assert dialog.erase_person.isVisible() and not dialog.erase_person.isChecked()
    assert "bevis på at samtykket er trukket" in dialog.findChild(QLabel, "keepPerson").text()
    assert not form.save_button.isEnabled()  # «Kontakt» is still ticked
    form.editors["contact"].setChecked(False)
    form.editors["stored"].setChecked(True)
    assert not dialog.storage_box.isVisible() and not dialog.erase_person.isVisible()
    form.editors["stored"].setChecked(False)
    form.save_button.click()
    choice = dialog.choice()
    assert not choice.data.stored and not choice.erase_person


def test_erasing_the_person_is_a_choice_the_coordinator_ticks(qtbot) -> None:
    dialog = open_dialog(qtbot, "P00002", in_force(), 1)
    for key in ("stored", "contact"):
        dialog.form.editors[key].setChecked(False)
    dialog.erase_person.setChecked(True)
    dialog.form.save_button.click()
    assert dialog.choice().erase_person
