"""Oversikt: what the database holds, and today's date and week."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from kpdesk.common.norsk import format_date, group_thousands, iso_week
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.base import Page

if TYPE_CHECKING:
    from kpdesk.admin.database_summary import Summary


class _Figure(QFrame):
    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)


class OverviewPage(Page):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.title = self.tr("Oversikt")
        today = dt.date.today()
        year, week = iso_week(today)
        heading = QLabel(self.tr("<h2>Oversikt</h2><p>I dag er {date}, uke {week} ({year}).</p>").format(
            date=format_date(today), week=week, year=year))
        heading.setObjectName("overviewHeading")
        self.figures = {
            "employers": _Figure(self.tr("arbeidsgivere")),
            "open_needs": _Figure(self.tr("åpne behov")),
            "offers": _Figure(self.tr("kurstilbud")),
            "providers": _Figure(self.tr("tilbydere")),
            "rooms": _Figure(self.tr("rom")),
            "bookings": _Figure(self.tr("bookinger")),
        }
        grid = QGridLayout()
        for number, figure in enumerate(self.figures.values()):
            grid.addWidget(figure, number // 3, number % 3)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(grid)
        layout.addStretch(1)
        context.data_changed.connect(lambda _kind: self.reload())

    def load(self) -> None:
        from kpdesk.admin.database_summary import summarise

        self.context.query(summarise, self._show)

    def _show(self, summary: Summary) -> None:
        for key, figure in self.figures.items():
            figure.value.setText(group_thousands(getattr(summary, key)))
        host = self.host()
        if host is not None:
            host.page_data_shown()
