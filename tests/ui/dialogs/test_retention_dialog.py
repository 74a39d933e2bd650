"""Sletting etter lagringstid: who is due, nothing deleted without confirmation, then deleted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt


def test_due_contacts_are_listed_and_deleted_only_on_confirmation(open_window, seeded_db: Path, qtbot, alerts,
                                                                  monkeypatch) -> None:
    from kpdesk.ui.dialogs.retention import RetentionDialog

    window = open_window(seeded_db)
    shown: list[RetentionDialog] = []
    monkeypatch.setattr(RetentionDialog, "exec", lambda self: shown.append(self) or 0)
    window.retention_action.trigger()
    dialog = shown[0]
    qtbot.waitUntil(lambda: dialog.months.value() == 24)
    assert dialog.model.total_count() == 0  # Kari was registered today
    assert dialog.summary.text() == "0 personer kan slettes."  # contact persons and individuals alike
    dialog.months.setValue(1)
    assert dialog.months.text() == "1 måned"
    dialog.months.setValue(0)
    dialog.save_months()
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("0"))

    # the rule counts from the last activity: pretend the contact was registered three years ago
    from sqlalchemy import text

    with window.context.store.session() as session:
        session.execute(text("UPDATE contact_person SET registered_on = '2023-01-01'"))
        session.execute(text("UPDATE need SET status = 'closed', status_changed_on = '2023-01-01', "
                             "updated_at = '2023-01-01' WHERE employer_id = "
                             "(SELECT employer_id FROM contact_person LIMIT 1)"))
        session.execute(text("DELETE FROM audit_entry WHERE entity = 'contact_person'"))
    dialog.months.setValue(24)
    dialog.save_months()
    qtbot.waitUntil(lambda: dialog.model.total_count() == 1)
    assert dialog.model.row_at(0).name == "Kari Nordmann"
    from kpdesk.admin.erasure import file_holds
    from kpdesk.db import backup

    copy = backup.create_backup(window.context.store.path, "manual")  # a backup holding Kari
    assert file_holds(copy.path, ["Kari Nordmann"])
    dialog.view.selectRow(0)
    alerts.answer = False
    dialog.delete_selected()
    assert dialog.model.total_count() == 1
    alerts.answer = True  # "Slett for godt", then "Fjern fra sikkerhetskopiene", as from the contact panel
    dialog.delete_selected()
    qtbot.waitUntil(lambda: dialog.model.total_count() == 0)
    assert "kan ikke angres" in alerts.texts()
    qtbot.waitUntil(lambda: not file_holds(copy.path, ["Kari Nordmann"]), timeout=10_000)
    assert copy.path.name in alerts.texts()  # the backup was named before it was purged


def test_individuals_due_are_listed_beside_contacts_and_erased_on_confirmation(open_window, seeded_db: Path, qtbot,
                                                                              alerts, monkeypatch) -> None:
    """A person who withdrew the consent to storage is due at once; one with no open need for the
    rule's months too. Both are shown by ref beside the contact persons and erased when confirmed."""
    import datetime as dt

    from sqlalchemy import select, text

    from kpdesk.db.models import Person
    from kpdesk.db.store import Store
    from kpdesk.register import service as register
    from kpdesk.register.validation import ConsentData, NeedData, PersonData
    from kpdesk.ui.dialogs.retention import RetentionDialog

    store = Store.open(seeded_db)
    with store.session() as s:
        withdrawn = register.save_person(s, PersonData("Qwertzu Trukket", "1836", "qwertzu@example.no"))
        register.record_consent(s, withdrawn, ConsentData(True))
        register.save_need(s, NeedData(None, "Helsefagarbeider", person="P00001", status="closed"))
        register.record_consent(s, withdrawn, ConsentData(False))
        idle = register.save_person(s, PersonData("Ola Stille", "1804", "ola@example.no"))
        register.record_consent(s, idle, ConsentData(True, given_on=dt.date(2023, 1, 2)))
        s.execute(text("UPDATE person SET created_at = '2023-01-01 10:00:00', updated_at = '2023-01-01 10:00:00' "
                       "WHERE ref = 'P00002'"))
        s.execute(text("UPDATE consent SET recorded_at = '2023-01-02 10:00:00' WHERE person_id = :id"), {"id": idle})
        s.execute(text("DELETE FROM audit_entry WHERE entity = 'person'"))
        register.save_person(s, PersonData("Per Aktiv", "1804", "per@example.no"))  # no consent: due too
        kept = register.save_person(s, PersonData("Kari Beholdt", "1804", "kari.b@example.no"))
        register.record_consent(s, kept, ConsentData(True))  # registered today: kept
    store.close()

    window = open_window(seeded_db)
    shown: list[RetentionDialog] = []
    monkeypatch.setattr(RetentionDialog, "exec", lambda self: shown.append(self) or 0)
    window.retention_action.trigger()
    dialog = shown[0]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.total_count() == 3, timeout=10_000)
    rows = [dialog.model.row_at(i) for i in range(3)]
    assert {r.belongs_to for r in rows} == {"Privatperson P00001", "Privatperson P00002", "Privatperson P00003"}
    assert dialog.summary.text() == "3 privatpersoner kan slettes."
    column = next(i for i in range(dialog.model.columnCount()) if dialog.model.headerData(i, Qt.Orientation.Horizontal)
                  == "Arbeidsgiver / ref.")
    first = dialog.model.row_of(lambda r: r.ref == "P00001")
    assert dialog.model.data(dialog.model.index(first, column)) == "Privatperson P00001"
    assert "samtykket til lagring er trukket" in dialog.model.row_at(first).reason

    dialog.view.selectRow(first)
    second = dialog.model.row_of(lambda r: r.ref == "P00002")
    dialog.view.selectionModel().select(dialog.model.index(second, 0), QItemSelectionModel.SelectionFlag.Select
                                        | QItemSelectionModel.SelectionFlag.Rows)
    alerts.answer = False
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert "Slette 2 privatpersoner for godt?" in alerts.texts() and dialog.model.total_count() == 3
    alerts.answer = True
    said: list[str] = []
    window.context.status_message.connect(said.append)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.total_count() == 1, timeout=10_000)
    assert dialog.model.row_at(0).ref == "P00003"
    # each on its own ground: one by the rule's months, one because the consent was withdrawn
    why = "etter oppbevaringsregelen (24 måneder uten åpne behov) og fordi samtykket til lagring er trukket"
    assert said[0].startswith(f"Slettet 2 privatpersoner {why}.")
    from kpdesk.admin import audit_log

    with window.context.store.session() as s:
        assert audit_log.audit_rows(s)[0].summary == f"Slettet personopplysninger {why}: 2 privatpersoner"
    with window.context.store.session() as s:
        assert sorted(s.scalars(select(Person.ref))) == ["P00003", "P00004"]
    window.context.store.compact()
    assert b"Qwertzu" not in seeded_db.read_bytes() and b"Ola Stille" not in seeded_db.read_bytes()


