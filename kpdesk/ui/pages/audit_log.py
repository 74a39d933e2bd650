"""Endringslogg: who changed what and when, filterable, exportable to CSV."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from kpdesk.common.list_filter import Column
from kpdesk.common.norsk import format_datetime
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.list_page import FilterMenu, ListPage

LIMIT = 20_000  # newest entries shown; the CSV export has them all


def _labels() -> tuple[Any, Any, Any, Any]:
    from kpdesk.admin.audit_log import action_label, entity_label, field_label, value_label

    return action_label, entity_label, field_label, value_label


class AuditLogPage(ListPage):
    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        action_label, entity_label, field_label, value_label = _labels()
        columns: list[Column[Any]] = [
            Column("at", tr("Tidspunkt"), lambda r: format_datetime(r.at), sort_value=lambda r: r.at,
                   searchable=False),
            Column("user", tr("Bruker"), lambda r: r.user),
            Column("action", tr("Handling"), lambda r: action_label(r.action)),
            Column("entity", tr("Hva"), lambda r: entity_label(r.entity)),
            Column("field", tr("Felt"), lambda r: field_label(r.field) if r.field else ""),
            Column("old", tr("Fra"), lambda r: value_label(r.field, r.old_value), max_chars=20),
            Column("new", tr("Til"), lambda r: value_label(r.field, r.new_value), max_chars=20),
            Column("summary", tr("Sammendrag"), lambda r: r.summary, stretch=True),
        ]
        menus = [
            FilterMenu("entity", tr("Alt"), lambda r: r.entity, entity_label),
            FilterMenu("action", tr("Alle handlinger"), lambda r: r.action, action_label),
            FilterMenu("user", tr("Alle brukere"), lambda r: r.user, str),
        ]
        super().__init__(context, columns, menus)
        self.title = tr("Endringslogg")
        self.noun_plural = tr("endringer")
        self.noun_singular = tr("endring")
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.export_button = QPushButton(tr("Eksporter (CSV) …"))
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.export_csv)
        self.toolbar.addWidget(self.export_button)

    def entity_kinds(self) -> set[str]:
        return {"employer", "need", "contact", "offer", "provider", "room", "booking", "person"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.admin.audit_log import audit_rows

        return audit_rows(session, limit=LIMIT)

    def export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Eksporter endringsloggen"), "endringslogg.csv",
                                              self.tr("CSV-filer (*.csv)"))
        if not path:
            return
        from kpdesk.admin.audit_log import export_audit_csv

        self.context.query(lambda s: export_audit_csv(s, path),
                           lambda _result: self.context.status_message.emit(
                               self.tr("Endringsloggen er lagret i {path}.").format(path=path)))
