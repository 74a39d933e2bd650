"""Pictures for the user guide: every section of the window, offscreen, on the small demo.

    PYTHONPATH=. QT_QPA_PLATFORM=offscreen python scripts/help_screenshots.py [OUT_DIR]

Writes resources/help/img/<page>.png (900 px wide). Settings and the demo database live in a
temporary folder, so the coordinator's own settings are not touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

WIDTH = 900


def shrink(path: Path) -> None:
    """256 colours are plenty for a window: about a third of the size (Pillow comes with ReportLab)."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "resources" / "help" / "img"
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    temp = Path(tempfile.mkdtemp(prefix="kpdesk-help-"))
    os.environ["XDG_CONFIG_HOME"] = str(temp / "config")
    os.environ["XDG_DATA_HOME"] = str(temp / "data")
    os.environ["KPDESK_LOG_DIR"] = str(temp / "logs")

    from kpdesk.cli import main as cli

    db = temp / "demo.sqlite"
    if cli(["demo", "--db", str(db)]) != 0:
        return 1

    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QAbstractItemView, QApplication

    from kpdesk.ui.app import create_application
    from kpdesk.ui.dialogs.help import PAGE_OF_SECTION
    from kpdesk.ui.main_window import SECTIONS, MainWindow, section_rows
    from kpdesk.ui.operations import wait_for_all

    app = create_application()
    window = MainWindow(db)
    window.resize(1366, 768 - 40)
    window.show()
    window.open_store()

    def settle(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.02)
        wait_for_all()
        QApplication.processEvents()

    settle(2.0)
    while window.context.store is None:
        settle(0.2)
    window.db_label.setText("kpdesk.sqlite")  # not the temporary folder the pictures were taken in
    rows = section_rows()
    rows.append(rows.pop(0))  # Oversikt last, once matching has run
    for row in rows:
        name = SECTIONS[row][2]
        window.navigation.setCurrentRow(row)
        page = window.page(row)
        settle(1.0)
        if name in ("MatchingPage", "DemandPage"):
            page.matching.run(page.matching.as_of)
            settle(4.0)
        view = getattr(page, "view", None)
        model = view.model() if isinstance(view, QAbstractItemView) else None
        if view is not None and model is not None and model.rowCount() > 0:
            view.setCurrentIndex(model.index(0, 0))  # a record open in the form, proposals shown
            settle(1.0)
        picture = window.grab().scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
        path = out / f"{PAGE_OF_SECTION[name]}.png"
        picture.save(str(path), "PNG")
        shrink(path)
        print(f"{path} ({path.stat().st_size // 1024} kB)")
    window.close()
    settle(0.5)
    QCoreApplication.quit()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
