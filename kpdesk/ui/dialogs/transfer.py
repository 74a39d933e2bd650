"""CSV import (with a preview of every row and problem before anything is written), export, templates."""

from __future__ import annotations

import shutil
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common.errors import os_reason
from kpdesk.common.list_filter import Column
from kpdesk.common.norsk import format_org_number, group_thousands
from kpdesk.ui import alerts
from kpdesk.ui.centres import centre_state
from kpdesk.ui.context import AppContext
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view

KIND_TITLES = {"employers": "arbeidsgivere", "persons": "personer", "needs": "behov", "providers": "tilbydere",
               "offers": "kurstilbud", "rooms": "rom", "bookings": "bookinger", "exams": "eksamener",
               "candidates": "eksamenskandidater", "runs": "gjennomføringer"}
# which lists reload after an import of each kind (AppContext.data_changed kinds)
KIND_ENTITIES = {"employers": "employer", "persons": "person", "needs": "need", "providers": "provider",
                 "offers": "offer", "rooms": "room", "bookings": "booking", "exams": "booking",
                 "candidates": "exam_candidate", "runs": "course_run"}
PLACE_KINDS = ("rooms", "bookings", "exams")  # their rows show details (capacity; room, time, repetition), not a key
_ACTIONS = {"create": "ny", "update": "oppdateres"}


def _action_text(row: Any) -> str:
    action = str(row.action)
    return _ACTIONS.get(action, action)


def _record(row: Any) -> Any:
    """The record a planned row would write (a person's row also carries their consent)."""
    return getattr(row.data, "person", row.data)


def _row_key(row: Any) -> str:
    data = _record(row)
    if hasattr(data, "org_number"):
        return format_org_number(data.org_number)
    if hasattr(data, "ref"):
        return data.ref or "(ny ref.)"
    if hasattr(data, "candidate_no"):  # an exam candidate: the exam and the candidate number
        return f"{data.exam_ref} {data.candidate_no}"
    return str(getattr(data, "name", ""))


def _row_name(row: Any) -> str:
    data = _record(row)
    return getattr(data, "title", None) or getattr(data, "name", "")


def _place_details(row: Any) -> str:
    """What a room or booking row would create: capacity, or room, date, time and repetition."""
    data = row.data
    if hasattr(data, "capacity"):
        return f"{data.capacity} plasser" + (f", {', '.join(data.equipment)}" if data.equipment else "")
    from kpdesk.ui.booking.week_layout import span_text

    text = f"{data.room}, {data.starts_at:%d.%m.%Y} kl. {span_text(data.starts_at, data.ends_at)}"
    if data.repeat:
        from kpdesk.booking.recurrence import describe

        text += f", {describe(row.plan.rule or data.repeat)} ({row.plan.active_count} datoer)"
    return text


