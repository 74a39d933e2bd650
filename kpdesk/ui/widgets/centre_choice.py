"""The centre box of a list's filter bar: «Hele regionen» or one centre (issue 17).

The same widget on every page that has one (Arbeidsgivere, Behov, Rom, Timeplan). It opens on the
coordinator's own centre (``ui/centres.CentreState``) and is shown only when the database has more
than one centre. Choosing a centre makes it the own centre; the page reads ``chosen()`` and passes
it to its service query (the filter is the query's, not the widget's).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from kpdesk.ui.centres import CentreState


class CentreChoice(QComboBox):
    centre_changed = Signal(object)
    """The centre chosen (its id), or None for «Hele regionen»."""

    def __init__(self, state: CentreState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("filter_centre")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setToolTip(self.tr("Senteret listen viser, eller hele regionen. Senteret du velger, husker kpdesk "
                                "som ditt: listene åpner på det, og nye poster havner der."))
        self.setAccessibleName(self.tr("Senter"))
        self._filled = False
        self.setVisible(False)
        self.currentIndexChanged.connect(self._picked)
        state.changed.connect(self.fill)
        if state.loaded:
            self.fill()

    def chosen(self) -> int | None:
        data = self.currentData()
        return int(data) if data is not None else None

    def fill(self) -> None:
        """The centres as the state has them; the choice stays, or (the first time) the own centre."""
        from kpdesk.register.centres import WHOLE_REGION  # after the first paint: the register loads SQLAlchemy

        before = self.chosen() if self._filled else self.state.own_id
        self.blockSignals(True)
        self.clear()
        self.addItem(self.tr(WHOLE_REGION), None)
        for row in self.state.rows:
            self.addItem(row.name, row.id)
        index = self.findData(before) if before is not None else 0
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)
        self.setVisible(self.state.several)
        first = not self._filled
        self._filled = True
        if first or self.chosen() != before:
            self.centre_changed.emit(self.chosen())

    def _picked(self, _index: int) -> None:
        chosen = self.chosen()
        if chosen is not None:
            self.state.choose_own(chosen)
        self.centre_changed.emit(chosen)
