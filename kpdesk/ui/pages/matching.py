"""Matching: for each open need, the ranked offers with score and reasons; accept or reject."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from kpdesk.common import reference
from kpdesk.common.codes import DECISIONS, FORMATS, LEVELS, NEED_STATUSES
from kpdesk.common.errors import UserError
from kpdesk.common.list_filter import Column, count_column
from kpdesk.common.norsk import format_date, format_datetime, group_thousands, parse_date, ref_sort_key
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.matching_runner import MatchingRunner
from kpdesk.ui.pages.list_page import FilterMenu, ListPage
from kpdesk.ui.undo import undoable_write
from kpdesk.ui.widgets.date_field import DateField
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view


def score_text(score: float | None) -> str:
    return "" if score is None else f"{score:.2f}".replace(".", ",")


@dataclass(frozen=True, slots=True)
class NeedMatchRow:
    id: int
    ref: str
    title: str
    employer_name: str
    municipality: str | None
    level: str | None
    headcount: int
    status: str
    best_ref: str
    best_title: str
    best_score: float | None
    proposals: int


@dataclass(frozen=True, slots=True)
class ProposalRow:
    offer_id: int
    offer_ref: str
    title: str
    provider: str
    level: str | None
    format: str | None
    municipality: str | None
    start_date: dt.date | None
    score: float
    match: Any  # the engine's Match: reasons are written when first read


class MatchingPage(ListPage):
    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        columns: list[Column[Any]] = [
            # what the coordinator reviews first (the best offer and its score) fits beside the
            # need at 1280 px; who and where follow
            Column("ref", tr("Ref."), lambda r: r.ref, sort_value=lambda r: ref_sort_key(r.ref)),
            Column("title", tr("Behov"), lambda r: r.title, stretch=True),
            Column("score", tr("Poeng"), lambda r: score_text(r.best_score), sort_value=lambda r: r.best_score,
                   align_right=True, searchable=False),
            Column("best", tr("Beste tilbud"), lambda r: r.best_title or tr("ingen passende tilbud"), max_chars=26),
            Column("employer", tr("Meldt av"), lambda r: r.employer_name, max_chars=20),
            Column("municipality", tr("Kommune"), lambda r: reference.municipality_label(r.municipality),
                   max_chars=14, hidden=True),
            count_column("headcount", tr("Antall"), lambda r: r.headcount),
            Column("status", tr("Status"), lambda r: NEED_STATUSES.label(r.status), hidden=True),
        ]
        menus = [FilterMenu("municipality", tr("Alle kommuner"), lambda r: r.municipality,
                            reference.municipality_label)]
        super().__init__(context, columns, menus)
        self.title = tr("Matching")
        self.noun_plural = tr("åpne behov")
        self.noun_singular = tr("åpent behov")
        self.matching = MatchingRunner.of(context)
        self._run: Any = None
        self._current_ref = ""  # the need shown in the detail pane
        self._offer_ids: dict[str, int] = {}

        self.as_of_edit = DateField(self.matching.as_of)
        self.as_of_edit.setObjectName("asOfEdit")
        self.as_of_edit.dateChanged.connect(self._as_of_changed)
        self.as_of_edit.setToolTip(tr("Referansedato: tilbud som er slutt eller har passert søknadsfristen, "
                                      "foreslås ikke"))
        self.run_button = QPushButton(tr("Kjør matching"))
        self.run_button.setObjectName("runButton")
        self.run_button.setToolTip(tr("Match alle åpne behov mot alle tilbud (F5)"))
        self.run_button.clicked.connect(self.run_matching)
        self.cancel_button = QPushButton(tr("Avbryt"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.matching.cancel)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setMaximumWidth(200)
        self.unmet_only = QCheckBox(tr("Bare behov uten tilbud"))
        self.unmet_only.setObjectName("unmetOnly")
        self.unmet_only.toggled.connect(self.apply_filter)
        self.toolbar.addWidget(self.unmet_only)
        self.toolbar.addWidget(QLabel(tr("Per")))
        self.toolbar.addWidget(self.as_of_edit)
        self.toolbar.addWidget(self.run_button)
        self.toolbar.addWidget(self.progress)
        self.toolbar.addWidget(self.cancel_button)

        self.proposals = RowTableModel([
            Column("score", tr("Poeng"), lambda p: score_text(p.score), sort_value=lambda p: -p.score,
                   align_right=True),
            Column("ref", tr("Ref."), lambda p: p.offer_ref, sort_value=lambda p: ref_sort_key(p.offer_ref)),
            Column("title", tr("Tilbud"), lambda p: p.title, stretch=True),
            Column("provider", tr("Tilbyder"), lambda p: p.provider, max_chars=16),
            # the reasons below say level, format and start; the column menu shows them
            Column("level", tr("Nivå"), lambda p: LEVELS.label(p.level), hidden=True),
            Column("format", tr("Format"), lambda p: FORMATS.label(p.format), hidden=True),
            Column("start", tr("Start"), lambda p: format_date(p.start_date), hidden=True),
        ], self)
        self.proposals_view = row_table_view(self.proposals, "proposalsView")
        self.proposals_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_reasons())
        self.proposals_view.selectionModel().currentRowChanged.connect(lambda *_: self._enable_new_run())
        self.reasons = QLabel()
        self.reasons.setObjectName("reasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reasons.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.accept_button = QPushButton(tr("Godta …"))
        self.accept_button.setObjectName("acceptButton")
        self.reject_button = QPushButton(tr("Avvis …"))
        self.reject_button.setObjectName("rejectButton")
        self.new_run_button = QPushButton(tr("Lag gjennomføring …"))
        self.new_run_button.setObjectName("newRunButton")
        self.new_run_button.setToolTip(tr("Planlegg en gjennomføring av det godtatte tilbudet for behovet, eller legg "
                                          "behovet til en planlagt gjennomføring av det"))
        self.new_run_button.clicked.connect(self.create_run)
        self.accept_button.clicked.connect(lambda: self.decide("accepted"))
        self.reject_button.clicked.connect(lambda: self.decide("rejected"))
        self.decisions = RowTableModel([
            Column("decision", tr("Beslutning"), lambda d: DECISIONS.label(d.decision)),
            Column("offer", tr("Tilbud"), lambda d: f"{d.offer_ref} {d.offer_title}", stretch=True),
            Column("note", tr("Notat"), lambda d: d.note, max_chars=16),
            Column("at", tr("Tidspunkt"), lambda d: format_datetime(d.decided_at), hidden=True),
        ], self)
        self.why_edit = QLineEdit()
        self.why_edit.setObjectName("whyNotEdit")
        self.why_edit.setPlaceholderText(tr("Referanse eller navn"))
        self.why_edit.setToolTip(tr("Skriv et tilbud som ikke er foreslått, og trykk Enter: kpdesk sier hvorfor"))
        self.why_offers = QStringListModel(self)
        completer = QCompleter(self.why_offers, self.why_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.why_edit.setCompleter(completer)
        self.why_button = QPushButton(tr("Hvorfor ikke?"))
        self.why_button.setObjectName("whyNotButton")
        self.why_button.clicked.connect(self.explain_why_not)
        self.why_edit.returnPressed.connect(self.explain_why_not)
        self.why_text = QLabel()
        self.why_text.setObjectName("whyNotText")
        self.why_text.setWordWrap(True)
        self.why_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.decisions_view = row_table_view(self.decisions, "decisionsView")
        self.decisions_view.setMaximumHeight(120)

        self.detail_box = QGroupBox(tr("Forslag"))
        detail = QVBoxLayout(self.detail_box)
        detail.addWidget(self.proposals_view, 2)
        detail.addWidget(QLabel(tr("Begrunnelse")))
        detail.addWidget(self.reasons, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.new_run_button)
        buttons.addStretch(1)
        detail.addLayout(buttons)
        why = QHBoxLayout()
        why.addWidget(QLabel(tr("Hvorfor ikke …")))
        why.addWidget(self.why_edit, 1)
        why.addWidget(self.why_button)
        detail.addLayout(why)
        detail.addWidget(self.why_text)
        detail.addWidget(QLabel(tr("Beslutninger for behovet")))
        detail.addWidget(self.decisions_view)
        self.set_detail(self.detail_box)
        self.hint = QLabel(tr("Trykk «Kjør matching» (F5) for å finne tilbud til alle åpne behov."))
        self.hint.setObjectName("hint")
        self.page_layout.insertWidget(1, self.hint)

        self.matching.started.connect(self._running)
        self.matching.progressed.connect(self._progress)
        self.matching.finished.connect(self._finished)
        self.matching.stopped.connect(self._stopped)
        self.selection_changed.connect(self._show_need)
        self._show_need(None)

    # ------------------------------------------------------------ running

    def entity_kinds(self) -> set[str]:
        return set()  # a new run is the coordinator's choice (it can take a second or two)

    def status_text(self) -> str:
        if self._run is None:  # "0 åpne behov" would read as if there were none
            return self.tr("Matchingen er ikke kjørt ennå")
        return super().status_text()

    def load(self) -> None:
        if self.matching.latest is not None and self._run is not self.matching.latest:
            self._finished(self.matching.latest)

    def _as_of_changed(self, day: dt.date | None) -> None:
        if day is not None:  # a wrong date is said when the run starts
            self.matching.as_of = day  # Samordning's runs use it too

    def run_matching(self) -> None:
        """Match every open need as of the chosen date (F5, Megler › Kjør matching)."""
        try:
            as_of = parse_date(self.as_of_edit.text())
        except ValueError as exc:
            alerts.error(self, self.tr("Ugyldig dato"), str(exc))
            return
        self.matching.run(as_of)

    def _running(self) -> None:
        self.run_button.setEnabled(False)
        self.cancel_button.setVisible(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.hint.setText(self.tr("Matcher …"))

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _stopped(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setVisible(False)
        self.progress.setVisible(False)
        self.hint.setText(self.tr("Matchingen ble avbrutt."))

    def _finished(self, run: Any) -> None:
        self._run = run
        self.run_button.setEnabled(True)
        self.cancel_button.setVisible(False)
        self.progress.setVisible(False)
        self.why_offers.setStringList([f"{o.ref} {o.title} – {o.provider}" for o in run.offers])
        needs, unmet = run.counts()
        self.hint.setText(self.tr("Matchet {needs} åpne behov per {date}: {unmet} uten passende tilbud.").format(
            needs=group_thousands(needs), date=format_date(run.as_of), unmet=group_thousands(unmet)))

        def rows(session: Any) -> Any:
            from kpdesk.matching.persistence import ids_by_ref

            need_ids, offer_ids = ids_by_ref(session)
            return self.prepare(_need_rows(run, need_ids), offer_ids)

        self.context.query(rows, self.show_prepared)

    def use_extra(self, extra: Any) -> None:
        self._offer_ids = extra

    def row_filter(self) -> Any:
        if self.unmet_only.isChecked():
            return lambda row: row.best_score is None
        return None

    # ------------------------------------------------------------ one need

    def _show_need(self, row: Any) -> None:
        self.current_id = row.id if row is not None else None
        self._current_ref = row.ref if row is not None else ""
        self.why_text.clear()
        enabled = row is not None and self._run is not None
        self.detail_box.setTitle(self.tr("Forslag til {ref}: {title}").format(ref=row.ref, title=row.title)
                                 if row is not None else self.tr("Forslag"))
        self.proposals.set_rows(self._proposals_for(row) if enabled else [])
        if self.proposals.rowCount():
            self.proposals_view.selectRow(0)
        self._show_reasons()
        self.why_edit.setEnabled(enabled)
        self.why_button.setEnabled(enabled)
        self.accept_button.setEnabled(enabled and self.proposals.rowCount() > 0)
        self.reject_button.setEnabled(enabled and self.proposals.rowCount() > 0)
        self._load_decisions(row.id if row is not None else None)

    def _proposals_for(self, row: Any) -> list[ProposalRow]:
        result = self._run.result_for(row.ref)
        if result is None:
            return []
        offer_ids = self._offer_ids
        proposals = []
        for match in result.matches:
            offer = self._run.offer(match.offer_ref)
            proposals.append(ProposalRow(offer_ids.get(match.offer_ref, 0), match.offer_ref, offer.title,
                                         offer.provider, offer.level, offer.format, offer.municipality,
                                         offer.start_date, match.score, match))
        return proposals

    def _selected_proposal(self) -> ProposalRow | None:
        index = self.proposals_view.selectionModel().currentIndex()
        return self.proposals.row_at(index.row()) if index.isValid() else None

    def _show_reasons(self) -> None:
        proposal = self._selected_proposal()
        if proposal is None:
            run = self._run
            if self.current_id is None or run is None or self.proposals.rowCount() > 0:
                self.reasons.setText("")
                return
            lines = [self.tr("Ingen tilbud passer dette behovet: det er et kurs å bestille.")]
            left_out = run.left_out(self._current_ref)
            if left_out:
                lines.append(self.tr("Tilbud om samme tema som ikke kan foreslås:"))
                lines.extend(f"• {sentence}" for sentence in left_out)
            self.reasons.setText("\n".join(lines))
            return
        match = proposal.match
        self.reasons.setText("\n".join([match.verdict, *match.reasons] if match.verdict else match.reasons))

    def explain_why_not(self) -> None:
        """Say why the offer typed in «Hvorfor ikke …» is not proposed for the need (or ranked lower)."""
        if self._run is None or not self._current_ref:
            return
        try:
            self.why_text.setText(self._run.why_not(self._current_ref, self.why_edit.text()))
        except UserError as exc:
            self.why_text.setText(str(exc))

    def _load_decisions(self, need_id: int | None) -> None:
        if need_id is None or self.context.store is None:
            self.decisions.set_rows([])
            self._enable_new_run()
            return
        from kpdesk.matching.persistence import list_decisions

        def shown(rows: list[Any]) -> None:
            if self.current_id == need_id:
                self.decisions.set_rows(rows)
                self._enable_new_run()

        self.context.query(lambda s: list_decisions(s, need_id=need_id), shown)

    def _accepted_offer(self) -> str | None:
        """The selected proposal's offer when the coordinator has accepted it for the need."""
        proposal = self._selected_proposal()
        if proposal is None:
            return None
        accepted = any(d.decision == "accepted" and d.offer_ref == proposal.offer_ref
                       for d in self.decisions.visible_rows())
        return proposal.offer_ref if accepted else None

    def _enable_new_run(self) -> None:
        self.new_run_button.setEnabled(self._accepted_offer() is not None)

    def create_run(self) -> None:
        """«Lag gjennomføring …» for the accepted proposal: a planned run of its offer serving the need."""
        offer_ref, need = self._accepted_offer(), self.selected_row()
        if offer_ref is not None and need is not None:
            from kpdesk.ui.dialogs.new_run import create_run

            create_run(self, offer_ref, [need.ref])

    def decide(self, decision: str) -> None:
        proposal = self._selected_proposal()
        need = self.selected_row()
        if proposal is None or need is None:
            return
        accepted = decision == "accepted"
        note = alerts.ask_text(self, self.tr("Godta forslag") if accepted else self.tr("Avvis forslag"),
                               self.tr("Notat til beslutningen om «{offer}» for «{need}» (valgfritt):").format(
                                   offer=proposal.title, need=need.title),
                               self.tr("Godta") if accepted else self.tr("Avvis"))
        if note is None:
            return
        from kpdesk.matching import persistence as match_service

        need_id, offer_id = need.id, proposal.offer_id

        def after(_result: Any) -> None:
            self.context.data_changed.emit("need")
            self._load_decisions(need_id)

        def decided(_result: Any) -> None:
            self.context.status_message.emit(
                self.tr("«{need}» er satt til matchet. «Lag gjennomføring …» planlegger kurset.").format(
                    need=need.title) if accepted
                else self.tr("Forslaget er avvist."))

        text = self.tr("godta «{offer}»") if accepted else self.tr("avvis «{offer}»")
        undoable_write(self.context, text.format(offer=proposal.title),
                       lambda s, state: state.update(snapshot=match_service.decide(s, need_id, offer_id, decision,
                                                                                   note)),
                       lambda s, state: match_service.undo_decision(s, state["snapshot"]), after, self,
                       on_done=decided)


def _need_rows(run: Any, need_ids: dict[str, int]) -> list[NeedMatchRow]:
    titles = {o.ref: o.title for o in run.offers}
    rows = []
    for need, result in zip(run.needs, run.results, strict=True):
        best = result.best
        rows.append(NeedMatchRow(
            need_ids.get(need.ref, 0), need.ref, need.title, need.employer_name, need.municipality, need.level,
            need.headcount, need.status, best.offer_ref if best else "", titles.get(best.offer_ref, "") if best else "",
            best.score if best else None, len(result.matches)))
    return rows
