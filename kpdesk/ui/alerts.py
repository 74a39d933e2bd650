"""The one user-facing path for messages and questions. Tests patch these functions."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from kpdesk.common.errors import UserError


def _tr(text: str) -> str:
    return QCoreApplication.translate("alerts", text)


def info(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.addButton(_tr("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    if details:
        box.setDetailedText(details)
    box.addButton(_tr("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def question(parent: QWidget | None, title: str, text: str, yes: str, no: str | None = None) -> bool:
    """Ask; True when the user chose ``yes``. The safe answer is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no or _tr("Avbryt"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def choose(parent: QWidget | None, title: str, text: str, options: list[str], cancel: str) -> int | None:
    """Ask with several answers; the index of the one chosen, None for ``cancel`` (the default)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    buttons = [box.addButton(option, QMessageBox.ButtonRole.AcceptRole) for option in options]
    cancel_button = box.addButton(cancel, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel_button)
    box.setEscapeButton(cancel_button)
    box.exec()
    clicked = box.clickedButton()
    return next((i for i, button in enumerate(buttons) if button is clicked), None)


def show_exception(parent: QWidget | None, exc: BaseException) -> None:
    """A UserError shows its message (unless already said); anything else is a bug: log it and say where
    the log is."""
    if isinstance(exc, UserError):
        if exc.said:
            return
        error(parent, _tr("Det gikk ikke"), exc.message, "\n".join(exc.details))
        return
    from kpdesk.common.crashlog import write_crash_log

    log = write_crash_log(exc)
    error(
        parent,
        _tr("Intern feil"),
        _tr("Noe gikk galt i kpdesk ({name}). Ingenting du har lagret er tapt.").format(name=type(exc).__name__),
        _tr("Detaljer er skrevet til {path}").format(path=log),
    )


def ask_text(parent: QWidget | None, title: str, label: str, ok: str, required: bool = False) -> str | None:
    """A line of text from the user (a note, a reason); None when cancelled."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    edit = QLineEdit()
    buttons = QDialogButtonBox()
    ok_button = buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton(_tr("Avbryt"), QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    if required:
        ok_button.setEnabled(False)
        edit.textChanged.connect(lambda text: ok_button.setEnabled(bool(text.strip())))
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel(label))
    layout.addWidget(edit)
    layout.addWidget(buttons)
    dialog.setMinimumWidth(420)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return edit.text().strip()
