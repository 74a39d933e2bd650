"""The Utskrifter page: preview off the GUI thread, save, print; and the Senterprofil dialog."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from support import idle, read_db

from kpdesk.ui.main_window import SECTIONS

TIMEOUT = 60000


def section(name: str) -> int:
    return next(i for i, s in enumerate(SECTIONS) if s[2] == name)


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


def reports_page(open_window: Any, qtbot: Any, db: Path) -> Any:
    window = open_window(db)
    window.navigation.setCurrentRow(section("ReportsPage"))
    page = window.page(section("ReportsPage"))
    qtbot.waitUntil(lambda: page.choices is not None, timeout=TIMEOUT)
    return page


def preview(page: Any, qtbot: Any) -> None:
    with qtbot.waitSignal(page.preview_ready, timeout=TIMEOUT):
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
        assert page.is_busy()  # the work runs on the worker; the click returned at once
        assert not page.preview_button.isEnabled()
    assert page.preview is not None and page.preview.path.exists()


def test_matching_summary_preview_save_and_print(open_window: Any, qtbot: Any, demo_db: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    page = reports_page(open_window, qtbot, demo_db)
    assert page.title == "Utskrifter"
    assert not page.save_button.isEnabled() and not page.print_button.isEnabled()
    label, org = next((label, org) for label, org in page.choices.employers if "Meløy kommune, helse" in label)
    page.kind.setCurrentIndex(page.kind.findData("matching"))
    page.employer_edit.setText(label)
    page.as_of_edit.setText("11.01.2027")
    assert page.request().employer == org
    preview(page, qtbot)
    assert "matchingoppsummeringen for Meløy kommune" in page.status.text()
    assert page.document.pageCount() == page.preview.pages >= 1
    assert page.save_button.isEnabled() and page.print_button.isEnabled()

    target = tmp_path / "ut" / "sammendrag"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), "PDF")))
    with qtbot.waitSignal(page.saved, timeout=TIMEOUT) as saved:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert saved.args == [str(target) + ".pdf"]
    text = pdf_text(Path(saved.args[0]))
    assert "Kurstilbud for Meløy kommune" in text and "Dette bør skje nå" in text
    assert sorted(p.name for p in target.parent.iterdir()) == ["sammendrag.pdf"]

    printed = tmp_path / "skrevet-ut.pdf"

    class FakePrintDialog:
        def __init__(self, printer: Any, _parent: Any = None) -> None:
            from PySide6.QtPrintSupport import QPrinter

            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(printed))
            printer.setResolution(72)

        def setWindowTitle(self, _title: str) -> None:
            pass

        def setMinMax(self, _low: int, _high: int) -> None:
            pass

        def exec(self) -> QDialog.DialogCode:
            return QDialog.DialogCode.Accepted

    from kpdesk.ui.pages import reports

    monkeypatch.setattr(reports, "QPrintDialog", FakePrintDialog)
    with qtbot.waitSignal(page.printed, timeout=TIMEOUT) as done:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert done.args == [page.preview.pages]
    assert len(pypdf.PdfReader(str(printed)).pages) == page.preview.pages
    assert page.print_button.isEnabled()

    shown = page.preview.path  # another kind of report: the old preview goes, and saving it can no longer happen
    page.kind.setCurrentIndex(page.kind.findData("offer"))
    assert page.preview is None and not shown.exists()
    assert not page.save_button.isEnabled() and not page.print_button.isEnabled()
    assert "Lag forhåndsvisning" in page.status.text()


def test_cancelled_save_writes_nothing(open_window: Any, qtbot: Any, demo_db: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    page = reports_page(open_window, qtbot, demo_db)
    page.kind.setCurrentIndex(page.kind.findData("doorsign"))
    page.door_room_box.setCurrentIndex(page.door_room_box.findData("Eksamensrom"))

    page.date_edit.setDate(dt.date(2027, 5, 19))
    preview(page, qtbot)
    assert page.preview.file_name == "dorskilt-eksamensrom-2027-05-19.pdf"
    assert "Onsdag 19. mai 2027" in pdf_text(page.preview.path)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: ("", "")))
    page.save_pdf()
    assert list(tmp_path.glob("*.pdf")) == []


def test_handout_by_region_and_schedule_for_one_room(open_window: Any, qtbot: Any, demo_db: Path) -> None:
    page = reports_page(open_window, qtbot, demo_db)
    page.kind.setCurrentIndex(page.kind.findData("handout"))
    assert page.as_of_edit.isVisible()
    page.region_box.setCurrentIndex(page.region_box.findData("Salten"))
    assert set(page.checked_municipalities()) == set(page.choices.regions["Salten"]) & {
        n for _label, n in page.choices.municipalities}
    request = page.request()
    assert request.region == "Salten" and request.municipalities == ()
    page.as_of_edit.setText("11.01.2027")
    preview(page, qtbot)
    text = pdf_text(page.preview.path)
    assert "Kompetansebehov i Salten" in text and "anonymisert" in text

    # unticking one municipality leaves the region: the handout is for the municipalities ticked
    first = page.municipality_list.item(0)
    first.setCheckState(Qt.CheckState.Unchecked if first.checkState() == Qt.CheckState.Checked
                        else Qt.CheckState.Checked)
    assert page.region_box.currentData() == ""
    assert page.request().municipalities

    page.kind.setCurrentIndex(page.kind.findData("schedule"))
    assert not page.as_of_edit.isVisible()
    page.week_edit.setText("2027-W19")
    qtbot.mouseClick(page.findChild(type(page.preview_button), "nextWeek"), Qt.MouseButton.LeftButton)
    assert page.week_edit.text() == "2027-W20"
    page.room_box.setCurrentIndex(page.room_box.findData("Møterom Tind"))
    preview(page, qtbot)
    text = pdf_text(page.preview.path)
    assert "Ukeplan Møterom Tind, uke 20" in text and "Andre pinsedag" in text


def test_week_schedule_of_one_site(open_window: Any, qtbot: Any, demo_db: Path) -> None:
    import sqlite3

    with sqlite3.connect(demo_db) as connection:
        connection.execute("UPDATE room SET site = 'Mosjøen' WHERE name = 'Møterom Tind'")
    connection.close()
    page = reports_page(open_window, qtbot, demo_db)
    page.kind.setCurrentIndex(page.kind.findData("schedule"))
    labels = [page.room_box.itemText(i) for i in range(page.room_box.count())]
    assert labels[:3] == ["Alle rom", "Alle rom i Mo i Rana", "Alle rom i Mosjøen"]
    page.week_edit.setText("2027-W20")
    page.room_box.setCurrentIndex(page.room_box.findText("Alle rom i Mosjøen"))
    assert page.request().site == "Mosjøen" and page.request().room == ""
    preview(page, qtbot)
    text = pdf_text(page.preview.path)
    assert "Møterom Tind" in text and "Mosjøen" in text
    assert "Auditoriet" not in text and "Videorom 1" not in text


def test_unknown_employer_and_bad_date_are_explained(open_window: Any, qtbot: Any, demo_db: Path,
                                                     alerts: Any) -> None:
    page = reports_page(open_window, qtbot, demo_db)
    page.kind.setCurrentIndex(page.kind.findData("matching"))
    page.employer_edit.setText("999 999 999")
    page.as_of_edit.setText("11.01.2027")
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=TIMEOUT)
    assert "Ingen arbeidsgiver har organisasjonsnummer 999 999 999" in alerts.texts()
    assert page.preview is None and not page.save_button.isEnabled()
    page.as_of_edit.setText("31.02.2027")
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert "31.02.2027" in alerts.texts().splitlines()[-1]
    assert not page.is_busy()


# ---------------------------------------------------------------- Senterprofil

def test_centre_profile_dialog_saves_with_logo(open_window: Any, qtbot: Any, demo_db: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    from kpdesk.admin.centre_profile import get_profile
    from kpdesk.ui.dialogs.centre_profile import CentreDialog

    window = open_window(demo_db)
    assert window.centre_action.isEnabled()
    dialog = CentreDialog(window.context, read_db(window.context, get_profile), window)
    qtbot.addWidget(dialog)
    assert dialog.fields["name"].text() == "Kunnskapsparken Helgeland (DEMO)"
    assert dialog.fields["phone"].text() == "75 00 00 00"
    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 60), (29, 78, 137)).save(logo)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(logo), "")))
    qtbot.mouseClick(dialog.findChild(type(dialog.save_button), "chooseLogo"), Qt.MouseButton.LeftButton)
    assert dialog.logo == logo.read_bytes() and dialog.remove_button.isEnabled()
    dialog.fields["email"].setText("ikke-epost")
    dialog.save()
    assert "e-postadresse" in dialog.problems.text() and dialog.result() != QDialog.DialogCode.Accepted
    dialog.fields["email"].setText("post@hamaroy.example.no")
    dialog.fields["name"].setText("Studiesenteret Hábmer – Hamarøy")
    dialog.save()
    idle(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted
    profile = read_db(window.context, get_profile)
    assert profile.name == "Studiesenteret Hábmer – Hamarøy" and profile.email == "post@hamaroy.example.no"
    assert profile.logo == logo.read_bytes()


def test_menu_opens_the_centre_dialog(open_window: Any, qtbot: Any, demo_db: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from kpdesk.ui.dialogs.centre_profile import CentreDialog

    opened: list[Any] = []
    monkeypatch.setattr(CentreDialog, "exec", lambda self: opened.append(self) or QDialog.DialogCode.Rejected)
    window = open_window(demo_db)
    window.centre_action.trigger()
    idle(qtbot)
    assert len(opened) == 1 and opened[0].windowTitle() == "Senterprofil"


def test_a_finished_matching_run_is_reused_until_the_register_changes(open_window: Any, qtbot: Any, demo_db: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from kpdesk.matching import persistence as match_service

    page = reports_page(open_window, qtbot, demo_db)
    with qtbot.waitSignal(page.matching.finished, timeout=TIMEOUT):
        page.matching.run(dt.date(2027, 1, 11))
    calls: list[int] = []
    original = match_service.load_inputs
    monkeypatch.setattr(match_service, "load_inputs", lambda *a, **k: calls.append(1) or original(*a, **k))
    page.kind.setCurrentIndex(page.kind.findData("handout"))
    page.as_of_edit.setText("11.01.2027")
    preview(page, qtbot)
    assert calls == []  # the run was reused: no new matching
    page.as_of_edit.setText("12.01.2027")
    preview(page, qtbot)
    assert calls == [1]  # another date: matched afresh
    page.as_of_edit.setText("11.01.2027")
    page.context.data_changed.emit("need")
    preview(page, qtbot)
    assert calls == [1, 1]  # something changed since the run


def test_a_handout_without_a_run_matches_on_the_compute_thread_not_the_database_thread(
        open_window: Any, qtbot: Any, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview asks the window's matching runner for the run first, so the database thread stays
    free for saves while the region is matched; the run is then kept for the next preview."""
    import threading

    from kpdesk.matching import run as matching_run

    page = reports_page(open_window, qtbot, demo_db)
    database_thread: list[int] = []
    page.context.query(lambda _s: threading.get_ident(), database_thread.append)
    qtbot.waitUntil(lambda: bool(database_thread))
    matched_on: list[int] = []
    original = matching_run.match_inputs
    monkeypatch.setattr(matching_run, "match_inputs",
                        lambda *a, **k: matched_on.append(threading.get_ident()) or original(*a, **k))
    page.kind.setCurrentIndex(page.kind.findData("handout"))
    page.as_of_edit.setText("11.01.2027")
    preview(page, qtbot)
    assert len(matched_on) == 1 and matched_on[0] != database_thread[0]
    assert page.matching.latest is not None and page.matching.latest.as_of.isoformat() == "2027-01-11"
    preview(page, qtbot)
    assert len(matched_on) == 1  # the run is reused


