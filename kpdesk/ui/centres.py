"""The window's knowledge of the region's centres: which there are, and the coordinator's own.

The coordinator's own centre is a per-user choice, kept in the window's settings by name
(``centre/own``): the lists open on it and new employers, needs and rooms go there. Choosing a
centre in a list's centre box (``widgets/centre_choice.py``) makes it the own centre. Without a
choice, a database of one centre has that one; with several, the lists open on «Hele regionen».
One ``CentreState`` per window context (``centre_state``), loaded when the store opens and again
after a centre is added or renamed (``data_changed("centre")``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from kpdesk.ui.context import AppContext

OWN_KEY = "centre/own"


class CentreState(QObject):
    changed = Signal()
    """The centres or the own centre changed."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.context = context
        self.rows: list[Any] = []  # register.centres.CentreRow, by name
        self.own_id: int | None = None
        self.loaded = False
        context.store_ready.connect(self.load)
        context.data_changed.connect(lambda kind: self.load() if kind == "centre" else None)

    def load(self) -> None:
        from kpdesk.register.centres import known_own_centre, list_centres

        remembered = remembered_own_name()
        self.context.query(lambda s: (list_centres(s), known_own_centre(s, remembered)), self._loaded,
                           lambda _exc: None)

    def _loaded(self, loaded: tuple[list[Any], Any]) -> None:
        self.rows, own = loaded
        self.loaded = True
        self.own_id = own.id if own else None
        self.changed.emit()

    @property
    def several(self) -> bool:
        return len(self.rows) > 1

    def name_of(self, centre_id: int | None) -> str:
        return next((r.name for r in self.rows if r.id == centre_id), "")

    def choose_own(self, centre_id: int) -> None:
        """Remember ``centre_id`` as the coordinator's own centre."""
        name = self.name_of(centre_id)
        if not name or centre_id == self.own_id:
            return
        self.own_id = centre_id
        QSettings().setValue(OWN_KEY, name)


def remembered_own_name() -> str | None:
    """The own centre's name as the settings hold it (for the list read before the store is open)."""
    return str(QSettings().value(OWN_KEY, "") or "") or None


def centre_state(context: AppContext) -> CentreState:
    """The context's one CentreState, made (and loaded, if the store is open) on first use."""
    state = context.findChild(CentreState)
    if state is None:
        state = CentreState(context)
        if context.store is not None:
            state.load()
    return state
