"""A list with a detail form beside it: find a record, edit it, create, delete, all undoable.

Employers, needs, providers and offers are all this shape; a subclass names its columns, its
form fields and validator, its service calls, and how a row becomes the form's raw text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kpdesk.common.list_filter import Column
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.list_page import FilterMenu, ListPage
from kpdesk.ui.record_actions import RecordActions, RecordService
from kpdesk.ui.widgets.forms import FieldSpec, RecordForm


class RecordPage(ListPage):
    new_text = ""  # "Ny arbeidsgiver"
    new_tooltip = ""
    record_commands = frozenset({"new", "save", "delete", "find"})
    problems_in_one_place = False  # RecordForm's ``one_place``: the reasons in one fixed box

    def __init__(self, context: AppContext, columns: Sequence[Column[Any]], menus: Sequence[FilterMenu],
                 specs: Sequence[FieldSpec], service: RecordService) -> None:
        super().__init__(context, columns, menus)
        self.new_button = QPushButton(self.new_text)
        self.new_button.setObjectName("newButton")
        self.new_button.setToolTip(self.new_tooltip)
        self.new_button.clicked.connect(self.new_record)
        self.delete_button = QPushButton(self.tr("Slett"))
        self.delete_button.setObjectName("deleteButton")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self.delete_selected)
        self.toolbar.addWidget(self.new_button)
        self.toolbar.addWidget(self.delete_button)

        self.form: RecordForm = RecordForm(specs, self.validate_raw,
                                              one_place=self.problems_in_one_place)  # a record page always has its form
        self.form.save_requested.connect(self._save)
        self.form_box = QGroupBox(self.new_text)
        QVBoxLayout(self.form_box).addWidget(self.form)
        detail = QWidget()
        self.detail_layout = QVBoxLayout(detail)
        self.detail_layout.addWidget(self.form_box)
        for widget in self.extra_detail_widgets():
            self.detail_layout.addWidget(widget)
        self.detail_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(detail)
        scroll.setMinimumWidth(440)
        self.set_detail(scroll)

        self.record_actions = RecordActions(context, service, self, self._after_write)
        self.form_version: int | None = None  # the version of the record the form was loaded from
        self.selection_changed.connect(self._show_row)
        self._show_row(None)

    # ------------------------------------------------------------ subclass hooks

    def extra_detail_widgets(self) -> list[QWidget]:
        """Widgets shown under the form (an employer's contact persons)."""
        return []

    def validate_raw(self, raw: Mapping[str, str]) -> tuple[Any, list[Any]]:
        raise NotImplementedError

    def raw_of(self, row: Any) -> dict[str, str]:
        """The form's raw text for a row."""
        raise NotImplementedError

    def defaults(self) -> dict[str, str]:
        """The form's raw text for a new record."""
        return {}

    def payload(self, data: Any, raw: Mapping[str, str]) -> Any:
        """What the service's save gets for validated form data (default: the data itself)."""
        return data

    def undo_payload(self, data: Any, raw: Mapping[str, str]) -> Any:
        """What the service's save gets to put the record back as it was before an edit (undo);
        default: ``payload``. A record with rules on how it may change (a run's status) marks it."""
        return self.payload(data, raw)

    def record_title(self, row: Any) -> str:
        return str(getattr(row, "name", None) or getattr(row, "title", ""))

    def data_label(self, data: Any) -> str:
        return str(getattr(data, "name", None) or getattr(data, "title", ""))

    def delete_question(self, row: Any) -> str:
        return self.tr("Slette «{name}»? Du kan angre med Ctrl+Z.").format(name=self.record_title(row))

    def prepare_form(self, row: Any) -> None:
        """Before a row (or None for a new record) is shown in the form: what its fields may offer."""

    def on_record_shown(self, row: Any) -> None:
        """After a row (or None for a new record) is shown in the form."""

    def fetch_versions(self, session: Any) -> Mapping[Any, int]:
        table = self.record_actions.service.table
        if not table:
            return {}
        from kpdesk.db.versions import versions_of

        return versions_of(session, table)

    # ------------------------------------------------------------ behaviour

    def _show_row(self, row: Any) -> None:
        if self.form.is_dirty() and (row is None or row.id == self.current_id):
            # keep unsaved typing when the list is filtered away from it, or reloaded under it
            # (the store's rows replacing the early read's, another write): same record, same form
            if row is not None and self.form_version is None:
                # loaded from the early read (no versions) moments before the store's rows: theirs is it
                self.form_version = self.row_versions.get(row.id)
            elif row is not None and self.row_versions.get(row.id, self.form_version) != self.form_version:
                # short enough for the status bar at 1366 px; saving then says who, when and what was typed
                self.context.status_message.emit(self.tr(
                    "«{name}» ble endret av en annen mens du redigerte; det du skrev, står.").format(
                        name=self.record_title(row)))
            return
        self.current_id = row.id if row is not None else None
        self.form_version = self.row_versions.get(row.id) if row is not None else None
        self.delete_button.setEnabled(row is not None)
        self.form_box.setTitle(self.record_title(row) if row is not None else self.new_text)
        self.prepare_form(row)
        self.form.load(self.raw_of(row) if row is not None else self.defaults())
        self.on_record_shown(row)

    def new_record(self) -> None:
        if not self.leave_form():
            return
        self.view.clearSelection()
        self.view.selectionModel().clearCurrentIndex()
        self.current_id = None
        self.delete_button.setEnabled(False)
        self.form_box.setTitle(self.new_text)
        self.prepare_form(None)
        self.form.load(self.defaults())
        self.on_record_shown(None)
        self.form.editors[self.form.specs[0].key if not self.form.specs[0].read_only
                          else self.form.specs[1].key].setFocus()

    def record_command(self, name: str) -> None:
        if name == "new":
            self.new_record()
        elif name == "save":
            self.save_form()
        elif name == "delete":
            self.delete_selected()
        else:
            super().record_command(name)

    def save_form(self) -> None:
        """Ctrl+S: save the form's changes (its reasons shown if it cannot be saved yet)."""
        if not self.form.is_dirty():
            self.context.status_message.emit(self.tr("Ingen endringer å lagre."))
            return
        self.form.save()

    def _save(self, data: Any) -> None:
        label = self.data_label(data)

        def saved(record_id: int) -> None:
            self.form.mark_saved()
            self.form_version = self.record_actions.versions_written.get(record_id, self.form_version)
            self.context.status_message.emit(self.tr("Lagret «{name}».").format(name=label))

        def failed(exc: BaseException) -> None:
            from kpdesk.db.versions import ChangedMeanwhile

            if isinstance(exc, ChangedMeanwhile):
                self._refused_as_changed(exc)
            else:
                alerts.show_exception(self, exc)

        if self.current_id is None:
            self.record_actions.create(self.payload(data, self.form.raw()), self.tr("ny «{name}»").format(name=label),
                                       saved, failed)
        else:
            old_raw = self.form.loaded_raw()
            old, _ = self.validate_raw(old_raw)
            self.record_actions.update(self.current_id, self.undo_payload(old, old_raw),
                                       self.payload(data, self.form.raw()),
                                       self.tr("endring av «{name}»").format(name=label), saved, failed,
                                       version=self.form_version)

    def typed_values(self) -> list[str]:
        """What the user typed that differs from the record as loaded: «Navn: Nordlaks ASA», one a field."""
        typed, loaded = self.form.raw(), self.form.loaded_raw()
        return [f"{spec.label}: {typed.get(spec.key, '') or self.tr('(tomt)')}" for spec in self.form.specs
                if typed.get(spec.key, "") != loaded.get(spec.key, "")]

    def _refused_as_changed(self, exc: BaseException) -> None:
        """Someone else changed the record after the form loaded it: say who and when, name what the user
        typed (it is not saved), and show the record as it is stored now."""
        typed = self.typed_values()
        text = str(exc)
        if typed:
            text += "\n\n" + self.tr("Det du skrev, som ikke er lagret:") + "\n" + "\n".join(f"• {t}" for t in typed)
        alerts.error(self, self.tr("Endret av en annen"), text)
        self.form.revert()
        self.reload()  # the list and the form show the stored record and its version

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if not alerts.question(self, self.tr("Slett"), self.delete_question(row), self.tr("Slett")):
            return
        name = self.record_title(row)
        self.record_actions.delete(row.id, self.tr("sletting av «{name}»").format(name=name), lambda: (
            self.context.status_message.emit(self.tr("Slettet «{name}». Angre med Ctrl+Z.").format(name=name))),
            lambda exc: alerts.show_exception(self, exc))

    def _after_write(self, record_id: int | None) -> None:
        if self.current_id is not None and record_id is not None and self.current_id != record_id:
            return  # saved on the way to another record: that one is on screen now, with its own edits
        self.form.mark_saved()
        if record_id is not None:
            self.select_where(lambda r: r.id == record_id)
