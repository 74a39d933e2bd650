"""Hjelp › Brukerveiledning (F1): the bokmål user guide in ``resources/help/``, one page per section."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common.resources import resource_path

# (file name without .html, title) in the order of the contents list
CONTENTS: tuple[tuple[str, str], ...] = (
    ("index", "Slik er kpdesk bygd opp"),
    ("oversikt", "Oversikt"),
    ("arbeidsgivere", "Arbeidsgivere"),
    ("personer", "Personer"),
    ("behov", "Behov"),
    ("tilbydere", "Tilbydere"),
    ("kurstilbud", "Kurstilbud"),
    ("matching", "Matching"),
    ("samordning", "Samordning"),
    ("rom", "Rom"),
    ("timeplan", "Timeplan"),
    ("eksamen", "Eksamen"),
    ("gjennomforinger", "Gjennomføringer"),
    ("regionbilde", "Regionbilde"),
    ("utskrifter", "Utskrifter"),
    ("endringslogg", "Endringslogg"),
    ("import", "Importere fra CSV"),
    ("sikkerhetskopier", "Sikkerhetskopier"),
    ("installere", "Installere og flytte"),
)

# the page of each section, by its page class
PAGE_OF_SECTION = {
    "OverviewPage": "oversikt", "EmployersPage": "arbeidsgivere", "PersonsPage": "personer", "NeedsPage": "behov",
    "ProvidersPage": "tilbydere", "OffersPage": "kurstilbud", "MatchingPage": "matching",
    "DemandPage": "samordning", "RoomsPage": "rom", "SchedulePage": "timeplan",
    "ExamsPage": "eksamen", "RunsPage": "gjennomforinger", "MotorPage": "regionbilde",
    "ReportsPage": "utskrifter", "AuditLogPage": "endringslogg",
}


def help_file(name: str) -> QUrl:
    return QUrl.fromLocalFile(str(resource_path("help", f"{name}.html")))


class HelpDialog(QDialog):
    """The guide: the contents on the left, the page on the right; links move between pages."""

    def __init__(self, parent: QWidget | None = None, page: str = "index") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Brukerveiledning – kpdesk"))
        self.contents = QListWidget()
        self.contents.setObjectName("helpContents")
        for _name, title in CONTENTS:
            QListWidgetItem(self.tr(title), self.contents)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(resource_path("help"))])
        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([180, 720])
        buttons = QDialogButtonBox()
        close = buttons.addButton(self.tr("Lukk"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        back = buttons.addButton(self.tr("Tilbake"), QDialogButtonBox.ButtonRole.ActionRole)
        back.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(back.setEnabled)
        back.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        row = QHBoxLayout()
        row.addWidget(buttons)
        layout.addLayout(row)
        self.contents.currentRowChanged.connect(self._contents_chosen)
        self.browser.sourceChanged.connect(self._source_changed)
        self.resize(960, 640)
        self.show_page(page)

    def show_page(self, name: str) -> None:
        if name not in dict(CONTENTS):
            name = "index"
        self.browser.setSource(help_file(name))
        self._source_changed(self.browser.source())  # not always signalled for a page set from code

    def current_page(self) -> str:
        return self.browser.source().fileName().removesuffix(".html")

    def _contents_chosen(self, row: int) -> None:
        if row >= 0 and CONTENTS[row][0] != self.current_page():
            self.show_page(CONTENTS[row][0])

    def _source_changed(self, url: QUrl) -> None:
        names = [name for name, _title in CONTENTS]
        name = url.fileName().removesuffix(".html")  # source() still gives the page before, here
        if name in names:
            self.contents.blockSignals(True)
            self.contents.setCurrentRow(names.index(name))
            self.contents.blockSignals(False)
