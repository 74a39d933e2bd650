"""What the booking dialog loads before it opens, and its «Kontroll» panel: the sentence and the
list of clashes, dates skipped for holidays and warnings from ``plan_booking``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kpdesk.ui.widgets.forms import ERROR_STYLE, WARNING_STYLE

if TYPE_CHECKING:  # loaded on the database thread when the dialog opens, not at import
    from kpdesk.booking.inputs import BookingData
    from kpdesk.booking.reads import BookingRow, SeriesRow
    from kpdesk.booking.rooms import RoomRow

CLASH_COLOUR, WARN_COLOUR, INFO_COLOUR = QColor("#b00020"), QColor("#8a5a00"), QColor("#555555")
FREE_STYLE = "color: #1b5e20;"


@dataclass(frozen=True)
class OfferChoice:
    """An offer a booking can belong to, as the dialog's completer lists it."""

    id: int
    ref: str
    title: str


@dataclass(frozen=True)
class BookingInit:
    rooms: list[RoomRow]
    equipment: list[str]
    offers: list[OfferChoice]
    booking: BookingRow | None = None  # the booking being edited
    data: BookingData | None = None  # its BookingData
    series: SeriesRow | None = None  # its series
    series_ids: tuple[int, ...] = ()  # every booking of that series


def load_booking(session: Any, booking_id: int | None) -> BookingInit:
    """Rooms, equipment and offers to choose from, and the booking being edited (database thread)."""
    from kpdesk.booking import reads
    from kpdesk.booking.rooms import list_equipment, list_rooms
    from kpdesk.offers.service import list_offers

    rooms = list_rooms(session)
    equipment = [e.name for e in list_equipment(session)]
    offers = [OfferChoice(o.id, o.ref, o.title) for o in list_offers(session)]
    if booking_id is None:
        return BookingInit(rooms, equipment, offers)
    booking = reads.get_booking(session, booking_id)
    series, ids = None, ()
    if booking.series_id is not None:
        series = reads.get_series(session, booking.series_id)
        ids = tuple(b.id for b in reads.series_bookings(session, booking.series_id))
    return BookingInit(rooms, equipment, offers, booking=booking, data=reads.booking_data(session, booking_id),
                       series=series, series_ids=ids)


def offer_text(ref: str, title: str) -> str:
    """How an offer reads in the completer: 'K00012 – Palliasjon'."""
    return f"{ref} – {title}"


@dataclass(frozen=True)
class Refused:
    """What the service refused at save time (the preview may not have seen it: a series edit)."""

    conflicts: Any
    is_series: bool = False
    occurrences: tuple[Any, ...] = ()

    @property
    def active_count(self) -> int:
        return self.conflicts.occurrences


def field_with_problem(key: str, widgets: Sequence[QWidget], labels: dict[str, QLabel]) -> QWidget:
    """The field's widgets in a row, and under them the label for its problems (``labels[key]``)."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    if len(widgets) == 1:
        column.addWidget(widgets[0])
    else:
        row = QHBoxLayout()
        # a text field takes the width, the rest follows; a date or time field keeps its own width
        stretch = (isinstance(widgets[0], QLineEdit)
                   and widgets[0].sizePolicy().horizontalPolicy() != QSizePolicy.Policy.Fixed)
        for number, widget in enumerate(widgets):
            row.addWidget(widget, 1 if stretch and number == 0 else 0)
        if not stretch:
            row.addStretch(1)
        column.addLayout(row)
    label = QLabel()
    label.setObjectName(f"problem_{key}")
    label.setWordWrap(True)
    label.setVisible(False)
    column.addWidget(label)
    labels[key] = label
    return box


class ConflictPreview(QGroupBox):
    def hasHeightForWidth(self) -> bool:
        """No: with height-for-width the dialog's column took the list's preferred height as its
        minimum, and split a short window half and half, squashing the repetition above it."""
        return False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Kontroll"))
        self.summary = QLabel(self.tr("Fyll inn rom, tittel og tid."))
        self.summary.setObjectName("conflictSummary")
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("conflictList")
        self.list.setWordWrap(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)

    def show_pending(self, text: str) -> None:
        self.summary.setStyleSheet("")
        self.summary.setText(text)
        self.list.clear()

    def show_error(self, text: str) -> None:
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setText(text)
        self.list.clear()

    def _add(self, text: str, colour: QColor) -> None:
        item = QListWidgetItem(text)
        item.setForeground(colour)
        self.list.addItem(item)

    def show_conflicts(self, conflicts: Any, plan: Any = None) -> None:
        """The clashes (red), the dates skipped for holidays (grey) and the warnings (amber)."""
        from kpdesk.common.norsk import format_date

        self.list.clear()
        for line in conflicts.problems():
            self._add(line, CLASH_COLOUR)
        if plan is not None:
            for occurrence in plan.occurrences:
                if occurrence.skipped_for_holiday:
                    self._add(self.tr("Hoppes over: {date} er helligdag ({name})").format(
                        date=format_date(occurrence.start.date()), name=occurrence.holiday), INFO_COLOUR)
        for line in conflicts.warnings():
            self._add(line, WARN_COLOUR)
        if conflicts.blocking:
            text = conflicts.sentence()
            self.summary.setStyleSheet(ERROR_STYLE)
        else:
            text = self.tr("Ledig: ingen kollisjoner.")
            self.summary.setStyleSheet(WARNING_STYLE if conflicts.warnings() else FREE_STYLE)
        if plan is not None and plan.is_series and not conflicts.blocking:
            skipped = len(plan.occurrences) - plan.active_count
            text += " " + self.tr("{n} datoer").format(n=plan.active_count)
            if skipped:
                text += self.tr(", {n} hoppes over (helligdager)").format(n=skipped)
            text += "."
        self.summary.setText(text)
