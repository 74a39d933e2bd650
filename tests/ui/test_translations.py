"""Qt's own words in bokmål: file dialog, message box buttons, context menus, day names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox, QPushButton

from kpdesk.common.resources import resource_path
from kpdesk.ui.app import speak_bokmal


def test_qt_strings_read_in_bokmal(qapp, qtbot) -> None:  # type: ignore[no-untyped-def]
    speak_bokmal(qapp)
    translate = QCoreApplication.translate
    assert (translate("QPlatformTheme", "Save"), translate("QPlatformTheme", "Cancel"),
            translate("QLineEdit", "&Paste")) == ("Lagre", "Avbryt", "&Lim inn")
    assert QLocale().dayName(1) == "mandag" and QLocale().monthName(5) == "mai"

    box = QMessageBox(QMessageBox.Icon.Question, "kpdesk", "Lagre?",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert {b.text() for b in box.findChildren(QPushButton)} >= {"Lagre", "Avbryt"}

    dialog = QFileDialog(None, "Åpne database")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"&Se i:", "Fil&navn:", "Fil&type:"} <= labels
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    texts = {b.text().replace("&", "") for b in buttons.buttons()}
    assert "Avbryt" in texts and not {"Open", "Cancel"} & texts


def test_the_shipped_translation_is_compiled_from_its_source(tmp_path: Path) -> None:
    """resources/translations/qtbase_nb.qm is what pyside6-lrelease makes of qtbase_nb.ts."""
    source = resource_path("translations", "qtbase_nb.ts")
    built = tmp_path / "qtbase_nb.qm"
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    subprocess.run([str(lrelease), str(source), "-qm", str(built)], check=True, capture_output=True)
    assert built.read_bytes() == resource_path("translations", "qtbase_nb.qm").read_bytes()
