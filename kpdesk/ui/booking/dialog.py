"""The booking dialog: a new booking or series, or a change to one; with a live conflict check.

The fields are read into the raw text ``kpdesk.booking.inputs.validate_booking`` takes, so the
dialog judges a booking exactly as the CSV importer does, as the user types. A valid booking is
planned (``kpdesk.booking.planning.plan_booking``) on the database thread 300 ms after the last
change, and the clashes, skipped holidays and warnings are listed. With a clash the OK button
books only with a reason, or (a series) with the clashing dates skipped.

«Vis på oppslag» follows the kind (``public_by_default``) until the user clicks it, or from the
start when the booking being edited was set against its kind's default.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kpdesk.common.codes import BOOKING_KINDS
from kpdesk.common.fields import Problem
from kpdesk.ui import alerts
from kpdesk.ui.booking.actions import FOLLOWING, SERIES, THIS, BookingActions, ReasonDialog, ScopeDialog
from kpdesk.ui.booking.preview import (
    BookingInit,
    ConflictPreview,
    Refused,
    field_with_problem,
    load_booking,
    offer_text,
)
from kpdesk.ui.booking.recurrence_editor import RecurrenceEditor
from kpdesk.ui.context import AppContext
from kpdesk.ui.widgets.date_field import DateField, TimeField
from kpdesk.ui.widgets.forms import ProblemTiming, RecordForm

PREVIEW_DELAY_MS = 300


def public_by_default(kind: str) -> bool:
    """``kpdesk.booking.inputs.public_by_default``, imported when the dialog fills (not at import)."""
    from kpdesk.booking import inputs

    return inputs.public_by_default(kind)


class BookingDialog(QDialog):
    """New (``booking_id`` None, fields from ``prefill``) or edit. ``write`` is set when saved."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, *, booking_id: int | None = None,
                 prefill: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.booking_actions = BookingActions(context, parent or self)
        self.booking_id = booking_id
        self.prefill = dict(prefill or {})
        self.init: BookingInit | None = None
        self.ready = False
        self.data: Any = None
        self.problems: list[Any] = []
        self.plan: Any = None
        self.plan_error = ""
        self.previewed = False  # a plan for the current fields has arrived
        self.write: Any = None
        self.scope: str | None = None
        self._generation = 0
        self._shown_raw: dict[str, str] = {}
        self.timing = ProblemTiming(self)
        self.timing.left.connect(lambda _key: self._revalidate())
        self._filling = False
        self._shown_rule = ""  # a series' own rule, shown when editing one date of it
        self._public_chosen = False  # «vis på oppslag» set by the user: it no longer follows the kind
        self.setWindowTitle(self.tr("Endre booking") if booking_id else self.tr("Ny booking"))
        self.setObjectName("bookingDialog")
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self._preview)
        self.setEnabled(False)
        self.context.query(lambda s: load_booking(s, booking_id), self._loaded, self._load_failed)

    # ------------------------------------------------------------ building

    def _build(self) -> None:
        tr = self.tr
        self.banner = QLabel()
        self.banner.setObjectName("bookingBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setStyleSheet("background: #fff4c2; padding: 6px; border: 1px solid #e0c96b;")

        self.room = QComboBox()
        self.room.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.title = QLineEdit()
        self.kind = QComboBox()
        for code in BOOKING_KINDS:
            self.kind.addItem(code.label, code.key)
        self.public = QCheckBox(tr("Vis på oppslag"))
        self.public.setToolTip(tr("Med hake står tittelen på utskrevne ukeplaner og dørskilt. Uten hake viser de "
                                  "bare «Opptatt» og tiden, så ingen arrangør eller arbeidsgiver blir nevnt."))
        self.date = DateField()
        self.start_time = TimeField()
        self.end_date = DateField()
        self.end_time = TimeField()
        self.overnight = QCheckBox(tr("over midnatt"))
        self.overnight.setToolTip(tr("Bookingen slutter en senere dag"))
        self.repeat = RecurrenceEditor()
        self.organiser = QLineEdit()
        self.attendees = QLineEdit()
        self.attendees.setPlaceholderText(tr("antall"))
        self.attendees.setMaximumWidth(120)
        self.offer = QLineEdit()
        self.offer.setPlaceholderText(tr("referanse eller tittel på kurstilbudet"))
        self.offer.setCompleter(QCompleter([], self.offer))
        self.offer.completer().setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.offer.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.offer_session = QComboBox()
        self.offer_session.setObjectName("field_offer_session")
        self.offer_session.setToolTip(tr("Samlingen i kurstilbudet som bookingen er for"))
        self.equipment = QWidget()
        self.equipment_grid = QGridLayout(self.equipment)
        self.equipment_grid.setContentsMargins(0, 0, 0, 0)
        self.arrival_buffer = QLineEdit()
        self.arrival_buffer.setMaximumWidth(80)
        self.arrival_buffer.setPlaceholderText("30")
        self.invigilators = QLineEdit()
        self.invigilators.setMaximumWidth(120)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(70)

        editors = {"room": self.room, "title": self.title, "kind": self.kind, "start": self.date, "end": self.end_time,
                   "repeat": self.repeat, "organiser": self.organiser, "attendees": self.attendees,
                   "offer_ref": self.offer, "equipment": self.equipment, "arrival_buffer": self.arrival_buffer,
                   "invigilators": self.invigilators, "notes": self.notes}
        for key, editor in editors.items():
            editor.setObjectName(f"field_{key}")
        self.start_time.setObjectName("field_start_time")
        self.end_date.setObjectName("field_end_date")
        self.overnight.setObjectName("field_overnight")
        self.public.setObjectName("field_public")
        self.problem_labels: dict[str, QLabel] = {}

        def with_problem(key: str, *widgets: QWidget) -> QWidget:
            return field_with_problem(key, widgets, self.problem_labels)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(tr("Rom"), with_problem("room", self.room))
        form.addRow(tr("Tittel"), with_problem("title", self.title))
        form.addRow(tr("Type"), with_problem("kind", self.kind, self.public))
        form.addRow(tr("Start"), with_problem("start", self.date, self.start_time))
        form.addRow(tr("Slutt"), with_problem("end", self.end_time, self.end_date, self.overnight))
        form.addRow(tr("Arrangør"), with_problem("organiser", self.organiser))
        form.addRow(tr("Deltakere"), with_problem("attendees", self.attendees))
        form.addRow(tr("Kurstilbud"), with_problem("offer_ref", self.offer))
        form.addRow(tr("Samling"), self.offer_session)
        form.setRowVisible(self.offer_session, False)
        form.addRow(tr("Utstyr som trengs"), with_problem("equipment", self.equipment))
        self.buffer_row = with_problem("arrival_buffer", self.arrival_buffer, QLabel(tr("minutter før start")))
        self.invigilators_row = with_problem("invigilators", self.invigilators)
        form.addRow(tr("Oppmøte"), self.buffer_row)
        form.addRow(tr("Eksamensvakter"), self.invigilators_row)
        self.form = form
        form.addRow(tr("Notater"), with_problem("notes", self.notes))

        repeat_box = QGroupBox(tr("Gjentakelse"))
        QVBoxLayout(repeat_box).addWidget(with_problem("repeat", self.repeat))
        self.preview_box = ConflictPreview()
        self.summary, self.preview_list = self.preview_box.summary, self.preview_box.list

        self.cancel_booking_button = QPushButton(tr("Avlys …"))
        self.cancel_booking_button.setObjectName("cancelBookingButton")
        self.cancel_booking_button.clicked.connect(self._cancel_booking)
        self.reactivate_button = QPushButton(tr("Gjenåpne"))
        self.reactivate_button.setObjectName("reactivateButton")
        self.reactivate_button.clicked.connect(self._reactivate)
        close = QPushButton(tr("Avbryt"))
        close.setObjectName("closeButton")
        close.clicked.connect(self.reject)
        self.skip_button = QPushButton(tr("Hopp over datoene som kolliderer"))
        self.skip_button.setObjectName("skipButton")
        self.skip_button.setAutoDefault(False)
        self.skip_button.clicked.connect(lambda: self._commit(skip=True))
        self.ok_button = QPushButton()
        self.ok_button.setObjectName("okButton")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self._ok)
        buttons = QHBoxLayout()
        for button in (self.cancel_booking_button, self.reactivate_button):
            button.setAutoDefault(False)
            button.setVisible(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.ok_button)

        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(repeat_box)
        right.addWidget(self.preview_box, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        self.resize(940, 640)

        for widget, signal in ((self.room, "currentIndexChanged"), (self.kind, "currentIndexChanged"),
                               (self.title, "textChanged"), (self.organiser, "textChanged"),
                               (self.attendees, "textChanged"), (self.offer, "textChanged"),
                               (self.arrival_buffer, "textChanged"), (self.invigilators, "textChanged"),
                               (self.notes, "textChanged"), (self.offer_session, "currentIndexChanged")):
            key = widget.objectName().removeprefix("field_")
            getattr(widget, signal).connect(lambda *_a, k=key: self._edited(k))
            if signal == "textChanged":
                self.timing.watch(widget, key)
        for widget, key in ((self.date, "start"), (self.start_time, "start"), (self.end_date, "end"),
                            (self.end_time, "end")):
            self.timing.watch(widget, key)
        self.date.dateChanged.connect(self._start_moved)
        self.start_time.timeChanged.connect(self._start_moved)
        self.end_date.dateChanged.connect(lambda *_a: self._edited("end"))
        self.end_time.timeChanged.connect(lambda *_a: self._edited("end"))
        self.overnight.toggled.connect(self._overnight_toggled)
        self.repeat.changed.connect(lambda: self._edited("repeat"))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.public.clicked.connect(self._public_clicked)  # the user's own click, not setChecked
        self.public.toggled.connect(lambda *_a: self._edited("public"))
        self.offer.textChanged.connect(self._offer_changed)
        self._update_buttons()

    # ------------------------------------------------------------ loading and filling

    def reject(self) -> None:
        """«Avbryt», Escape or the window's close: ask first when the user has typed something."""
        if self.ready and self.write is None and self.raw() != self._shown_raw and not alerts.question(
                self, self.tr("Forkaste endringene?"),
                self.tr("Du har fylt ut bookingen uten å lagre den. Vil du forkaste endringene?"),
                self.tr("Forkast"), self.tr("Fortsett å redigere")):
            return
        super().reject()

    def _load_failed(self, exc: BaseException) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        alerts.show_exception(self, exc)
        self.reject()

    def _loaded(self, init: BookingInit) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        self.init = init
        self._filling = True
        try:
            for room in init.rooms:
                self.room.addItem(self.tr("{name} ({n} plasser)").format(name=room.name, n=room.capacity), room.name)
            for number, name in enumerate(init.equipment):
                check = QCheckBox(name)
                check.setObjectName(f"equipment_{name}")
                check.setProperty("stored", name)
                check.toggled.connect(lambda *_a: self._edited("equipment"))
                self.equipment_grid.addWidget(check, number // 3, number % 3)
            completer = self.offer.completer()
            completer.setModel(QStringListModel([offer_text(o.ref, o.title) for o in init.offers], completer))
            if init.data is not None:
                self._fill(init.data)
            else:
                self._fill_prefill()
        finally:
            self._filling = False
        self._show_state()
        self._kind_changed()
        self._set_tab_order()
        self.setEnabled(True)
        self.ready = True
        self._shown_raw = self.raw()  # what «Avbryt» and Escape compare with before they ask
        self.timing.reset({k for k, v in self.raw().items() if v and k not in ("kind",)})
        self._revalidate()
        self.title.setFocus()

    def _set_tab_order(self) -> None:
        """Down the form, then the repetition, then the buttons (the equipment boxes come late)."""
        editor = self.repeat
        chain: list[QWidget] = [self.room, self.title, self.kind, self.public, self.date, self.start_time,
                                self.end_time, self.overnight, self.end_date, self.organiser, self.attendees,
                                self.offer, self.offer_session, *self.equipment.findChildren(QCheckBox),
                                self.arrival_buffer,
                                self.invigilators, self.notes, editor.mode, *editor.days, editor.monthly,
                                editor.until_radio, editor.until, editor.count_radio, editor.count,
                                editor.advanced, editor.raw, self.ok_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _fill(self, data: Any) -> None:
        self.room.setCurrentIndex(max(self.room.findData(data.room), 0))
        self.title.setText(data.title)
        self.kind.setCurrentIndex(max(self.kind.findData(data.kind), 0))
        self._set_public(data.is_public, chosen=data.is_public != public_by_default(data.kind))
        self._set_times(data.starts_at, data.ends_at)
        self.organiser.setText(data.organiser or "")
        self.attendees.setText("" if data.attendees is None else str(data.attendees))
        if data.offer_ref:
            title = next((o.title for o in self.init.offers if o.ref == data.offer_ref), "") if self.init else ""
            self.offer.setText(offer_text(data.offer_ref, title) if title else data.offer_ref)
        self._wanted_session = data.offer_session_id
        for check in self.equipment.findChildren(QCheckBox):
            check.setChecked(check.property("stored") in set(data.equipment))
        if data.kind == "exam":
            self.arrival_buffer.setText(str(data.arrival_buffer_minutes))
        self.invigilators.setText("" if data.invigilators is None else str(data.invigilators))
        self.notes.setPlainText(data.notes or "")
        series = self.init.series if self.init else None
        self._shown_rule = series.rrule if series is not None else ""
        first = series.first_start if series is not None else data.starts_at
        self.repeat.set_rule(series.rrule if series is not None else (data.repeat or ""), first)
        self.repeat.set_start(data.starts_at)
        self._shown_rule = self.repeat.rule() if series is not None else ""

    def _fill_prefill(self) -> None:
        values = self.prefill
        start = values.get("start") or dt.datetime.combine(dt.date.today(), dt.time(9))
        end = values.get("end") or start + dt.timedelta(hours=1)
        if values.get("room"):
            self.room.setCurrentIndex(max(self.room.findData(values["room"]), 0))
        self.title.setText(values.get("title", ""))
        self.kind.setCurrentIndex(max(self.kind.findData(values.get("kind", "meeting")), 0))
        public = values.get("public")
        kind = str(self.kind.currentData())
        self._set_public(public_by_default(kind) if public is None else bool(public),
                         chosen=public is not None and bool(public) != public_by_default(kind))
        self._set_times(start, end)
        if values.get("attendees"):
            self.attendees.setText(str(values["attendees"]))
        wanted = {str(n) for n in values.get("equipment", ())}
        for check in self.equipment.findChildren(QCheckBox):
            check.setChecked(check.property("stored") in wanted)
        self.repeat.set_rule(values.get("repeat", ""), start)

    def _set_public(self, public: bool, *, chosen: bool) -> None:
        self.public.setChecked(public)
        self._public_chosen = chosen

    def _set_times(self, start: dt.datetime, end: dt.datetime) -> None:
        self.date.setDate(start.date())
        self.start_time.setTime(start.time())
        self.end_date.setDate(end.date())
        self.end_time.setTime(end.time())
        self.overnight.setChecked(end.date() != start.date())
        self.end_date.setVisible(self.overnight.isChecked())
        self._start_value = start

    def _show_state(self) -> None:
        """The banner for a booking being edited: its series, state and override reason."""
        init = self.init
        if init is None or init.booking is None:
            return
        b, lines = init.booking, []
        if init.series is not None:
            lines.append(self.tr("Del av serien «{title}»: {rule} ({n} aktive datoer).").format(
                title=init.series.title, rule=init.series.rule_text, n=init.series.active))
        if b.state == "cancelled":
            lines.append(self.tr("Avlyst") + (f": {b.state_reason}" if b.state_reason else "."))
        elif b.state == "skipped":
            lines.append(self.tr("Hoppet over") + (f": {b.state_reason}" if b.state_reason else "."))
        if b.override_reason:
            lines.append(self.tr("Booket tross konflikt: {reason}").format(reason=b.override_reason))
        self.banner.setText("\n".join(lines))
        self.banner.setVisible(bool(lines))
        self.cancel_booking_button.setVisible(b.state == "active")
        self.reactivate_button.setVisible(b.state != "active")

    # ------------------------------------------------------------ reading

    def end_day_field(self) -> DateField:
        return self.end_date if self.overnight.isChecked() else self.date

    def start_moment(self) -> dt.datetime | None:
        """The start the fields say, or None while one of them is empty or wrong."""
        day, time = self.date.date(), self.start_time.time()
        return dt.datetime.combine(day, time) if day is not None and time is not None else None

    def end_moment(self) -> dt.datetime | None:
        day, time = self.end_day_field().date(), self.end_time.time()
        return dt.datetime.combine(day, time) if day is not None and time is not None else None

    def field_problems(self) -> dict[str, str]:
        """What the date and time fields themselves find wrong ("31.02.2027"), by the validator's key."""
        found: dict[str, str] = {}
        end_fields = (self.end_time, self.end_date) if self.overnight.isChecked() else (self.end_time,)
        for key, fields in (("start", (self.date, self.start_time)), ("end", end_fields)):  # a date is said once
            messages = [field.problem() for field in fields if field.problem()]
            if messages:
                found[key] = "\n".join(dict.fromkeys(messages))
        if self.repeat.problem():
            found["repeat"] = self.repeat.problem()
        return found

    def offer_ref(self) -> str:
        text = self.offer.text().strip()
        return text.split(" – ", 1)[0].strip() if " – " in text else text

    def rule_changed(self) -> bool:
        return self.init is not None and self.init.series is not None and self.repeat.rule() != self._shown_rule

    def raw(self) -> dict[str, str]:
        exam = self.kind.currentData() == "exam"
        repeat = self.repeat.rule()
        if self.init is not None and self.init.series is not None and not self.rule_changed():
            repeat = ""  # one date of a series is edited on its own unless its rule changes
        equipment = [str(c.property("stored")) for c in self.equipment.findChildren(QCheckBox) if c.isChecked()]
        start, end = self.start_moment(), self.end_moment()
        # a wrong date or time goes to the validator as typed (it refuses it; the field says why)
        start_text = f"{start:%d.%m.%Y %H:%M}" if start else f"{self.date.text()} {self.start_time.text()}".strip()
        end_text = f"{end:%d.%m.%Y %H:%M}" if end else f"{self.end_day_field().text()} {self.end_time.text()}".strip()
        return {
            "room": str(self.room.currentData() or ""), "title": self.title.text(),
            "kind": str(self.kind.currentData()), "start": start_text,
            "end": end_text, "repeat": repeat, "organiser": self.organiser.text(),
            "attendees": self.attendees.text(), "offer_ref": self.offer_ref(), "equipment": ",".join(equipment),
            "arrival_buffer": self.arrival_buffer.text() if exam else "",
            "invigilators": self.invigilators.text() if exam else "", "notes": self.notes.toPlainText(),
            "overnight": "ja" if self.overnight.isChecked() else "nei",
            "public": "ja" if self.public.isChecked() else "nei",
        }

    # ------------------------------------------------------------ reacting to edits

    def _start_moved(self, *_args: object) -> None:
        if self._filling:
            return
        old = getattr(self, "_start_value", None)
        new = self.start_moment()
        if new is None:  # a wrong or half-typed start: nothing follows it yet
            self._edited("start")
            return
        end_day = self.end_date.date()
        if old is not None and not self.overnight.isChecked():
            self.end_date.setDate(new.date())
        elif old is not None and end_day is not None:
            self.end_date.setDate(end_day + (new.date() - old.date()))
        self._start_value = new
        self.repeat.set_start(new)
        self._edited("start")

    def _overnight_toggled(self, checked: bool) -> None:
        self.end_date.setVisible(checked)
        day = self.date.date()
        if not self._filling and day is not None:
            self.end_date.setDate(day + dt.timedelta(days=1 if checked else 0))
        self._edited("end")

    def _public_clicked(self, *_args: object) -> None:
        self._public_chosen = True

    def _kind_changed(self, *_args: object) -> None:
        if not self._public_chosen and not self._filling:
            self.public.setChecked(public_by_default(str(self.kind.currentData())))
        exam = self.kind.currentData() == "exam"
        for row in (self.buffer_row, self.invigilators_row):
            self.form.setRowVisible(row, exam)
        if exam and not self.arrival_buffer.text().strip() and not self._filling:
            from kpdesk.booking.inputs import DEFAULT_EXAM_BUFFER

            self.arrival_buffer.setText(str(DEFAULT_EXAM_BUFFER))

    def _offer_changed(self, *_args: object) -> None:
        init = self.init
        ref = self.offer_ref()
        offer_id = next((o.id for o in init.offers if o.ref == ref), None) if init else None
        self.offer_session.clear()
        self.form.setRowVisible(self.offer_session, False)
        if offer_id is None:
            return
        from kpdesk.offers.service import list_sessions

        wanted = getattr(self, "_wanted_session", None)
        self.context.query(lambda s: list_sessions(s, offer_id),
                           lambda sessions, r=ref: self._sessions_loaded(r, sessions, wanted))

    def _sessions_loaded(self, ref: str, sessions: list[Any], wanted: int | None) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        if ref != self.offer_ref() or not sessions:
            return
        from kpdesk.booking.times import format_span

        self._filling = True
        try:
            self.offer_session.clear()
            self.offer_session.addItem(self.tr("(ingen bestemt samling)"), None)
            for item in sessions:
                self.offer_session.addItem(format_span(item.starts_at, item.ends_at)
                                           + (f" {item.title}" if item.title else ""), item.id)
            self.offer_session.setCurrentIndex(max(self.offer_session.findData(wanted), 0) if wanted else 0)
            self.form.setRowVisible(self.offer_session, True)
        finally:
            self._filling = False
        if self.ready:
            self._revalidate()  # the chosen session is part of the booking

    def _edited(self, key: str) -> None:
        if self._filling or not self.ready:
            return
        label = self.problem_labels.get(key)
        self.timing.edited(key, label is not None and bool(label.text()))
        self.scope = None
        self._revalidate()

    def _revalidate(self) -> None:
        from kpdesk.booking.inputs import validate_booking

        data, problems = validate_booking(self.raw())
        own = self.field_problems()
        if own:  # a date or time the fields cannot read: nothing to book (whatever the validator made of it)
            data = None
        if data is not None and self.offer_session.count() and self.offer_session.currentData() is not None:
            data = data.replace(offer_session_id=self.offer_session.currentData())
        self.data, self.problems = data, problems
        by_field: dict[str, list[Any]] = {}
        for problem in problems:
            by_field.setdefault("end" if problem.field == "overnight" else problem.field, []).append(problem)
        if "start" in own and not self.overnight.isChecked():
            by_field.pop("end", None)  # the end is on the start's day: a wrong start date is said once
        for key, message in own.items():  # the field's own reason is the precise one
            by_field[key] = [Problem(key, message)]
        for key, label in self.problem_labels.items():
            shown = by_field.pop(key, [])
            RecordForm._show_problems(label, shown if self.timing.shows(key) else [])
        if by_field:
            RecordForm._show_problems(self.problem_labels["notes"], [p for ps in by_field.values() for p in ps])
        self._show_sentence(any(p.field == "repeat" for p in problems) or "repeat" in own)
        self.plan, self.plan_error, self.previewed = None, "", False
        self._generation += 1
        if data is None:
            self._timer.stop()
            self.preview_box.show_pending(self.tr("Rett feilene i skjemaet, så kontrolleres rom og tid."))
        else:
            self.preview_box.show_pending(self.tr("Kontrollerer …"))
            self._timer.start()
        self._update_buttons()

    def _show_sentence(self, rule_is_wrong: bool) -> None:
        """The repetition in one sentence with its dates and skipped holidays (``series_sentence``)."""
        from kpdesk.booking.sentence import series_sentence
        from kpdesk.common.fields import FieldError

        rule, start, end = self.repeat.rule(), self.start_moment(), self.end_moment()
        text = ""
        if rule and start is not None and end is not None and not rule_is_wrong:
            try:
                text = series_sentence(rule, start, end)
            except FieldError:  # the problem label under the field says why
                text = ""
        self.repeat.show_sentence(text)

    # ------------------------------------------------------------ the conflict preview

    def exclude_ids(self) -> set[int]:
        init = self.init
        if init is None or init.booking is None:
            return set()
        if init.series is not None and (self.rule_changed() or self.scope in (FOLLOWING, SERIES)):
            return set(init.series_ids)
        return {init.booking.id}

    def _preview(self) -> None:
        data = self.data
        if data is None or self.context.store is None:
            return
        from kpdesk.booking.planning import plan_booking

        generation, exclude = self._generation, self.exclude_ids()
        self.context.query(lambda s: plan_booking(s, data, exclude=exclude),
                           lambda plan: self._planned(generation, plan),
                           lambda exc: self._plan_failed(generation, exc))

    def _planned(self, generation: int, plan: Any) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        if generation != self._generation:
            return
        self.plan, self.plan_error, self.previewed = plan, "", True
        self._show_conflicts(plan.conflicts, plan)

    def _plan_failed(self, generation: int, exc: BaseException) -> None:
        if not isValid(self):  # closed and deleted before the answer came
            return
        if generation != self._generation:
            return
        from kpdesk.common.errors import UserError

        if not isinstance(exc, UserError):
            alerts.show_exception(self, exc)
            return
        self.plan, self.plan_error, self.previewed = None, exc.message, True
        self.preview_box.show_error(exc.message)
        self._update_buttons()

    def _show_conflicts(self, conflicts: Any, plan: Any = None) -> None:
        self.preview_box.show_conflicts(conflicts, plan)
        self._update_buttons()

    def blocking(self) -> bool:
        return self.plan is not None and self.plan.conflicts.blocking

    def can_skip(self) -> bool:
        if self.plan is None:
            return False
        c = self.plan.conflicts
        series = bool(self.data and self.data.repeat) or self.scope in (FOLLOWING, SERIES)
        left = any(not o.skipped_for_holiday and not o.clashes for o in self.plan.occurrences)
        return series and bool(c.clashes) and c.capacity is None and not c.missing_equipment and left

    def _update_buttons(self) -> None:
        valid = self.data is not None and not self.plan_error
        self.ok_button.setEnabled(self.ready and valid)
        if self.blocking():
            self.ok_button.setText(self.tr("Book likevel med begrunnelse …"))
        else:
            self.ok_button.setText(self.tr("Lagre") if self.booking_id else self.tr("Book"))
        self.skip_button.setVisible(self.can_skip())

    # ------------------------------------------------------------ saving

    def _ok(self) -> None:
        self.timing.show_all = True
        if self.data is None:
            self._revalidate()
            return
        if self.blocking():
            conflicts = self.plan.conflicts
            reason = ReasonDialog.ask(self, conflicts.sentence(), conflicts.problems())
            if reason:
                self._commit(reason=reason)
            return
        self._commit()

    def _choose_scope(self) -> bool:
        init = self.init
        if init is None or init.series is None or self.scope is not None:
            return True
        when = self.data.starts_at  # saving: the fields are valid
        scope = ScopeDialog.ask(self, self.tr("Endre en serie"), self.tr(
            "«{title}» {date} er del av en serie. Hvilke datoer skal endringen gjelde?").format(
            title=init.series.title, date=f"{when:%d.%m.%Y}"), allow_this=not self.rule_changed())
        self.scope = scope
        return scope is not None

    def _series_data(self, data: Any) -> Any:
        """The whole series as changed here: the same move applied to its first date."""
        from kpdesk.booking.recurrence import moved_rule

        init = self.init
        assert init is not None and init.series is not None and init.booking is not None
        shift = data.starts_at - init.booking.starts_at
        first = init.series.first_start + shift
        rule = data.repeat if self.rule_changed() else moved_rule(init.series.rrule, init.series.first_start, first)
        return data.replace(starts_at=first, ends_at=first + data.duration, repeat=rule)

    def _commit(self, *, reason: str = "", skip: bool = False) -> None:
        from kpdesk.booking import service
        from kpdesk.booking.conflicts import ConflictError

        data = self.data
        if data is None or not self._choose_scope():
            return
        init = self.init
        options = {"override_reason": reason, "skip_clashes": skip}
        if self.booking_id is None:
            work = lambda s: service.create_booking(s, data, **options)  # noqa: E731
            text = self.tr("ny booking «{title}»").format(title=data.title)
        else:
            booking_id = self.booking_id
            text = self.tr("endring av «{title}»").format(title=data.title)
            if self.scope == SERIES and init is not None and init.series is not None:
                series_id, whole = init.series.id, self._series_data(data)
                work = lambda s: service.update_series(s, series_id, whole, **options)  # noqa: E731
            elif self.scope == FOLLOWING:
                work = lambda s: service.update_following(s, booking_id, data, **options)  # noqa: E731
            else:
                single = data.replace(repeat="") if self.scope == THIS else data
                work = lambda s: service.update_booking(s, booking_id, single, **options)  # noqa: E731
        def saved(write: Any) -> None:
            self.write = write
            self.accept()

        def refused(exc: BaseException) -> None:
            if isinstance(exc, ConflictError):
                self.plan = Refused(exc.conflicts)
                self._show_conflicts(exc.conflicts)
            else:
                alerts.show_exception(self, exc)

        self.booking_actions.run(text, work, saved, refused)

    def _cancel_booking(self) -> None:
        if self.init is not None and self.init.booking is not None:
            self.booking_actions.cancel(self, self.init.booking, self.accept)

    def _reactivate(self) -> None:
        if self.init is not None and self.init.booking is not None:
            self.booking_actions.reactivate(self, self.init.booking, self.accept)

    def done(self, result: int) -> None:
        self._timer.stop()
        self._generation += 1
        super().done(result)

    # ------------------------------------------------------------ opening

    @classmethod
    def open_new(cls, context: AppContext, parent: QWidget | None, prefill: dict[str, Any] | None = None) -> Any:
        """Open for a new booking; the write, or None when cancelled."""
        dialog = cls(context, parent, prefill=prefill)
        dialog.exec()
        return dialog.write

    @classmethod
    def open_booking(cls, context: AppContext, parent: QWidget | None, booking_id: int) -> Any:
        dialog = cls(context, parent, booking_id=booking_id)
        dialog.exec()
        return dialog.write
