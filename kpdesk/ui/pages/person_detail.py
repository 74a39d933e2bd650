"""Beside a person on the Personer page: their consent and privacy tasks, and their needs.

``ConsentPanel``: the consent in force, its reminder, «Registrer samtykke …» (``dialogs.consent``,
recorded through ``admin.consent``), «Eksporter alt om personen …» and «Slett personopplysninger …»
(``admin.privacy``/``admin.erasure`` through ``ui.erasure_flow``, as for contact persons).
``PersonNeedsPanel``: the person's needs, read-only; a double-click or «Vis på Behov» goes to the
need. Lists elsewhere name the owner «Privatperson P0003», never by name: this is where a
person's needs are found."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from kpdesk.common.codes import NEED_STATUSES
from kpdesk.common.list_filter import Column, count_column
from kpdesk.common.norsk import plural
from kpdesk.register.consent_text import consent_summary
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.dialogs.consent import ConsentChoice, ConsentDialog
from kpdesk.ui.widgets.forms import WARNING_STYLE
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view

if TYPE_CHECKING:
    from kpdesk.admin.erasure import ErasureOutcome


class ConsentPanel(QGroupBox):
    """The consent in force for the person shown, its reminder, «Registrer samtykke …», and the
    person's rights: an export of all kpdesk holds about them, and erasure for good."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.setTitle(self.tr("Samtykke og personvern"))
        self.context = context
        self.row: Any = None  # a kpdesk.register.person_list.PersonListRow
        self.summary = QLabel()
        self.summary.setObjectName("consentSummary")
        self.summary.setWordWrap(True)
        self.reminder = QLabel()
        self.reminder.setObjectName("consentReminder")
        self.reminder.setWordWrap(True)
        self.reminder.setStyleSheet(WARNING_STYLE)
        self.record_button = QPushButton(self.tr("Registrer samtykke …"))
        self.record_button.setObjectName("recordConsent")
        self.record_button.clicked.connect(self.record)
        self.export_button = QPushButton(self.tr("Eksporter alt om personen …"))
        self.export_button.setObjectName("exportPerson")
        self.export_button.setToolTip(self.tr("Innsyn: alt kpdesk har om personen, i en JSON-fil"))
        self.export_button.clicked.connect(self.export)
        self.erase_button = QPushButton(self.tr("Slett personopplysninger …"))
        self.erase_button.setObjectName("erasePersonData")
        self.erase_button.setToolTip(self.tr("Sletter personen, samtykkene og behovene for godt, også fra "
                                             "endringsloggen (kan ikke angres)"))
        self.erase_button.clicked.connect(self.erase)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.reminder)
        for buttons in ((self.record_button,), (self.export_button, self.erase_button)):
            line = QHBoxLayout()
            for button in buttons:
                line.addWidget(button)
            line.addStretch(1)
            layout.addLayout(line)
        self.show_row(None)

    def show_row(self, row: Any) -> None:
        self.row = row
        self.setEnabled(row is not None)
        self.summary.setText(consent_summary(row.consent) if row is not None else "")
        self.reminder.setText(row.reminder if row is not None else "")
        self.reminder.setVisible(bool(row is not None and row.reminder))

    def _with_needs(self, then: Callable[[Any, int], None]) -> None:
        """``then(row, needs)`` with how many needs the person shown has now (asked on the database
        thread), unless another person is shown by then."""
        row = self.row
        if row is None:
            return
        from kpdesk.register.service import list_needs

        person_id = row.id

        def counted(needs: int) -> None:
            if self.row is not None and self.row.id == person_id:
                then(row, needs)

        self.context.query(lambda session: len(list_needs(session, person_id=person_id)), counted,
                           lambda exc: alerts.show_exception(self, exc))

    # ------------------------------------------------------------ consent

    def record(self) -> None:
        self._with_needs(self._record)

    def _record(self, row: Any, needs: int) -> None:
        choice = ConsentDialog.ask(self, row.ref, row.consent, needs)
        had_storage = row.consent is not None and row.consent.stored
        if choice is None or not self._confirmed(row.ref, choice, had_storage, needs):
            return
        from kpdesk.admin.consent import record_consent_everywhere

        context = self.context
        erase_person = choice.erase_person

        def done(outcome: ErasureOutcome) -> None:
            said = self._recorded(row.ref, erase_person, outcome.report.person_needs)
            if outcome.report.found:
                from kpdesk.ui.erasure_flow import after_erasure

                after_erasure(context, self, outcome, said)
                return
            context.data_changed.emit("consent")
            context.status_message.emit(said)

        context.with_store(lambda store: record_consent_everywhere(store, row.id, choice.data,
                                                                   erase_person=erase_person),
                           done, lambda exc: alerts.show_exception(self, exc))

    def _recorded(self, ref: str, erase_person: bool, needs: int) -> str:
        """What the status bar says once the consent is recorded."""
        if erase_person:
            return self.tr("{ref} er slettet med samtykkene og {needs}.").format(ref=ref, needs=self._needs(needs))
        if needs:
            return self.tr("Samtykket for {ref} er registrert; {needs} er slettet.").format(
                ref=ref, needs=self._needs(needs))
        return self.tr("Samtykket for {ref} er registrert.").format(ref=ref)

    def _needs(self, count: int) -> str:
        return plural(count, self.tr("behov"), self.tr("behov"))

    def _confirmed(self, ref: str, choice: ConsentChoice, had_storage: bool, needs: int) -> bool:
        """A consent that withdraws storage erases for good: the coordinator says yes first, told how much."""
        if choice.data.stored or not had_storage:
            return True  # nothing kept by consent is erased
        if choice.erase_person:
            text = self.tr("Slette {ref} for godt? Navn, kontaktopplysninger, samtykkene og {needs} fjernes, også "
                           "fra endringsloggen. Dette kan ikke angres.")
            return alerts.question(self, self.tr("Slett personen"), text.format(ref=ref, needs=self._needs(needs)),
                                   self.tr("Slett for godt"))
        text = self.tr("Registrere at {ref} har trukket samtykket til lagring? {needs} til personen slettes for "
                       "godt, også fra endringsloggen. Dette kan ikke angres.")
        return alerts.question(self, self.tr("Samtykket er trukket"), text.format(ref=ref, needs=self._needs(needs)),
                               self.tr("Registrer og slett behovene"))

    # ------------------------------------------------------------ the person's rights

    def export(self) -> None:
        row = self.row
        if row is None:
            return
        from kpdesk.admin.privacy import export_individual_to_file
        from kpdesk.ui.erasure_flow import export_personal_data

        person_id = row.id
        export_personal_data(self.context, self,
                             lambda session, path: export_individual_to_file(session, person_id, path),
                             f"personopplysninger-{row.ref}.json")

    def erase(self) -> None:
        self._with_needs(self._erase)

    def _erase(self, row: Any, needs: int) -> None:
        from kpdesk.admin.erasure import erase_individual
        from kpdesk.ui.erasure_flow import confirm_and_erase

        text = self.tr("Slette alle personopplysninger om {ref} «{name}» for godt?\n"
                       "Personen fjernes med samtykkene og {needs}, og navn, e-post og telefon fjernes også fra "
                       "endringsloggen og fritekst. Dette kan ikke angres.").format(
                           ref=row.ref, name=row.name, needs=self._needs(needs))
        person_id = row.id
        confirm_and_erase(self.context, self, text, lambda store: erase_individual(store, person_id),
                          self.tr("Personopplysningene om {ref} er slettet.").format(ref=row.ref))


