"""«Prøv igjen» when a region's database server stops answering while the coordinator works.

A job on the database thread that fails because the server went away (``db.server.ServerUnavailable``:
the same sentence the command line prints) is held back, not shown as an error: one question says
so, with «Prøv igjen» and «Avbryt». «Prøv igjen» runs every job held back once more, in the order
they were asked for (each fails again, and is offered again, while the server is still away);
«Avbryt» lets them fail the usual way, without a second message. Jobs that fail while the question
is open join it. Any other failure goes on to the job's own ``on_error``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QWidget

from kpdesk.common.errors import UserError
from kpdesk.ui import alerts


def tr(text: str) -> str:
    return QCoreApplication.translate("RetryOffer", text)


def is_server_gone(exc: BaseException) -> bool:
    from kpdesk.db.server import ServerUnavailable

    return isinstance(exc, ServerUnavailable)


class RetryOffer(QObject):
    """A runner's ``retry`` hook (``operations.RetryHook``) for the window ``widget``."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        self.held: list[tuple[UserError, Callable[[], None], Callable[[], None]]] = []

    def take(self, exc: BaseException, again: Callable[[], None], give_up: Callable[[], None]) -> bool:
        if not isinstance(exc, UserError) or not is_server_gone(exc):
            return False
        self.held.append((exc, again, give_up))
        if len(self.held) == 1:  # the first: ask once this failure's slot has returned
            QTimer.singleShot(0, self._ask)
        return True

    def _ask(self) -> None:
        if not self.held:
            return
        first = self.held[0][0]
        text = tr("{reason}\n\nDet som ikke ble gjort, gjøres på nytt når du velger «Prøv igjen».").format(
            reason=first.message)
        retry = alerts.question(self.widget, tr("Mistet forbindelsen til databaseserveren"), text,
                                tr("Prøv igjen"), tr("Avbryt"))
        held, self.held = self.held, []
        for exc, again, give_up in held:
            if retry:
                again()
            else:
                exc.said = True
                give_up()