def test_the_annual_report_for_a_chosen_year_with_its_figures_as_csv(open_window: Any, qtbot: Any, demo_db: Path,
                                                                       tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18: «and the same from the GUI». The year chooser starts at last year before 1 March, this
    year after; the PDF and the CSV beside it hold the year's figures (counted here with plain SQL)."""
    from support import sql_rows

    from kpdesk.reports.annual import default_year

    assert (default_year(dt.date(2027, 2, 28)), default_year(dt.date(2027, 3, 1))) == (2026, 2027)
    page = reports_page(open_window, qtbot, demo_db)
    page.kind.setCurrentIndex(page.kind.findData("annual"))
    assert page.year_box.isVisible() and not page.as_of_edit.isVisible()
    assert page.year_box.value() == default_year()
    page.year_box.selectAll()
    qtbot.keyClicks(page.year_box, "2027")
    page.csv_box.setChecked(True)
    preview(page, qtbot)
    assert page.preview.file_name == "arsrapport-2027.pdf" and "årsrapporten for 2027" in page.status.text()

    (runs, participants), = sql_rows(demo_db, "SELECT count(*), sum(participants) FROM course_run WHERE status IN "
                                              "('started', 'completed') AND start_date LIKE '2027%'")
    (sittings,), = sql_rows(demo_db, "SELECT count(*) FROM exam_sitting s JOIN booking b ON b.id = s.booking_id "
                                     "WHERE b.state = 'active' AND b.starts_at LIKE '2027%'")
    assert runs >= 3 and participants and sittings  # the demo's year has something to show
    target = tmp_path / "arsrapport-2027.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), "PDF")))
    with qtbot.waitSignal(page.saved, timeout=TIMEOUT):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    text = " ".join(pdf_text(target).split())
    assert "Årsrapport 2027" in text
    assert f"I 2027 startet {runs} kurs med {participants} deltakere" in text and f"holdt {sittings} eksamener" in text
    figures = dict(line.split(";") for line in
                   (tmp_path / "arsrapport-2027.csv").read_text(encoding="utf-8-sig").splitlines()[1:])
    assert (figures["runs_started"], figures["participants_started"], figures["exam_sittings"]) == (
        str(runs), str(participants), str(sittings))
    assert page.status.text() == f"Lagret {target} og {tmp_path / 'arsrapport-2027.csv'}."
