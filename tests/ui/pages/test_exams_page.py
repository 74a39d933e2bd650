"""Eksamen: the sittings on the Møteplass side, one sitting's candidates, check-in from the keyboard,
a refusal said as the service says it, and the sign-in sheet and invoice basis saved off the GUI thread."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select
from support import pdf_pages

from kpdesk.ui.main_window import section_row


@pytest.fixture
def exam_db(tmp_path: Path) -> Path:
    from kpdesk.booking import exams
    from kpdesk.booking.exam_inputs import Accommodation, CandidateData, validate_exam
    from kpdesk.booking.inputs import BookingData
    from kpdesk.booking.rooms import RoomData, save_room
    from kpdesk.booking.service import create_booking
    from kpdesk.db.store import Store

    db = tmp_path / "eksamen.sqlite"
    store = Store.open(db)

    def setup(s) -> None:
        save_room(s, RoomData("Eksamensrommet", 10))
        for ref, day in (("EKS-GAMMEL", "12.05.2020"), ("EKS-1", "12.05.2099"), ("EKS-2", "13.05.2099")):
            data, problems = validate_exam({"ref": ref, "room": "Eksamensrommet", "institution": "Nord universitet",
                                            "course_code": "SYK2001", "title": "Anatomi", "start": f"{day} 09:00",
                                            "end": "13:00", "fee_per_candidate": "1500",
                                            "invigilators": "Kari Vakt (4,5)"})
            assert data is not None, problems
            sitting = exams.create_sitting(s, data)
            if ref == "EKS-1":
                for number, name, extra, status in (("101", "Åse Aspen", 0, "registered"),
                                                    ("102", "Bjørn Berg", 0, "registered"),
                                                    ("103", "Cato Carlsen", 0, "registered"),
                                                    ("104", "Dina Dahl", 60, "withdrawn")):
                    exams.save_candidate(s, sitting, CandidateData(ref, number, name, "", Accommodation(extra),
                                                                   status))
        create_booking(s, BookingData("Eksamensrommet", "Lærermøte", dt.datetime(2099, 5, 12, 13, 30),
                                      dt.datetime(2099, 5, 12, 15), kind="meeting"))

    store.transaction(setup)
    store.close()
    return db


EXAM_DAY = dt.date(2099, 5, 12)  # EKS-1's day


@pytest.fixture
def page(open_window, exam_db: Path, qtbot, monkeypatch):
    """The Eksamen page on EKS-1's day (check-in is for the exam day and after)."""
    monkeypatch.setattr("kpdesk.booking.exams.today", lambda: EXAM_DAY)
    window = open_window(exam_db)
    window.navigation.setCurrentRow(section_row("ExamsPage"))
    exams_page = window.page(section_row("ExamsPage"))
    qtbot.waitUntil(lambda: exams_page.detail.model.total_count() == 4, timeout=10_000)
    return exams_page


def statuses(page) -> dict[str, str]:
    return {c.candidate_no: c.status_label for c in page.detail.model.visible_rows()}


def test_the_next_sitting_is_chosen_with_its_facts_and_candidates(page) -> None:
    assert [r.ref for r in page.model.visible_rows()] == ["EKS-GAMMEL", "EKS-1", "EKS-2"]
    assert page.selected_row().ref == "EKS-1"  # the next one from today, not the old one
    facts = page.detail.facts.text()
    assert "EKS-1" in facts and "12.05.2099 kl. 09.00–13.00 i Eksamensrommet; oppmøte fra kl. 08.30" in facts
    assert "Kari Vakt (4,5 t)" in facts and "Pris per kandidat: 1\u00a0500\u00a0kr" in facts
    assert statuses(page) == {"101": "påmeldt", "102": "påmeldt", "103": "påmeldt", "104": "avmeldt"}
    assert page.detail.counts.text() == "3 kandidater: 0 møtt, 0 ikke møtt"
    assert (page.invoice_from.date(), page.invoice_to.date()) == (dt.date(2099, 5, 1), dt.date(2099, 5, 31))


