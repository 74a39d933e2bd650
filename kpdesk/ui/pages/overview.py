"""Oversikt: the day (today's bookings, application deadlines soon, needs without a proposal, the last
backup), each clickable to its section, and what the database holds."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from kpdesk.common.norsk import format_date, format_datetime, format_time, group_thousands, iso_week, plural
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.base import Page

if TYPE_CHECKING:
    from kpdesk.admin.database_summary import Summary
    from kpdesk.admin.day_overview import DayOverview

EXAMPLES = 5  # needs without a proposal named on the page


class _Figure(QFrame):
    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)


class _DayBox(QGroupBox):
    """A heading and a short list; a click (or Enter) on a line goes to ``target`` (a page class)."""

    def __init__(self, title: str, target: str) -> None:
        super().__init__(title)
        self.target = target
        self.list = QListWidget()
        self.list.setObjectName(f"day_{target}")
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setWordWrap(True)
        self.list.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.list)

    def set_lines(self, lines: list[str], tooltip: str) -> None:
        self.list.clear()
        for line in lines:
            item = QListWidgetItem(line, self.list)
            item.setToolTip(tooltip)

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]


class OverviewPage(Page):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.title = self.tr("Oversikt")
        self.day: DayOverview | None = None
        self.heading = QLabel()
        self.heading.setObjectName("overviewHeading")
        self._set_heading(dt.date.today())
        self.boxes = {
            "today": _DayBox(self.tr("I dag"), "SchedulePage"),
            "deadlines": _DayBox(self.tr("Søknadsfrister de neste 14 dagene"), "OffersPage"),
            "unproposed": _DayBox(self.tr("Behov uten forslag"), "MatchingPage"),
            "backup": _DayBox(self.tr("Siste sikkerhetskopi"), "backups"),
        }
        for box in self.boxes.values():
            box.list.itemActivated.connect(lambda _item, b=box: self.go_to(b.target))
            box.list.itemClicked.connect(lambda _item, b=box: self.go_to(b.target))
        day_grid = QGridLayout()
        day_grid.addWidget(self.boxes["today"], 0, 0)
        day_grid.addWidget(self.boxes["deadlines"], 0, 1)
        day_grid.addWidget(self.boxes["unproposed"], 1, 0)
        day_grid.addWidget(self.boxes["backup"], 1, 1)
        day_grid.setRowStretch(0, 3)
        day_grid.setRowStretch(1, 2)
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
            grid.addWidget(figure, 0, number)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(day_grid, 1)
        layout.addLayout(grid)
        context.data_changed.connect(lambda _kind: self.reload())
        from kpdesk.ui.matching_runner import MatchingRunner

        self.matching = MatchingRunner.of(context)
        self.matching.finished.connect(lambda _run: self._show_unproposed())
        self._show_unproposed()

    # ------------------------------------------------------------ loading

    def load(self) -> None:
        from kpdesk.admin.database_summary import summarise
        from kpdesk.admin.day_overview import day_overview

        self.context.query(summarise, self._show)

        def day(store: Any) -> DayOverview:
            return store.transaction(lambda session: day_overview(session, store.path))

        self.context.with_store(day, self._show_day)

    def _show(self, summary: Summary) -> None:
        for key, figure in self.figures.items():
            figure.value.setText(group_thousands(getattr(summary, key)))
        host = self.host()
        if host is not None:
            host.page_data_shown()

    def _set_heading(self, today: dt.date) -> None:
        year, week = iso_week(today)
        self.heading.setText(self.tr("<h2>Oversikt</h2><p>I dag er {date}, uke {week} ({year}).</p>").format(
            date=format_date(today), week=week, year=year))

    def _show_day(self, day: DayOverview) -> None:
        from kpdesk.db.backup import REASON_LABELS

        self.day = day
        self._set_heading(day.today)
        today = [self.tr("{start}–{end}  {room}: {title}").format(
            start=format_time(b.starts_at) if b.starts_at.date() == day.today else self.tr("før i dag"),
            end=format_time(b.ends_at) if b.ends_at.date() == day.today else self.tr("senere"),
            room=b.room, title=b.title) for b in day.bookings]
        self.boxes["today"].set_lines(today or [self.tr("Ingen bookinger i dag.")],
                                      self.tr("Gå til Timeplan"))
        deadlines = [self.tr("{date} ({left}): {title} – {provider}").format(
            date=format_date(d.deadline),
            left=self.tr("i dag") if d.days_left == 0 else self.tr("om {days}").format(
                days=plural(d.days_left, self.tr("dag"), self.tr("dager"))),
            title=d.title, provider=d.provider) for d in day.deadlines]
        self.boxes["deadlines"].set_lines(deadlines or [self.tr("Ingen søknadsfrister de neste 14 dagene.")],
                                          self.tr("Gå til Kurstilbud"))
        backup = day.last_backup
        if getattr(self.context.store, "server", None) is not None:  # a region's register: no copies beside it
            lines = [self.tr("Regionens register ligger på en databaseserver, som tar sine egne sikkerhetskopier. "
                             "En kopi i fil lagres under Fil › Sikkerhetskopier …")]
        elif backup is None:
            lines = [self.tr("Ingen sikkerhetskopi ennå. Ta en under Fil › Sikkerhetskopier …")]
        else:
            lines = [self.tr("{when} ({reason}): {name}").format(
                when=format_datetime(backup.created), reason=REASON_LABELS.get(backup.reason, backup.reason),
                name=backup.path.name)]
        self.boxes["backup"].set_lines(lines, self.tr("Åpne Sikkerhetskopier"))
        self._show_unproposed()

    def _show_unproposed(self) -> None:
        from kpdesk.admin.day_overview import needs_without_proposal

        run = self.matching.latest
        box = self.boxes["unproposed"]
        if run is None:
            box.setTitle(self.tr("Behov uten forslag"))
            box.set_lines([self.tr("Matchingen er ikke kjørt i denne økten: kjør matching for å se behovene "
                                   "som ikke har noe passende tilbud.")], self.tr("Gå til Matching"))
            return
        found = needs_without_proposal(run.results, run.needs, EXAMPLES)
        box.setTitle(self.tr("Behov uten forslag: {count} (matching per {date})").format(
            count=group_thousands(found.count), date=format_date(run.as_of)))
        lines = [self.tr("{ref} {title} – {employer}").format(ref=ref, title=title, employer=employer)
                 for ref, title, employer in found.examples]
        if found.count > len(found.examples):
            lines.append(self.tr("… og {n} til").format(n=group_thousands(found.count - len(found.examples))))
        box.set_lines(lines or [self.tr("Alle åpne behov har et forslag.")], self.tr("Gå til Matching"))

    # ------------------------------------------------------------ going on

    def go_to(self, target: str) -> None:
        """To the section behind a line (a page class), or Fil › Sikkerhetskopier for the backup."""
        host: Any = self.host()
        if host is None:
            return
        if target == "backups":
            host.show_backups()
        else:
            host.show_section(target)