class ImportDialog(QDialog):
    """Shows what a file would do; imports only when the coordinator says so and nothing is wrong."""

    def __init__(self, context: AppContext, kind: str, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.kind, self.path = context, kind, path
        self.plan: Any = None
        self.result: Any = None
        self.setWindowTitle(self.tr("Importer {what}").format(what=KIND_TITLES[kind]))
        self.resize(860, 520)

        self.summary = QLabel(self.tr("Leser {path} …").format(path=path))
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.rows_model = RowTableModel([
            Column("line", self.tr("Linje"), lambda r: str(r.line), sort_value=lambda r: r.line, align_right=True),
            Column("action", self.tr("Handling"), _action_text),
            Column("name", self.tr("Navn / tittel"), _row_name, stretch=True),
            Column("key", self.tr("Detaljer") if kind in PLACE_KINDS else self.tr("Nøkkel"),
                   _place_details if kind in PLACE_KINDS else _row_key),
        ], self)
        self.problems_model = RowTableModel([
            Column("line", self.tr("Linje"), lambda p: str(p.line), sort_value=lambda p: p.line, align_right=True),
            Column("column", self.tr("Kolonne"), lambda p: p.column),
            Column("kind", self.tr("Type"), lambda p: self.tr("advarsel") if p.warning else self.tr("feil")),
            Column("message", self.tr("Problem"), lambda p: p.message, stretch=True),
        ], self)
        self.tabs = QTabWidget()
        self.rows_view = self._table(self.rows_model, "previewRows")
        self.problems_view = self._table(self.problems_model, "previewProblems")
        self.problem_text = QLabel()  # the chosen problem in full: a table row has room for one line
        self.problem_text.setObjectName("problemText")
        self.problem_text.setWordWrap(True)
        self.problem_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_view.selectionModel().currentRowChanged.connect(lambda *_a: self._show_problem())
        problems = QWidget()
        problems_layout = QVBoxLayout(problems)
        problems_layout.setContentsMargins(0, 0, 0, 0)
        problems_layout.addWidget(self.problems_view, 1)
        problems_layout.addWidget(self.problem_text)
        self.tabs.addTab(self.rows_view, self.tr("Rader"))
        self.tabs.addTab(problems, self.tr("Problemer"))

        self.import_button = QPushButton(self.tr("Importer"))
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.apply)
        cancel = QPushButton(self.tr("Avbryt"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        from kpdesk.transfer import plan_import

        state = centre_state(self.context)  # new rows without a centre of their own go to the coordinator's
        centre = state.name_of(state.own_id) or None
        self.context.query(lambda s: plan_import(s, kind, path, centre), self._planned, self._failed)

    @staticmethod
    def _table(model: RowTableModel, name: str) -> QTableView:
        view = row_table_view(model, name)
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        return view

    def _show_problem(self) -> None:
        index = self.problems_view.currentIndex()
        problem = self.problems_model.row_at(index.row()) if index.isValid() else None
        if problem is None:
            self.problem_text.clear()
            return
        where = self.tr("Linje {line}").format(line=problem.line) + (f", {problem.column}" if problem.column else "")
        self.problem_text.setText(f"{where}: {problem.message}")

    def _planned(self, plan: Any) -> None:
        self.plan = plan
        self.rows_model.set_rows(plan.rows)
        self.problems_model.set_rows(plan.problems)
        if plan.problems:
            self.problems_view.selectRow(0)
        self.tabs.setTabText(0, self.tr("Rader ({n})").format(n=group_thousands(len(plan.rows))))
        self.tabs.setTabText(1, self.tr("Problemer ({n})").format(n=group_thousands(len(plan.problems))))
        if plan.has_errors:
            self.tabs.setCurrentIndex(1)
        self.summary.setText(plan.sentence())
        self.import_button.setEnabled(not plan.has_errors and bool(plan.rows))

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(str(exc))
        alerts.show_exception(self, exc)

    def apply(self) -> None:
        from kpdesk.transfer import import_plan

        plan = self.plan
        self.import_button.setEnabled(False)
        self.summary.setText(self.tr("Tar sikkerhetskopi og importerer …"))
        self.context.with_store(lambda store: import_plan(store, plan), self._applied, self._failed)

    def _applied(self, result: Any) -> None:
        self.result = result
        self.context.data_changed.emit(KIND_ENTITIES[self.kind])
        self.context.status_message.emit(result.sentence())
        self.accept()


def import_file(context: AppContext, kind: str, parent: QWidget) -> None:
    path, _ = QFileDialog.getOpenFileName(parent, parent.tr("Importer {what}").format(what=KIND_TITLES[kind]),
                                          "", parent.tr("CSV-filer (*.csv *.txt);;Alle filer (*)"))
    if path:
        ImportDialog(context, kind, path, parent).exec()


def export_file(context: AppContext, kind: str, parent: QWidget) -> None:
    path, _ = QFileDialog.getSaveFileName(parent, parent.tr("Eksporter {what}").format(what=KIND_TITLES[kind]),
                                          f"{KIND_TITLES[kind]}.csv", parent.tr("CSV-filer (*.csv)"))
    if not path:
        return
    from kpdesk.transfer import count_words, export

    def done(count: int) -> None:
        context.status_message.emit(parent.tr("Eksporterte {what} til {path}.").format(
            what=count_words(kind, count), path=path))

    context.query(lambda s: export(s, kind, path), done)


def save_template(kind: str, parent: QWidget) -> None:
    from kpdesk.common.resources import resource_path

    path, _ = QFileDialog.getSaveFileName(parent, parent.tr("Lagre importmal"),
                                          f"mal-{KIND_TITLES[kind]}.csv", parent.tr("CSV-filer (*.csv)"))
    if not path:
        return
    try:
        shutil.copyfile(resource_path("samples", f"{kind}.csv"), path)
    except OSError as exc:
        alerts.error(parent, parent.tr("Kunne ikke lagre"), parent.tr("Kunne ikke skrive {path}: {reason}").format(
            path=path, reason=os_reason(exc)))
