"""A section built around one big list: filter-as-you-type, filter menus, sorting, counts.

Subclasses name their columns, how to fetch rows (a service call on the database thread) and
which filter menus they offer; the list itself never touches the database or ORM objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common.list_filter import Column, RowIndex
from kpdesk.common.norsk import group_thousands, sort_key
from kpdesk.ui import alerts
from kpdesk.ui.centres import centre_state
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.base import Page
from kpdesk.ui.widgets.centre_choice import CentreChoice
from kpdesk.ui.widgets.columns import ColumnLayout
from kpdesk.ui.widgets.focus import focus_chain, set_tab_order
from kpdesk.ui.widgets.forms import RecordForm
from kpdesk.ui.widgets.table_model import RowTableModel


@dataclass(frozen=True)
class FilterMenu:
    """A drop-down that keeps rows whose ``value(row)`` equals the chosen value."""

    name: str
    all_label: str
    value: Callable[[Any], Any]
    label: Callable[[Any], str]  # how a value is shown in the menu
    fixed_values: Sequence[Any] | None = None  # a code list; otherwise taken from the rows


@dataclass(frozen=True)
class Loaded:
    index: RowIndex[Any]
    menu_options: list[list[tuple[Any, str]]]
    extra: Any
    versions: Mapping[Any, int] = field(default_factory=dict[Any, int])  # the rows' versions by id


def menu_options(menu: FilterMenu, rows: Sequence[Any]) -> list[tuple[Any, str]]:
    """(value, label) pairs for a filter menu: its code list, or the values the rows hold."""
    if menu.fixed_values is not None:
        return [(value, menu.label(value)) for value in menu.fixed_values]
    values = {menu.value(r) for r in rows} - {None, ""}
    return sorted(((v, menu.label(v)) for v in values), key=lambda pair: sort_key(pair[1]))


class ListPage(Page):
    selection_changed = Signal(object)
    """The selected row object, or None."""

    noun_plural = ""
    noun_singular = ""  # for a count of one; the plural when not set
    record_commands = frozenset({"find"})
    # A centre box in the filter bar (``widgets/centre_choice.py``): the rows are fetched for the centre
    # chosen (``self.centre_id``, None: the whole region), and a column keyed "centre" shows only then.
    centre_filter = False

    def __init__(self, context: AppContext, columns: Sequence[Column[Any]], menus: Sequence[FilterMenu] = ()) -> None:
        super().__init__(context)
        self.model = RowTableModel(columns, self)
        self.menus = list(menus)
        self._pending_select: Callable[[Any], bool] | None = None
        self.form: RecordForm | None = None  # the detail form, if the page has one
        self.current_id: Any = None  # the record the form shows
        self.row_versions: Mapping[Any, int] = {}  # the rows' versions by id, read with them (``fetch_versions``)
        self._restoring_selection = False
        self._from_store = False  # rows from the store are shown (not only the early read's)
        self._tab_order_set = False

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(200)
        self.filter_edit.setPlaceholderText(self.tr("Filtrer (Ctrl+F) …"))
        self.filter_edit.textChanged.connect(self.apply_filter)

        self.menu_boxes: list[QComboBox] = []
        for menu in self.menus:
            box = QComboBox()
            box.setObjectName(f"filter_{menu.name}")
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)
            box.addItem(menu.all_label, None)
            box.setProperty("all_label", menu.all_label)
            box.currentIndexChanged.connect(self.apply_filter)
            self.menu_boxes.append(box)

        self.toolbar = QHBoxLayout()
        self.toolbar.addWidget(self.filter_edit, 2)
        self.centre_id: int | None = None  # the centre the rows were fetched for (None: the whole region)
        self.centre_box: CentreChoice | None = None
        if self.centre_filter:
            self.centre_box = CentreChoice(centre_state(context))
            self.centre_box.centre_changed.connect(self._centre_changed)
            self.toolbar.addWidget(self.centre_box)
        for box in self.menu_boxes:
            self.toolbar.addWidget(box, 1)

        self.view = QTableView()
        self.view.setObjectName("listView")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)  # Tab leaves the list for what follows it; arrows move in it
        self.column_layout = ColumnLayout(self.view, columns, self.list_name())
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelAboutToBeReset.connect(self._before_reset)
        self.model.modelReset.connect(self._after_reset)
        self._selected_id: Any = None

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        # the list sits in a box with room for the focus ring around it (a splitter would take the
        # ring for one of its panes)
        list_box = QWidget()
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(3, 3, 3, 3)
        list_layout.addWidget(self.view)
        self.splitter.addWidget(list_box)
        self.page_layout = QVBoxLayout(self)  # the toolbar, then the list and detail; a hint may go between
        self.page_layout.addLayout(self.toolbar)
        self.page_layout.addWidget(self.splitter, 1)

        context.data_changed.connect(self._on_data_changed)

    # ------------------------------------------------------------ subclass hooks

    def list_name(self) -> str:
        """The name the list's columns are remembered under (QSettings ``lists/<name>``)."""
        return type(self).__name__

    def entity_kinds(self) -> set[str]:
        """Which ``data_changed`` kinds make this list reload."""
        return set()

    def fetch(self, session: Any) -> list[Any]:
        """The rows of the list (runs on the database thread)."""
        raise NotImplementedError

    def fetch_extra(self, session: Any, rows: list[Any]) -> Any:
        """Anything else the page needs with its rows (runs on the database thread)."""
        return None

    def fetch_versions(self, session: Any) -> Mapping[Any, int]:
        """The rows' versions by id (``kpdesk.db.versions``), read just before them: a change landing
        in between makes a save refused, never a save over it. None by default."""
        return {}

    def use_extra(self, extra: Any) -> None:
        """Take what ``fetch_extra`` returned (GUI thread), before the rows are shown."""

    def set_detail(self, widget: QWidget) -> None:
        self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        # the list gets the larger share: at 1366 px its key columns fit beside a form at its narrowest
        self.splitter.setSizes([760, 440])

    # ------------------------------------------------------------ loading

    def early_fetch(self, db_path: Path) -> list[Any] | None:
        """The rows read without the store (plain sqlite3, on the worker thread), or None: only
        the list a coordinator starts on needs it."""
        return None

    def centre_for_new(self) -> int | None:
        """The centre a record made on this page goes to: the one shown, else the coordinator's own."""
        if self.centre_box is None:
            return None
        return self.centre_box.chosen() or self.centre_box.state.own_id

    def _centre_changed(self, centre_id: int | None) -> None:
        assert self.centre_box is not None
        if "centre" in self.column_layout.keys:
            self.column_layout.set_hidden("centre", centre_id is not None or not self.centre_box.state.several)
        self.reload()

    def load(self) -> None:
        if self.centre_box is not None:
            if not self.centre_box.state.loaded:  # the box fills (and reloads the list) once the centres are known
                return
            self.centre_id = self.centre_box.chosen()

        def work(session: Any) -> Loaded:
            versions = self.fetch_versions(session)
            rows = self.fetch(session)
            return replace(self.prepare(rows, self.fetch_extra(session, rows)), versions=versions)

        def show(loaded: Loaded) -> None:
            self._from_store = True
            self.show_prepared(loaded)

        self.context.query(work, show)

    def load_early(self, db_path: Path) -> None:
        def work(_task: Any) -> Loaded | None:
            rows = self.early_fetch(db_path)
            return None if rows is None else self.prepare(rows, self.fetch_extra(None, rows))

        def show(loaded: Loaded | None) -> None:
            if loaded is not None and not self._from_store:  # the store's rows came first: keep them
                self.show_prepared(loaded)

        # a failed early read is not the coordinator's concern: the store's load follows and explains
        self.context.runner.submit(work, show, lambda _exc: None)

    def prepare(self, rows: list[Any], extra: Any = None) -> Loaded:
        """Rows made ready to show: folded search text, sort keys, menu values. Pure Python, so
        callers run it on the worker thread for big lists."""
        index = RowIndex(rows, self.model.columns)
        sort_column = self.model.sort_column()
        if sort_column is not None:
            index.sort_keys(sort_column)
        return Loaded(index, [menu_options(menu, rows) for menu in self.menus], extra)

    def show_prepared(self, loaded: Loaded) -> None:
        self.row_versions = loaded.versions
        self.use_extra(loaded.extra)
        self._fill_menus(loaded.menu_options)
        self.model.set_index(loaded.index)
        self.column_layout.size_to(self.model.visible_rows()[:200])
        host = self.host()
        if host is not None:
            host.page_data_shown()

    def _fill_menus(self, options: list[list[tuple[Any, str]]]) -> None:
        for box, menu_options in zip(self.menu_boxes, options, strict=True):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(box.property("all_label"), None)
            for value, label in menu_options:
                box.addItem(label, value)
            index = box.findData(chosen) if chosen is not None else 0
            box.setCurrentIndex(max(index, 0))
            box.blockSignals(False)

    def _on_data_changed(self, kind: str) -> None:
        if kind in self.entity_kinds():
            self.reload()

    # ------------------------------------------------------------ filtering and selection

    def apply_filter(self) -> None:
        chosen = [(menu, box.currentData()) for menu, box in zip(self.menus, self.menu_boxes, strict=True)]
        chosen = [(menu, value) for menu, value in chosen if value is not None]
        extra = self.row_filter()

        def keep(row: Any) -> bool:
            return all(menu.value(row) == value for menu, value in chosen) and (extra is None or extra(row))

        self.model.set_filter(self.filter_edit.text(), keep if chosen or extra else None)

    def row_filter(self) -> Callable[[Any], bool] | None:
        """A page's own filter besides the text and the menus (a checkbox), or None."""
        return None

    def status_text(self) -> str:
        shown, total = self.model.rowCount(), self.model.total_count()
        noun = (self.noun_singular or self.noun_plural) if total == 1 else self.noun_plural
        if shown == total:
            return self.tr("{total} {noun}").format(total=group_thousands(total), noun=noun)
        return self.tr("Viser {shown} av {total} {noun}").format(
            shown=group_thousands(shown), total=group_thousands(total), noun=noun)

    def select_where(self, predicate: Callable[[Any], bool]) -> None:
        """Select the first row matching ``predicate`` now, or after the next reload."""
        row = self.model.row_of(predicate)
        if row < 0:
            self._pending_select = predicate
            return
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)

    def show_record(self, record_id: Any) -> None:
        """Select the record with this id, for another page that sends the user here: the filters are
        cleared if they hide it; before the list has loaded, it is selected when it comes."""
        def wanted(row: Any) -> bool:
            return getattr(row, "id", None) == record_id

        if self.model.total_count() and self.model.row_of(wanted) < 0:
            self.clear_filters()
        self.select_where(wanted)

    def clear_filters(self) -> None:
        """The filter text and every menu back to «Alle …», filtered once."""
        for widget in (self.filter_edit, *self.menu_boxes):
            widget.blockSignals(True)
        self.filter_edit.clear()
        for box in self.menu_boxes:
            box.setCurrentIndex(0)
        for widget in (self.filter_edit, *self.menu_boxes):
            widget.blockSignals(False)
        self.apply_filter()

    def selected_row(self) -> Any:
        index = self.view.selectionModel().currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._restoring_selection:
            return
        row = self.model.row_at(current.row()) if current.isValid() else None
        target = getattr(row, "id", None)
        if row is not None and target != self.current_id:
            if not self.leave_form():
                self._restoring_selection = True
                try:
                    kept = self.current_id
                    self.select_where(lambda r: getattr(r, "id", None) == kept)
                finally:
                    self._restoring_selection = False
                return
            selected = self.selected_row()
            if getattr(selected, "id", None) != target:  # saving moved the selection back: go on
                self.select_where(lambda r: getattr(r, "id", None) == target)
                return
        self.selection_changed.emit(row)

    def leave_form(self) -> bool:
        """Ask what to do with unsaved edits in the form; True when the page may show something else."""
        form = self.form
        if form is None or not form.is_dirty():
            return True
        if form.validate():
            if alerts.question(self, self.tr("Ulagrede endringer"),
                               self.tr("Du har endringer som ikke er lagret. Vil du lagre dem?"),
                               self.tr("Lagre"), self.tr("Forkast")):
                form.save()  # on the database thread; a refusal is shown when it comes
                return True
            form.revert()
            return True
        if alerts.question(self, self.tr("Ulagrede endringer"),
                           self.tr("Endringene har feil og kan ikke lagres. Vil du forkaste dem?"),
                           self.tr("Forkast"), self.tr("Fortsett å redigere")):
            form.revert()
            return True
        return False

    def _before_reset(self) -> None:
        row = self.selected_row()
        self._selected_id = getattr(row, "id", None)

    def _after_reset(self) -> None:
        host = self.host()
        if host is not None and self._visible_now:
            host.update_counts()
        predicate = self._pending_select
        self._pending_select = None
        if predicate is None and self._selected_id is not None:
            kept_id = self._selected_id
            predicate = lambda row: getattr(row, "id", None) == kept_id  # noqa: E731
        if predicate is not None and self.model.row_of(predicate) >= 0:
            self.select_where(predicate)
        else:
            self.selection_changed.emit(None)

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def record_command(self, name: str) -> None:
        if name == "find":
            self.focus_filter()

    def command_target(self, name: str) -> QWidget:
        return self.view if name == "delete" else self

    # ------------------------------------------------------------ keyboard

    def activate(self) -> None:
        if not self._tab_order_set:
            self._tab_order_set = True
            self.set_tab_order()
        super().activate()

    def set_tab_order(self) -> None:
        """Tab goes the way the eye reads: the filter and its menus, the toolbar's buttons, the
        list, then the detail beside it from top to bottom (a record form's fields, then its buttons)."""
        chain = [*focus_chain(self.toolbar), self.view]
        if self.splitter.count() > 1:
            chain += focus_chain(self.splitter.widget(1))
        set_tab_order(chain)
