"""Unhandled errors, on the GUI thread or another, reach the one error dialog and the crash log."""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest


def test_errors_on_any_thread_reach_the_error_dialog(qtbot: Any, alerts: Any, monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Any) -> None:
    from kpdesk.ui.app import create_application, install_error_hooks

    create_application()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored afterwards
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_error_hooks()

    def fails() -> None:
        raise ValueError("fra en tråd")

    worker = threading.Thread(target=fails)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(alerts.shown) == 1)
    try:
        raise KeyError("fra GUI-tråden")
    except KeyError:
        sys.excepthook(*sys.exc_info())  # what Python calls for an exception nobody caught
    qtbot.waitUntil(lambda: len(alerts.shown) == 2)
    assert [title for _kind, title, _text in alerts.shown] == ["Intern feil", "Intern feil"]
    assert "ValueError" in alerts.shown[0][2] and "KeyError" in alerts.shown[1][2]
    logs = list((tmp_path.parent.parent).glob("**/kpdesk-crash-*.log"))  # KPDESK_LOG_DIR is a temp folder
    assert logs


def test_the_application_carries_kpdesks_own_icon_and_desktop_name(qapp: Any) -> None:
    from kpdesk.ui.app import DESKTOP_ID, ICON_SIZES, create_application

    app = create_application()
    assert app.desktopFileName() == DESKTOP_ID
    sizes = {size.width() for size in app.windowIcon().availableSizes()}
    assert sizes == set(ICON_SIZES)  # every PNG was found and read
    assert not app.windowIcon().pixmap(32, 32).isNull()
