"""Rediger → Senterprofil …: the centre's name, address, phone, e-mail, web, coordinator and logo,
printed in the header and footer of every report. The rules live in ``kpdesk.admin.centre_profile``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext

if TYPE_CHECKING:
    from kpdesk.admin.centre_profile import CentreProfileRow

LOGO_PREVIEW = (220, 70)


class CentreDialog(QDialog):
    def __init__(self, context: AppContext, profile: CentreProfileRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("Senterprofil"))
        self.setMinimumWidth(520)
        self.logo: bytes | None = profile.logo
        raw = profile.as_raw()

        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for key, label in (("name", self.tr("Navn på studiesenteret")), ("phone", self.tr("Telefon")),
                           ("email", self.tr("E-post")), ("web", self.tr("Nettadresse")),
                           ("coordinator", self.tr("Koordinator (kontaktperson)"))):
            edit = QLineEdit(raw[key])
            edit.setObjectName(f"{key}Edit")
            self.fields[key] = edit
            form.addRow(label, edit)
            if key == "name":
                self.address_edit = QPlainTextEdit(raw["address"])
                self.address_edit.setObjectName("addressEdit")
                self.address_edit.setFixedHeight(64)
                form.addRow(self.tr("Adresse"), self.address_edit)
        self.fields["email"].setPlaceholderText("post@studiesenter.no")
        self.fields["web"].setPlaceholderText("https://studiesenter.no")

        self.logo_label = QLabel()
        self.logo_label.setObjectName("logoPreview")
        self.logo_label.setFixedSize(*LOGO_PREVIEW)
        self.logo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_label.setStyleSheet("border: 1px solid palette(mid);")
        choose = QPushButton(self.tr("Velg logo …"))
        choose.setObjectName("chooseLogo")
        choose.clicked.connect(self.choose_logo)
        self.remove_button = QPushButton(self.tr("Fjern logo"))
        self.remove_button.setObjectName("removeLogo")
        self.remove_button.clicked.connect(self.remove_logo)
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(choose)
        logo_buttons.addWidget(self.remove_button)
        logo_buttons.addStretch(1)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_label)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)
        form.addRow(self.tr("Logo"), logo_row)
        hint = QLabel(self.tr("PNG eller JPEG, høyst 1 MB. Logoen står øverst til høyre på hver side."))
        hint.setWordWrap(True)
        form.addRow("", hint)

        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Lagre"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveProfile")
        buttons.addButton(self.tr("Avbryt"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self._show_logo()

    @classmethod
    def edit(cls, context: AppContext, parent: QWidget | None = None) -> None:
        """Read the profile on the database thread, then open the dialog on it."""
        from kpdesk.admin.centre_profile import get_profile

        def show(profile: CentreProfileRow) -> None:
            cls(context, profile, parent).exec()

        context.query(get_profile, show, lambda exc: alerts.show_exception(parent, exc))

    def _show_logo(self) -> None:
        pixmap = QPixmap()
        if self.logo and pixmap.loadFromData(self.logo):
            self.logo_label.setPixmap(pixmap.scaled(self.logo_label.size() * 0.95, Qt.AspectRatioMode.KeepAspectRatio,
                                                    Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_label.setPixmap(QPixmap())
            self.logo_label.setText(self.tr("Ingen logo"))
        self.remove_button.setEnabled(bool(self.logo))

    def choose_logo(self) -> None:
        from kpdesk.admin.centre_profile import read_logo_file

        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Velg logo"), "",
                                                    self.tr("Bilder (*.png *.jpg *.jpeg)"))
        if not path:
            return
        try:
            self.logo = read_logo_file(path)
        except Exception as exc:
            alerts.show_exception(self, exc)
            return
        self._show_logo()

    def remove_logo(self) -> None:
        self.logo = None
        self._show_logo()

    def raw(self) -> dict[str, Any]:
        values = {key: edit.text() for key, edit in self.fields.items()}
        values["address"] = self.address_edit.toPlainText()
        return values

    def save(self) -> None:
        from kpdesk.admin.centre_profile import save_profile, validate_profile

        data, problems = validate_profile(self.raw(), self.logo)
        errors = [p.message for p in problems if not p.warning]
        if data is None or errors:
            self.problems.setText("\n".join(f"• {message}." for message in errors))
            return
        def saved(changed: bool) -> None:
            if changed:
                self.context.data_changed.emit("centre_profile")
                self.context.status_message.emit(self.tr("Senterprofilen er lagret."))
            self.accept()

        self.save_button.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            alerts.show_exception(self, exc)

        self.context.query(lambda session: save_profile(session, data), saved, failed)
