"""Eksamen: the exam sittings at the meeting place, one sitting's facts and candidates, check-in on the
day, and the papers (the sign-in sheet, the invoice basis).

The list is the sittings in time order (the next one is chosen when the page opens). Beside it: the
chosen sitting's facts and its candidates. Check-in is made for the keyboard: in the candidate list
M marks the chosen candidates «møtt», I «ikke møtt», P «påmeldt» again, and the cursor moves on to
the next candidate; the buttons do the same. The rules (extra time, places) are the service's
(``kpdesk.booking.exams``); a refusal is shown as it is. PDFs are built off the GUI thread
(``AppContext.load_then_compute``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.booking.exam_reads import ABSENT, PRESENT, REGISTERED
from kpdesk.common.codes import EXAM_CANDIDATE_STATUSES
from kpdesk.common.list_filter import Column, count_column
from kpdesk.common.norsk import format_date, format_money, format_time, plural
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.list_page import FilterMenu, ListPage
from kpdesk.ui.widgets.date_field import DateField
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view

# check-in keys in the candidate list: (key, status); the buttons read «Møtt (M)» from the code list
CHECK_IN_KEYS = (("M", PRESENT), ("I", ABSENT), ("P", REGISTERED))


def accommodation_text(row: Any) -> str:
    """'+30 min, eget rom: Grupperom 2' (what is granted; ``(ikke booket)`` when the room is missing)."""
    parts = [f"+{row.extra_minutes} min"] if row.extra_minutes else []
    if row.separate_room:
        parts.append(f"eget rom: {row.separate_room_name}" if row.separate_room_name else "eget rom (ikke booket)")
    return ", ".join(parts)


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of ``day``'s month."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


class ExamDetail(QWidget):
    """One sitting's facts, its candidates with check-in, and its sign-in sheet."""

    def __init__(self, page: ExamsPage) -> None:
        super().__init__()
        self.page = page
        self.context = page.context
        self.sitting: Any = None
        self._keep_no: str | None = None  # the candidate to stand on after a reload
        self.facts = QLabel(self.tr("Velg en eksamen i listen."))
        self.facts.setObjectName("examFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = RowTableModel([
            Column("no", self.tr("Kand.nr."), lambda c: c.candidate_no, sort_value=lambda c: _number_key(c),
                   align_right=True),
            Column("name", self.tr("Navn"), lambda c: c.shown_name, stretch=True),
            Column("accommodation", self.tr("Tilrettelegging"), accommodation_text, max_chars=22),
            Column("end", self.tr("Slutt"), lambda c: format_time(c.ends_at), sort_value=lambda c: c.ends_at),
            Column("status", self.tr("Status"), lambda c: c.status_label),
        ], self)
        self.view = row_table_view(self.model, "candidateView")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.buttons: dict[str, QPushButton] = {}
        self.button_tips: dict[str, str] = {}
        check_in = QHBoxLayout()
        check_in.addWidget(QLabel(self.tr("Innsjekking:")))
        for key, status in CHECK_IN_KEYS:
            label = EXAM_CANDIDATE_STATUSES.label(status)
            button = QPushButton(f"{label[:1].upper()}{label[1:]} ({key})")
            button.setObjectName(f"checkIn_{status}")
            self.button_tips[status] = self.tr("Marker de valgte kandidatene «{status}» (tast {key} i listen)").format(
                status=label, key=key)
            button.setToolTip(self.button_tips[status])
            button.clicked.connect(lambda _c=False, s=status: self.check_in(s))
            self.buttons[status] = button
            check_in.addWidget(button)
            shortcut = QShortcut(QKeySequence(key), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda s=status: self.check_in(s))
        check_in.addStretch(1)
        self.signin_button = QPushButton(self.tr("Oppmøteliste (PDF) …"))
        self.signin_button.setObjectName("signinButton")
        self.signin_button.setToolTip(self.tr("Oppmøtelisten med signatur- og leveringskolonner og instruks for "
                                              "eksamensvaktene"))
        self.signin_button.clicked.connect(self.save_signin)
        self.counts = QLabel()
        self.counts.setObjectName("candidateCounts")
        below = QHBoxLayout()  # the counts and the sheet on one row, check-in on its own: the pane stays narrow
        below.addWidget(self.counts, 1)
        below.addWidget(self.signin_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.facts)
        layout.addWidget(self.view, 1)
        layout.addLayout(below)
        layout.addLayout(check_in)
        self._enable()

    # ------------------------------------------------------------ showing

    def show_sitting(self, row: Any) -> None:
        self.sitting = row
        if row is None:
            self.facts.setText(self.tr("Velg en eksamen i listen."))
            self.model.set_rows([])
            self.counts.setText("")
            self._enable()
            return
        from kpdesk.booking.exam_reads import sitting_detail

        sitting_id = row.id
        self.context.query(lambda s: sitting_detail(s, sitting_id), self._show_detail)

    def _show_detail(self, detail: Any) -> None:
        if self.sitting is None or detail.sitting.id != self.sitting.id:
            return  # another sitting was chosen meanwhile
        s = detail.sitting
        lines = [
            f"<b>{_html(s.ref)}</b> · {_html(s.course_code)} {_html(s.title)} · {_html(s.institution)}",
            self.tr("{day} kl. {start}–{end} i {room}; oppmøte fra kl. {arrival}").format(
                day=format_date(s.day), start=format_time(s.starts_at), end=format_time(s.ends_at),
                room=_html(s.room_name), arrival=format_time(s.arrival_from)),
        ]
        if s.room_until > s.ends_at:
            lines.append(self.tr("Rommet er booket til kl. {until} for ekstra tid.").format(
                until=format_time(s.room_until)))
        guards = ", ".join(f"{_html(g.name)} ({_hours(g.hours)} t)" for g in detail.invigilators)
        if guards:
            lines.append(self.tr("Eksamensvakter: {names}").format(names=guards))
        lines.append(self.tr("Pris per kandidat: {fee}").format(fee=format_money(s.fee_per_candidate)))
        if s.state != "active":
            lines.append(self.tr("<b>Eksamen er avlyst.</b>"))
        self.facts.setText("<br/>".join(lines))
        self.model.set_rows(list(detail.candidates))
        self.counts.setText(self.tr("{total}: {present} møtt, {absent} ikke møtt").format(
            total=plural(s.candidates, self.tr("kandidat"), self.tr("kandidater")), present=s.present,
            absent=s.absent))
        keep = self._keep_no
        self._keep_no = None
        if keep is not None:
            self._stand_on(keep)
        self._enable()

    def _stand_on(self, number: str) -> None:
        row = self.model.row_of(lambda c: c.candidate_no == number)
        if row < 0:
            return
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)

    def refusal(self, status: str) -> str:
        """Why ``status`` cannot be set on the chosen sitting today (the service's rule), or ""."""
        from kpdesk.booking.exams import check_in_refusal

        return check_in_refusal(self.sitting.day, status) if self.sitting is not None else ""

    def _enable(self) -> None:
        writable = not getattr(self.context.store, "read_only", False)
        for status, button in self.buttons.items():
            why = self.refusal(status)
            button.setEnabled(self.sitting is not None and writable and not why)
            button.setToolTip(f"{why}." if why else self.button_tips[status])
        self.signin_button.setEnabled(self.sitting is not None)

    # ------------------------------------------------------------ check-in

    def chosen(self) -> list[Any]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        return [self.model.row_at(r) for r in rows]

    def check_in(self, status: str) -> None:
        """Mark the chosen candidates; the cursor moves to the candidate after the last one. Møtt and
        ikke møtt leave an avmeldt candidate as they are (they are not on the sign-in sheet nor in the
        invoice, and one key must not bring them back); påmeldt registers them again, on purpose.
        Ctrl+Z puts each candidate's status before back."""
        from kpdesk.booking.exam_reads import WITHDRAWN

        everyone = self.chosen()
        if not everyone or self.sitting is None or getattr(self.context.store, "read_only", False):
            return
        why = self.refusal(status)
        if why:  # a key pressed before the day: the buttons are grey for the same reason
            self.context.status_message.emit(f"{why}.")
            return
        chosen = [c for c in everyone if c.status != WITHDRAWN or status == REGISTERED]
        if not chosen:
            self.context.status_message.emit(self.tr("Kandidat {numbers} er avmeldt og er ikke endret.").format(
                numbers=", ".join(str(c.candidate_no) for c in everyone)))
            return
        last = max(self.model.row_of(lambda c, n=c.candidate_no: c.candidate_no == n) for c in chosen)
        following = self.model.row_at(last + 1) if last + 1 < self.model.rowCount() else self.model.row_at(last)
        self._keep_no = following.candidate_no
        ids = [c.id for c in chosen]
        label = EXAM_CANDIDATE_STATUSES.label(status)
        who = (self.tr("kandidat {number}").format(number=chosen[0].candidate_no) if len(chosen) == 1
               else plural(len(chosen), self.tr("kandidat"), self.tr("kandidater")))
        from kpdesk.booking.exams import restore_statuses, set_statuses
        from kpdesk.ui.undo import undoable_write

        def do(session: Any, state: dict[str, Any]) -> int:
            state["before"] = set_statuses(session, ids, status)
            return len(ids)

        def undo(session: Any, state: dict[str, Any]) -> int:
            return restore_statuses(session, state["before"])

        def done(count: int) -> None:
            self.context.status_message.emit(self.tr("{who}: {status}.").format(
                who=plural(count, self.tr("kandidat"), self.tr("kandidater")), status=label))

        undoable_write(self.context, self.tr("«{status}» for {who}").format(status=label, who=who), do, undo,
                       lambda _count: self.context.data_changed.emit("exam_candidate"), self, on_done=done)

    # ------------------------------------------------------------ the sign-in sheet

    def save_signin(self) -> None:
        if self.sitting is None:
            return
        from kpdesk.reports.exam_papers import signin_file_name_for

        ref = self.sitting.ref
        path = self.page.ask_pdf_path(self.tr("Lagre oppmøteliste"), signin_file_name_for(ref, self.sitting.day))
        if not path:
            return
        from kpdesk.reports import exam_papers

        self.page.save_paper(path, lambda s: exam_papers.load_signin(s, ref), exam_papers.build_signin)


