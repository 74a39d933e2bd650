"""Samordning (the engine role): open needs grouped across employers by topic, level and region,
with the offer that could take each group, and the groups no offer fits: courses to order."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from kpdesk.common.list_filter import Column, count_column
from kpdesk.common.norsk import format_date, group_thousands, plural, ref_sort_key
from kpdesk.matching.run import level_label
from kpdesk.ui.context import AppContext
from kpdesk.ui.matching_runner import MatchingRunner
from kpdesk.ui.pages.list_page import FilterMenu, ListPage
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view


class DemandPage(ListPage):
    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        columns: list[Column[Any]] = [
            # the offer (or the course to order) and its seats fit on screen at 1280 px
            Column("topic", tr("Tema"), lambda g: g.topic, stretch=True),
            count_column("headcount", tr("Personer"), lambda g: g.headcount, sort_value=lambda g: -g.headcount),
            Column("offer", tr("Tilbud"), lambda g: f"{g.offer_ref} {g.offer_title}" if g.offer_ref
                   else tr("ingen: kurs å bestille"), max_chars=30),
            Column("seats", tr("Plasser"), lambda g: g.seats_text, searchable=False, hidden=True),
            Column("level", tr("Nivå"), lambda g: level_label(g.level)),
            Column("region", tr("Region"), lambda g: g.region, max_chars=16),
            # employers, individuals and communities apart; sorted by how many in all, most first
            Column("employers", tr("Meldt av"), lambda g: g.contributors.owners_text(), max_chars=28,
                   sort_value=lambda g: -g.contributors.total),
        ]
        menus = [FilterMenu("region", tr("Alle regioner"), lambda g: g.region, str)]
        super().__init__(context, columns, menus)
        self.title = tr("Samordning")
        self.noun_plural = tr("grupper")
        self.noun_singular = tr("gruppe")
        self.matching = MatchingRunner.of(context)
        self._run: Any = None
        self.to_order = QCheckBox(tr("Bare kurs å bestille"))
        self.to_order.setObjectName("toOrder")
        self.to_order.toggled.connect(self.apply_filter)
        self.run_button = QPushButton(tr("Kjør matching"))
        self.run_button.setObjectName("runButton")
        self.run_button.clicked.connect(self.run_matching)
        self.toolbar.addWidget(self.to_order)
        self.toolbar.addWidget(self.run_button)
        self.hint = QLabel(tr("Samordningen bygger på matchingen. Trykk «Kjør matching» for å samle etterspørselen."))
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.page_layout.insertWidget(1, self.hint)

        self.members = RowTableModel([
            Column("ref", tr("Behov"), lambda m: m[0], sort_value=lambda m: ref_sort_key(m[0])),
            Column("employer", tr("Meldt av"), lambda m: m[1], stretch=True),
        ], self)
        self.detail = QGroupBox(tr("Gruppen"))
        layout = QVBoxLayout(self.detail)
        self.summary = QLabel()
        self.summary.setObjectName("groupSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addWidget(row_table_view(self.members, "membersView"), 1)
        self.new_run_button = QPushButton(tr("Lag gjennomføring …"))
        self.new_run_button.setObjectName("newRunButton")
        self.new_run_button.setToolTip(tr("Planlegg en gjennomføring som dekker alle gruppens behov"))
        self.new_run_button.clicked.connect(self.create_run)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_run_button)
        layout.addLayout(buttons)
        self.set_detail(self.detail)
        self.splitter.setSizes([840, 360])  # the group's sentence and members read well narrow; Tema needs the room
        self.matching.finished.connect(self._show_run)
        self.matching.started.connect(lambda: self.run_button.setEnabled(False))
        self.matching.stopped.connect(lambda: self.run_button.setEnabled(True))
        self.selection_changed.connect(self._show_group)
        self._show_group(None)
        self.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # the largest groups first (Personer)

    def status_text(self) -> str:
        if self._run is None:  # "0 åpne behov" would read as if there were none
            return self.tr("Matchingen er ikke kjørt ennå")
        return super().status_text()

    def load(self) -> None:
        if self.matching.latest is not None and self._run is not self.matching.latest:
            self._show_run(self.matching.latest)

    def run_matching(self) -> None:
        """Match again, which regroups the demand (F5, Megler › Kjør matching)."""
        self.matching.run(self.matching.as_of)  # the date chosen on the Matching page, else today

    def _show_run(self, run: Any) -> None:
        self._run = run
        self.run_button.setEnabled(True)
        to_order = sum(1 for g in run.groups if g.unmet)
        self.hint.setText(self.tr("Per {date}: {groups} grupper av åpne behov; {order} av dem har ikke noe "
                                  "tilbud og er kurs å bestille.").format(date=format_date(run.as_of),
                                                                          groups=group_thousands(len(run.groups)),
                                                                          order=group_thousands(to_order)))
        self.show_prepared(self.prepare(list(run.groups)))

    def row_filter(self) -> Any:
        return (lambda group: group.unmet) if self.to_order.isChecked() else None

    def create_run(self) -> None:
        """«Lag gjennomføring …»: a planned run of the group's offer (or, for a course to order, of one
        the coordinator picks) serving every need in the group."""
        group = self.selected_row()
        if group is not None:
            from kpdesk.ui.dialogs.new_run import create_run

            create_run(self, group.offer_ref, group.need_refs)

    def _show_group(self, group: Any) -> None:
        self.new_run_button.setEnabled(group is not None)
        if group is None:
            self.summary.setText("")
            self.members.set_rows([])
            return
        needs = {n.ref: n for n in self._run.needs} if self._run is not None else {}
        members = [(ref, needs[ref].employer_name if ref in needs else "") for ref in group.need_refs]
        self.members.set_rows(members)
        if group.unmet:
            text = self.tr("{who} ønsker «{topic}» ({level}, {region}), "
                           "men ingen tilbud passer. Dette er et kurs å bestille fra en tilbyder.")
        else:
            text = self.tr("{who} ønsker «{topic}» ({level}, {region}). "
                           "Tilbudet «{offer}» kan ta dem: {seats}.")
        # «12 ansatte hos 4 arbeidsgivere og 3 privatpersoner» (matching.engine.aggregation.Contributors)
        who = group.contributors.sentence_part() or plural(group.headcount, self.tr("person"), self.tr("personer"))
        self.summary.setText(text.format(who=who[:1].upper() + who[1:], topic=group.topic,
                                         level=level_label(group.level), region=group.region,
                                         offer=group.offer_title, seats=group.seats_text))
