"""Kontaktpersoner of one employer: list, edit in a dialog, delete (undoable), export and erase.

Contact persons are personal data: "Eksporter alt om personen" writes what kpdesk holds about
them (innsyn), "Slett personopplysninger" erases them for good (not undoable, by design).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common.list_filter import Column
from kpdesk.common.norsk import format_date, format_phone
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.record_actions import RecordActions, RecordService, register_call
from kpdesk.ui.widgets.forms import FieldSpec, RecordForm
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view


class ContactDialog(QDialog):
    """Edit one contact person; accepted with ``self.data`` set to the validated data."""

    def __init__(self, parent: QWidget | None, values: dict[str, str], title: str) -> None:
        super().__init__(parent)
        from kpdesk.register.validation import validate_contact

        self.setWindowTitle(title)
        self.form = RecordForm([
            FieldSpec("name", self.tr("Navn")),
            FieldSpec("role", self.tr("Rolle")),
            FieldSpec("email", self.tr("E-post (jobb)")),
            FieldSpec("phone", self.tr("Telefon"), placeholder="75 55 50 00"),
            FieldSpec("legal_basis", self.tr("Behandlingsgrunnlag"), placeholder=self.tr("berettiget interesse")),
            FieldSpec("registered_on", self.tr("Registrert"), kind="date"),
        ], validate_contact, self)
        self.form.load(values)
        self.form.save_requested.connect(self._accept)
        self.form.discarded.connect(self.reject)  # Escape with typed changes: asked, then closed
        cancel = QPushButton(self.tr("Avbryt"))
        cancel.clicked.connect(self.reject)
        self.form.buttons.insertWidget(1, cancel)
        self.form.revert_button.hide()  # «Avbryt» throws the changes away: one button for it
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self.setMinimumWidth(460)
        self.data: Any = None

    def _accept(self, data: Any) -> None:
        self.data = data
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, values: dict[str, str], title: str) -> Any:
        """The validated contact data, or None if cancelled. Tests patch this."""
        dialog = cls(parent, values, title)
        return dialog.data if dialog.exec() == QDialog.DialogCode.Accepted else None


class ContactsPanel(QGroupBox):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.setTitle(self.tr("Kontaktpersoner"))
        self.context = context
        self.employer_id: int | None = None
        self.versions: dict[int, int] = {}  # the contacts' versions by id, read with them (kpdesk.db.versions)
        self.model = RowTableModel([
            Column("name", self.tr("Navn"), lambda r: r.name, max_chars=18),
            Column("role", self.tr("Rolle"), lambda r: r.role, max_chars=14),
            Column("email", self.tr("E-post"), lambda r: r.email, stretch=True, elide_middle=True),
            Column("phone", self.tr("Telefon"), lambda r: format_phone(r.phone), max_chars=12),
        ], self)
        self.view = row_table_view(self.model, "contactsView")
        self.view.setMinimumHeight(110)
        self.view.setMaximumHeight(170)
        self.view.doubleClicked.connect(lambda _index: self.edit_selected())

        self.add_button = QPushButton(self.tr("Ny kontakt"))
        self.add_button.setObjectName("addContact")
        self.edit_button = QPushButton(self.tr("Rediger"))
        self.edit_button.setObjectName("editContact")
        self.delete_button = QPushButton(self.tr("Slett"))
        self.delete_button.setObjectName("deleteContact")
        self.export_button = QPushButton(self.tr("Eksporter alt om personen …"))
        self.export_button.setObjectName("exportContact")
        self.erase_button = QPushButton(self.tr("Slett personopplysninger …"))
        self.erase_button.setObjectName("eraseContact")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button.clicked.connect(self.export_selected)
        self.erase_button.clicked.connect(self.erase_selected)
        row1 = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            row1.addWidget(button)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        row2.addWidget(self.export_button)
        row2.addWidget(self.erase_button)
        row2.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(row1)
        layout.addLayout(row2)

        save_contact = register_call("save_contact")
        self.record_actions = RecordActions(
            context,
            RecordService(
                "contact",
                save=lambda s, data, rid: save_contact(s, data[0], data[1], rid),
                delete=register_call("delete_contact"),
                restore=register_call("restore_contact"),
                table="contact_person",
            ),
            self,
            lambda _id: self.refresh(),
        )
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        context.store_ready.connect(self._store_ready)
        self._update_buttons()

    def show_employer(self, employer_id: int | None) -> None:
        self.employer_id = employer_id
        self._enable()
        self.refresh()

    def _enable(self) -> None:
        # an employer from the early list (the store still opening): its contacts come with the store
        self.setEnabled(self.employer_id is not None and self.context.store is not None)

    def _store_ready(self) -> None:
        self._enable()
        self.refresh()

    def refresh(self) -> None:
        employer_id = self.employer_id
        if employer_id is None or self.context.store is None:
            self.model.set_rows([])
            self._update_buttons()
            return
        from kpdesk.db.versions import versions_of
        from kpdesk.register.service import list_contacts

        def shown(loaded: tuple[dict[int, int], list[Any]]) -> None:
            if self.employer_id == employer_id:
                self.versions, rows = loaded
                self.model.set_rows(rows)
                self._update_buttons()

        self.context.query(lambda s: (versions_of(s, "contact_person"), list_contacts(s, employer_id)), shown)

    def selected(self) -> Any:
        index = self.view.selectionModel().currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        for button in (self.edit_button, self.delete_button, self.export_button, self.erase_button):
            button.setEnabled(has)

    @staticmethod
    def _values(row: Any) -> dict[str, str]:
        return {"name": row.name, "role": row.role, "email": row.email, "phone": format_phone(row.phone),
                "legal_basis": row.legal_basis, "registered_on": format_date(row.registered_on)}

    def add(self) -> None:
        if self.employer_id is None:
            return
        import datetime as dt

        defaults = {"legal_basis": "berettiget interesse", "registered_on": format_date(dt.date.today())}
        data = ContactDialog.ask(self, defaults, self.tr("Ny kontaktperson"))
        if data is None:
            return
        self.record_actions.create((self.employer_id, data), self.tr("ny kontaktperson"),
                                   on_error=lambda exc: alerts.show_exception(self, exc))

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        from kpdesk.register.validation import validate_contact

        old_values = self._values(row)
        data = ContactDialog.ask(self, old_values, self.tr("Rediger kontaktperson"))
        if data is None:
            return
        old, _ = validate_contact(old_values)
        def refused(exc: BaseException) -> None:
            alerts.show_exception(self, exc)
            self.refresh()  # someone else's change (or deletion) is shown

        self.record_actions.update(row.id, (row.employer_id, old), (row.employer_id, data),
                                   self.tr("endring av kontaktperson"), on_error=refused,
                                   version=self.versions.get(row.id))

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not alerts.question(self, self.tr("Slett kontaktperson"),
                               self.tr("Slette kontaktpersonen «{name}»? Du kan angre med Ctrl+Z.").format(
                                   name=row.name),
                               self.tr("Slett")):
            return
        self.record_actions.delete(row.id, self.tr("sletting av kontaktperson"),
                                   on_error=lambda exc: alerts.show_exception(self, exc))

    def export_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        from kpdesk.admin.privacy import export_contact_to_file
        from kpdesk.ui.erasure_flow import export_personal_data

        contact_id = row.id
        export_personal_data(self.context, self,
                             lambda session, path: export_contact_to_file(session, contact_id, path))

    def erase_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        from kpdesk.admin.erasure import erase_contact
        from kpdesk.ui.erasure_flow import confirm_and_erase

        text = self.tr("Slette alle personopplysninger om «{name}» for godt?\n"
                       "Personen fjernes, og navn, e-post og telefon fjernes også fra endringsloggen og fritekst. "
                       "Arbeidsgiverens behov beholdes. Dette kan ikke angres.").format(name=row.name)
        contact_id = row.id
        confirm_and_erase(self.context, self, text, lambda store: erase_contact(store, contact_id),
                          self.tr("Personopplysningene er slettet."), self.refresh)
