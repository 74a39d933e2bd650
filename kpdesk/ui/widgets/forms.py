"""Record forms that validate as the user types.

A form is a list of fields; each field turns its widget's content into the raw text a record
validator from ``kpdesk.register.validation`` reads (the same validator the CSV importers use), shows the
validator's reason beside the field, and keeps Save disabled until the record is valid.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kpdesk.ui.widgets.date_field import DateField

Validator = Callable[[Mapping[str, str]], tuple[Any, list[Any]]]

TYPED_KINDS = frozenset({"line", "date", "text", "completer"})
ERROR_STYLE = "color: #b00020;"
SUMMARY_LINES = 4  # the lines a form with its reasons in one place keeps for them
WARNING_STYLE = "color: #8a5a00;"


class ProblemTiming(QObject):
    """When a field's reason shows: not while the user is typing a first attempt in the field, but
    once they leave it (Tab, a click elsewhere, Enter) or press Save; a reason already showing follows
    the typing, so it goes the moment the text is put right. A change made from outside the field
    (a choice in a list, a box, the calendar, the program itself) is judged at once, and a field
    nobody types in (a box, a list) shows its reasons at once, also those another field's change
    gives it (ticking «Kontakt» without «Lagring» says why at «Lagring»)."""

    left = Signal(str)
    """A field's key, the first time the user leaves it since it was last shown clean."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.touched: set[str] = set()
        self.show_all = False
        self._keys: dict[QObject, str] = {}

    def watch(self, editor: QWidget, key: str) -> None:
        """Hold back ``key``'s reasons while the user types in ``editor`` (a line or text field)."""
        self._keys[editor] = key
        editor.installEventFilter(self)
        if isinstance(editor, QLineEdit):
            editor.editingFinished.connect(lambda: self._leave(key))  # Enter, or the focus went

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and watched in self._keys:
            self._leave(self._keys[watched])
        return False

    def _leave(self, key: str) -> None:
        if key not in self.touched:
            self.touched.add(key)
            self.left.emit(key)

    def reset(self, filled: set[str]) -> None:
        """A record was shown: the reasons of the fields it filled show at once (the data is old)."""
        self.touched = set(filled)
        self.show_all = False

    def edited(self, key: str, showing: bool) -> None:
        """``key``'s value changed; ``showing`` says whether its reason is on screen now."""
        typing = any(k == key and isinstance(w, QWidget) and w.hasFocus() for w, k in self._keys.items())
        if not typing:
            self.touched.add(key)
        elif not showing:
            self.touched.discard(key)  # a fresh attempt: judged when the user leaves the field

    def shows(self, key: str) -> bool:
        return self.show_all or key in self.touched or key not in self._keys.values()


@dataclass
class FieldSpec:
    key: str  # the validator's raw key (a canonical CSV column)
    label: str
    kind: str = "line"  # line | date | text | combo | check | multi | completer
    choices: Sequence[tuple[str, str]] = ()  # (stored text, shown label) for combo / multi
    completions: Callable[[], list[str]] | None = None
    placeholder: str = ""
    read_only: bool = False
    tooltip: str = ""
    widgets: list[QWidget] = field(default_factory=list)