class PersonNeedsPanel(QGroupBox):
    """The needs of the person shown: what they wish for, its status and headcount."""

    open_need = Signal(int)
    """A need's id: the user asked to see it on the Behov page."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.person_id: int | None = None
        self.model = RowTableModel([
            Column("ref", self.tr("Ref."), lambda r: r.ref),
            Column("title", self.tr("Behov"), lambda r: r.title, stretch=True),
            Column("status", self.tr("Status"), lambda r: NEED_STATUSES.label(r.status), max_chars=12),
            count_column("headcount", self.tr("Antall"), lambda r: r.headcount),
        ], self)
        self.view = row_table_view(self.model, "personNeedsView")
        rows = self.view.verticalHeader().defaultSectionSize()
        chrome = self.view.horizontalHeader().sizeHint().height() + 2 * self.view.frameWidth()
        self.view.setMinimumHeight(chrome + 2 * rows)
        self.view.setMaximumHeight(chrome + 4 * rows)  # a person wishes for a few things; more scroll
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.empty = QLabel(self.tr("Ingen behov. Ønskene registreres på Behov-siden, med «Gjelder: en person»."))
        self.empty.setObjectName("noNeeds")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #666;")
        self.open_button = QPushButton(self.tr("Vis på Behov"))
        self.open_button.setObjectName("openNeed")
        self.open_button.clicked.connect(self.open_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update())
        context.data_changed.connect(lambda kind: self.refresh() if kind == "need" else None)
        self.show_person(None)

    def show_person(self, person_id: int | None) -> None:
        self.person_id = person_id
        self.refresh()

    def refresh(self) -> None:
        person_id = self.person_id
        if person_id is None or self.context.store is None:
            self._show([])
            return
        from kpdesk.register.service import list_needs

        def shown(rows: list[Any]) -> None:
            if self.person_id == person_id:
                self._show(rows)

        self.context.query(lambda session: list_needs(session, person_id=person_id), shown)

    def _show(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)
        self.setTitle(self.tr("Behov ({count})").format(count=len(rows)) if self.person_id is not None
                      else self.tr("Behov"))
        self.setEnabled(self.person_id is not None)
        self.view.setVisible(bool(rows))
        self.empty.setVisible(self.person_id is not None and not rows)
        if rows:
            self.view.selectRow(0)
        self._update()

    def selected(self) -> Any:
        index = self.view.selectionModel().currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)
        self.open_button.setVisible(self.model.total_count() > 0)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_need.emit(row.id)
