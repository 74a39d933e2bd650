"""Application start: the window paints first, the database opens behind it.

Only Qt is imported before the first paint; SQLAlchemy, Alembic and the services load on the
worker thread that opens the store (eager imports would make the first paint ~3.6× slower).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from kpdesk.common.paths import Location

ORGANISATION = "kpdesk"
APPLICATION = "kpdesk"
DESKTOP_ID = "no.kpdesk.Kpdesk"  # packaging/linux/no.kpdesk.Kpdesk.desktop and its AppStream metainfo
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
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
    existing = QApplication.instance()
    if existing is None:
        app = QApplication(argv or sys.argv[:1])
    else:
        assert isinstance(existing, QApplication), "a QCoreApplication without widgets is already running"
        app = existing
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("kpdesk")
    from kpdesk import __version__

    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_ID)  # Wayland and the task bar find the launcher's name and icon by this
    app.setWindowIcon(program_icon())
    speak_bokmal(app)
    return app


def program_icon() -> QIcon:
    """kpdesk's own icon (resources/icons, made from kpdesk.svg by scripts/make_icons.py); Qt reads
    the file of the size it needs when it draws it."""
    from kpdesk.common.resources import resource_path

    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resource_path("icons", f"kpdesk-{size}.png")))
    return icon


def speak_bokmal(app: QApplication) -> None:
    """Qt's own words in bokmål whatever the system's language: the file dialog, the buttons of
    message boxes («Lagre», «Avbryt»), the text fields' context menu, and day and month names.

    Qt ships no bokmål translation of its own strings (only nynorsk), so kpdesk ships one for the
    strings it shows (resources/translations/qtbase_nb.ts, compiled to .qm with pyside6-lrelease).
    """
    from PySide6.QtCore import QLocale, QTranslator

    from kpdesk.common.resources import resource_path

    QLocale.setDefault(QLocale(QLocale.Language.NorwegianBokmal, QLocale.Country.Norway))
    if app.property("kpdeskTranslator") is not None:
        return  # already installed (tests create the application more than once)
    translator = QTranslator(app)
    if translator.load(str(resource_path("translations", "qtbase_nb.qm"))):
        app.installTranslator(translator)
        app.setProperty("kpdeskTranslator", translator)


class _ErrorRelay(QObject):
    """Lives on the GUI thread; an error raised on any thread reaches the dialog through its signal."""

    raised = Signal(object)

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.raised.connect(self._show)

    @Slot(object)
    def _show(self, exc: BaseException) -> None:
        from kpdesk.ui import alerts

        alerts.show_exception(None, exc)


def install_error_hooks() -> None:
    """Unhandled exceptions, on the GUI thread or any other, reach the one error dialog and the log."""
    import logging
    import threading

    log = logging.getLogger("kpdesk")
    relay = _ErrorRelay(QApplication.instance())

    def report(exc: BaseException) -> None:
        log.error("unhandled %s", type(exc).__name__)
        relay.raised.emit(exc)  # queued to the GUI thread when raised elsewhere

    def excepthook(_type: type[BaseException], exc: BaseException, _tb: object) -> None:
        report(exc)

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            report(args.exc_value)

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook


def run_app(location: Location) -> int:
    """The window on ``location``: a database file, or a region's register on a PostgreSQL server."""
    import logging

    from kpdesk.common.logs import clean_exit, enable_native_crash_trace, setup_logging

    setup_logging()
    notice = enable_native_crash_trace()
    logging.getLogger("kpdesk").info("kpdesk started")
    app = create_application()
    install_error_hooks()
    from kpdesk.ui.main_window import MainWindow

    window = MainWindow(location)
    if os.environ.get(PROBE_ENV):
        window.first_data_shown.connect(lambda: _report_startup(window.first_paint_at))
    window.open_store_after_first_paint()
    window.show()
    if notice:
        from PySide6.QtCore import QTimer

        from kpdesk.ui import alerts

        QTimer.singleShot(0, lambda: alerts.info(window, "kpdesk stoppet uventet", notice))
    code = app.exec()
    from kpdesk.ui.operations import wait_for_all

    wait_for_all()  # at exit only: a cancelled job still finishing must not meet a half-destroyed Qt
    clean_exit()
    logging.getLogger("kpdesk").info("kpdesk closed")
    return code