def _number_key(row: Any) -> Any:
    from kpdesk.booking.exam_reads import candidate_sort_key

    return candidate_sort_key(row.candidate_no)


def _html(value: object) -> str:
    from html import escape

    return escape(str(value))


def _hours(value: Any) -> str:
    from kpdesk.common.norsk import format_decimal

    return format_decimal(value, 2)


class ExamsPage(ListPage):
    noun_plural = "eksamener"
    noun_singular = "eksamen"

    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        columns: list[Column[Any]] = [
            Column("day", tr("Dato"), lambda r: format_date(r.day) + (tr(" (avlyst)") if r.state != "active" else ""),
                   sort_value=lambda r: r.starts_at, searchable=False),
            Column("time", tr("Tid"), lambda r: f"{format_time(r.starts_at)}–{format_time(r.ends_at)}",
                   searchable=False, hidden=True),
            Column("ref", tr("Eksamen"), lambda r: r.ref),
            Column("course", tr("Emne"), lambda r: f"{r.course_code} {r.title}", stretch=True),
            Column("institution", tr("Institusjon"), lambda r: r.institution),
            Column("room", tr("Rom"), lambda r: r.room_name, max_chars=14, hidden=True),
            count_column("candidates", tr("Kandidater"), lambda r: r.candidates),
        ]
        menus = [FilterMenu("institution", tr("Alle institusjoner"), lambda r: r.institution, str)]
        super().__init__(context, columns, menus)
        self.title = tr("Eksamen")
        self.noun_plural = tr("eksamener")
        self.noun_singular = tr("eksamen")
        self._first_load = True
        self.detail = ExamDetail(self)
        self.selection_changed.connect(self.detail.show_sitting)
        self.selection_changed.connect(self._period_follows)
        for kind, text in (("exams", tr("Importer eksamener …")), ("candidates", tr("Importer kandidater …"))):
            button = QPushButton(text)
            button.setObjectName(f"import_{kind}")
            button.clicked.connect(lambda _c=False, k=kind: self.import_kind(k))
            self.toolbar.addWidget(button)
        self.invoice_from = DateField()
        self.invoice_from.setObjectName("invoiceFrom")
        self.invoice_to = DateField()
        self.invoice_to.setObjectName("invoiceTo")
        first, last = month_of(dt.date.today())
        self.invoice_from.setDate(first)
        self.invoice_to.setDate(last)
        self.invoice_button = QPushButton(tr("Fakturagrunnlag …"))
        self.invoice_button.setObjectName("invoiceButton")
        self.invoice_button.setToolTip(tr("Fakturagrunnlaget for eksamenene i perioden, per institusjon, som PDF "
                                          "eller CSV"))
        self.invoice_button.clicked.connect(self.save_invoice)
        invoice = QHBoxLayout()
        invoice.addWidget(QLabel(tr("Fakturagrunnlag fra")))
        invoice.addWidget(self.invoice_from)
        invoice.addWidget(QLabel(tr("til")))
        invoice.addWidget(self.invoice_to)
        invoice.addWidget(self.invoice_button)
        invoice.addStretch(1)
        self.page_layout.addLayout(invoice)
        self.set_detail(self.detail)

    def entity_kinds(self) -> set[str]:
        return {"booking", "room", "exam_candidate", "exam_sitting"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.booking.exam_reads import list_sittings

        return list_sittings(session)

    def show_prepared(self, loaded: Any) -> None:
        super().show_prepared(loaded)
        if self._first_load and self.model.total_count():
            self._first_load = False
            today = dt.date.today()
            rows = self.model.visible_rows()
            upcoming = [r for r in rows if r.day >= today]
            target = (upcoming[0] if upcoming else rows[-1]).id
            self.select_where(lambda r: r.id == target)

    def _period_follows(self, row: Any) -> None:
        """The invoice period is the chosen exam's month (the coordinator may change it)."""
        if row is not None:
            first, last = month_of(row.day)
            self.invoice_from.setDate(first)
            self.invoice_to.setDate(last)

    def import_kind(self, kind: str) -> None:
        from kpdesk.ui.dialogs.transfer import import_file

        import_file(self.context, kind, self)

    # ------------------------------------------------------------ papers

    def ask_pdf_path(self, title: str, name: str, filters: str = "") -> str:
        from PySide6.QtCore import QSettings

        from kpdesk.ui.pages.reports import SETTINGS_FOLDER

        settings = QSettings()
        folder = Path(str(settings.value(SETTINGS_FOLDER, "") or Path.home()))
        path, _filter = QFileDialog.getSaveFileName(self, title, str(folder / name),
                                                    filters or self.tr("PDF-filer (*.pdf)"))
        if path:
            settings.setValue(SETTINGS_FOLDER, str(Path(path).parent))
        return path

    def save_paper(self, path: str, load: Any, build: Any) -> None:
        """Read with ``load(session)`` on the database thread, build and write the PDF on the compute
        thread, and say where it went."""
        from kpdesk.reports.style import check_output_path, write_pdf

        try:
            target = check_output_path(path if path.lower().endswith(".pdf") else f"{path}.pdf")
        except Exception as exc:  # a folder that cannot be written: said in bokmål
            alerts.show_exception(self, exc)
            return

        def work(loaded: Any, _task: Any) -> str:
            return str(write_pdf(target, build(loaded)))

        def done(saved: str) -> None:
            self.context.status_message.emit(self.tr("Lagret {path}.").format(path=saved))

        self.context.load_then_compute(lambda s, _t: load(s), work, done, lambda exc: alerts.show_exception(self, exc))

    def save_invoice(self) -> None:
        first, last = self.invoice_from.date(), self.invoice_to.date()
        if first is None or last is None:
            alerts.info(self, self.tr("Periode mangler"), self.tr("Skriv inn første og siste dag i perioden."))
            return
        name = f"fakturagrunnlag-eksamen-{first.isoformat()}-{last.isoformat()}.pdf"
        path = self.ask_pdf_path(self.tr("Lagre fakturagrunnlag"), name,
                                 self.tr("PDF-filer (*.pdf);;CSV-filer (*.csv)"))
        if not path:
            return
        from kpdesk.reports import exam_papers

        if path.lower().endswith(".csv"):
            from kpdesk.booking.exam_reads import invoice_lines
            from kpdesk.transfer.invoice import write_invoice

            self.context.query(lambda s: write_invoice(s, path, invoice_lines(s, first, last)),
                               lambda count: self.context.status_message.emit(
                                   self.tr("Eksporterte fakturagrunnlaget for {n} til {path}.").format(
                                       n=plural(count, self.tr("eksamen"), self.tr("eksamener")), path=path)),
                               lambda exc: alerts.show_exception(self, exc))
            return
        self.save_paper(path, lambda s: exam_papers.load_invoice(s, first, last), exam_papers.build_invoice)
