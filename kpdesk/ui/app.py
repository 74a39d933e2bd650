"""Application start: the window paints first, the database opens behind it.

Only Qt is imported before the first paint; SQLAlchemy, Alembic and the services load on the
worker thread that opens the store (eager imports would make the first paint ~3.6× slower).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

ORGANISATION = "kpdesk"
APPLICATION = "kpdesk"
PROBE_ENV = "KPDESK_STARTUP_PROBE"  # benchmarks: print paint/data times as JSON, then quit


class StartupProbe(QObject):
    """Records wall-clock times of the first paint and of the first list on screen."""

    def __init__(self, window: QObject) -> None:
        super().__init__(window)
        self.times: dict[str, float] = {}
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and "first_paint" not in self.times:
            self.times["first_paint"] = time.time()
        return False

    def data_shown(self) -> None:
        if "data_shown" in self.times:
            return
        self.times["data_shown"] = time.time()
        print(json.dumps(self.times), flush=True)
        QTimer.singleShot(0, QCoreApplication.quit)


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("kpdesk")
    from kpdesk import __version__

    app.setApplicationVersion(__version__)
    return app  # type: ignore[return-value]


def run_app(db_path: Path) -> int:
    app = create_application()
    from kpdesk.ui.main_window import MainWindow

    window = MainWindow(db_path)
    if os.environ.get(PROBE_ENV):
        probe = StartupProbe(window)
        window.first_data_shown.connect(probe.data_shown)
    window.open_store_after_first_paint()
    window.show()
    code = app.exec()
    window.runner.wait()
    return code
