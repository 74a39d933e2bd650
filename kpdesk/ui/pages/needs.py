"""Behov: every competence need, filterable by municipality, industry, status and level."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kpdesk.common import reference
from kpdesk.common.codes import FORMATS, LEVELS, NEED_STATUSES, PRIORITIES
from kpdesk.common.list_filter import Column, count_column
from kpdesk.common.norsk import format_date, ref_sort_key, sort_key
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.employers import employer_text, industry_section, industry_section_label, orgnr_in
from kpdesk.ui.pages.list_page import FilterMenu
from kpdesk.ui.pages.record_page import RecordPage
from kpdesk.ui.record_actions import RecordService, register_call
from kpdesk.ui.widgets.forms import FieldSpec

_PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}
_STATUS_RANK = {key: number for number, key in enumerate(NEED_STATUSES.keys())}


def code_choices(codes: Any) -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in codes]


class NeedsPage(RecordPage):
    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        self.title = tr("Behov")
        self.noun_plural = tr("behov")
        self.new_text = tr("Nytt behov")
        self.new_tooltip = tr("Registrer et nytt kompetansebehov (Ctrl+N)")
        self._employers: dict[str, Any] = {}
        columns: list[Column[Any]] = [
            Column("ref", tr("Ref."), lambda r: r.ref, sort_value=lambda r: ref_sort_key(r.ref)),
            Column("title", tr("Behov"), lambda r: r.title, stretch=True),
            Column("employer", tr("Arbeidsgiver"), lambda r: r.employer_name, max_chars=26),
            Column("municipality", tr("Kommune"), lambda r: r.municipality_name, max_chars=14),
            count_column("headcount", tr("Antall"), lambda r: r.headcount),
            Column("level", tr("Nivå"), lambda r: LEVELS.label(r.level), hidden=True),
            Column("status", tr("Status"), lambda r: NEED_STATUSES.label(r.status),
                   sort_value=lambda r: _STATUS_RANK.get(r.status, 99)),
            Column("priority", tr("Prioritet"), lambda r: PRIORITIES.label(r.priority),
                   sort_value=lambda r: _PRIORITY_RANK.get(r.priority, 9), hidden=True),
            Column("earliest_start", tr("Start tidligst"), lambda r: format_date(r.earliest_start),
                   sort_value=lambda r: r.earliest_start, searchable=False, hidden=True),
            Column("latest_start", tr("Start senest"), lambda r: format_date(r.latest_start),
                   sort_value=lambda r: r.latest_start, searchable=False, hidden=True),
        ]
        menus = [
            FilterMenu("municipality", tr("Alle kommuner"), lambda r: r.municipality, reference.municipality_label),
            FilterMenu("industry", tr("Alle næringer"), industry_section, industry_section_label),
            FilterMenu("status", tr("Alle statuser"), lambda r: r.status, NEED_STATUSES.label,
                       fixed_values=NEED_STATUSES.keys()),
            FilterMenu("level", tr("Alle nivåer"), lambda r: r.level, LEVELS.label, fixed_values=LEVELS.keys()),
        ]
        specs = [
            FieldSpec("ref", tr("Referanse"), placeholder=tr("lages automatisk hvis tom")),
            FieldSpec("employer", tr("Arbeidsgiver"), completions=lambda: [],
                      placeholder=tr("navn eller organisasjonsnummer")),
            FieldSpec("title", tr("Tittel")),
            FieldSpec("description", tr("Beskrivelse"), kind="text"),
            FieldSpec("headcount", tr("Antall personer"), placeholder="1"),
            FieldSpec("level", tr("Ønsket nivå"), kind="combo", choices=code_choices(LEVELS)),
            FieldSpec("formats", tr("Aktuelle formater"), kind="multi", choices=code_choices(FORMATS),
                      tooltip=tr("Ingen valgt betyr at alle formater passer")),
            FieldSpec("earliest_start", tr("Start tidligst"), kind="date"),
            FieldSpec("latest_start", tr("Start senest"), kind="date"),
            FieldSpec("priority", tr("Prioritet"), kind="combo", choices=code_choices(PRIORITIES)),
            FieldSpec("status", tr("Status"), kind="combo", choices=code_choices(NEED_STATUSES)),
            FieldSpec("funding_note", tr("Finansiering"), kind="text"),
        ]
        service = RecordService("need", save=register_call("save_need"), delete=register_call("delete_need"),
                                restore=register_call("restore_need"))
        super().__init__(context, columns, menus, specs, service)

    # ------------------------------------------------------------ list

    def entity_kinds(self) -> set[str]:
        return {"need", "employer"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.register.service import list_needs

        return list_needs(session)

    def fetch_extra(self, session: Any, rows: list[Any]) -> Any:
        from kpdesk.register.service import list_employers

        employers = list_employers(session)
        names = sorted((employer_text(e.name, e.org_number) for e in employers), key=sort_key)
        return {e.org_number: e for e in employers}, names

    def use_extra(self, extra: Any) -> None:
        self._employers, names = extra
        self.form.set_completions("employer", names)

    # ------------------------------------------------------------ form

    def validate_raw(self, raw: Mapping[str, str]) -> tuple[Any, list[Any]]:
        from kpdesk.common.fields import Problem
        from kpdesk.register.validation import validate_need

        values = dict(raw)
        values["employer"] = orgnr_in(values.get("employer", ""))
        data, problems = validate_need(values)
        employer = values["employer"].strip()
        if employer and not any(p.field == "employer" for p in problems) and employer not in self._employers:
            problems.append(Problem("employer", self.tr("Fant ingen arbeidsgiver med dette organisasjonsnummeret")))
            data = None
        return data, problems

    def raw_of(self, row: Any) -> dict[str, str]:
        return {
            "ref": row.ref,
            "employer": employer_text(row.employer_name, row.org_number),
            "title": row.title,
            "description": row.description,
            "headcount": str(row.headcount),
            "level": row.level,
            "formats": ",".join(row.formats),
            "earliest_start": format_date(row.earliest_start),
            "latest_start": format_date(row.latest_start),
            "priority": row.priority,
            "status": row.status,
            "funding_note": row.funding_note,
        }

    def defaults(self) -> dict[str, str]:
        return {"headcount": "1", "level": "open", "priority": "medium", "status": "new"}

    def record_title(self, row: Any) -> str:
        return f"{row.ref}: {row.title}"

    def delete_question(self, row: Any) -> str:
        return self.tr("Slette behovet «{title}» ({ref})? Du kan angre med Ctrl+Z.").format(
            title=row.title, ref=row.ref)
