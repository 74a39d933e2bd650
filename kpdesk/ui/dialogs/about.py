"""The About dialog: version and what kpdesk is built on."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kpdesk import __version__


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Om kpdesk"))
        import sqlalchemy

        text = self.tr(
            "<h2>kpdesk {version}</h2>"
            "<p>Arbeidsverktøy for koordinatorer ved lokale studiesentre: "
            "megler, møteplass og motor.</p>"
            "<p>Behov og arbeidsgivere, kurstilbud og matching, rom og booking, "
            "utskrifter til møter. Alt lagres lokalt på denne maskinen.</p>"
            "<p style='color:gray'>Python {python} · Qt {qt} · PySide6 {pyside} · SQLAlchemy {sqla}</p>"
        ).format(
            version=__version__,
            python=platform.python_version(),
            qt=qVersion(),
            pyside=pyside_version,
            sqla=sqlalchemy.__version__,
        )
        self.label = QLabel(text)
        self.label.setObjectName("aboutText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox()
        close = buttons.addButton(self.tr("Lukk"), QDialogButtonBox.ButtonRole.AcceptRole)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
