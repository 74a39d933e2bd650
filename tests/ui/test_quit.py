"""Fil › Avslutt, Ctrl+Q and the window's own close button end the program: the event loop returns
(the window hides at once and closes for good once the store has closed on the database thread),
and the next start says nothing about an unexpected stop."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication

from kpdesk.ui.operations import wait_for_all

NO_QUIT = 99  # what exec() returns when the safety timer, not the window, ended the event loop


def quit_action(window: Any) -> Any:
    return next(action for menu in window.menuBar().actions() for action in menu.menu().actions()
                if action.text() == "&Avslutt")


def press_ctrl_q(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def close_button(window: Any, _qtbot: Any) -> None:
    """What the window manager sends when the window's X is clicked: a close event to its window."""
    QCoreApplication.sendEvent(window.windowHandle(), QCloseEvent())


def run_event_loop(app: QApplication, start: Callable[[], None]) -> int:
    """``app.exec()``, the real event loop as kpdesk runs it, with ``start`` called in it; what it
    returns, or NO_QUIT if it was still running after 15 s."""
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(lambda: app.exit(NO_QUIT))
    safety.start(15000)
    QTimer.singleShot(0, start)
    try:
        return app.exec()
    finally:
        safety.stop()


WAYS: dict[str, Callable[[Any, Any], None]] = {
    "Fil › Avslutt": lambda window, _qtbot: quit_action(window).trigger(),
    "Ctrl+Q": press_ctrl_q,
    "X": close_button,
}


@pytest.mark.parametrize("how", list(WAYS))
def test_quitting_ends_the_event_loop(open_window: Any, seeded_db: Path, qtbot: Any, how: str) -> None:
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window._started, timeout=5000)  # shortcuts are set after the first paint
    app = QApplication.instance()
    assert isinstance(app, QApplication) and app.quitOnLastWindowClosed()
    others = [w for w in app.topLevelWidgets() if w.isVisible() and w is not window]
    assert not others, f"windows of other tests are still shown: {others}"
    about_to_quit: list[bool] = []
    app.aboutToQuit.connect(lambda: about_to_quit.append(True))
    code = run_event_loop(app, lambda: WAYS[how](window, qtbot))
    assert code == 0, f"{how}: the window went, but the program kept running"
    assert about_to_quit
    assert window._closed and window.context.store is None
    wait_for_all()


def test_a_window_whose_database_never_opened_quits_too(qtbot: Any, db_path: Path, alerts: Any) -> None:
    """The database is in use and the user answers «Avslutt», not «Åpne skrivebeskyttet»: the program ends."""
    from PySide6.QtCore import QSettings

    from kpdesk.db.store import Store
    from kpdesk.ui.app import create_application
    from kpdesk.ui.main_window import MainWindow

    Store.open(db_path, daily_backup=False).close()
    holder = subprocess.Popen(  # another kpdesk holds the file for writing
        [sys.executable, "-c", "import sys; from kpdesk.db.store import Store; "
         f"s = Store.open({str(db_path)!r}, daily_backup=False); print('open', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        alerts.answer = False
        app = create_application()
        QSettings().clear()
        window = MainWindow(db_path)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        code = run_event_loop(app, window.open_store)
    finally:
        if holder.stdin is not None:
            holder.stdin.close()
        holder.wait(10)
    assert "allerede åpen for skriving" in alerts.texts()
    assert code == 0, "the window went, but the program kept running"
    wait_for_all()


QUIT_FROM_MENU = """
import sys
from PySide6.QtCore import QTimer
from kpdesk.ui.app import create_application

create_application()  # kpdesk's own start below uses this application

def avslutt():
    from PySide6.QtWidgets import QApplication
    from kpdesk.ui.main_window import MainWindow

    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    if not windows or windows[0].context.store is None or not windows[0]._started:
        QTimer.singleShot(50, avslutt)
        return
    action = next(a for m in windows[0].menuBar().actions() for a in m.menu().actions() if a.text() == "&Avslutt")
    print("avslutter", flush=True)
    action.trigger()

QTimer.singleShot(0, avslutt)
from kpdesk.cli import main
sys.exit(main(["--db", sys.argv[1]]))
"""


def test_kpdesk_ends_after_fil_avslutt_and_the_next_start_is_quiet(seeded_db: Path) -> None:
    """A real ``kpdesk --db X`` process: Fil › Avslutt ends it with exit code 0 within seconds, the
    lock is released, and its next start does not say that kpdesk stopped unexpectedly."""
    from kpdesk.common import logs

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen([sys.executable, "-c", QUIT_FROM_MENU, str(seeded_db)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # the window is up and its database open (or the process ended)
        assert line == "avslutter\n", process.stderr.read() if process.stderr else ""
        asked = time.monotonic()
        code = process.wait(timeout=20)
        assert time.monotonic() - asked < 5, "kpdesk took long to end"
    except subprocess.TimeoutExpired:
        pytest.fail("kpdesk kept running after Fil › Avslutt")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 0
    assert not list(seeded_db.parent.glob(".kpdesk-*.lock"))  # the lock file went with the store
    assert logs.previous_stop_notice() is None  # what the next start asks
