"""«Lag gjennomføring …» from an accepted proposal (Matching) or a demand group (Samordning): a run of
an offer, planned, serving the needs, or those needs added to a planned run of the same offer; then
the Gjennomføringer page shows it. A need already in a run of the offer (any status but cancelled) is
said by name, and that run is proposed: a second run for it is made only on purpose.

A run needs an offer: a group with none (a course to order) says so, and the coordinator picks one
from the offers (filter by typing). The dates are read by the one run validator
(``motor.validation.validate_run``); the write is ``RUN_SERVICE``'s, undoable like any edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common.codes import RUN_STATUSES
from kpdesk.common.list_filter import Column
from kpdesk.common.norsk import format_date, plural, ref_sort_key
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.base import Page
from kpdesk.ui.pages.runs import RUN_SERVICE, first_word
from kpdesk.ui.record_actions import RecordActions
from kpdesk.ui.widgets.date_field import DateField
from kpdesk.ui.widgets.forms import ERROR_STYLE, WARNING_STYLE
from kpdesk.ui.widgets.pick_list import PickList

if TYPE_CHECKING:
    from kpdesk.motor.run_details import RunChoices


SHOWN_REFS = 8  # a group of 200 needs is named by its first few; the run's page lists them all


def refs_text(refs: Sequence[str]) -> str:
    """«B0001, B0002, B0003» or «B0001, …, B0008 og 206 til»."""
    if len(refs) <= SHOWN_REFS:
        return ", ".join(refs)
    return f"{', '.join(refs[:SHOWN_REFS])} og {len(refs) - SHOWN_REFS} til"


class NewRunDialog(QDialog):
    def __init__(self, choices: RunChoices, offer_ref: str | None, need_refs: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = self.tr
        self.setWindowTitle(tr("Lag gjennomføring"))
        self.need_refs = tuple(need_refs)
        self.choices = choices
        self.data: Any = None  # the RunData to save, once accepted
        self.target: Any = None  # the planned run (RunRow) the needs join, or None for a new run
        self.fixed_offer = choices.offer(offer_ref)

        self.heading = QLabel()
        self.heading.setObjectName("newRunHeading")
        self.heading.setWordWrap(True)
        self.offers = PickList([
            Column("ref", tr("Ref."), lambda o: o.ref, sort_value=lambda o: ref_sort_key(o.ref)),
            Column("title", tr("Kurstilbud"), lambda o: o.title, stretch=True),
            Column("provider", tr("Tilbyder"), lambda o: o.provider_name, max_chars=22),
            Column("start", tr("Start"), lambda o: format_date(o.start_date), sort_value=lambda o: o.start_date,
                   searchable=False),
        ], "newRunOffers", placeholder=tr("Finn kurstilbudet: tittel, tilbyder eller referanse …"))
        self.offers.set_rows(list(choices.offers))
        self.offers.setMinimumHeight(220)
        self.offers.chosen_changed.connect(self._offer_changed)
        self.into = QComboBox()
        self.into.setObjectName("newRunInto")
        self.into.currentIndexChanged.connect(lambda *_a: self._into_changed())
        self.start = DateField(optional=True)
        self.start.setObjectName("newRunStart")
        self.end = DateField(optional=True)
        self.end.setObjectName("newRunEnd")
        for field in (self.start, self.end):
            field.textChanged.connect(lambda *_a: self._check())
        self.already = QLabel()
        self.already.setObjectName("newRunAlready")
        self.already.setWordWrap(True)
        self.already.setStyleSheet(WARNING_STYLE)
        self.problem = QLabel()
        self.problem.setObjectName("newRunProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        form = QFormLayout()
        form.addRow(tr("Legg behovene i"), self.into)
        form.addRow(tr("Start"), self.start)
        form.addRow(tr("Slutt"), self.end)
        needs = QLabel(tr("{needs} blir koblet til gjennomføringen: {refs}.").format(
            needs=plural(len(self.need_refs), tr("behov"), tr("behov")).capitalize(), refs=refs_text(self.need_refs)))
        needs.setObjectName("newRunNeeds")
        needs.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(tr("Lag gjennomføring"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("Avbryt"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.offers, 1)
        layout.addLayout(form)
        layout.addWidget(needs)
        layout.addWidget(self.already)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.offers.setVisible(self.fixed_offer is None)  # in its layout: alone it would open as a window
        self.resize(680, 520 if self.fixed_offer is None else 260)
        self._offer_changed()

    def offer(self) -> Any:
        if self.fixed_offer is not None:
            return self.fixed_offer
        chosen = self.offers.chosen()
        return chosen[0] if chosen else None

    def _offer_changed(self) -> None:
        tr = self.tr
        offer = self.offer()
        serving = self._serving(offer)
        self.into.blockSignals(True)
        self.into.clear()
        self.into.addItem(tr("en ny gjennomføring (planlagt)"), None)
        for run in [*serving, *(r for r in self._runs(offer) if r not in serving)]:
            self.into.addItem(tr("{ref}, {status}, start {start} ({needs})").format(
                ref=run.ref, status=RUN_STATUSES.label(run.status),
                start=format_date(run.start_date) or tr("ikke satt"),
                needs=plural(len(run.need_refs), tr("behov"), tr("behov"))), run.ref)
        if serving:  # the run they are in is proposed; a new one is a choice made on purpose
            self.into.setCurrentIndex(1)
        self.into.blockSignals(False)
        self.already.setText(self._already_text(serving))
        self.already.setVisible(bool(serving))
        self.start.setText(format_date(offer.start_date) if offer is not None else "")
        self.end.setText(format_date(offer.end_date) if offer is not None else "")
        self._into_changed()

    def _into_changed(self) -> None:
        self._check()
        self._say_heading()

    def _say_heading(self) -> None:
        """What will be made: a new planned run of the offer, the needs added to a run, or a course to
        order that first needs its offer."""
        tr = self.tr
        offer = self.offer()
        self.ok_button.setText(tr("Legg til i {run}").format(run=self.target.ref) if self.target is not None
                               else tr("Lag gjennomføring"))
        if self.fixed_offer is None or offer is None:  # the explanation stays while an offer is picked
            self.heading.setText(tr(
                "Ingen kurstilbud passer gruppen: dette er et kurs å bestille. En gjennomføring må ha et "
                "kurstilbud, så velg tilbudet som skal bestilles under. Finnes det ikke ennå, registrer det under "
                "Kurstilbud først."))
        elif self.target is not None:
            self.heading.setText(tr("Behovene legges til gjennomføringen {run} av «{title}» ({ref}, {provider}), "
                                    "{status}.").format(run=self.target.ref, title=offer.title, ref=offer.ref,
                                                        provider=offer.provider_name,
                                                        status=RUN_STATUSES.label(self.target.status).lower()))
        else:
            self.heading.setText(tr("Ny gjennomføring av «{title}» ({ref}, {provider}), planlagt.").format(
                title=offer.title, ref=offer.ref, provider=offer.provider_name))

    def _runs(self, offer: Any) -> list[Any]:
        return self.choices.planned_of(offer.ref) if offer is not None else []

    def _serving(self, offer: Any) -> list[Any]:
        return self.choices.serving_of(offer.ref, self.need_refs) if offer is not None else []

    def _already_text(self, serving: Sequence[Any]) -> str:
        """«B0023 er allerede med i G0017 (gjennomført).» per need, and what to do about it."""
        tr = self.tr
        said = [tr("{need} er allerede med i {run} ({status}).").format(
                    need=need, run=run.ref, status=RUN_STATUSES.label(run.status))
                for need, run in self.choices.already_in(serving, self.need_refs)]
        if not said:
            return ""
        shown = said[:SHOWN_REFS] + ([tr("Og {n} til.").format(n=len(said) - SHOWN_REFS)]
                                     if len(said) > SHOWN_REFS else [])
        return " ".join([*shown, tr("Legg behovene til der (valgt over), eller velg «en ny gjennomføring» "
                                    "om du med vilje vil lage en til.")])

    def _check(self) -> bool:
        """Is the choice complete and valid? Says why not, and enables the button."""
        from kpdesk.motor.run_details import with_needs
        from kpdesk.motor.validation import validate_run

        offer = self.offer()
        ref = self.into.currentData()
        runs = [*self.choices.serving, *self.choices.planned]
        self.target = next((r for r in runs if r.ref == ref), None) if ref else None
        for field in (self.start, self.end):
            field.setEnabled(self.target is None)
        message = ""
        self.data = None
        if offer is None:
            message = self.tr("Velg kurstilbudet gjennomføringen gjelder.")
        elif self.target is not None:
            self.data = with_needs(self.target, self.need_refs)
        else:
            data, problems = validate_run({"offer": offer.ref, "status": "planned", "start_date": self.start.text(),
                                           "end_date": self.end.text(), "needs": ", ".join(self.need_refs)})
            errors = [p for p in problems if not getattr(p, "warning", False)]
            message = "\n".join(p.message for p in errors)
            self.data = data if not errors else None
        self.problem.setText(message)
        self.problem.setVisible(bool(message))
        self.ok_button.setEnabled(self.data is not None)
        return self.data is not None


def create_run(page: Page, offer_ref: str | None, need_refs: Sequence[str]) -> None:
    """Ask (``NewRunDialog``), write undoably, then show the run on the Gjennomføringer page."""
    context: AppContext = page.context

    from kpdesk.motor.run_details import load_run_choices

    def ask(choices: RunChoices) -> None:
        dialog = NewRunDialog(choices, offer_ref, need_refs, page)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.data is None:
            return
        _write(page, dialog.data, dialog.target)

    context.query(lambda session: load_run_choices(session, need_refs), ask)


def _write(page: Page, data: Any, target: Any) -> None:
    from kpdesk.motor.run_details import PutBack, run_data

    context = page.context
    actions = RecordActions(context, RUN_SERVICE, page, lambda _id: None)

    def shown(run_id: int) -> None:
        context.status_message.emit(page.tr("Gjennomføringen er lagret. Angre med Ctrl+Z."))
        host = page.host()
        if host is not None:
            host.show_section("RunsPage")
            runs = host.current_page()
            show_record = getattr(runs, "show_record", None)
            if show_record is not None:
                show_record(run_id)

    if target is None:
        actions.create(data, page.tr("ny gjennomføring av {offer}").format(offer=first_word(data.offer)), shown)
    else:
        actions.update(target.id, PutBack(run_data(target)), data,
                       page.tr("behov lagt til {ref}").format(ref=target.ref), shown)
