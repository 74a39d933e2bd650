"""Personer: individuals who want education (name, municipality, how to reach them, an employer if
they have one), with their consent and a reminder when it is missing or old, their needs, and their
rights (export, erasure): ``person_detail``. Their education wishes are registered on the Behov
page; a person's name is shown here and nowhere that is printed, so this page is where someone's
needs are found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from kpdesk.common import reference
from kpdesk.common.list_filter import Column
from kpdesk.common.norsk import format_phone, sort_key
from kpdesk.register.consent_text import consent_summary, contact_permission
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.employers import employer_text, orgnr_in
from kpdesk.ui.pages.list_page import FilterMenu, ListPage
from kpdesk.ui.pages.person_detail import ConsentPanel, PersonNeedsPanel
from kpdesk.ui.pages.record_page import RecordPage
from kpdesk.ui.record_actions import RecordService, register_call
from kpdesk.ui.widgets.forms import WARNING_STYLE, FieldSpec

NEEDS_LOOK = "look"
CONSENT_OK = "ok"


class PersonsPage(RecordPage):
    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        self.title = tr("Personer")
        self.noun_plural = tr("personer")
        self.noun_singular = tr("person")
        self.new_text = tr("Ny person")
        self.new_tooltip = tr("Registrer en privatperson som ønsker utdanning (Ctrl+N)")
        self._orgs: dict[str, int] = {}
        self.consent = ConsentPanel(context)
        self.needs = PersonNeedsPanel(context)
        self.needs.open_need.connect(self.show_need)
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
                                delete=register_call("delete_person"), restore=register_call("restore_person"),
                                table="person")
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
        return [self.consent, self.needs]

    def show_need(self, need_id: int) -> None:
        """The need on the Behov page (its filters cleared if they hide it)."""
        host = self.host()
        if host is None:
            return
        host.show_section("NeedsPage")
        page = host.current_page()
        if isinstance(page, ListPage):
            page.show_record(need_id)

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
                       "«Slett personopplysninger …».").format(ref=row.ref, name=row.name)

    def on_record_shown(self, row: Any) -> None:
        self.consent.show_row(row)
        self.needs.show_person(row.id if row is not None else None)
        self.contact_consent.setVisible(row is not None)
        if row is not None:
            self.contact_consent.setText(contact_permission(row.consent))
            self.contact_consent.setStyleSheet("" if row.consent is not None and row.consent.contact
                                               else WARNING_STYLE)