def test_the_exam_candidates_rule_is_edited_and_erased_here(open_window, tmp_path: Path, qtbot, alerts,
                                                            monkeypatch) -> None:
    from sqlalchemy import select

    from kpdesk.booking import exams
    from kpdesk.booking.exam_inputs import Accommodation, CandidateData, validate_exam
    from kpdesk.booking.rooms import RoomData, save_room
    from kpdesk.db.models import ExamCandidate
    from kpdesk.db.store import Store
    from kpdesk.ui.dialogs.retention import RetentionDialog

    db = tmp_path / "eksamen.sqlite"
    store = Store.open(db)

    def setup(s) -> None:
        save_room(s, RoomData("Eksamensrommet", 10))
        data, _ = validate_exam({"ref": "EKS-1", "room": "Eksamensrommet", "institution": "UiT", "course_code": "X1",
                                 "title": "Gammel", "start": "12.05.2020 09:00", "end": "12:00"})
        sitting = exams.create_sitting(s, data)
        exams.save_candidate(s, sitting, CandidateData("EKS-1", "1", "Åse Aspen", "ase@example.no", Accommodation(),
                                                       "present"))

    store.transaction(setup)
    store.close()
    window = open_window(db)
    shown: list[RetentionDialog] = []
    monkeypatch.setattr(RetentionDialog, "exec", lambda self: shown.append(self) or 0)
    window.retention_action.trigger()
    row = shown[0].exams
    qtbot.waitUntil(lambda: row.days.value() == 90 and row.summary.text() == "1 kandidat ved 1 eksamen kan slettes.")
    row.days.setValue(0)
    row.save_days()
    qtbot.waitUntil(lambda: row.summary.text().startswith("0 kandidater"))
    assert not row.erase_button.isEnabled()
    row.days.setValue(30)
    row.save_days()
    qtbot.waitUntil(lambda: row.erase_button.isEnabled())
    alerts.answer = True
    row.erase_button.click()
    qtbot.waitUntil(lambda: row.summary.text().startswith("0 kandidater"))
    with window.context.store.session() as session:
        assert session.scalars(select(ExamCandidate.name)).all() == ["[slettet]"]
