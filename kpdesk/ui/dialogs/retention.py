"""Personvern: contact persons and individuals the retention rule says are due for deletion, erased on
confirmation (``admin.retention.erase_due``); and the exam candidates' rule (days after the exam),
whose due names and e-mails are erased on confirmation (``ExamRetentionRow``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common.list_filter import Column
from kpdesk.common.norsk import format_date, plural
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view

if TYPE_CHECKING:
    from kpdesk.admin.erasure import ErasureOutcome


class RetentionDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("Sletting etter lagringstid"))
        self.resize(820, 480)
        intro = QLabel(self.tr("Kontaktpersoner hos arbeidsgivere uten åpne behov, og privatpersoner uten åpne "
                               "behov, slettes når de ikke har vært i bruk på lagringstiden. Privatpersoner uten "
                               "samtykke til lagring skal slettes med en gang. Listen viser hvem som kan slettes nå; "
                               "ingen slettes uten at du bekrefter."))
        intro.setWordWrap(True)
        self.months = QSpinBox()
        self.months.setObjectName("monthsBox")
        self.months.setRange(0, 1200)
        self.months.setSpecialValueText(self.tr("av (ingen sletting)"))
        self.months.valueChanged.connect(self._month_suffix)
        self._month_suffix(self.months.value())
        save_months = QPushButton(self.tr("Bruk"))
        save_months.setObjectName("saveMonths")
        save_months.clicked.connect(self.save_months)
        self.model = RowTableModel([
            Column("name", self.tr("Navn"), lambda d: d.name, max_chars=20),
            Column("employer", self.tr("Arbeidsgiver / ref."), lambda d: d.belongs_to, max_chars=24),
            Column("last", self.tr("Siste aktivitet"), lambda d: format_date(d.last_activity),
                   sort_value=lambda d: d.last_activity),
            Column("due", self.tr("Kan slettes fra"), lambda d: format_date(d.due_on), sort_value=lambda d: d.due_on),
            Column("reason", self.tr("Grunn"), lambda d: d.reason, stretch=True),
        ], self)
        self.view = row_table_view(self.model, "dueView")
        self.rule_months = 0  # the rule as saved (the box may show a number not yet applied)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.delete_button = QPushButton(self.tr("Slett valgte …"))
        self.delete_button.setObjectName("deleteButton")
        self.delete_button.clicked.connect(self.delete_selected)
        self.summary = QLabel()
        close = QPushButton(self.tr("Lukk"))
        close.clicked.connect(self.accept)
        rule = QHBoxLayout()
        rule.addWidget(QLabel(self.tr("Lagringstid:")))
        rule.addWidget(self.months)
        rule.addWidget(save_months)
        rule.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.delete_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(rule)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.exams = ExamRetentionRow(context, self)
        layout.addWidget(self.exams)
        self.reload()

    def reload(self) -> None:
        from kpdesk.admin.retention import due_for_deletion, persons_due, retention_months

        self.context.query(lambda s: (retention_months(s), due_for_deletion(s), persons_due(s)), self._show)

    def _show(self, loaded: tuple[int, list[Any], list[Any]]) -> None:
        from kpdesk.admin.retention import who_due

        months, contacts, persons = loaded
        self.rule_months = months
        self.months.setValue(months)
        self.model.set_rows([*contacts, *persons])
        self.summary.setText(self.tr("{due} kan slettes.").format(due=who_due(len(contacts), len(persons))))
        self.delete_button.setEnabled(bool(contacts or persons) and not getattr(self.context.store, "read_only", False))

    def _month_suffix(self, months: int) -> None:
        self.months.setSuffix(self.tr(" måned") if months == 1 else self.tr(" måneder"))

    def save_months(self) -> None:
        from kpdesk.admin.retention import set_retention_months

        months = self.months.value()
        self.context.query(lambda s: set_retention_months(s, months), lambda _r: self.reload(),
                           lambda exc: alerts.show_exception(self, exc))

    def delete_selected(self) -> None:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        chosen = [self.model.row_at(row) for row in rows]
        if not chosen:
            alerts.info(self, self.tr("Ingen valgt"), self.tr("Velg personene som skal slettes i listen."))
            return
        from kpdesk.admin.retention import DuePerson, erase_due, who_due, why_erased

        person_ids = [d.id for d in chosen if isinstance(d, DuePerson)]
        ids = [d.id for d in chosen if not isinstance(d, DuePerson)]
        also = self.tr(" En privatperson slettes med samtykkene og behovene sine.") if person_ids else ""
        text = self.tr("Slette {who} for godt? Navn, e-post og telefon fjernes også fra endringsloggen.{also} "
                       "Dette kan ikke angres.").format(who=who_due(len(ids), len(person_ids)), also=also)
        if not alerts.question(self, self.tr("Slett personopplysninger"), text, self.tr("Slett for godt")):
            return

        why = why_erased(self.rule_months, [d.ground for d in chosen])

        def deleted(outcome: ErasureOutcome) -> None:
            from kpdesk.ui.erasure_flow import after_erasure

            self.reload()
            report = outcome.report
            after_erasure(self.context, self, outcome, self.tr("Slettet {who} {why}.").format(
                who=who_due(report.contacts, report.persons), why=why))

        self.context.with_store(lambda store: erase_due(store, ids, person_ids=person_ids), deleted,
                                lambda exc: alerts.show_exception(self, exc))


class ExamRetentionRow(QWidget):
    """Exam candidates: how many days after the exam their names and e-mails are kept, who is due
    now (counted per exam, never named), and erasing them on confirmation."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.days = QSpinBox()
        self.days.setObjectName("examDaysBox")
        self.days.setRange(0, 3650)
        self.days.setSuffix(self.tr(" dager etter eksamen"))
        self.days.setSpecialValueText(self.tr("av (ingen sletting)"))
        save = QPushButton(self.tr("Bruk"))
        save.setObjectName("saveExamDays")
        save.clicked.connect(self.save_days)
        self.summary = QLabel()
        self.summary.setObjectName("examSummary")
        self.erase_button = QPushButton(self.tr("Slett kandidatopplysninger …"))
        self.erase_button.setObjectName("eraseCandidates")
        self.erase_button.clicked.connect(self.erase)
        rule = QHBoxLayout()
        rule.addWidget(QLabel(self.tr("Eksamenskandidater: navn og e-post slettes")))
        rule.addWidget(self.days)
        rule.addWidget(save)
        rule.addStretch(1)
        due = QHBoxLayout()
        due.addWidget(self.summary, 1)
        due.addWidget(self.erase_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 8, 0, 8)
        outer.addLayout(rule)
        outer.addLayout(due)
        self.reload()

    def reload(self) -> None:
        from kpdesk.admin.exam_retention import candidates_due, exam_retention_days

        self.context.query(lambda s: (exam_retention_days(s), candidates_due(s)), self._show)

    def _show(self, loaded: tuple[int, list[Any]]) -> None:
        days, due = loaded
        self.days.setValue(days)
        count = sum(len(d.candidate_ids) for d in due)
        self.summary.setText(self.tr("{who} ved {exams} kan slettes.").format(
            who=plural(count, self.tr("kandidat"), self.tr("kandidater")),
            exams=plural(len(due), self.tr("eksamen"), self.tr("eksamener"))))
        self.erase_button.setEnabled(bool(due) and not getattr(self.context.store, "read_only", False))

    def save_days(self) -> None:
        from kpdesk.admin.exam_retention import set_exam_retention_days

        days = self.days.value()
        self.context.query(lambda s: set_exam_retention_days(s, days), lambda _r: self.reload(),
                           lambda exc: alerts.show_exception(self, exc))

    def erase(self) -> None:
        text = self.tr("Slette navn og e-post for kandidatene ved eksamenene som er eldre enn lagringstiden? "
                       "Kandidatnummer og status beholdes for fakturagrunnlaget. Dette kan ikke angres.")
        if not alerts.question(self, self.tr("Slett kandidatopplysninger"), text, self.tr("Slett for godt")):
            return
        from kpdesk.admin.exam_retention import erase_due

        def erased(outcome: ErasureOutcome) -> None:
            from kpdesk.ui.erasure_flow import after_erasure

            self.reload()
            after_erasure(self.context, self, outcome, self.tr("Slettet navn og e-post for {who}.").format(
                who=plural(outcome.report.candidates, self.tr("eksamenskandidat"), self.tr("eksamenskandidater"))))

        self.context.with_store(lambda store: erase_due(store), erased, lambda exc: alerts.show_exception(self, exc))
