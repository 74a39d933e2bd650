"""Personer: individuals who want education (name, municipality, how to reach them, an employer if
they have one), with their consent and a reminder when it is missing or old. Their education
wishes are needs on the Behov page; a person's name is shown here and nowhere that is printed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpdesk.common import reference
from kpdesk.common.list_filter import Column
from kpdesk.common.norsk import format_phone, sort_key
from kpdesk.register.consent_text import (
    CONSENT_TEXT,
    CONSENT_VERSION,
    HOW_CHOICES,
    consent_summary,
    contact_permission,
)
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.employers import employer_text, orgnr_in
from kpdesk.ui.pages.list_page import FilterMenu
from kpdesk.ui.pages.record_page import RecordPage
from kpdesk.ui.record_actions import RecordService, register_call
from kpdesk.ui.widgets.forms import WARNING_STYLE, FieldSpec, RecordForm

if TYPE_CHECKING:
    from kpdesk.admin.erasure import ErasureOutcome

NEEDS_LOOK = "look"
CONSENT_OK = "ok"


@dataclass(frozen=True, slots=True)
class ConsentChoice:
    """What the consent dialog gives back: the validated consent, and (without storage) whether the
    person is to be erased entirely."""

    data: Any  # kpdesk.register.validation.ConsentData
    erase_person: bool = False


class ConsentDialog(QDialog):
    """Record what a person agrees to now; the consent text they are shown is on the dialog.

    Without «Lagring» the dialog says what recording it does (``kpdesk.admin.consent``): the person's
    needs are erased for good, and (ticked by default) the person too."""

    def __init__(self, parent: QWidget | None, ref: str, had_storage: bool = False) -> None:
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
        self.without_storage = QLabel(
            self.tr("Uten samtykke til lagring kan senteret ikke beholde ønskene til {ref}: behovene slettes for "
                    "godt, også fra endringsloggen, når du registrerer samtykket.").format(ref=ref) if had_storage
            else self.tr("Uten samtykke til lagring kan ingen behov lagres for {ref}, og personen kan ikke bli "
                         "stående i registeret.").format(ref=ref))
        self.without_storage.setObjectName("withoutStorage")
        self.without_storage.setWordWrap(True)
        self.without_storage.setStyleSheet(WARNING_STYLE)
        self.erase_person = QCheckBox(self.tr("Slett også personen helt"))
        self.erase_person.setObjectName("erasePerson")
        self.erase_person.setChecked(True)
        keep = QLabel(self.tr("Da fjernes også navn, kontaktopplysninger og samtykkene, som med «kpdesk person "
                              "erase». Lar du personen stå, blir samtykkehistorikken liggende som bevis på at "
                              "samtykket er trukket, og personen står på listen over dem som skal slettes etter "
                              "lagringstid."))
        keep.setWordWrap(True)
        keep.setStyleSheet("color: #666;")
        self.storage_box = QWidget()
        box = QVBoxLayout(self.storage_box)
        box.setContentsMargins(0, 0, 0, 0)
        for widget in (self.without_storage, self.erase_person, keep):
            box.addWidget(widget)
        stored = self.form.editors["stored"]
        assert isinstance(stored, QCheckBox)
        stored.toggled.connect(self._show_storage_box)
        form_layout = self.form.layout()
        assert isinstance(form_layout, QVBoxLayout)
        form_layout.insertWidget(1, self.storage_box)  # above «Avbryt» and «Registrer samtykke»
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(version)
        layout.addWidget(self.form)
        self.storage_box.setVisible(not stored.isChecked())
        self.setMinimumWidth(560)
        self.data: Any = None

    def _show_storage_box(self, stored: bool) -> None:
        self.storage_box.setVisible(not stored)
        self.adjustSize()

    def _accept(self, data: Any) -> None:
        self.data = data
        self.accept()

    def choice(self) -> ConsentChoice:
        return ConsentChoice(self.data, not self.data.stored and self.erase_person.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, ref: str, had_storage: bool = False) -> ConsentChoice | None:
        """The validated consent and the choice about the person, or None if cancelled. Tests patch this."""
        dialog = cls(parent, ref, had_storage)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


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
        had_storage = row.consent is not None and row.consent.stored
        choice = ConsentDialog.ask(self, row.ref, had_storage)
        if choice is None or not self._confirmed(row.ref, choice, had_storage):
            return
        from kpdesk.admin.consent import record_consent_everywhere

        context = self.page.context
        erase_person = choice.erase_person

        def done(outcome: ErasureOutcome) -> None:
            said = (self.tr("{ref} er slettet.") if erase_person
                    else self.tr("Samtykket for {ref} er registrert.")).format(ref=row.ref)
            if outcome.report.found:
                from kpdesk.ui.erasure_flow import after_erasure

                after_erasure(context, self, outcome, said)
                return
            context.data_changed.emit("consent")
            context.status_message.emit(said)

        context.with_store(lambda store: record_consent_everywhere(store, row.id, choice.data,
                                                                   erase_person=erase_person),
                           done, lambda exc: alerts.show_exception(self, exc))

    def _confirmed(self, ref: str, choice: ConsentChoice, had_storage: bool) -> bool:
        """A consent without storage erases for good: the coordinator says yes first."""
        if choice.data.stored:
            return True
        if choice.erase_person:
            text = self.tr("Slette {ref} for godt? Navn, kontaktopplysninger, samtykkene og behovene fjernes, også "
                           "fra endringsloggen. Dette kan ikke angres.")
            return alerts.question(self, self.tr("Slett personen"), text.format(ref=ref), self.tr("Slett for godt"))
        if not had_storage:
            return True  # no need can have been stored: nothing is erased
        text = self.tr("Registrere at {ref} har trukket samtykket til lagring? Behovene til personen slettes for "
                       "godt, også fra endringsloggen. Dette kan ikke angres.")
        return alerts.question(self, self.tr("Samtykket er trukket"), text.format(ref=ref),
                               self.tr("Registrer og slett behovene"))


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
            Column("contactable", tr("Kontakt om tilbud"),
                   lambda r: tr("ja") if r.consent is not None and r.consent.contact else tr("nei"), hidden=True),
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
        # beside the e-mail and phone: whether the person said yes to being contacted about offers
        self.contact_consent = QLabel()
        self.contact_consent.setObjectName("contactConsent")
        super().__init__(context, columns, menus, specs, service)
        self.form.form.insertRow([spec.key for spec in specs].index("phone") + 1, "", self.contact_consent)

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
        self.contact_consent.setVisible(row is not None)
        if row is not None:
            self.contact_consent.setText(contact_permission(row.consent))
            self.contact_consent.setStyleSheet("" if row.consent is not None and row.consent.contact
                                               else WARNING_STYLE)
