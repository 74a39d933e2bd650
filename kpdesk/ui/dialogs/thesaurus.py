"""Synonymliste: the coordinator's thesaurus for matching (havbruk ~ akvakultur ~ oppdrett …)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common.list_filter import Column
from kpdesk.common.norsk import sort_key
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.undo import undoable_write
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view


class ThesaurusDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("Synonymliste for matching"))
        self.resize(620, 560)
        intro = QLabel(self.tr("Ord i samme gruppe regnes som samme tema når behov matches mot kurstilbud. "
                               "Endringer gjelder fra neste kjøring av matchingen."))
        intro.setWordWrap(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setPlaceholderText(self.tr("Filtrer …"))
        self.model = RowTableModel([
            Column("group", self.tr("Gruppe"), lambda r: r.group),
            Column("term", self.tr("Ord"), lambda r: r.term, stretch=True),
        ], self)
        self.filter_edit.textChanged.connect(lambda text: self.model.set_filter(text))
        self.view = row_table_view(self.model, "termsView")
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # A→Å (Qt's header starts descending)

        self.group_box = QComboBox()
        self.group_box.setObjectName("groupBox")
        self.group_box.setEditable(True)
        self.group_box.setMinimumWidth(180)
        self.term_edit = QLineEdit()
        self.term_edit.setObjectName("termEdit")
        self.term_edit.setPlaceholderText(self.tr("nytt ord"))
        self.term_edit.returnPressed.connect(self.add_term)
        add = QPushButton(self.tr("Legg til"))
        add.setObjectName("addButton")
        add.clicked.connect(self.add_term)
        self.delete_button = QPushButton(self.tr("Slett valgt"))
        self.delete_button.setObjectName("deleteButton")
        self.delete_button.clicked.connect(self.delete_selected)
        close = QPushButton(self.tr("Lukk"))
        close.clicked.connect(self.accept)
        adding = QHBoxLayout()
        adding.addWidget(QLabel(self.tr("Gruppe")))
        adding.addWidget(self.group_box)
        adding.addWidget(self.term_edit, 1)
        adding.addWidget(add)
        bottom = QHBoxLayout()
        bottom.addWidget(self.delete_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addLayout(adding)
        layout.addLayout(bottom)
        self.reload()

    def reload(self) -> None:
        from kpdesk.matching.persistence import list_thesaurus_terms, seed_thesaurus

        def work(session: Any) -> list[Any]:
            seed_thesaurus(session)
            return list_thesaurus_terms(session)

        self.context.query(work, self._show)

    def _show(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)
        chosen = self.group_box.currentText()
        self.group_box.clear()
        self.group_box.addItems(sorted({r.group for r in rows}, key=sort_key))
        self.group_box.setCurrentText(chosen)

    def add_term(self) -> None:
        from kpdesk.matching.persistence import add_thesaurus_term, delete_thesaurus_term, restore_thesaurus_term

        group, term = self.group_box.currentText().strip(), self.term_edit.text().strip()
        if not group or not term:
            alerts.error(self, self.tr("Mangler ord"), self.tr("Skriv både en gruppe og et ord."))
            return
        def do(s: Any, state: dict[str, Any]) -> None:
            state["id"] = (restore_thesaurus_term(s, state["snapshot"]) if "snapshot" in state
                           else add_thesaurus_term(s, group, term))

        def added(_result: Any) -> None:
            self.term_edit.clear()
            self.reload()

        undoable_write(self.context, self.tr("nytt synonym «{term}»").format(term=term), do,
                       lambda s, state: state.update(snapshot=delete_thesaurus_term(s, state["id"])),
                       added, self)

    def delete_selected(self) -> None:
        from kpdesk.matching.persistence import delete_thesaurus_term, restore_thesaurus_term

        index = self.view.selectionModel().currentIndex()
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        term_id = row.id
        undoable_write(self.context, self.tr("sletting av «{term}»").format(term=row.term),
                       lambda s, state: state.update(snapshot=delete_thesaurus_term(s, term_id)),
                       lambda s, state: restore_thesaurus_term(s, state["snapshot"]),
                       lambda _result: self.reload(), self)
