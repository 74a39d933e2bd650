"""The window picks up others' changes without a restart.

Every ``INTERVAL_MS`` the GUI thread asks ``admin.changes.changes_since`` on the database thread
(``context.query``; it never waits, and asks again only when the last answer has come). When another
store (a coordinator beside this one, an import or a command) wrote entries, the lists showing those
kinds reload through ``context.data_changed`` (a list keeps its selection; a form with unsaved edits
is kept and says so, ``RecordPage``), and the status bar says «Oppdatert: 3 endringer fra andre».
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from kpdesk.common.norsk import plural
from kpdesk.ui.context import AppContext

INTERVAL_MS = 4000

# audit entity -> the data_changed kind the pages listen for (the others are the same word)
KINDS = {"contact_person": "contact", "booking_series": "booking", "offer_session": "offer",
         "match_decision": "need"}


def data_kinds(entities: frozenset[str]) -> list[str]:
    """The ``data_changed`` kinds for the audit entities others changed, each once, in order."""
    return sorted({KINDS.get(entity, entity) for entity in entities})


def said(records: int) -> str:
    """«Oppdatert: 3 endringer fra andre» (a change without a record of its own, an import's summary: no number)."""
    if records == 0:
        return "Oppdatert: endringer fra andre"
    return f"Oppdatert: {plural(records, 'endring', 'endringer')} fra andre"


class OthersChanges(QObject):
    """Polls for others' changes while a store is open (started by ``store_ready``)."""

    def __init__(self, context: AppContext, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(context)
        self.context = context
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self._since: int | None = None  # the newest entry seen (None: not looked yet)
        self._asking = False
        context.store_ready.connect(self._start)

    @property
    def looked(self) -> bool:
        """The first look has come: later entries by others are changes to pick up."""
        return self._since is not None

    def _start(self) -> None:
        self._since = None  # a store opened again (restore): look where its log stands first
        self.timer.start()
        self.poll()

    def poll(self) -> None:
        if self._asking or self.context.store is None:
            return
        self._asking = True
        since = self._since

        def work(session: Any) -> Any:
            from kpdesk.admin.changes import changes_since

            return changes_since(session, since)

        # may_retry=False: a poll that meets a server gone quiet asks no one; the next poll asks again
        self.context.query(work, self._arrived, self._failed, may_retry=False)

    def _arrived(self, changes: Any) -> None:
        self._asking = False
        first = self._since is None
        self._since = changes.newest
        if first or not changes.kinds:
            return
        for kind in data_kinds(changes.kinds):
            self.context.data_changed.emit(kind)
        self.context.status_message.emit(said(changes.records))

    def _failed(self, _exc: BaseException) -> None:
        self._asking = False  # a closed store or a server not answering now: the next poll asks again
