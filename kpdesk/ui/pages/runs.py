"""Gjennomføringer: the course runs, from planned to completed, with the needs each serves (and so
who is behind them) and the bookings of its session days.

Edits go through ``motor.runs.save_run`` (the status rules of ``motor.validation``); a move the status
may not make is said at the status field before anything is saved. Undo puts a run back as it was
(``run_details.PutBack``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kpdesk.common.codes import NEED_STATUSES, RUN_STATUSES
from kpdesk.common.list_filter import Column, count_column
from kpdesk.common.norsk import format_date, format_decimal, group_thousands, ref_sort_key
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.list_page import FilterMenu
from kpdesk.ui.pages.needs import code_choices
from kpdesk.ui.pages.record_page import RecordPage
from kpdesk.ui.record_actions import RecordService
from kpdesk.ui.undo import undoable_write
from kpdesk.ui.widgets.forms import FieldSpec
from kpdesk.ui.widgets.pick_list import PickDialog
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view

RUN_KIND = "course_run"  # the data_changed kind (as Fil › Importer's)
STATUS_FIELDS = ("start_date", "end_date", "participants", "completed", "credits_passed")  # the statuses' rules
_STATUS_RANK = {key: number for number, key in enumerate(RUN_STATUSES.keys())}


def motor_call(name: str) -> Any:
    """``kpdesk.motor.run_details.<name>``, imported on first call (after the window's first paint)."""

    def call(*args: Any) -> Any:
        from kpdesk.motor import run_details

        return getattr(run_details, name)(*args)

    return call


RUN_SERVICE = RecordService(RUN_KIND, save=motor_call("save_or_put_back"), delete=motor_call("delete_run"),
                            restore=motor_call("restore_run"), table="course_run")


def offer_text(ref: str, title: str, provider: str) -> str:
    """An offer as the form's field and its completer write it: «T0012 Title – Provider»."""
    return f"{ref} {title} – {provider}" if provider else f"{ref} {title}"


def first_word(text: str) -> str:
    return text.strip().split(" ")[0] if text.strip() else ""


def need_columns(tr: Any) -> list[Column[Any]]:
    """A need a run serves, with who is behind it (the run's table and the picker alike)."""
    return [
        Column("ref", tr("Behov"), lambda n: n.ref, sort_value=lambda n: ref_sort_key(n.ref)),
        Column("title", tr("Tittel"), lambda n: n.title, stretch=True),
        Column("owner", tr("Meldt av"), lambda n: n.owner, max_chars=24),
        count_column("headcount", tr("Antall"), lambda n: n.headcount),
        Column("status", tr("Status"), lambda n: NEED_STATUSES.label(n.status) if n.status else "", hidden=True),
    ]


def booking_columns(tr: Any) -> list[Column[Any]]:
    return [
        Column("day", tr("Dato"), lambda b: format_date(b.starts_at.date()), sort_value=lambda b: b.starts_at),
        Column("time", tr("Tid"), lambda b: f"{b.starts_at:%H:%M}–{b.ends_at:%H:%M}", searchable=False),
        Column("room", tr("Rom"), lambda b: b.room, max_chars=16),
        Column("title", tr("Booking"), lambda b: b.title, stretch=True),
    ]


class RunsPage(RecordPage):
    problems_in_one_place = True  # a status gives several fields reasons at once: the fields stay put
    today = staticmethod(dt.date.today)  # the day a start or an end «not yet come» is measured by

    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        self.title = tr("Gjennomføringer")
        self.noun_plural = tr("gjennomføringer")
        self.noun_singular = tr("gjennomføring")
        self.new_text = tr("Ny gjennomføring")
        self.new_tooltip = tr("Registrer en ny gjennomføring av et kurstilbud (Ctrl+N)")
        self._offers: dict[str, str] = {}  # ref (upper case) -> «T0012 Title – Provider»
        self._needs: dict[str, Any] = {}  # ref (upper case) -> run_details.RunNeedRow
        columns: list[Column[Any]] = [
            Column("ref", tr("Ref."), lambda r: r.run.ref, sort_value=lambda r: ref_sort_key(r.run.ref)),
            Column("offer", tr("Kurstilbud"), lambda r: r.run.offer_title, stretch=True),
            Column("provider", tr("Tilbyder"), lambda r: r.run.provider, max_chars=16),
            Column("status", tr("Status"), lambda r: RUN_STATUSES.label(r.run.status),
                   sort_value=lambda r: _STATUS_RANK.get(r.run.status, 99)),
            Column("start", tr("Start"), lambda r: format_date(r.run.start_date),
                   sort_value=lambda r: r.run.start_date, searchable=False),
            Column("end", tr("Slutt"), lambda r: format_date(r.run.end_date), sort_value=lambda r: r.run.end_date,
                   searchable=False, hidden=True),
            _reported("participants", tr("Deltakere"), lambda r: r.run.participants),
            _reported("completed", tr("Fullført"), lambda r: r.run.completed),
            Column("credits", tr("Sp. bestått"), lambda r: format_decimal(r.run.credits_passed),
                   sort_value=lambda r: r.run.credits_passed, align_right=True, searchable=False, hidden=True),
            count_column("needs", tr("Behov"), lambda r: r.needs, hidden=True),
            count_column("owners", tr("Meldt av"), lambda r: r.owners),
        ]
        menus = [FilterMenu("status", tr("Alle statuser"), lambda r: r.run.status, RUN_STATUSES.label,
                            fixed_values=RUN_STATUSES.keys())]
        specs = [
            FieldSpec("ref", tr("Referanse"), placeholder=tr("lages automatisk hvis tom")),
            FieldSpec("offer", tr("Kurstilbud"), completions=lambda: [], placeholder=tr("referanse eller tittel")),
            FieldSpec("status", tr("Status"), kind="combo", choices=code_choices(RUN_STATUSES),
                      tooltip=tr("planlagt → bestilt → startet → gjennomført, eller avlyst")),
            FieldSpec("start_date", tr("Start"), kind="date"),
            FieldSpec("end_date", tr("Slutt"), kind="date"),
            FieldSpec("participants", tr("Deltakere ved start")),
            FieldSpec("completed", tr("Fullførte")),
            FieldSpec("credits_passed", tr("Studiepoeng bestått"), placeholder=tr("alle deltakerne til sammen"),
                      tooltip=tr("Som tilbyderen rapporterer dem: summen for hele klassen")),
            FieldSpec("cofunding_source", tr("Medfinansiering fra"), placeholder=tr("f.eks. Nordland fylkeskommune")),
            FieldSpec("cofunding_nok", tr("Medfinansiering (kr)")),
            FieldSpec("needs", tr("Behov den dekker"), placeholder="B0001, B0002",
                      tooltip=tr("Behovenes referanser, skilt med komma; «Legg til behov …» under finner dem")),
        ]
        super().__init__(context, columns, menus, specs, RUN_SERVICE)
        self.view.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # by start, the unstarted last
        self.form.changed.connect(self._show_needs)
        status = self.form.editors["status"]
        if isinstance(status, QComboBox):
            status.currentIndexChanged.connect(lambda *_a: self._status_chosen())

    def _status_chosen(self) -> None:
        """A new status says at once what it needs (a start, participants …), also in fields not
        typed in yet: the coordinator chose it, so the reasons are news, not nagging."""
        self.form.timing.touched.update(STATUS_FIELDS)
        self.form.validate()

    # ------------------------------------------------------------ detail: needs and session days

    def extra_detail_widgets(self) -> list[QWidget]:
        tr = self.tr
        self.needs_model = RowTableModel(need_columns(tr), self)
        self.needs_view = row_table_view(self.needs_model, "runNeedsView")
        self.needs_view.setMinimumHeight(110)
        self.add_need_button = QPushButton(tr("Legg til behov …"))
        self.add_need_button.setObjectName("addNeedButton")
        self.add_need_button.clicked.connect(self.add_needs)
        self.remove_need_button = QPushButton(tr("Fjern behovet"))
        self.remove_need_button.setObjectName("removeNeedButton")
        self.remove_need_button.clicked.connect(self.remove_need)
        self.needs_view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable_buttons())
        self.needs_box = QGroupBox(tr("Behov den dekker"))
        layout = QVBoxLayout(self.needs_box)
        layout.addWidget(self.needs_view)
        layout.addLayout(_buttons(self.add_need_button, self.remove_need_button))

        self.bookings_model = RowTableModel(booking_columns(tr), self)
        self.bookings_view = row_table_view(self.bookings_model, "runBookingsView")
        self.bookings_view.setMinimumHeight(110)
        self.bookings_text = QLabel()
        self.bookings_text.setObjectName("runBookingsText")
        self.bookings_text.setWordWrap(True)
        self.link_button = QPushButton(tr("Koble til bookinger …"))
        self.link_button.setObjectName("linkBookingsButton")
        self.link_button.clicked.connect(self.link_bookings)
        self.unlink_button = QPushButton(tr("Fjern koblingen"))
        self.unlink_button.setObjectName("unlinkBookingButton")
        self.unlink_button.clicked.connect(self.unlink_booking)
        self.bookings_view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable_buttons())
        self.bookings_box = QGroupBox(tr("Samlingsdager (bookinger)"))
        layout = QVBoxLayout(self.bookings_box)
        layout.addWidget(self.bookings_text)
        layout.addWidget(self.bookings_view)
        layout.addLayout(_buttons(self.link_button, self.unlink_button))
        return [self.needs_box, self.bookings_box]

    def _show_needs(self) -> None:
        """The needs the form's field names, each with its owner (as typed: unsaved changes too)."""
        from kpdesk.motor.run_details import RunNeedRow
        from kpdesk.motor.validation import parse_need_refs

        unknown = self.tr("(finnes ikke)")
        rows = [self._needs.get(ref.upper()) or RunNeedRow(ref, unknown, "", 0, "")
                for ref in parse_need_refs(self.form.raw().get("needs", ""))]
        self.needs_model.set_rows(rows)
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        self.remove_need_button.setEnabled(self.needs_view.selectionModel().currentIndex().isValid())
        saved = self.current_id is not None
        self.link_button.setEnabled(saved)
        self.unlink_button.setEnabled(saved and self.bookings_view.selectionModel().currentIndex().isValid())

    def _need_refs(self) -> list[str]:
        from kpdesk.motor.validation import parse_need_refs

        return list(parse_need_refs(self.form.raw().get("needs", "")))

    def add_needs(self) -> None:
        """Pick needs from the register (with their owners) and add them to the field."""
        have = {ref.upper() for ref in self._need_refs()}
        rows = [n for key, n in self._needs.items() if key not in have]
        dialog = PickDialog(self, self.tr("Legg til behov"),
                            self.tr("Velg behovene gjennomføringen skal dekke (flere med Ctrl eller Shift)."),
                            need_columns(self.tr), rows, "pickNeedsView", self.tr("Legg til"))
        chosen = dialog.ask()
        if chosen:
            self.form.set_field("needs", ", ".join([*self._need_refs(), *(n.ref for n in chosen)]))

    def remove_need(self) -> None:
        index = self.needs_view.selectionModel().currentIndex()
        if not index.isValid():
            return
        gone = self.needs_model.row_at(index.row()).ref.upper()
        self.form.set_field("needs", ", ".join(r for r in self._need_refs() if r.upper() != gone))

    def _load_bookings(self) -> None:
        run_id = self.current_id
        if run_id is None or self.context.store is None:
            self.bookings_model.set_rows([])
            self.bookings_text.setText(self.tr("Lagre gjennomføringen først; så kan du koble til bookingene av "
                                               "samlingsdagene."))
            return
        from kpdesk.motor.run_details import run_bookings

        def shown(rows: list[Any]) -> None:
            if self.current_id == run_id:
                self.bookings_model.set_rows(rows)
                self.bookings_text.setText(self.tr("Ingen bookinger er koblet til ennå.") if not rows else "")
                self.bookings_text.setVisible(not rows)
                self._enable_buttons()

        self.context.query(lambda s: run_bookings(s, run_id), shown)

    def link_bookings(self) -> None:
        """Choose bookings (the offer's, and those in the run's dates) as the run's session days."""
        run_id = self.current_id
        if run_id is None:
            return
        from kpdesk.motor.run_details import linkable_bookings

        self.context.query(lambda s: linkable_bookings(s, run_id), lambda rows: self._ask_link(run_id, rows))

    def _ask_link(self, run_id: int, rows: list[Any]) -> None:
        if not rows:
            from kpdesk.ui import alerts

            alerts.info(self, self.tr("Koble til bookinger"), self.tr(
                "Ingen bookinger å koble til: ingen av kurstilbudets bookinger er ledige, og ingen andre ligger "
                "mellom gjennomføringens start og slutt. Book samlingsdagene under Timeplan først."))
            return
        dialog = PickDialog(self, self.tr("Koble til bookinger"),
                            self.tr("Velg bookingene som er samlingsdagene til gjennomføringen: kurstilbudets egne "
                                    "og de andre mellom start og slutt."),
                            booking_columns(self.tr), rows, "pickBookingsView", self.tr("Koble til"))
        chosen = [b.id for b in dialog.ask()]
        if chosen:
            self._write_links(run_id, chosen, link=True)

    def unlink_booking(self) -> None:
        index = self.bookings_view.selectionModel().currentIndex()
        if self.current_id is not None and index.isValid():
            self._write_links(self.current_id, [self.bookings_model.row_at(index.row()).id], link=False)

    def _write_links(self, run_id: int, booking_ids: list[int], *, link: bool) -> None:
        from kpdesk.motor.run_details import unlink_bookings
        from kpdesk.motor.runs import link_bookings

        def add(s: Any, _state: dict[str, Any]) -> int:
            return link_bookings(s, run_id, booking_ids)

        def remove(s: Any, _state: dict[str, Any]) -> int:
            return unlink_bookings(s, run_id, booking_ids)

        def after(_count: Any) -> None:
            self.context.data_changed.emit(RUN_KIND)
            self._load_bookings()

        text = self.tr("kobling av samlingsdager") if link else self.tr("fjerning av samlingsdag")
        undoable_write(self.context, text, add if link else remove, remove if link else add, after, self)

    # ------------------------------------------------------------ list

    def entity_kinds(self) -> set[str]:
        return {RUN_KIND, "offer", "provider", "need", "employer", "person", "consent"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.motor.run_details import list_run_rows

        return list_run_rows(session)

    def fetch_extra(self, session: Any, rows: list[Any]) -> Any:
        from kpdesk.motor.run_details import need_choices
        from kpdesk.offers.service import list_offers

        offers = {o.ref.upper(): offer_text(o.ref, o.title, o.provider_name) for o in list_offers(session)}
        return offers, need_choices(session)

    def use_extra(self, extra: Any) -> None:
        self._offers, self._needs = extra
        self.form.set_completions("offer", sorted(self._offers.values(), key=lambda t: ref_sort_key(first_word(t))))
        self._show_needs()

    # ------------------------------------------------------------ form

    def prepare_form(self, row: Any) -> None:
        """The status list offers the run's status and the moves the rules allow from it (a new run: all)."""
        if row is None:
            keys: tuple[str, ...] = tuple(RUN_STATUSES.keys())
        else:
            from kpdesk.motor.validation import status_choices

            keys = status_choices(row.run.status)
        self.form.set_choices("status", [(key, RUN_STATUSES.label(key)) for key in keys])

    def validate_raw(self, raw: Mapping[str, str]) -> tuple[Any, list[Any]]:
        from kpdesk.common.fields import Problem
        from kpdesk.motor.validation import date_warnings, transition_problem, validate_run

        values = dict(raw)
        values["offer"] = first_word(values.get("offer", ""))
        data, problems = validate_run(values)
        # the move first: when a status is refused, what it would need (participants …) is beside the point
        old = self.form.loaded_raw().get("status", "") if self.current_id is not None else ""
        moved = transition_problem(old, values.get("status", "")) if old else None
        if moved:
            return None, [Problem("status", moved)]
        if data is None:
            return None, problems
        found = len(problems)
        if self._offers and data.offer.upper() not in self._offers:
            problems.append(Problem("offer", self.tr("Fant ikke kurstilbudet «{ref}»").format(ref=data.offer)))
        missing = [r for r in data.needs if self._needs and r.upper() not in self._needs]
        if missing:
            problems.append(Problem("needs", self.tr("Fant ikke behovet {refs}").format(
                refs=", ".join(f"«{r}»" for r in missing))))
        if len(problems) > found:
            return None, problems
        return data, [*problems, *date_warnings(data, self.today())]

    def undo_payload(self, data: Any, raw: Mapping[str, str]) -> Any:
        from kpdesk.motor.run_details import PutBack

        return PutBack(data)

    def raw_of(self, row: Any) -> dict[str, str]:
        run = row.run

        def number(value: Any) -> str:
            return "" if value is None else str(value)

        return {
            "ref": run.ref,
            "offer": self._offers.get(run.offer_ref.upper(), offer_text(run.offer_ref, run.offer_title, run.provider)),
            "status": run.status,
            "start_date": format_date(run.start_date),
            "end_date": format_date(run.end_date),
            "participants": number(run.participants),
            "completed": number(run.completed),
            "credits_passed": format_decimal(run.credits_passed) if run.credits_passed is not None else "",
            "cofunding_source": run.cofunding_source,
            "cofunding_nok": number(run.cofunding_nok),
            "needs": ", ".join(run.need_refs),
        }

    def defaults(self) -> dict[str, str]:
        return {"status": "planned"}

    def record_title(self, row: Any) -> str:
        return f"{row.run.ref}: {row.run.offer_title}"

    def data_label(self, data: Any) -> str:
        return data.ref or self.tr("ny gjennomføring av {offer}").format(offer=data.offer)

    def on_record_shown(self, row: Any) -> None:
        self._show_needs()
        self._load_bookings()

    def delete_question(self, row: Any) -> str:
        return self.tr("Slette gjennomføringen {ref} ({offer})? Behovene og bookingene blir stående. Du kan angre "
                       "med Ctrl+Z.").format(ref=row.run.ref, offer=row.run.offer_title)


def _reported(key: str, header: str, count: Any) -> Column[Any]:
    """A count the provider reports: blank until it is known (a planned run has no participants yet)."""
    return Column(key, header, lambda r: "" if count(r) is None else group_thousands(count(r)), sort_value=count,
                  align_right=True, searchable=False)


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row
