"""Arbeidsgivere: the employer list, its detail form and the employer's contact persons."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from kpdesk.common import reference
from kpdesk.common.list_filter import Column, count_column
from kpdesk.common.norsk import format_org_number, plural, sort_key
from kpdesk.ui.centres import remembered_own_name
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.contacts import ContactsPanel
from kpdesk.ui.pages.list_page import FilterMenu
from kpdesk.ui.pages.record_page import RecordPage
from kpdesk.ui.record_actions import RecordService, register_call
from kpdesk.ui.widgets.forms import FieldSpec

ORGNR_IN_TEXT = re.compile(r"(\d{3}\s?\d{3}\s?\d{3})")


def industry_section(row: Any) -> str | None:
    section = reference.industry_section(row.industry)
    return section.code if section else None


def industry_section_label(code: str) -> str:
    found = reference.industry_for_code(code)
    return f"{code} {found.name}" if found else code


def employer_text(name: str, org_number: str) -> str:
    """How an employer appears in completions: "Navn (988 077 917)"."""
    return f"{name} ({format_org_number(org_number)})"


def orgnr_in(text: str) -> str:
    """The organisation number in a completion text, or the text as typed."""
    found = ORGNR_IN_TEXT.search(text)
    return "".join(found.group(1).split()) if found else text


class EmployersPage(RecordPage):
    centre_filter = True

    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        self.title = tr("Arbeidsgivere")
        self.noun_plural = tr("arbeidsgivere")
        self.noun_singular = tr("arbeidsgiver")
        self.new_text = tr("Ny arbeidsgiver")
        self.new_tooltip = tr("Registrer en ny arbeidsgiver (Ctrl+N)")
        self._rows_by_orgnr: dict[str, Any] = {}
        self.contacts = ContactsPanel(context)
        columns: list[Column[Any]] = [
            Column("org_number", tr("Org.nr."), lambda r: format_org_number(r.org_number)),
            Column("name", tr("Navn"), lambda r: r.name, stretch=True),
            Column("municipality", tr("Kommune"), lambda r: r.municipality_name, max_chars=16),
            Column("industry", tr("Næring"), lambda r: reference.industry_label(r.industry), max_chars=26),
            count_column("open_needs", tr("Åpne behov"), lambda r: r.open_needs),
            count_column("contacts", tr("Kontakter"), lambda r: r.contacts, hidden=True),  # the form lists them
            Column("centre", tr("Senter"), lambda r: r.centre, max_chars=16, hidden=True),
        ]
        menus = [
            FilterMenu("municipality", tr("Alle kommuner"), lambda r: r.municipality, reference.municipality_label),
            FilterMenu("industry", tr("Alle næringer"), industry_section, industry_section_label),
        ]
        specs = [
            FieldSpec("org_number", tr("Organisasjonsnummer"), placeholder="988 077 917"),
            FieldSpec("name", tr("Navn")),
            FieldSpec("parent_org_number", tr("Overordnet enhet"), completions=lambda: [],
                      placeholder=tr("for underenheter: navn eller org.nr.")),
            FieldSpec("municipality", tr("Kommune"), completions=lambda: [m.label for m in reference.municipalities()],
                      placeholder=tr("nummer eller navn")),
            FieldSpec("industry", tr("Næring (SN2007)"),
                      completions=lambda: [f"{i.code} {i.name}" for i in reference.industries()],
                      placeholder=tr("for eksempel 87.101")),
            FieldSpec("may_be_named", tr("Kan navngis i utskrifter"), kind="check",
                      tooltip=tr("Arbeidsgiveren har sagt ja til å bli nevnt ved navn i møteutskrifter")),
            FieldSpec("notes", tr("Notater"), kind="text"),
        ]
        save_employer = register_call("save_employer")
        service = RecordService(
            "employer",
            save=lambda s, payload, rid: save_employer(s, payload[0], rid, payload[1],
                                                       centre_id=payload[2] if rid is None else None),
            delete=register_call("delete_employer"),
            restore=register_call("restore_employer"),
            table="employer",
        )
        super().__init__(context, columns, menus, specs, service)

    # ------------------------------------------------------------ list

    def entity_kinds(self) -> set[str]:
        return {"employer", "need", "contact"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.register.service import list_employers

        return list_employers(session, self.centre_id)

    def early_fetch(self, db_path: Path) -> list[Any] | None:
        from kpdesk.register.employer_list import read_early

        own = remembered_own_name()
        rows = read_early(db_path, own)
        return None if own and not rows else rows  # a centre gone since: the store's read says which

    def fetch_extra(self, session: Any, rows: list[Any]) -> Any:
        if session is not None and self.centre_id is not None:  # a parent may be at another centre
            from kpdesk.register.service import list_employers

            rows = list_employers(session)
        by_orgnr = {r.org_number: r for r in rows}
        return by_orgnr, sorted((employer_text(r.name, r.org_number) for r in rows), key=sort_key)

    def use_extra(self, extra: Any) -> None:
        self._rows_by_orgnr, names = extra
        self.form.set_completions("parent_org_number", names)

    # ------------------------------------------------------------ form

    def extra_detail_widgets(self) -> list[QWidget]:
        return [self.contacts]

    @staticmethod
    def _plain(raw: Mapping[str, str]) -> dict[str, str]:
        """Completion texts ("1824 Vefsn", "87.101 Pleie…", "Navn (988 077 917)") to plain values."""
        values = dict(raw)
        values["parent_org_number"] = orgnr_in(values.get("parent_org_number", ""))
        industry = values.get("industry", "").strip()
        values["industry"] = industry.split()[0] if industry else ""
        return values

    def validate_raw(self, raw: Mapping[str, str]) -> tuple[Any, list[Any]]:
        from kpdesk.common.fields import Problem
        from kpdesk.register.validation import validate_employer

        values = self._plain(raw)
        data, problems = validate_employer(values)
        parent = values["parent_org_number"]
        if parent and not any(p.field == "parent_org_number" for p in problems) and parent not in self._rows_by_orgnr:
            problems.append(Problem("parent_org_number",
                                    self.tr("Fant ingen arbeidsgiver med dette organisasjonsnummeret")))
            data = None
        return data, problems

    def payload(self, data: Any, raw: Mapping[str, str]) -> Any:
        parent = self._rows_by_orgnr.get(self._plain(raw)["parent_org_number"])
        return data, (parent.id if parent else None), self.centre_for_new()

    def raw_of(self, row: Any) -> dict[str, str]:
        parent = next((r for r in self._rows_by_orgnr.values() if r.id == row.parent_id), None)
        municipality = reference.municipality(row.municipality)
        return {
            "org_number": format_org_number(row.org_number),
            "name": row.name,
            "parent_org_number": employer_text(parent.name, parent.org_number) if parent else "",
            "municipality": municipality.label if municipality else (row.municipality or ""),
            "industry": reference.industry_label(row.industry),
            "may_be_named": "ja" if row.may_be_named else "nei",
            "notes": row.notes,
        }

    def delete_question(self, row: Any) -> str:
        contacts = plural(row.contacts, self.tr("kontaktperson"), self.tr("kontaktpersoner"))
        return self.tr("Slette «{name}» med {needs} behov og {contacts}?\n"
                       "Du kan angre med Ctrl+Z.").format(name=row.name, needs=row.needs, contacts=contacts)

    def on_record_shown(self, row: Any) -> None:
        self.contacts.show_employer(row.id if row is not None else None)