def test_check_in_from_the_keyboard_moves_on_to_the_next_candidate(page, qtbot) -> None:
    view = page.detail.view
    view.setFocus()
    view.setCurrentIndex(page.detail.model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: statuses(page)["101"] == "møtt", timeout=10_000)
    qtbot.waitUntil(lambda: page.detail.chosen()[0].candidate_no == "102", timeout=10_000)
    qtbot.keyClick(view, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: statuses(page)["102"] == "ikke møtt", timeout=10_000)
    qtbot.waitUntil(lambda: page.detail.counts.text() == "3 kandidater: 1 møtt, 1 ikke møtt", timeout=10_000)
    assert page.model.visible_rows()[1].candidates == 3
    qtbot.waitUntil(lambda: page.detail.chosen()[0].candidate_no == "103", timeout=10_000)
    page.detail.buttons["present"].click()
    qtbot.waitUntil(lambda: statuses(page)["103"] == "møtt", timeout=10_000)


def test_before_the_day_attendance_is_grey_and_says_why(page, qtbot, monkeypatch) -> None:
    """The day before, Møtt and Ikke møtt are grey with the service's reason; a key says it and changes
    nothing; Påmeldt (not attendance) stays."""
    monkeypatch.setattr("kpdesk.booking.exams.today", lambda: EXAM_DAY - dt.timedelta(days=1))
    page.detail.show_sitting(page.selected_row())
    buttons = page.detail.buttons
    qtbot.waitUntil(lambda: not buttons["present"].isEnabled(), timeout=10_000)
    assert not buttons["absent"].isEnabled() and buttons["registered"].isEnabled()
    assert buttons["present"].toolTip() == "Oppmøte registreres fra eksamensdagen 12.05.2099, ikke før."
    assert buttons["absent"].toolTip() == buttons["present"].toolTip()
    assert [b.text() for b in buttons.values()] == ["Møtt (M)", "Ikke møtt (I)", "Påmeldt (P)"]
    messages: list[str] = []
    page.context.status_message.connect(messages.append)
    view = page.detail.view
    view.setFocus()
    view.setCurrentIndex(page.detail.model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_M)
    assert messages == ["Oppmøte registreres fra eksamensdagen 12.05.2099, ikke før."]
    qtbot.wait(200)
    assert statuses(page)["101"] == "påmeldt" and page.context.undo_stack.count() == 0
    monkeypatch.setattr("kpdesk.booking.exams.today", lambda: EXAM_DAY + dt.timedelta(days=2))  # from the sheet
    page.detail.show_sitting(page.selected_row())
    qtbot.waitUntil(lambda: buttons["present"].isEnabled(), timeout=10_000)
    assert buttons["present"].toolTip().startswith("Marker de valgte kandidatene «møtt»")


def test_check_in_is_undone_with_ctrl_z_and_redone(page, qtbot) -> None:
    """Ctrl+Z (the window's Angre) puts each candidate's status before back; Ctrl+Y does it again."""
    from PySide6.QtGui import QKeySequence

    model = page.detail.model
    page.detail.view.selectionModel().select(
        model.index(0, 0), page.detail.view.selectionModel().SelectionFlag.Select |
        page.detail.view.selectionModel().SelectionFlag.Rows)
    page.detail.view.selectionModel().select(
        model.index(1, 0), page.detail.view.selectionModel().SelectionFlag.Select |
        page.detail.view.selectionModel().SelectionFlag.Rows)
    page.detail.buttons["absent"].click()
    qtbot.waitUntil(lambda: (statuses(page)["101"], statuses(page)["102"]) == ("ikke møtt", "ikke møtt"),
                    timeout=10_000)
    window = page.window()
    assert window.undo_action.text() == "&Angre «ikke møtt» for 2 kandidater"
    qtbot.waitUntil(lambda: QKeySequence("Ctrl+Z") in window.undo_action.shortcuts(), timeout=5_000)
    page.detail.view.setFocus()
    qtbot.keyClick(page.detail.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: (statuses(page)["101"], statuses(page)["102"]) == ("påmeldt", "påmeldt"),
                    timeout=10_000)
    assert page.detail.counts.text() == "3 kandidater: 0 møtt, 0 ikke møtt"
    page.context.undo_stack.redo()
    qtbot.waitUntil(lambda: statuses(page)["102"] == "ikke møtt", timeout=10_000)
    assert page.model.visible_rows()[1].absent == 2


