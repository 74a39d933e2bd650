"""Behov: every competence need, filterable by municipality, industry, status and level."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGroupBox, QPushButton, QScrollArea, QVBoxLayout

from kpdesk import reference
from kpdesk.codes import FORMATS, LEVELS, NEED_STATUSES, PRIORITIES
from kpdesk.listing import Column
from kpdesk.norsk import format_date, format_org_number, sort_key
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.forms import FieldSpec, RecordForm
from kpdesk.ui.pages.list_page import FilterMenu, ListPage
from kpdesk.ui.record_actions import RecordActions, RecordService, register_call

_ORGNR_IN_TEXT = re.compile(r"(\d{3}\s?\d{3}\s?\d{3})")
_PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}


def _section_of(row: Any) -> str | None:
    section = reference.industry_section(row.industry)
    return section.code if section else None


def _section_label(code: str) -> str:
    found = reference.industry_for_code(code)
    return f"{code} {found.name}" if found else code


class NeedsPage(ListPage):
    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        columns: list[Column[Any]] = [
            Column("ref", tr("Ref."), lambda r: r.ref),
            Column("title", tr("Behov"), lambda r: r.title),
            Column("employer", tr("Arbeidsgiver"), lambda r: r.employer_name),
            Column("municipality", tr("Kommune"), lambda r: r.municipality_name),
            Column("headcount", tr("Antall"), lambda r: str(r.headcount), sort_value=lambda r: r.headcount,
                   align_right=True, searchable=False),
            Column("level", tr("Nivå"), lambda r: LEVELS.label(r.level)),
            Column("status", tr("Status"), lambda r: NEED_STATUSES.label(r.status),
                   sort_value=lambda r: NEED_STATUSES.keys().index(r.status) if r.status in NEED_STATUSES else 99),
            Column("priority", tr("Prioritet"), lambda r: PRIORITIES.label(r.priority),
                   sort_value=lambda r: _PRIORITY_RANK.get(r.priority, 9)),
            Column("earliest_start", tr("Start tidligst"), lambda r: format_date(r.earliest_start),
                   sort_value=lambda r: r.earliest_start, searchable=False),
            Column("latest_start", tr("Start senest"), lambda r: format_date(r.latest_start),
                   sort_value=lambda r: r.latest_start, searchable=False),
        ]
        menus = [
            FilterMenu("municipality", tr("Alle kommuner"), lambda r: r.municipality, reference.municipality_label),
            FilterMenu("industry", tr("Alle næringer"), _section_of, _section_label),
            FilterMenu("status", tr("Alle statuser"), lambda r: r.status, NEED_STATUSES.label,
                       fixed_values=NEED_STATUSES.keys()),
            FilterMenu("level", tr("Alle nivåer"), lambda r: r.level, LEVELS.label, fixed_values=LEVELS.keys()),
        ]
        super().__init__(context, columns, menus)
        self.title = tr("Behov")
        self.noun_plural = tr("behov")
        self._employers: dict[str, Any] = {}

        self.new_button = QPushButton(tr("Nytt behov"))
        self.new_button.setObjectName("newButton")
        self.new_button.setToolTip(tr("Registrer et nytt kompetansebehov (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_record)
        self.delete_button = QPushButton(tr("Slett"))
        self.delete_button.setObjectName("deleteButton")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self.delete_selected)
        self.toolbar.addWidget(self.new_button)
        self.toolbar.addWidget(self.delete_button)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_record)
        QShortcut(QKeySequence.StandardKey.Delete, self.view, activated=self.delete_selected)

        self.form = RecordForm(self._field_specs(), self._validate)
        self.form.save_requested.connect(self._save)
        self.form_box = QGroupBox(tr("Nytt behov"))
        QVBoxLayout(self.form_box).addWidget(self.form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.form_box)
        scroll.setMinimumWidth(440)
        self.set_detail(scroll)

        self.actions = RecordActions(
            context,
            RecordService("need", save=register_call("save_need"), delete=register_call("delete_need"),
                          restore=register_call("restore_need")),
            self,
            self._after_write,
        )
        self.selection_changed.connect(self._show_row)
        self._show_row(None)

    # ------------------------------------------------------------ list

    def entity_kinds(self) -> set[str]:
        return {"need", "employer"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.register import list_needs

        return list_needs(session)

    def fetch_extra(self, session: Any, rows: list[Any]) -> Any:
        from kpdesk.register import list_employers

        employers = list_employers(session)
        names = sorted((self._employer_text(e.name, e.org_number) for e in employers), key=sort_key)
        return {e.org_number: e for e in employers}, names

    def use_extra(self, extra: Any) -> None:
        self._employers, names = extra
        completer = self.form.editors["employer"].completer()  # type: ignore[attr-defined]
        completer.setModel(QStringListModel(names, completer))

    # ------------------------------------------------------------ form

    def _field_specs(self) -> list[FieldSpec]:
        tr = self.tr
        return [
            FieldSpec("ref", tr("Referanse"), placeholder=tr("lages automatisk hvis tom")),
            FieldSpec("employer", tr("Arbeidsgiver"), completions=lambda: [],
                      placeholder=tr("navn eller organisasjonsnummer")),
            FieldSpec("title", tr("Tittel")),
            FieldSpec("description", tr("Beskrivelse"), kind="text"),
            FieldSpec("headcount", tr("Antall personer"), placeholder="1"),
            FieldSpec("level", tr("Ønsket nivå"), kind="combo", choices=[(c.key, c.label) for c in LEVELS]),
            FieldSpec("formats", tr("Aktuelle formater"), kind="multi", choices=[(c.key, c.label) for c in FORMATS],
                      tooltip=tr("Ingen valgt betyr at alle formater passer")),
            FieldSpec("earliest_start", tr("Start tidligst"), placeholder="dd.mm.åååå"),
            FieldSpec("latest_start", tr("Start senest"), placeholder="dd.mm.åååå"),
            FieldSpec("priority", tr("Prioritet"), kind="combo", choices=[(c.key, c.label) for c in PRIORITIES]),
            FieldSpec("status", tr("Status"), kind="combo", choices=[(c.key, c.label) for c in NEED_STATUSES]),
            FieldSpec("funding_note", tr("Finansiering"), kind="text"),
        ]

    @staticmethod
    def _employer_text(name: str, org_number: str) -> str:
        return f"{name} ({format_org_number(org_number)})"

    @staticmethod
    def _to_validator_raw(raw: Mapping[str, str]) -> dict[str, str]:
        values = dict(raw)
        found = _ORGNR_IN_TEXT.search(values.get("employer", ""))
        if found:
            values["employer"] = "".join(found.group(1).split())
        return values

    def _validate(self, raw: Mapping[str, str]) -> tuple[Any, list[Any]]:
        from kpdesk.validation import Problem, validate_need

        values = self._to_validator_raw(raw)
        data, problems = validate_need(values)
        employer = values.get("employer", "").strip()
        if employer and not any(p.field == "employer" for p in problems) and employer not in self._employers:
            problems.append(Problem("employer", self.tr("Fant ingen arbeidsgiver med dette organisasjonsnummeret")))
            data = None
        return data, problems

    def _raw_of(self, row: Any) -> dict[str, str]:
        return {
            "ref": row.ref,
            "employer": self._employer_text(row.employer_name, row.org_number),
            "title": row.title,
            "description": row.description,
            "headcount": str(row.headcount),
            "level": row.level,
            "formats": ",".join(row.formats),
            "earliest_start": format_date(row.earliest_start),
            "latest_start": format_date(row.latest_start),
            "priority": row.priority,
            "status": row.status,
            "funding_note": row.funding_note,
        }

    def _show_row(self, row: Any) -> None:
        if row is None and self.form.is_dirty():
            return
        self.current_id = row.id if row is not None else None
        self.delete_button.setEnabled(row is not None)
        self.form_box.setTitle(f"{row.ref}: {row.title}" if row is not None else self.tr("Nytt behov"))
        self.form.load(self._raw_of(row) if row is not None else self._defaults())

    def _defaults(self) -> dict[str, str]:
        return {"headcount": "1", "level": "open", "priority": "medium", "status": "new"}

    def new_record(self) -> None:
        if not self.leave_form():
            return
        self.view.clearSelection()
        self.view.selectionModel().clearCurrentIndex()
        self.current_id = None
        self.delete_button.setEnabled(False)
        self.form_box.setTitle(self.tr("Nytt behov"))
        self.form.load(self._defaults())
        self.form.editors["employer"].setFocus()

    def _save(self, data: Any) -> None:
        from kpdesk.validation import validate_need

        try:
            if self.current_id is None:
                self.actions.create(data, self.tr("nytt behov «{title}»").format(title=data.title))
            else:
                old, _ = validate_need(self._to_validator_raw(self.form._loaded))
                self.actions.update(self.current_id, old, data,
                                    self.tr("endring av «{title}»").format(title=data.title))
        except Exception as exc:
            alerts.show_exception(self, exc)
            return
        self.form.mark_saved()
        self.context.status_message.emit(self.tr("Lagret «{title}».").format(title=data.title))

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if not alerts.question(self, self.tr("Slett behov"),
                               self.tr("Slette behovet «{title}» ({ref})? Du kan angre med Ctrl+Z.").format(
                                   title=row.title, ref=row.ref), self.tr("Slett")):
            return
        try:
            self.actions.delete(row.id, self.tr("sletting av «{title}»").format(title=row.title))
        except Exception as exc:
            alerts.show_exception(self, exc)

    def _after_write(self, record_id: int | None) -> None:
        self.form.mark_saved()
        if record_id is not None:
            self.select_where(lambda r: r.id == record_id)
