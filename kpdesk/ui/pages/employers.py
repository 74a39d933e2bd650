"""Arbeidsgivere: the employer list, its detail form and the employer's contact persons."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGroupBox, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kpdesk import reference
from kpdesk.listing import Column
from kpdesk.norsk import format_org_number, sort_key
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.forms import FieldSpec, RecordForm
from kpdesk.ui.pages.contacts import ContactsPanel
from kpdesk.ui.pages.list_page import FilterMenu, ListPage
from kpdesk.ui.record_actions import RecordActions, RecordService, register_call

_ORGNR_IN_TEXT = re.compile(r"(\d{3}\s?\d{3}\s?\d{3})")


def _section_of(row: Any) -> str | None:
    section = reference.industry_section(row.industry)
    return section.code if section else None


def _section_label(code: str) -> str:
    found = reference.industry_for_code(code)
    return f"{code} {found.name}" if found else code


def _employer_columns(tr: Any) -> list[Column[Any]]:
    return [
        Column("org_number", tr("Org.nr."), lambda r: format_org_number(r.org_number)),
        Column("name", tr("Navn"), lambda r: r.name),
        Column("municipality", tr("Kommune"), lambda r: r.municipality_name),
        Column("industry", tr("Næring"), lambda r: reference.industry_label(r.industry)),
        Column("open_needs", tr("Åpne behov"), lambda r: str(r.open_needs), sort_value=lambda r: r.open_needs,
               align_right=True, searchable=False),
        Column("contacts", tr("Kontakter"), lambda r: str(r.contacts), sort_value=lambda r: r.contacts,
               align_right=True, searchable=False),
    ]


class EmployersPage(ListPage):
    def __init__(self, context: AppContext) -> None:
        menus = [
            FilterMenu("municipality", self.tr("Alle kommuner"), lambda r: r.municipality,
                       reference.municipality_label),
            FilterMenu("industry", self.tr("Alle næringer"), _section_of, _section_label),
        ]
        super().__init__(context, _employer_columns(self.tr), menus)
        self.title = self.tr("Arbeidsgivere")
        self.noun_plural = self.tr("arbeidsgivere")
        self._rows_by_orgnr: dict[str, Any] = {}

        self.new_button = QPushButton(self.tr("Ny arbeidsgiver"))
        self.new_button.setObjectName("newButton")
        self.new_button.setToolTip(self.tr("Registrer en ny arbeidsgiver (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_record)
        self.delete_button = QPushButton(self.tr("Slett"))
        self.delete_button.setObjectName("deleteButton")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self.delete_selected)
        self.toolbar.addWidget(self.new_button)
        self.toolbar.addWidget(self.delete_button)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_record)
        QShortcut(QKeySequence.StandardKey.Delete, self.view, activated=self.delete_selected)

        self.form = RecordForm(self._field_specs(), self._validate)
        self.form.save_requested.connect(self._save)
        self.form_box = QGroupBox(self.tr("Ny arbeidsgiver"))
        box_layout = QVBoxLayout(self.form_box)
        box_layout.addWidget(self.form)
        self.contacts = ContactsPanel(context)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.form_box)
        detail_layout.addWidget(self.contacts)
        detail_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(detail)
        scroll.setMinimumWidth(420)
        self.set_detail(scroll)

        save_employer = register_call("save_employer")
        self.actions = RecordActions(
            context,
            RecordService(
                "employer",
                save=lambda s, data, rid: save_employer(s, data[0], rid, data[1]),
                delete=register_call("delete_employer"),
                restore=register_call("restore_employer"),
            ),
            self,
            self._after_write,
        )
        self.selection_changed.connect(self._show_row)
        self._show_row(None)

    # ------------------------------------------------------------ list

    def entity_kinds(self) -> set[str]:
        return {"employer", "need", "contact"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.register import list_employers

        return list_employers(session)

    def fetch_extra(self, session: Any, rows: list[Any]) -> Any:
        by_orgnr = {r.org_number: r for r in rows}
        return by_orgnr, sorted((self._parent_text(r) for r in rows), key=sort_key)

    def use_extra(self, extra: Any) -> None:
        self._rows_by_orgnr, names = extra
        completer = self.form.editors["parent_org_number"].completer()  # type: ignore[attr-defined]
        completer.setModel(QStringListModel(names, completer))

    # ------------------------------------------------------------ form

    def _field_specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("org_number", self.tr("Organisasjonsnummer"), placeholder="988 077 917"),
            FieldSpec("name", self.tr("Navn")),
            FieldSpec("parent_org_number", self.tr("Overordnet enhet"), kind="line",
                      completions=lambda: [], placeholder=self.tr("for underenheter: navn eller org.nr.")),
            FieldSpec("municipality", self.tr("Kommune"),
                      completions=lambda: [m.label for m in reference.municipalities()],
                      placeholder=self.tr("nummer eller navn")),
            FieldSpec("industry", self.tr("Næring (SN2007)"),
                      completions=lambda: [f"{i.code} {i.name}" for i in reference.industries()],
                      placeholder=self.tr("for eksempel 87.101")),
            FieldSpec("may_be_named", self.tr("Kan navngis i utskrifter"), kind="check",
                      tooltip=self.tr("Arbeidsgiveren har sagt ja til å bli nevnt ved navn i møteutskrifter")),
            FieldSpec("notes", self.tr("Notater"), kind="text"),
        ]

    @staticmethod
    def _parent_text(row: Any) -> str:
        return f"{row.name} ({format_org_number(row.org_number)})"

    @staticmethod
    def _to_validator_raw(raw: Mapping[str, str]) -> dict[str, str]:
        """Completion texts ("1824 Vefsn", "87.101 Pleie…", "Navn (988 077 917)") to plain values."""
        values = dict(raw)
        parent = values.get("parent_org_number", "")
        found = _ORGNR_IN_TEXT.search(parent)
        values["parent_org_number"] = found.group(1) if found else parent
        industry = values.get("industry", "").strip()
        values["industry"] = industry.split()[0] if industry else ""
        return values

    def _validate(self, raw: Mapping[str, str]) -> tuple[Any, list[Any]]:
        from kpdesk.validation import Problem, validate_employer

        values = self._to_validator_raw(raw)
        data, problems = validate_employer(values)
        parent_nr = "".join(values["parent_org_number"].split())
        if parent_nr and parent_nr not in self._rows_by_orgnr:
            problems.append(Problem("parent_org_number",
                                    self.tr("Fant ingen arbeidsgiver med dette organisasjonsnummeret")))
            data = None
        return data, problems

    def _parent_id(self, raw: Mapping[str, str]) -> int | None:
        nr = "".join(self._to_validator_raw(raw)["parent_org_number"].split())
        row = self._rows_by_orgnr.get(nr)
        return row.id if row else None

    def _raw_of(self, row: Any) -> dict[str, str]:
        parent = next((r for r in self._rows_by_orgnr.values() if r.id == row.parent_id), None)
        municipality = reference.municipality(row.municipality)
        return {
            "org_number": format_org_number(row.org_number),
            "name": row.name,
            "parent_org_number": self._parent_text(parent) if parent else "",
            "municipality": municipality.label if municipality else (row.municipality or ""),
            "industry": reference.industry_label(row.industry),
            "may_be_named": "ja" if row.may_be_named else "nei",
            "notes": row.notes,
        }

    def _show_row(self, row: Any) -> None:
        if row is None and self.form.is_dirty():
            return  # keep unsaved typing when the list is filtered away from it
        self.current_id = row.id if row is not None else None
        self.delete_button.setEnabled(row is not None)
        self.form_box.setTitle(row.name if row is not None else self.tr("Ny arbeidsgiver"))
        self.form.load(self._raw_of(row) if row is not None else {})
        self.contacts.show_employer(self.current_id)

    def new_record(self) -> None:
        if not self.leave_form():
            return
        self.view.clearSelection()
        self.view.selectionModel().clearCurrentIndex()
        self.current_id = None
        self.form_box.setTitle(self.tr("Ny arbeidsgiver"))
        self.delete_button.setEnabled(False)
        self.form.load({})
        self.contacts.show_employer(None)
        self.form.editors["org_number"].setFocus()

    def _save(self, data: Any) -> None:
        from kpdesk.validation import validate_employer

        raw = self.form.raw()
        parent_id = self._parent_id(raw)
        try:
            if self.current_id is None:
                self.actions.create((data, parent_id), self.tr("ny arbeidsgiver «{name}»").format(name=data.name))
            else:
                old_raw = self.form._loaded
                old_data, _ = validate_employer(self._to_validator_raw(old_raw))
                self.actions.update(self.current_id, (old_data, self._parent_id(old_raw)), (data, parent_id),
                                    self.tr("endring av «{name}»").format(name=data.name))
        except Exception as exc:
            alerts.show_exception(self, exc)
            return
        self.form.mark_saved()
        self.context.status_message.emit(self.tr("Lagret «{name}».").format(name=data.name))

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        text = self.tr("Slette «{name}» med {needs} behov og {contacts} kontaktpersoner?\n"
                       "Du kan angre med Ctrl+Z.").format(name=row.name, needs=row.needs, contacts=row.contacts)
        if not alerts.question(self, self.tr("Slett arbeidsgiver"), text, self.tr("Slett")):
            return
        try:
            self.actions.delete(row.id, self.tr("sletting av «{name}»").format(name=row.name))
        except Exception as exc:
            alerts.show_exception(self, exc)
            return
        self.context.status_message.emit(self.tr("Slettet «{name}». Angre med Ctrl+Z.").format(name=row.name))

    def _after_write(self, record_id: int | None) -> None:
        self.form.mark_saved()
        if record_id is not None:
            self.select_where(lambda r: r.id == record_id)