class RecordForm(QWidget):
    save_requested = Signal(object)
    """Emitted with the validated data object when the user saves."""
    changed = Signal()
    discarded = Signal()
    """Emitted after the user chose to throw typed changes away (Escape, then «Forkast»)."""

    def __init__(self, specs: Sequence[FieldSpec], validator: Validator, parent: QWidget | None = None, *,
                 one_place: bool = False) -> None:
        """``one_place``: the reasons show together in one box of fixed height under the fields (each
        named by its field), not under each field, so a form whose one choice gives several fields
        reasons at once (a run's status) never moves a field while the user aims at it."""
        super().__init__(parent)
        self.specs = list(specs)
        self.one_place = one_place
        self.validator = validator
        self.data: Any = None
        self.problems: list[Any] = []
        self._loaded: dict[str, str] = {}
        self._loading = False
        self.timing = ProblemTiming(self)
        self.timing.left.connect(lambda _key: self.validate())
        self.problem_labels: dict[str, QLabel] = {}
        self.editors: dict[str, QWidget] = {}

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for spec in self.specs:
            editor = self._make_editor(spec, lambda *_a, key=spec.key: self._on_edit(key))
            editor.setObjectName(f"field_{spec.key}")
            if spec.tooltip:
                editor.setToolTip(spec.tooltip)
            problem = QLabel()
            problem.setObjectName(f"problem_{spec.key}")
            problem.setWordWrap(True)
            # as wide as the field column, also beside a box or a list that is narrower itself
            problem.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            problem.setVisible(False)
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(editor)
            column.addWidget(problem)
            self.form.addRow(spec.label, column)
            if spec.kind in TYPED_KINDS:
                self.timing.watch(editor, spec.key)
            self.editors[spec.key] = editor
            self.problem_labels[spec.key] = problem

        self.save_button = QPushButton(self.tr("Lagre"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Forkast endringer"))
        self.revert_button.setObjectName("revertButton")
        self.revert_button.setEnabled(False)
        self.revert_button.clicked.connect(self.revert)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.revert_button)
        self.buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        self.summary = QLabel()
        self.summary.setObjectName("formProblems")
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        if one_place:
            box = QScrollArea()  # the space is kept, empty or full; more reasons than it holds scroll
            box.setObjectName("formProblemsBox")
            box.setFrameShape(QFrame.Shape.NoFrame)
            box.setWidgetResizable(True)
            box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            box.setWidget(self.summary)
            box.setFixedHeight(SUMMARY_LINES * self.summary.fontMetrics().lineSpacing() + 6)
            layout.addWidget(box)
        layout.addLayout(self.buttons)
        layout.addStretch(1)
        self._loaded = self.raw()

    # ------------------------------------------------------------ editors

    def _make_editor(self, spec: FieldSpec, edited: Callable[..., None]) -> QWidget:
        if spec.kind == "text":
            editor = QPlainTextEdit()
            editor.setTabChangesFocus(True)
            editor.setMaximumHeight(90)
            editor.textChanged.connect(edited)
            return editor
        if spec.kind == "combo":
            combo = QComboBox()
            for stored, shown in spec.choices:
                combo.addItem(shown, stored)
            combo.currentIndexChanged.connect(edited)
            return combo
        if spec.kind == "check":
            check = QCheckBox()
            check.toggled.connect(edited)
            return check
        if spec.kind == "multi":
            box = QWidget()
            grid = QGridLayout(box)  # two columns, so a narrow panel needs no sideways scrolling
            grid.setContentsMargins(0, 0, 0, 0)
            for number, (stored, shown) in enumerate(spec.choices):
                check = QCheckBox(shown)
                check.setProperty("stored", stored)
                check.setObjectName(f"choice_{stored}")
                check.toggled.connect(edited)
                grid.addWidget(check, number // 2, number % 2)
            grid.setColumnStretch(2, 1)
            return box
        if spec.kind == "date":  # a line edit too: read and written as text, judged by the validator
            date = DateField(optional=True)
            date.setReadOnly(spec.read_only)
            date.textChanged.connect(edited)
            return date
        line = QLineEdit()
        line.setPlaceholderText(spec.placeholder)
        line.setReadOnly(spec.read_only)
        if spec.completions is not None:
            completer = QCompleter(spec.completions(), line)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            line.setCompleter(completer)
        line.textChanged.connect(edited)
        return line

    def _read(self, spec: FieldSpec) -> str:
        editor = self.editors[spec.key]
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if isinstance(editor, QComboBox):
            return str(editor.currentData() or "")
        if isinstance(editor, QCheckBox):
            return "ja" if editor.isChecked() else "nei"
        if isinstance(editor, QLineEdit):
            return editor.text()
        checks = editor.findChildren(QCheckBox)
        return ",".join(str(c.property("stored")) for c in checks if c.isChecked())

    def _write(self, spec: FieldSpec, value: str) -> None:
        editor = self.editors[spec.key]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(value.strip().lower() in {"ja", "1", "true", "x"})
        elif isinstance(editor, QLineEdit):
            editor.setText(value)
            editor.setCursorPosition(0)
        else:
            wanted = {part.strip() for part in value.split(",") if part.strip()}
            for check in editor.findChildren(QCheckBox):
                check.setChecked(str(check.property("stored")) in wanted)

    # ------------------------------------------------------------ state

    def raw(self) -> dict[str, str]:
        return {spec.key: self._read(spec) for spec in self.specs}

    def load(self, values: Mapping[str, str]) -> None:
        """Show a record (or empty values for a new one) without marking the form changed."""
        self._loading = True
        try:
            for spec in self.specs:
                self._write(spec, values.get(spec.key, ""))
        finally:
            self._loading = False
        self._loaded = self.raw()
        self.timing.reset({key for key, value in self._loaded.items() if value.strip() and value != "nei"})
        self.validate()

    def loaded_raw(self) -> dict[str, str]:
        """The raw text as it was when the record was shown (before the user's edits)."""
        return dict(self._loaded)

    def revert(self) -> None:
        self.load(self._loaded)

    def is_dirty(self) -> bool:
        return self.raw() != self._loaded

    def set_field(self, key: str, value: str) -> None:
        spec = next(s for s in self.specs if s.key == key)
        self._write(spec, value)

    def set_completions(self, key: str, names: list[str]) -> None:
        """Replace what the completer of a line field (``FieldSpec.completions``) offers."""
        editor = self.editors[key]
        completer = editor.completer() if isinstance(editor, QLineEdit) else None
        if completer is None:
            raise ValueError(f"the field {key!r} has no completer")
        completer.setModel(QStringListModel(names, completer))

    def set_choices(self, key: str, choices: Sequence[tuple[str, str]]) -> None:
        """Replace what a combo field offers (stored text, shown label); the form is not marked changed."""
        editor = self.editors[key]
        if not isinstance(editor, QComboBox):
            raise ValueError(f"the field {key!r} is not a combo")
        if [(editor.itemData(i), editor.itemText(i)) for i in range(editor.count())] == list(choices):
            return
        was, self._loading = self._loading, True
        try:
            value = self._read(next(s for s in self.specs if s.key == key))
            editor.clear()
            for stored, shown in choices:
                editor.addItem(shown, stored)
            editor.setCurrentIndex(max(editor.findData(value), 0))
        finally:
            self._loading = was

    def _on_edit(self, key: str) -> None:
        if not self._loading:
            self.timing.edited(key, bool(self.problem_labels[key].text()))
            self.validate()
            self.changed.emit()

    def validate(self) -> bool:
        self.data, self.problems = self.validator(self.raw())
        by_field: dict[str, list[Any]] = {}
        for problem in self.problems:
            by_field.setdefault(problem.field, []).append(problem)
        shown: list[tuple[str, Any]] = []
        for spec in self.specs:
            found = by_field.pop(spec.key, [])
            found = found if self.timing.shows(spec.key) else []
            self._show_problems(self.problem_labels[spec.key], found, visible=not self.one_place)
            shown += [(spec.label, p) for p in found]
        leftover = [p for problems in by_field.values() for p in problems]
        if leftover:  # a rule about the whole record: show it under the last field
            last = self.problem_labels[self.specs[-1].key]
            self._show_problems(last, leftover, visible=not self.one_place)
            shown += [("", p) for p in leftover]
        self.summary.setText("<br>".join(
            f'<span style="{WARNING_STYLE if getattr(p, "warning", False) else ERROR_STYLE}">'
            f'{html.escape(f"{label}: {p.message}" if label else p.message)}</span>' for label, p in shown))
        dirty = self.is_dirty()
        self.save_button.setEnabled(self.data is not None and dirty)
        self.revert_button.setEnabled(dirty)
        return self.data is not None

    @staticmethod
    def _show_problems(label: QLabel, problems: list[Any], *, visible: bool = True) -> None:
        if not problems:
            label.clear()
            label.setVisible(False)
            return
        errors = [p for p in problems if not getattr(p, "warning", False)]
        label.setStyleSheet(ERROR_STYLE if errors else WARNING_STYLE)
        label.setText("\n".join(p.message for p in problems))
        label.setVisible(visible)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape asks before typed changes are thrown away; with none, it goes on to the window
        (a dialog closes)."""
        if event.key() != Qt.Key.Key_Escape or not self.is_dirty():
            super().keyPressEvent(event)
            return
        event.accept()
        self.ask_discard()

    def ask_discard(self) -> bool:
        """«Forkaste endringene?»; True (and the form shows the record as it was) when the user says so."""
        from kpdesk.ui import alerts

        if not alerts.question(self, self.tr("Forkaste endringene?"),
                               self.tr("Du har endringer som ikke er lagret. Vil du forkaste dem?"),
                               self.tr("Forkast"), self.tr("Fortsett å redigere")):
            return False
        self.revert()
        self.discarded.emit()
        return True

    def save(self) -> None:
        """Save if valid (the page does the writing); otherwise show every field's reason."""
        self.timing.show_all = True
        if self.validate():
            self.save_requested.emit(self.data)

    def mark_saved(self) -> None:
        self._loaded = self.raw()
        self.validate()
