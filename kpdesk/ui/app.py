"""Application start: the window paints first, the database opens behind it.

Only Qt is imported before the first paint; SQLAlchemy, Alembic and the services load on the
worker thread that opens the store (eager imports would make the first paint ~3.6× slower).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

ORGANISATION = "kpdesk"
APPLICATION = "kpdesk"
PROBE_ENV = "KPDESK_STARTUP_PROBE"  # benchmarks: print paint/data times as JSON, then quit


def _report_startup(first_paint_at: float | None) -> None:
    """The startup benchmark's probe: wall-clock times of the first paint and of the first list
    on screen, as JSON on stdout; then quit. (Nothing is added before the first paint for it.)"""
    import json
    import time

    from PySide6.QtCore import QCoreApplication, QTimer

    print(json.dumps({"first_paint": first_paint_at, "data_shown": time.time()}), flush=True)
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
        window.first_data_shown.connect(lambda: _report_startup(window.first_paint_at))
    window.open_store_after_first_paint()
    window.show()
    code = app.exec()
    window.runner.wait()
    return code
