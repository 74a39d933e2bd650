"""Fil › Koble til regionens register …: the address of a region's shared register on a PostgreSQL
server. No password field: libpq reads it from ~/.pgpass or a service file, as on the command line.
The address is read by ``common.paths.read_server_address``; what is wrong is said under the field,
and the dialog stays open."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from kpdesk.common.errors import UserError
from kpdesk.common.paths import ServerAddress, read_server_address
from kpdesk.ui.widgets.forms import ERROR_STYLE

EXAMPLE = "postgresql://bruker@tjener:5432/database"
NOTE_STYLE = "color: #555;"


class ServerDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, initial: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Koble til regionens register"))
        self.address: ServerAddress | None = None
        intro = QLabel(self.tr("Adressen til regionens database på PostgreSQL-serveren (den som drifter serveren, "
                               "gir deg den):"))
        intro.setWordWrap(True)
        self.edit = QLineEdit(initial)
        self.edit.setObjectName("serverAddress")
        self.edit.setPlaceholderText(EXAMPLE)
        intro.setBuddy(self.edit)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setVisible(False)
        note = QLabel(self.tr("kpdesk spør ikke etter passordet og lagrer det aldri. Legg det i ~/.pgpass (Windows: "
                              "%APPDATA%\\postgresql\\pgpass.conf) eller i en tjenestefil (PGSERVICE), slik "
                              "kommandolinjen bruker det. Flere koordinatorer kan bruke registeret samtidig."))
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)  # muted: an explanation, not a field
        buttons = QDialogButtonBox()
        self.connect_button = buttons.addButton(self.tr("Koble til"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Avbryt"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.edit.textEdited.connect(lambda _text: self.problem.setVisible(False))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.edit)
        layout.addWidget(self.problem)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def accept(self) -> None:
        try:
            self.address = read_server_address(self.edit.text())
        except UserError as exc:
            self.problem.setText(exc.message)
            self.problem.setVisible(True)
            self.adjustSize()  # room for the reason: the note below must not be cut off
            self.edit.setFocus()
            return
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, initial: str = "") -> ServerAddress | None:
        """The address the user gave, or None when cancelled."""
        dialog = cls(parent, initial)
        return dialog.address if dialog.exec() == QDialog.DialogCode.Accepted else None
