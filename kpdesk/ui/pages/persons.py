"""Personer: individuals who want education (name, municipality, how to reach them, an employer if
they have one), with their consent and a reminder when it is missing or old. Their education
wishes are needs on the Behov page; a person's name is shown here and nowhere that is printed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kpdesk.common import reference
from kpdesk.common.list_filter import Column
from kpdesk.common.norsk import format_phone, sort_key
from kpdesk.register.consent_text import (
    CONSENT_TEXT,
    CONSENT_VERSION,
    HOW_CHOICES,
    consent_summary,
)
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.employers import employer_text, orgnr_in
from kpdesk.ui.pages.list_page import FilterMenu
from kpdesk.ui.pages.record_page import RecordPage
from kpdesk.ui.record_actions import RecordService, register_call
from kpdesk.ui.widgets.forms import WARNING_STYLE, FieldSpec, RecordForm

NEEDS_LOOK = "look"
CONSENT_OK = "ok"


class ConsentDialog(QDialog):
    """Record what a person agrees to now; the consent text they are shown is on the dialog."""

    def __init__(self, parent: QWidget | None, ref: str) -> None:
        super().__init__(parent)
        from kpdesk.register.validation import validate_consent

        self.setWindowTitle(self.tr("Samtykke for {ref}").format(ref=ref))
        text = QLabel(CONSENT_TEXT)
        text.setObjectName("consentText")
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setStyleSheet("background: white; border: 1px solid #bbb; padding: 8px;")
        version = QLabel(self.tr("Samtykketekst versjon {version}").format(version=CONSENT_VERSION))
        version.setStyleSheet("color: #666;")
        self.form = RecordForm([
            FieldSpec("stored", self.tr("Lagring av opplysninger og ønsker"), kind="check"),
            FieldSpec("contact", self.tr("Kontakt om tilbud"), kind="check"),
            FieldSpec("statistics", self.tr("Telles med i anonym statistikk"), kind="check"),
            FieldSpec("given_on", self.tr("Gitt"), kind="date"),
            FieldSpec("how", self.tr("Hvordan"), kind="combo", choices=[(h, h) for h in HOW_CHOICES]),
        ], lambda raw: validate_consent({**raw, "text_version": CONSENT_VERSION}), self)
        self.form.save_button.setText(self.tr("Registrer samtykke"))
        self.form.load({})
        # nothing ticked for the person: the coordinator ticks what they say yes to; the day and the way
        # are proposed (and make «Registrer samtykke» available: a «no to everything» is a record too)
        for key, value in (("given_on", dt.date.today().strftime("%d.%m.%Y")), ("how", "skjema")):
            self.form.set_field(key, value)
        self.form.save_requested.connect(self._accept)
        self.form.discarded.connect(self.reject)
        cancel = QPushButton(self.tr("Avbryt"))
        cancel.clicked.connect(self.reject)
        self.form.buttons.insertWidget(1, cancel)
        self.form.revert_button.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(version)
        layout.addWidget(self.form)
        self.setMinimumWidth(560)
        self.data: Any = None

    def _accept(self, data: Any) -> None:
        self.data = data
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, ref: str) -> Any:
        """The validated consent data, or None if cancelled. Tests patch this."""
        dialog = cls(parent, ref)
        return dialog.data if dialog.exec() == QDialog.DialogCode.Accepted else None


class ConsentPanel(QGroupBox):
    """The consent in force for the person shown, its reminder, and «Registrer samtykke …»."""

    def __init__(self, page: PersonsPage) -> None:
        super().__init__(page.tr("Samtykke"))
        self.page = page
        self.row: Any = None  # a kpdesk.register.person_list.PersonListRow
        self.summary = QLabel()
        self.summary.setObjectName("consentSummary")
        self.summary.setWordWrap(True)
        self.reminder = QLabel()
        self.reminder.setObjectName("consentReminder")
        self.reminder.setWordWrap(True)
        self.reminder.setStyleSheet(WARNING_STYLE)
        self.record_button = QPushButton(page.tr("Registrer samtykke …"))
        self.record_button.setObjectName("recordConsent")
        self.record_button.clicked.connect(self.record)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.reminder)
        layout.addLayout(buttons)
        self.show_row(None)

    def show_row(self, row: Any) -> None:
        self.row = row
        self.setEnabled(row is not None)
        self.summary.setText(consent_summary(row.consent) if row is not None else "")
        self.reminder.setText(row.reminder if row is not None else "")
        self.reminder.setVisible(bool(row is not None and row.reminder))

    def record(self) -> None:
        row = self.row
        if row is None:
            return
        data = ConsentDialog.ask(self, row.ref)
        if data is None:
            return
        from kpdesk.register.service import record_consent

        def done(_consent_id: int) -> None:
            self.page.context.data_changed.emit("consent")
            self.page.context.status_message.emit(self.tr("Samtykket for {ref} er registrert.").format(ref=row.ref))

        self.page.context.with_store(lambda store: store.transaction(lambda s: record_consent(s, row.id, data)),
                                     done, lambda exc: alerts.show_exception(self, exc))


class PersonsPage(RecordPage):
    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        self.title = tr("Personer")
        self.noun_plural = tr("personer")
        self.noun_singular = tr("person")
        self.new_text = tr("Ny person")
        self.new_tooltip = tr("Registrer en privatperson som ønsker utdanning (Ctrl+N)")
        self._orgs: dict[str, int] = {}
        self.consent = ConsentPanel(self)
        columns: list[Column[Any]] = [
            Column("ref", tr("Ref."), lambda r: r.ref),
            Column("name", tr("Navn"), lambda r: r.name, stretch=True),
            Column("municipality", tr("Kommune"), lambda r: r.municipality_name, max_chars=16),
            Column("employer", tr("Arbeidsgiver"), lambda r: r.employer_name, max_chars=22),
            Column("consent", tr("Samtykke"), lambda r: consent_summary(r.consent) if not r.reminder
                   else tr("må sees på"), max_chars=28),
            Column("email", tr("E-post"), lambda r: r.email, hidden=True, elide_middle=True),
            Column("phone", tr("Telefon"), lambda r: format_phone(r.phone), hidden=True),
        ]
        menus = [
            FilterMenu("municipality", tr("Alle kommuner"), lambda r: r.municipality, reference.municipality_label),
            FilterMenu("consent", tr("Alle samtykker"), lambda r: NEEDS_LOOK if r.reminder else CONSENT_OK,
                       lambda v: tr("Samtykke må sees på") if v == NEEDS_LOOK else tr("Samtykke i orden"),
                       fixed_values=(NEEDS_LOOK, CONSENT_OK)),
        ]
        specs = [
            FieldSpec("ref", tr("Referanse"), placeholder=tr("tildeles når personen lagres")),
            FieldSpec("name", tr("Navn")),
            FieldSpec("municipality", tr("Kommune"), completions=lambda: [m.label for m in reference.municipalities()],
                      placeholder=tr("nummer eller navn")),
            FieldSpec("email", tr("E-post")),
            FieldSpec("phone", tr("Telefon"), placeholder="900 00 000"),
            FieldSpec("employer", tr("Arbeidsgiver"), completions=lambda: [],
                      placeholder=tr("hvis personen er ansatt: navn eller org.nr.")),
        ]
        service = RecordService("person", save=register_call("save_person"),
                                delete=register_call("delete_person"), restore=register_call("restore_person"))
        super().__init__(context, columns, menus, specs, service)

    # ------------------------------------------------------------ list

    def entity_kinds(self) -> set[str]:
        return {"person", "consent", "employer", "need"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.register.person_list import list_person_rows

        return list_person_rows(session, dt.date.today())

    def fetch_extra(self, session: Any, rows: list[Any]) -> Any:
        from kpdesk.register.service import list_employers

        employers = list_employers(session)
        return ({e.org_number: e.id for e in employers},
                sorted((employer_text(e.name, e.org_number) for e in employers), key=sort_key))

    def use_extra(self, extra: Any) -> None:
        self._orgs, names = extra
        self.form.set_completions("employer", names)

    def status_text(self) -> str:
        text = super().status_text()
        look = sum(1 for r in self.model.visible_rows() if r.reminder)
        return text + (self.tr(" · {n} med samtykke som må sees på").format(n=look) if look else "")

    # ------------------------------------------------------------ form

    def extra_detail_widgets(self) -> list[QWidget]:
        return [self.consent]

    @staticmethod
    def _plain(raw: Mapping[str, str]) -> dict[str, str]:
        values = dict(raw)
        values["employer"] = orgnr_in(values.get("employer", ""))
        return values

    def validate_raw(self, raw: Mapping[str, str]) -> tuple[Any, list[Any]]:
        from kpdesk.common.fields import Problem
        from kpdesk.register.validation import validate_person

        values = self._plain(raw)
        data, problems = validate_person(values)
        employer = values["employer"]
        if employer and not any(p.field == "employer" for p in problems) and employer not in self._orgs:
            problems.append(Problem("employer", self.tr("Fant ingen arbeidsgiver med dette organisasjonsnummeret")))
            data = None
        return data, problems

    def raw_of(self, row: Any) -> dict[str, str]:
        municipality = reference.municipality(row.municipality)
        return {
            "ref": row.ref,
            "name": row.name,
            "municipality": municipality.label if municipality else (row.municipality or ""),
            "email": row.email,
            "phone": format_phone(row.phone),
            "employer": employer_text(row.employer_name, row.employer_org) if row.employer_org else "",
        }

    def record_title(self, row: Any) -> str:
        return f"{row.ref}: {row.name}"

    def delete_question(self, row: Any) -> str:
        return self.tr("Slette {ref} «{name}» med behov og samtykker?\nDu kan angre med Ctrl+Z.\n\nSkal alt om "
                       "personen bort for godt, også i endringsloggen og sikkerhetskopiene, bruker du i stedet "
                       "«kpdesk person erase --ref {ref}».").format(ref=row.ref, name=row.name)

    def on_record_shown(self, row: Any) -> None:
        self.consent.show_row(row)
