"""Utskrifter: pick a report and its scope, preview the PDF, save it or print it.

The page only turns the pickers into a ``kpdesk.reports.report_loader.ReportRequest``; loading,
checking and building happen in ``kpdesk.reports`` on the database worker (one thread, so
ReportLab never builds two reports at once), and the finished PDF is written to a temporary file
the preview (QtPdf's ``QPdfView``) shows. "Lagre PDF …" writes the same bytes atomically where
the coordinator chooses; "Skriv ut …" renders the pages as images on QtPdf's own render thread
and paints them on the printer chosen in the system print dialog, page by page, so the window
stays responsive.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRect, QSettings, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common.norsk import parse_date
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.operations import Cancelled, Handle, Task
from kpdesk.ui.pages.base import Page
from kpdesk.ui.widgets.date_field import DateField

try:  # QtPdf ships in PySide6-Addons; without it the page still builds and saves PDFs
    from PySide6.QtPdf import QPdfDocument, QPdfPageRenderer
    from PySide6.QtPdfWidgets import QPdfView

    HAVE_QTPDF = True
except ImportError:  # pragma: no cover - depends on the installation
    HAVE_QTPDF = False

MAX_PRINT_DPI = 300
SETTINGS_FOLDER = "reports/folder"
SITE_ITEM = "\x00site:"  # the room picker's data for "every room at this site" (no room name has a NUL)


@dataclass(frozen=True)
class Preview:
    path: Path  # the temporary file the preview shows
    data: bytes
    description: str
    file_name: str
    pages: int
    table: tuple[tuple[str, ...], list[tuple[str, str]]] | None = None  # the annual report's figures as CSV


class PdfPrintJob(QObject):
    """Prints a QPdfDocument's pages as images, one at a time, rendered off the GUI thread."""

    progressed = Signal(int, int)
    finished = Signal(int)
    """How many pages were printed."""
    failed = Signal(str)

    def __init__(self, document: Any, printer: QPrinter, first: int, last: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document, self.printer = document, printer
        self.pages = list(range(first, last + 1))
        self.painter = QPainter()
        self.renderer = QPdfPageRenderer(self)
        self.renderer.setDocument(document)
        self.renderer.setRenderMode(QPdfPageRenderer.RenderMode.MultiThreaded)
        self.renderer.pageRendered.connect(self._rendered)
        self._index = 0
        self._request: int | None = None

    def start(self) -> None:
        if not self.pages:
            self.finished.emit(0)
            return
        if not self.painter.begin(self.printer):
            self.failed.emit(self.tr("Skriveren kunne ikke startes."))
            return
        self._next()

    def _next(self) -> None:
        page = self.pages[self._index]
        dpi = min(self.printer.resolution(), MAX_PRINT_DPI)
        points = self.document.pagePointSize(page)
        size = QSize(max(1, round(points.width() * dpi / 72)), max(1, round(points.height() * dpi / 72)))
        self._request = self.renderer.requestPage(page, size)

    def _rendered(self, page: int, _size: QSize, image: Any, _options: Any, request: int) -> None:
        if request != self._request:
            return
        if self._index:
            self.printer.newPage()
        area = self.painter.viewport()
        scale = min(area.width() / image.width(), area.height() / image.height())
        width, height = round(image.width() * scale), round(image.height() * scale)
        target = QRect(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2, width, height)
        self.painter.drawImage(target, image)
        self._index += 1
        self.progressed.emit(self._index, len(self.pages))
        if self._index < len(self.pages):
            self._next()
        else:
            self.painter.end()
            self.finished.emit(len(self.pages))


class ReportsPage(Page):
    """The Utskrifter section."""

    preview_ready = Signal()
    """A new preview is on screen."""
    saved = Signal(str)
    """A PDF was saved to this path."""
    printed = Signal(int)
    """This many pages went to the printer."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        tr = self.tr
        self.title = tr("Utskrifter")
        self.choices: Any = None
        self.preview: Preview | None = None
        self._handle: Handle | None = None
        self._serial = 0
        self._temp = tempfile.TemporaryDirectory(prefix="kpdesk-utskrift-")
        self._employers: dict[str, str] = {}
        self._offers: dict[str, str] = {}
        self.print_job: PdfPrintJob | None = None

        self.kind = QComboBox()
        self.kind.setObjectName("reportKind")
        from kpdesk.reports.report_loader import KINDS

        for key, label in KINDS:
            self.kind.addItem(tr(label), key)
        # One form per report, in the order of KINDS; only the chosen one is shown (and takes room).
        self.forms = [self._employer_form(), self._offer_form(), self._handout_form(), self._schedule_form(),
                      self._door_form(), self._annual_form()]
        self.as_of_label = QLabel(tr("Per dato"))
        self.as_of_edit = DateField(dt.date.today())
        self.as_of_edit.setObjectName("asOfEdit")
        self.as_of_edit.setToolTip(tr("Referansedato for matchingen: tilbud som er slutt eller har passert "
                                      "søknadsfristen, tas ikke med"))
        as_of_row = QHBoxLayout()
        as_of_row.addWidget(self.as_of_label)
        as_of_row.addWidget(self.as_of_edit)
        as_of_row.addStretch(1)

        self.preview_button = QPushButton(tr("Lag forhåndsvisning"))
        self.preview_button.setObjectName("previewButton")
        self.preview_button.setDefault(True)
        self.preview_button.clicked.connect(lambda: self.make_preview())
        self.cancel_button = QPushButton(tr("Avbryt"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setVisible(False)
        self.status = QLabel(tr("Velg utskrift og hva den skal gjelde, og trykk «Lag forhåndsvisning»."))
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.save_button = QPushButton(tr("Lagre PDF …"))
        self.save_button.setObjectName("saveButton")
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button = QPushButton(tr("Skriv ut …"))
        self.print_button.setObjectName("printButton")
        self.print_button.clicked.connect(self.print_pdf)

        controls = QWidget()
        controls.setObjectName("reportControls")
        controls.setFixedWidth(360)
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(QLabel(tr("Utskrift")))
        column.addWidget(self.kind)
        for form in self.forms:
            column.addWidget(form)
        column.addLayout(as_of_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button, 1)
        buttons.addWidget(self.cancel_button)
        column.addLayout(buttons)
        column.addWidget(self.progress)
        column.addWidget(self.status)
        output = QHBoxLayout()
        output.addWidget(self.save_button)
        output.addWidget(self.print_button)
        column.addLayout(output)
        column.addStretch(1)

        if HAVE_QTPDF:
            self.document = QPdfDocument(self)
            self.viewer: QWidget = QPdfView()
            self.viewer.setPageMode(QPdfView.PageMode.MultiPage)
            self.viewer.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.viewer.setDocument(self.document)
        else:  # pragma: no cover
            self.document = None
            self.viewer = QLabel(tr("Forhåndsvisning krever QtPdf (PySide6-Addons). PDF-en kan likevel lagres."))
            self.viewer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.viewer.setObjectName("pdfView")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(controls)
        layout.addWidget(self.viewer, 1)

        # The Matching page's latest run is reused while nothing it depends on has changed since.
        from kpdesk.ui.matching_runner import MatchingRunner

        self._run: Any = None
        self.matching = MatchingRunner.of(context)
        self._preview_after_matching = False  # a preview waits for the run the window is making for it
        self.matching.finished.connect(self._matching_finished)
        self.matching.stopped.connect(self._matching_stopped)
        self.matching.progressed.connect(lambda done, total: self._progressed(done, total, ""))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        context.data_changed.connect(self._data_changed)
        self._kind_changed()
        self._set_busy(False)

    # ------------------------------------------------------------ the scope forms

    def _employer_form(self) -> QWidget:
        self.employer_edit = QLineEdit()
        self.employer_edit.setObjectName("employerEdit")
        self.employer_edit.setPlaceholderText(self.tr("Navn eller organisasjonsnummer"))
        self.employer_choices = QStringListModel(self)
        self.employer_edit.setCompleter(self._completer(self.employer_choices))
        return self._form([(self.tr("Arbeidsgiver"), self.employer_edit)],
                          self.tr("Åpne behov for arbeidsgiveren, med de beste kurstilbudene og hvorfor."))

    def _offer_form(self) -> QWidget:
        self.offer_edit = QLineEdit()
        self.offer_edit.setObjectName("offerEdit")
        self.offer_edit.setPlaceholderText(self.tr("Referanse eller tittel"))
        self.offer_choices = QStringListModel(self)
        self.offer_edit.setCompleter(self._completer(self.offer_choices))
        return self._form([(self.tr("Kurstilbud"), self.offer_edit)],
                          self.tr("Tilbudet med dem som er interessert (arbeidsgivere, privatpersoner og "
                                  "lokalsamfunn) og behovene deres, og hvor mange som mangler til oppstart."))

    def _handout_form(self) -> QWidget:
        self.region_box = QComboBox()
        self.region_box.setObjectName("regionBox")
        self.region_box.addItem(self.tr("Velg kommuner selv"), "")
        self.region_box.currentIndexChanged.connect(self._region_chosen)
        self.municipality_list = QListWidget()
        self.municipality_list.setObjectName("municipalityList")
        self.municipality_list.setMinimumHeight(180)
        self.municipality_list.itemChanged.connect(self._municipality_toggled)
        self.handout_centre_box = QComboBox()  # shown only when the database has several centres
        self.handout_centre_box.setObjectName("handoutCentreBox")
        self.handout_centre_box.setToolTip(self.tr("Bare behovene til ett senter, eller hele regionen"))
        self.handout_centre_box.addItem(self.tr("Hele regionen"), "")
        form = self._form([(self.tr("Senter"), self.handout_centre_box), (self.tr("Region"), self.region_box),
                           (self.tr("Kommuner"), self.municipality_list)],
                          self.tr("Anonymt: ingen kontaktpersoner eller privatpersoner; tall som bygger på færre "
                                  "enn 3 arbeidsgivere, privatpersoner eller lokalsamfunn, vises som «:», og bare "
                                  "arbeidsgivere som har sagt ja, er navngitt. Ingen kommuner valgt: alle."))
        self._show_row_of(self.handout_centre_box, False)  # until the database is known to have several centres
        return form

    def _schedule_form(self) -> QWidget:
        year, week, _ = dt.date.today().isocalendar()
        self.week_edit = QLineEdit(f"{year}-W{week:02d}")
        self.week_edit.setObjectName("weekEdit")
        previous, following = QPushButton("◀"), QPushButton("▶")
        previous.setObjectName("previousWeek")
        following.setObjectName("nextWeek")
        previous.setToolTip(self.tr("Forrige uke"))
        following.setToolTip(self.tr("Neste uke"))
        for button in (previous, following):
            button.setFixedWidth(32)
        previous.clicked.connect(lambda: self._shift_week(-1))
        following.clicked.connect(lambda: self._shift_week(1))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(previous)
        line.addWidget(self.week_edit, 1)
        line.addWidget(following)
        self.room_box = QComboBox()
        self.room_box.setObjectName("roomBox")
        self.weekend_box = QCheckBox(self.tr("Ta med lørdag og søndag"))
        self.weekend_box.setObjectName("weekendBox")
        return self._form([(self.tr("Uke"), row), (self.tr("Rom eller sted"), self.room_box), ("", self.weekend_box)],
                          self.tr("A4 liggende: dagene som kolonner, rommene som rader, gruppert etter sted (ett rom: "
                                  "dagene som rader)."))

    def _door_form(self) -> QWidget:
        self.door_room_box = QComboBox()
        self.door_room_box.setObjectName("doorRoomBox")
        self.date_edit = DateField(dt.date.today())
        self.date_edit.setObjectName("dateEdit")
        return self._form([(self.tr("Rom"), self.door_room_box), (self.tr("Dag"), self.date_edit)],
                          self.tr("Ett A4-ark til døren: rommet, dagen og bookingene med stor skrift."))

    def _annual_form(self) -> QWidget:
        from kpdesk.reports.annual import default_year

        self.year_box = QSpinBox()
        self.year_box.setObjectName("yearBox")
        self.year_box.setRange(1901, 2199)
        self.year_box.setValue(default_year())
        self.year_box.setToolTip(self.tr("Før 1. mars er fjoråret valgt, deretter i år"))
        self.csv_box = QCheckBox(self.tr("Lagre også tallene som CSV"))
        self.csv_box.setObjectName("annualCsvBox")
        self.csv_box.setToolTip(self.tr("Kolonnene figure;value, som «kpdesk report annual --csv»"))
        return self._form([(self.tr("År"), self.year_box), ("", self.csv_box)],
                          self.tr("Behov, kurs startet og gjennomført, deltakere, studiepoeng, eksamener og romtimer "
                                  "i året; tall som bygger på færre enn 3 arbeidsgivere eller privatpersoner, vises "
                                  "som «:». CSV-filen lagres ved siden av PDF-en, med samme navn."))

    @staticmethod
    def _show_row_of(field: QWidget, shown: bool) -> None:
        """Show or hide a field's row in its form (label and field)."""
        parent = field.parentWidget()
        form = parent.layout() if parent is not None else None
        if isinstance(form, QFormLayout):
            form.setRowVisible(field, shown)

    def _form(self, rows: list[tuple[str, QWidget]], hint: str) -> QWidget:
        widget = QWidget()
        form = QFormLayout(widget)
        form.setContentsMargins(0, 6, 0, 6)
        for label, field in rows:
            form.addRow(label, field)
        text = QLabel(hint)
        text.setWordWrap(True)
        text.setStyleSheet("color: palette(mid);")
        form.addRow(text)
        return widget

    def _completer(self, model: QStringListModel) -> QCompleter:
        completer = QCompleter(model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        return completer

    def _kind_changed(self) -> None:
        from kpdesk.reports.report_loader import USES_AS_OF

        current = max(self.kind.currentIndex(), 0)
        for index, form in enumerate(self.forms):
            form.setVisible(index == current)
        uses = self.current_kind() in USES_AS_OF
        self.as_of_label.setVisible(uses)
        self.as_of_edit.setVisible(uses)
        self._forget_preview()

    def _forget_preview(self) -> None:
        """Another kind of report is chosen: the shown preview is not it, so it goes (and with it
        «Lagre PDF …» and «Skriv ut …», until the new one is made)."""
        old = self.preview
        if old is None:
            return
        self.preview = None
        if self.document is not None:
            self.document.close()
        old.path.unlink(missing_ok=True)
        self.status.setText(self.tr("Trykk «Lag forhåndsvisning» for å se utskriften."))
        self._set_busy(False)

    def current_kind(self) -> str:
        return str(self.kind.currentData() or "matching")

    def _shift_week(self, weeks: int) -> None:
        from kpdesk.booking.week import parse_week, shift_week
        from kpdesk.common.errors import UserError

        try:
            year, week = parse_week(self.week_edit.text())
        except UserError:
            year, week, _ = dt.date.today().isocalendar()
        year, week = shift_week(year, week, weeks)
        self.week_edit.setText(f"{year}-W{week:02d}")

    def _region_chosen(self) -> None:
        name = self.region_box.currentData()
        if self.choices is None or not name:
            return
        members = set(self.choices.regions.get(name, ()))
        self.municipality_list.blockSignals(True)
        for row in range(self.municipality_list.count()):
            item = self.municipality_list.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in members
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.municipality_list.blockSignals(False)

    def _municipality_toggled(self, _item: QListWidgetItem) -> None:
        name = self.region_box.currentData()
        if name and self.choices is not None and set(self.checked_municipalities()) != set(
                self.choices.regions.get(name, ())):
            self.region_box.blockSignals(True)
            self.region_box.setCurrentIndex(0)
            self.region_box.blockSignals(False)

    def checked_municipalities(self) -> list[str]:
        return [self.municipality_list.item(row).data(Qt.ItemDataRole.UserRole)
                for row in range(self.municipality_list.count())
                if self.municipality_list.item(row).checkState() == Qt.CheckState.Checked]

    # ------------------------------------------------------------ choices

    def load(self) -> None:
        from kpdesk.reports.report_loader import load_choices

        self.context.query(load_choices, self._show_choices)

    def _matching_finished(self, run: Any) -> None:
        self._run = run
        if self._preview_after_matching:
            self._preview_after_matching = False
            self._set_busy(False)
            self.make_preview(match_first=False)

    def _matching_stopped(self) -> None:
        if self._preview_after_matching:
            self._preview_after_matching = False
            self._set_busy(False)

    def _data_changed(self, kind: str) -> None:
        if kind != "centre_profile":  # any change to the register may change the matching
            self._run = None
        if kind in ("employer", "offer", "room", "provider", "region", "centre"):
            self.reload()

    def _show_choices(self, choices: Any) -> None:
        self.choices = choices
        self._employers = dict(choices.employers)
        self._offers = dict(choices.offers)
        self.employer_choices.setStringList([label for label, _org in choices.employers])
        self.offer_choices.setStringList([label for label, _ref in choices.offers])
        checked = set(self.checked_municipalities())
        self.municipality_list.blockSignals(True)
        self.municipality_list.clear()
        for label, number in choices.municipalities:
            item = QListWidgetItem(label, self.municipality_list)
            item.setData(Qt.ItemDataRole.UserRole, number)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if number in checked else Qt.CheckState.Unchecked)
        self.municipality_list.blockSignals(False)
        region = self.region_box.currentData()
        self.region_box.blockSignals(True)
        self.region_box.clear()
        self.region_box.addItem(self.tr("Velg kommuner selv"), "")
        for name in choices.regions:
            self.region_box.addItem(name, name)
        self.region_box.setCurrentIndex(max(self.region_box.findData(region), 0))
        self.region_box.blockSignals(False)
        centre = self.handout_centre_box.currentData()
        self.handout_centre_box.clear()
        self.handout_centre_box.addItem(self.tr("Hele regionen"), "")
        for name in choices.centres:
            self.handout_centre_box.addItem(name, name)
        self.handout_centre_box.setCurrentIndex(max(self.handout_centre_box.findData(centre), 0))
        self._show_row_of(self.handout_centre_box, len(choices.centres) > 1)
        # The week schedule: all rooms, the rooms at one site, or one room; the door sign: one room.
        for box, sites in ((self.room_box, choices.sites), (self.door_room_box, None)):
            current = box.currentData()
            box.clear()
            if sites is not None:
                box.addItem(self.tr("Alle rom"), "")
                for site in sites:
                    box.addItem(self.tr("Alle rom i %s") % site, f"{SITE_ITEM}{site}")
            for name in choices.rooms:
                box.addItem(name, name)
            box.setCurrentIndex(max(box.findData(current), 0))

    # ------------------------------------------------------------ building

    def request(self) -> Any:
        """The ReportRequest the pickers describe (ValueError for a date that does not parse)."""
        from kpdesk.reports.report_loader import USES_AS_OF, ReportRequest

        kind = self.current_kind()
        as_of = parse_date(self.as_of_edit.text()) if kind in USES_AS_OF else None
        employer = self.employer_edit.text().strip()
        employer = self._employers.get(employer, employer)
        if not re.fullmatch(r"[\d\s]{9,11}", employer):  # a name typed without choosing from the list
            typed = employer.casefold()
            matches = [org for label, org in self._employers.items() if label.casefold().startswith(typed)]
            employer = matches[0] if len(matches) == 1 else employer
        offer = self.offer_edit.text().strip()
        offer = self._offers.get(offer, offer.split(" ", 1)[0] if offer else "")
        region = self.region_box.currentData() or ""
        municipalities = () if region else tuple(self.checked_municipalities())
        room_box = self.door_room_box if kind == "doorsign" else self.room_box
        picked_room = room_box.currentData() or ""
        site = picked_room.removeprefix(SITE_ITEM) if picked_room.startswith(SITE_ITEM) else ""
        day = self.date_edit.date()
        if day is None and kind == "doorsign":
            raise ValueError(self.date_edit.problem())
        return ReportRequest(kind, employer=employer, offer=offer, municipalities=municipalities, region=region,
                             centre=self.handout_centre_box.currentData() or "",
                             week=self.week_edit.text().strip(), room="" if site else picked_room,
                             site=site, weekend=self.weekend_box.isChecked(), day=day or dt.date.today(),
                             as_of=as_of, year=self.year_box.value())

    def make_preview(self, match_first: bool = True) -> None:
        """Load on the database thread and build on the compute thread. A handout or offer summary
        without a fitting run gets one first from the window's matching runner (its matching runs
        on the compute thread too, so saving elsewhere is never held up)."""
        from kpdesk.reports.report_loader import WHOLE_RUN

        if self.context.store is None or self.is_busy():
            return
        try:
            request = self.request()
        except ValueError as exc:
            alerts.error(self, self.tr("Ugyldig dato"), str(exc))
            return
        run = self._run if self._run is not None and request.as_of == getattr(self._run, "as_of", None) else None
        if run is None and match_first and request.kind in WHOLE_RUN:
            self._preview_after_matching = True
            self._set_busy(True)
            self.status.setText(self.tr("Matcher …"))
            self.matching.run(request.as_of or dt.date.today())
            return
        self._serial += 1
        target = Path(self._temp.name) / f"forhandsvisning-{self._serial}.pdf"
        reading, matching, building = self.tr("Henter data …"), self.tr("Matcher …"), self.tr("Lager PDF …")

        def load(session: Any, task: Task) -> Any:
            from kpdesk.reports.report_loader import load_report

            def progress(done: int, total: int) -> None:
                task.check_cancelled()
                task.progress(done, total, matching)

            task.progress(0, 0, reading)
            return load_report(session, request, progress, run)

        def build(loaded: Any, task: Task) -> Preview:  # ReportLab on the compute thread
            from kpdesk.reports.style import write_pdf

            task.progress(0, 0, building)
            data = loaded.build()
            task.check_cancelled()
            write_pdf(target, data)
            pages = len(re.findall(rb"/Type /Page[^s]", data))
            return Preview(target, data, loaded.description, loaded.file_name, pages, loaded.table)

        self._set_busy(True)
        self.status.setText(reading)
        self._handle = self.context.load_then_compute(load, build, self._show_preview, self._failed, self._progressed)
        self._handle.finished.connect(lambda: self._set_busy(False))

    def is_busy(self) -> bool:
        return self._preview_after_matching or (self._handle is not None and not self._handle.done)

    def cancel(self) -> None:
        if self._preview_after_matching:
            self.matching.cancel()
        if self._handle is not None:
            self._handle.cancel()
            self.status.setText(self.tr("Avbrutt."))

    def _progressed(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        if text:
            self.status.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self.preview_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
        has_pdf = self.preview is not None and not busy
        self.save_button.setEnabled(has_pdf)
        self.print_button.setEnabled(has_pdf and HAVE_QTPDF and self.print_job is None)

    def _show_preview(self, preview: Preview) -> None:
        old = self.preview
        self.preview = preview
        if self.document is not None:
            self.document.close()
            self.document.load(str(preview.path))
        if old is not None and old.path != preview.path:
            old.path.unlink(missing_ok=True)
        self.status.setText(self.tr("Forhåndsvisning av {what}: {pages} sider.").format(
            what=preview.description, pages=preview.pages) if preview.pages != 1 else
            self.tr("Forhåndsvisning av {what}: 1 side.").format(what=preview.description))
        self._set_busy(False)
        self.preview_ready.emit()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, Cancelled):
            return
        self.status.setText(self.tr("Utskriften kunne ikke lages."))
        alerts.show_exception(self, exc)

    # ------------------------------------------------------------ save and print

    def save_pdf(self) -> None:
        preview = self.preview
        if preview is None:
            return
        settings = QSettings()
        folder = Path(str(settings.value(SETTINGS_FOLDER, "") or Path.home()))
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Lagre PDF"), str(folder / preview.file_name),
                                                    self.tr("PDF-filer (*.pdf)"))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        settings.setValue(SETTINGS_FOLDER, str(Path(path).parent))
        table = preview.table if self.csv_box.isChecked() else None  # the annual report's figures, beside it
        csv_path = str(Path(path).with_suffix(".csv"))

        def work(_task: Task) -> str:
            from kpdesk.reports.style import write_pdf

            saved = str(write_pdf(path, preview.data))
            if table is not None:
                from kpdesk.common import csvfile

                csvfile.write(csv_path, *table)
            return saved

        def done(saved: str) -> None:
            said = (self.tr("Lagret {path} og {csv}.").format(path=saved, csv=csv_path) if table is not None
                    else self.tr("Lagret {path}.").format(path=saved))
            self.status.setText(said)
            self.context.status_message.emit(said)
            self.saved.emit(saved)

        self.context.compute(work, done, lambda exc: alerts.show_exception(self, exc))

    def print_pdf(self) -> None:
        if self.preview is None or self.document is None or self.print_job is not None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.preview.file_name)
        size = self.document.pagePointSize(0)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if size.width() > size.height()
                                   else QPageLayout.Orientation.Portrait)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Skriv ut"))
        dialog.setMinMax(1, self.document.pageCount())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> PdfPrintJob:
        """Send the previewed pages (the printer's page range, or all) to ``printer``."""
        assert self.document is not None
        count = self.document.pageCount()
        first, last = printer.fromPage(), printer.toPage()
        if first <= 0 or last <= 0:
            first, last = 1, count
        job = PdfPrintJob(self.document, printer, first - 1, min(last, count) - 1, self)
        self.print_job = job
        self.progress.setVisible(True)
        self.progress.setRange(0, last - first + 1)
        self.print_button.setEnabled(False)
        job.progressed.connect(lambda done, total: (self.progress.setValue(done),
                                                    self.status.setText(self.tr("Skriver ut side {done} av {total} …")
                                                                        .format(done=done, total=total))))
        job.finished.connect(self._printed)
        job.failed.connect(self._print_failed)
        job.start()
        return job

    def _printed(self, pages: int) -> None:
        self.print_job = None
        self.progress.setVisible(False)
        self.status.setText(self.tr("Sendt {pages} sider til skriveren.").format(pages=pages))
        self._set_busy(self.is_busy())
        self.printed.emit(pages)

    def _print_failed(self, message: str) -> None:
        self.print_job = None
        self.progress.setVisible(False)
        self._set_busy(self.is_busy())
        alerts.error(self, self.tr("Utskrift"), message)

    def status_text(self) -> str:
        return self.status.text() if self.preview is not None else ""
