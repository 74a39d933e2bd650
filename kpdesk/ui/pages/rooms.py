"""Rom: the meeting place's rooms, their site, capacity, equipment and opening hours; the equipment list."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kpdesk.common.list_filter import Column, count_column
from kpdesk.common.norsk import format_time
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.record_page import RecordPage
from kpdesk.ui.record_actions import RecordService
from kpdesk.ui.undo import undoable_write
from kpdesk.ui.widgets.forms import FieldSpec


def rooms_call(name: str) -> Callable[..., Any]:
    """``kpdesk.booking.rooms.<name>``, imported on first call (after the window's first paint)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        from kpdesk.booking import rooms

        return getattr(rooms, name)(*args, **kwargs)

    return call


def hours_text(row: Any) -> str:
    return f"kl. {format_time(row.opens_at)}–{format_time(row.closes_at)}"


class RoomsPage(RecordPage):
    centre_filter = True

    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        self.title = tr("Rom")
        self.noun_plural = tr("rom")
        self.new_text = tr("Nytt rom")
        self.new_tooltip = tr("Registrer et nytt rom (Ctrl+N)")
        self.equipment_names: list[str] = []
        columns: list[Column[Any]] = [
            Column("name", tr("Rom"), lambda r: r.name, max_chars=26),
            Column("site", tr("Sted"), lambda r: r.site, max_chars=14),
            count_column("capacity", tr("Plasser"), lambda r: r.capacity, searchable=True),
            Column("hours", tr("Åpningstid"), hours_text, sort_value=lambda r: (r.opens_at, r.closes_at),
                   searchable=False),
            count_column("bookings", tr("Bookinger"), lambda r: r.bookings),
            Column("equipment", tr("Utstyr"), lambda r: ", ".join(r.equipment), stretch=True),
            Column("centre", tr("Senter"), lambda r: r.centre, max_chars=16, hidden=True),
        ]
        specs = [
            FieldSpec("name", tr("Navn")),
            FieldSpec("site", tr("Sted"), completions=lambda: [],
                      placeholder=tr("for eksempel Mosjøen"),
                      tooltip=tr("Der rommet er; tomt hvis senteret har ett sted. Ukeplanen grupperer rommene "
                                 "etter sted og kan skrives ut for ett sted")),
            FieldSpec("capacity", tr("Plasser"), placeholder=tr("hvor mange rommet har plass til")),
            FieldSpec("equipment", tr("Utstyr"), kind="multi"),
            FieldSpec("opens_at", tr("Åpner"), placeholder="08.00"),
            FieldSpec("closes_at", tr("Stenger"), placeholder="16.00"),
            FieldSpec("notes", tr("Notater"), kind="text"),
        ]
        save_room = rooms_call("save_room")
        service = RecordService("room", save=lambda s, payload, rid: save_room(
            s, payload[0], rid, centre_id=payload[1] if rid is None else None),
            delete=rooms_call("delete_room"), restore=rooms_call("restore_room"), table="room")
        self.equipment_button = QPushButton(tr("Rediger utstyrsliste …"))
        self.equipment_button.setObjectName("equipmentListButton")
        self.equipment_button.setToolTip(tr("Legg til, gi nytt navn til eller fjern utstyr rommene kan ha"))
        super().__init__(context, columns, [], specs, service)
        self.equipment_button.clicked.connect(self.edit_equipment_list)

    def entity_kinds(self) -> set[str]:
        return {"room", "booking", "equipment"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.booking.rooms import list_rooms

        return list_rooms(session, self.centre_id)

    def fetch_extra(self, session: Any, rows: list[Any]) -> Any:
        from kpdesk.booking.rooms import list_equipment, list_sites

        return [e.name for e in list_equipment(session)], list_sites(session)

    def use_extra(self, extra: Any) -> None:
        equipment, sites = extra
        self.set_equipment_choices(equipment)
        self.form.set_completions("site", sites)

    def set_equipment_choices(self, names: list[str]) -> None:
        """Rebuild the equipment checkboxes from the list, keeping what is ticked."""
        if names == self.equipment_names:
            return
        self.equipment_names = list(names)
        box = self.form.editors["equipment"]
        grid = box.layout()
        assert isinstance(grid, QGridLayout)
        ticked = {str(c.property("stored")) for c in box.findChildren(QCheckBox) if c.isChecked()}
        for check in box.findChildren(QCheckBox):
            grid.removeWidget(check)
            check.setParent(None)
        for number, name in enumerate(names):
            check = QCheckBox(name)
            check.setProperty("stored", name)
            check.setObjectName(f"choice_{name}")
            check.setChecked(name in ticked)
            check.toggled.connect(lambda *_a: self.form._on_edit("equipment"))
            grid.addWidget(check, number // 2, number % 2)
        if not self.form.is_dirty():
            self.form.mark_saved()
        self.set_tab_order()  # the new boxes in their place in the Tab order

    def extra_detail_widgets(self) -> list[QWidget]:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addStretch(1)
        line.addWidget(self.equipment_button)
        return [row]

    def validate_raw(self, raw: Mapping[str, str]) -> tuple[Any, list[Any]]:
        from kpdesk.booking.rooms import validate_room

        return validate_room(raw)

    def raw_of(self, row: Any) -> dict[str, str]:
        return {"name": row.name, "capacity": str(row.capacity), "equipment": ",".join(row.equipment),
                "opens_at": format_time(row.opens_at), "closes_at": format_time(row.closes_at), "notes": row.notes,
                "site": row.site}

    def payload(self, data: Any, raw: Mapping[str, str]) -> Any:
        return data, self.centre_for_new()  # a new room goes to the centre shown, else the coordinator's own

    def defaults(self) -> dict[str, str]:
        return {"opens_at": "08.00", "closes_at": "16.00"}

    def delete_question(self, row: Any) -> str:
        return self.tr("Slette rommet «{name}»? Du kan angre med Ctrl+Z.").format(name=row.name)

    def edit_equipment_list(self) -> None:
        EquipmentDialog(self.context, self).exec()


class EquipmentDialog(QDialog):
    """The equipment list: add, rename, remove; each step undoable with Ctrl+Z."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: list[Any] = []
        self.setWindowTitle(self.tr("Utstyrsliste"))
        self.setMinimumSize(460, 380)
        self.list = QListWidget()
        self.list.setObjectName("equipmentList")
        self.list.currentRowChanged.connect(self._current_changed)
        self.name = QLineEdit()
        self.name.setObjectName("equipmentName")
        self.name.setPlaceholderText(self.tr("navn på utstyret, for eksempel dokumentkamera"))
        self.add_button = QPushButton(self.tr("Legg til"))
        self.add_button.setObjectName("addEquipment")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add)
        self.rename_button = QPushButton(self.tr("Gi nytt navn"))
        self.rename_button.setObjectName("renameEquipment")
        self.rename_button.clicked.connect(self.rename)
        self.remove_button = QPushButton(self.tr("Fjern …"))
        self.remove_button.setObjectName("removeEquipment")
        self.remove_button.clicked.connect(self.remove)
        close = QPushButton(self.tr("Lukk"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.name, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.rename_button)
        row.addWidget(self.remove_button)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(self.tr("Endringene kan angres med Ctrl+Z.")), 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addLayout(bottom)
        self._select_name: str | None = None
        self.reload()

    def reload(self) -> None:
        from kpdesk.booking.rooms import list_equipment

        self.context.query(list_equipment, self._show)

    def _show(self, rows: list[Any]) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        self.rows = rows
        self.list.clear()
        for item in rows:
            entry = QListWidgetItem(self.tr("{name}  ({rooms} rom, {bookings} bookinger)").format(
                name=item.name, rooms=item.rooms, bookings=item.bookings))
            self.list.addItem(entry)
        wanted = self._select_name
        self._select_name = None
        number = next((n for n, r in enumerate(rows) if r.name == wanted), -1)
        self.list.setCurrentRow(number)
        self._current_changed(number)

    def _current_changed(self, number: int) -> None:
        chosen = 0 <= number < len(self.rows)
        self.rename_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        if chosen:
            self.name.setText(self.rows[number].name)

    def selected(self) -> Any:
        number = self.list.currentRow()
        return self.rows[number] if 0 <= number < len(self.rows) else None

    def _undoable(self, text: str, do: Callable[[Any, dict[str, Any]], Any], undo: Callable[[Any, dict[str, Any]], Any],
                  select: str | None) -> None:
        def after(_result: Any) -> None:
            self.context.data_changed.emit("equipment")
            self.reload()

        self._select_name = select
        undoable_write(self.context, text, do, undo, after, self)

    def add(self) -> None:
        from kpdesk.booking import rooms

        name = self.name.text().strip()

        def do(s: Any, state: dict[str, Any]) -> None:
            state["id"] = (rooms.restore_equipment(s, state["snapshot"]) if "snapshot" in state
                           else rooms.add_equipment(s, name))

        self._undoable(self.tr("nytt utstyr «{name}»").format(name=name), do,
                       lambda s, state: state.update(snapshot=rooms.remove_equipment(s, state["id"])), name)

    def rename(self) -> None:
        from kpdesk.booking import rooms

        row, name = self.selected(), self.name.text().strip()
        if row is None or name == row.name:
            return
        old, equipment_id = row.name, row.id
        self._undoable(self.tr("nytt navn på «{name}»").format(name=old),
                       lambda s, _state: rooms.rename_equipment(s, equipment_id, name),
                       lambda s, _state: rooms.rename_equipment(s, equipment_id, old), name)

    def remove(self) -> None:
        from kpdesk.booking import rooms

        row = self.selected()
        if row is None:
            return
        question = self.tr("Fjerne «{name}» fra utstyrslisten? {rooms} rom har det og {bookings} bookinger trenger "
                           "det; de mister det. Du kan angre med Ctrl+Z.").format(
            name=row.name, rooms=row.rooms, bookings=row.bookings)
        if not alerts.question(self, self.tr("Fjern utstyr"), question, self.tr("Fjern")):
            return
        equipment_id = row.id
        self._undoable(self.tr("fjerning av «{name}»").format(name=row.name),
                       lambda s, state: state.update(snapshot=rooms.remove_equipment(s, equipment_id)),
                       lambda s, state: rooms.restore_equipment(s, state["snapshot"]), None)
        self.name.clear()