def test_an_avmeldt_candidate_is_not_checked_in_by_a_key(page, qtbot) -> None:
    """M on Dina (avmeldt) says so and changes nothing: she would have been invoiced and on the sheet."""
    messages: list[str] = []
    page.context.status_message.connect(messages.append)
    view = page.detail.view
    view.setFocus()
    view.setCurrentIndex(page.detail.model.index(page.detail.model.row_of(lambda c: c.candidate_no == "104"), 0))
    qtbot.keyClick(view, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert messages[-1] == "Kandidat 104 er avmeldt og er ikke endret."
    assert statuses(page)["104"] == "avmeldt" and page.detail.counts.text() == "3 kandidater: 0 møtt, 0 ikke møtt"


def test_a_refused_check_in_is_said_and_nothing_changes(page, qtbot, alerts, monkeypatch) -> None:
    """Dina has an hour's extra time; the room's next booking starts 13.30, so she cannot be påmeldt again."""
    shown: list[str] = []
    monkeypatch.setattr("kpdesk.ui.alerts.show_exception", lambda _parent, exc, *a, **k: shown.append(str(exc)))
    row = page.detail.model.row_of(lambda c: c.candidate_no == "104")
    page.detail.view.setCurrentIndex(page.detail.model.index(row, 0))
    page.detail.buttons["registered"].click()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "Kandidat 104 har 60 min ekstra tid, til kl. 14.00" in shown[0] and "Lærermøte" in shown[0]
    assert statuses(page)["104"] == "avmeldt"


def test_the_sign_in_sheet_and_the_invoice_basis_are_saved(page, qtbot, monkeypatch, tmp_path: Path) -> None:
    sheet = tmp_path / "liste.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(sheet), "")))
    page.detail.signin_button.click()
    qtbot.waitUntil(sheet.exists, timeout=20_000)
    text = "\n".join(pdf_pages(sheet.read_bytes()))
    assert "Oppmøteliste SYK2001 Anatomi" in text and "Åse Aspen" in text and "Dina Dahl" not in text
    basis = tmp_path / "faktura.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(basis), "")))
    page.invoice_button.click()
    qtbot.waitUntil(basis.exists, timeout=20_000)
    assert basis.read_text(encoding="utf-8-sig").splitlines()[1] == (
        "EKS-1;Nord universitet;SYK2001;12.05.2099;3;1500;4500")
    paper = tmp_path / "faktura.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(paper), "")))
    page.invoice_button.click()
    qtbot.waitUntil(paper.exists, timeout=20_000)
    assert "Fakturagrunnlag eksamen" in pdf_pages(paper.read_bytes())[0]


def test_the_models_hold_up(page, qtmodeltester) -> None:
    qtmodeltester.check(page.detail.model)
    qtmodeltester.check(page.model)


def test_candidates_are_stored_as_checked_in(page, qtbot) -> None:
    from kpdesk.db.models import ExamCandidate

    page.detail.view.setCurrentIndex(page.detail.model.index(0, 0))
    page.detail.buttons["absent"].click()
    qtbot.waitUntil(lambda: statuses(page)["101"] == "ikke møtt", timeout=10_000)
    with page.context.store.session() as session:
        row = session.scalars(select(ExamCandidate).where(ExamCandidate.candidate_no == "101")).one()
        assert row.status == "absent" and row.status_changed_at is not None


def test_candidates_import_from_the_page_with_a_preview(page, qtbot, monkeypatch, tmp_path: Path) -> None:
    from kpdesk.ui.dialogs.transfer import ImportDialog

    path = tmp_path / "kandidater.csv"
    path.write_text("exam;candidate_no;name;email;accommodation;status\nEKS-2;201;Eli Sørensen;;ekstra tid 15;\n"
                    "EKS-1;101;Åse Aspen;;;møtt\n", encoding="utf-8")
    dialogs: list[ImportDialog] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    monkeypatch.setattr(ImportDialog, "exec", lambda self: dialogs.append(self) or 0)
    page.findChild(type(page.invoice_button), "import_candidates").click()
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
    rows = dialog.rows_model
    assert [(rows.data(rows.index(r, 1)), rows.data(rows.index(r, 3))) for r in range(rows.rowCount())] == [
        ("ny", "EKS-2 201"), ("oppdateres", "EKS-1 101")]
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)
    qtbot.waitUntil(lambda: statuses(page)["101"] == "møtt", timeout=10_000)
    qtbot.waitUntil(lambda: page.model.visible_rows()[2].candidates == 1, timeout=10_000)
