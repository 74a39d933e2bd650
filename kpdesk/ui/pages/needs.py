"""Behov: every competence need, filterable by municipality, industry, status and level.

A need belongs to an employer, a person (an individual, named by ref: «Privatperson P00003») or a
community (a municipality or a region, with the source of the need and its horizon). The form's
«Gjelder» chooses which; only that owner's fields are shown and read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QComboBox

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
OWNER_FIELDS = {"employer": ("employer",), "person": ("person",), "community": ("community", "source", "horizon")}
_STATUS_RANK = {key: number for number, key in enumerate(NEED_STATUSES.keys())}


def code_choices(codes: Any) -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in codes]


class NeedsPage(RecordPage):
    centre_filter = True

    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        self.title = tr("Behov")
        self.noun_plural = tr("behov")
        self.new_text = tr("Nytt behov")
        self.new_tooltip = tr("Registrer et nytt kompetansebehov (Ctrl+N)")
        self._employers: dict[str, Any] = {}
        self._persons: dict[str, str] = {}  # ref (upper case) -> "P00001 Navn" as the field shows it
        columns: list[Column[Any]] = [
            Column("ref", tr("Ref."), lambda r: r.ref, sort_value=lambda r: ref_sort_key(r.ref)),
            Column("title", tr("Behov"), lambda r: r.title, stretch=True),
            Column("employer", tr("Gjelder"), lambda r: r.employer_name, max_chars=26),
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
            Column("centre", tr("Senter"), lambda r: r.centre, max_chars=16, hidden=True),
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
            FieldSpec("owner_kind", tr("Gjelder"), kind="combo",
                      choices=[("employer", tr("en arbeidsgiver")), ("person", tr("en person")),
                               ("community", tr("et lokalsamfunn"))]),
            FieldSpec("employer", tr("Arbeidsgiver"), completions=lambda: [],
                      placeholder=tr("navn eller organisasjonsnummer")),
            FieldSpec("person", tr("Person"), completions=lambda: [],
                      placeholder=tr("referanse (P00001) eller navn"),
                      tooltip=tr("Personen må ha samtykket til lagring (Personer › Registrer samtykke)")),
            FieldSpec("community", tr("Lokalsamfunn"),
                      completions=lambda: [m.label for m in reference.municipalities()],
                      placeholder=tr("kommune eller region"),
                      tooltip=tr("En kommune (navn eller nummer) eller en region, for eksempel Rødøy eller "
                                 "Helgeland")),
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
            FieldSpec("source", tr("Kilde"), placeholder=tr("f.eks. kompetansekartlegging"),
                      tooltip=tr("Hvor behovet kommer fra: en strategiplan, en kompetansekartlegging 2026 …")),
            FieldSpec("horizon", tr("Innen år"), placeholder="2030"),
        ]
        save_need = register_call("save_need")
        service = RecordService("need", save=lambda s, payload, rid: save_need(
            s, payload[0], rid, centre_id=payload[1] if rid is None else None),
            delete=register_call("delete_need"), restore=register_call("restore_need"), table="need")
        super().__init__(context, columns, menus, specs, service)
        combo = self.form.editors["owner_kind"]
        if isinstance(combo, QComboBox):
            combo.currentIndexChanged.connect(lambda *_a: self._show_owner_fields())
        self._show_owner_fields()

    # ------------------------------------------------------------ list

    def entity_kinds(self) -> set[str]:
        return {"need", "employer", "person", "consent"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.register.service import list_needs

        return list_needs(session, centre_id=self.centre_id)

    def fetch_extra(self, session: Any, rows: list[Any]) -> Any:
        from kpdesk.register.service import list_employers, list_persons

        employers = list_employers(session)
        names = sorted((employer_text(e.name, e.org_number) for e in employers), key=sort_key)
        persons = {p.ref.upper(): f"{p.ref} {p.name}" for p in list_persons(session)}
        return {e.org_number: e for e in employers}, names, persons

    def use_extra(self, extra: Any) -> None:
        self._employers, names, self._persons = extra
        self.form.set_completions("employer", names)
        self.form.set_completions("person", sorted(self._persons.values(), key=sort_key))

    def _person_ref(self, typed: str) -> str:
        """The ref in «P00001 Kari Nordmann» (as the completer writes it), or of the one person whose
        name was typed; otherwise the text's first word, for the validator to judge."""
        typed = typed.strip()
        first = typed.split(" ")[0]
        if first.upper() in self._persons:
            return first
        named = [ref for ref, text in self._persons.items() if text.partition(" ")[2].casefold() == typed.casefold()]
        return named[0] if len(named) == 1 else first

    def _show_owner_fields(self) -> None:
        """Only the chosen owner's fields (their text stays, unread, if the user switches back)."""
        combo = self.form.editors["owner_kind"]
        kind = str(combo.currentData() or "employer") if isinstance(combo, QComboBox) else "employer"
        for owner, keys in OWNER_FIELDS.items():
            for key in keys:
                self.form.form.setRowVisible(self._row_of(key), owner == kind)
                label = self.form.problem_labels[key]
                label.setVisible(owner == kind and bool(label.text()))  # the row shows all its widgets

    def _row_of(self, key: str) -> int:
        return [spec.key for spec in self.form.specs].index(key)

    # ------------------------------------------------------------ form

    def validate_raw(self, raw: Mapping[str, str]) -> tuple[Any, list[Any]]:
        from kpdesk.common.fields import Problem
        from kpdesk.register.validation import validate_need

        values = dict(raw)
        kind = values.pop("owner_kind", "") or "employer"
        for owner, keys in OWNER_FIELDS.items():
            if owner != kind:
                values.update(dict.fromkeys(keys, ""))  # another owner's fields: not this need's
        values["employer"] = orgnr_in(values.get("employer", ""))
        values["person"] = self._person_ref(values.get("person", ""))
        community = values.get("community", "").strip()
        values["community"] = community.split(" ")[0] if community[:4].isdigit() else community
        data, problems = validate_need(values)
        employer, person = values["employer"].strip(), values["person"].upper()
        if employer and not any(p.field == "employer" for p in problems) and employer not in self._employers:
            problems.append(Problem("employer", self.tr("Fant ingen arbeidsgiver med dette organisasjonsnummeret")))
            data = None
        if person and not any(p.field == "person" for p in problems) and person not in self._persons:
            problems.append(Problem("person", self.tr("Fant ingen person med referansen «{ref}»").format(
                ref=values["person"])))
            data = None
        return data, problems

    def raw_of(self, row: Any) -> dict[str, str]:
        community = reference.municipality(row.community) if row.community else None
        return {
            "ref": row.ref,
            "owner_kind": row.owner_kind,
            "employer": employer_text(row.employer_name, row.org_number) if row.owner_kind == "employer" else "",
            "person": self._persons.get((row.person_ref or "").upper(), row.person_ref or ""),
            "community": community.label if community else (row.community or ""),
            "source": row.source,
            "horizon": str(row.horizon or ""),
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

    def payload(self, data: Any, raw: Mapping[str, str]) -> Any:
        """The need and the centre a new one goes to: an employer's need goes to the employer's centre
        (the register's rule), others to the centre shown or the coordinator's own."""
        return data, (None if data.owner_kind == "employer" else self.centre_for_new())

    def defaults(self) -> dict[str, str]:
        return {"owner_kind": "employer", "headcount": "1", "level": "open", "priority": "medium", "status": "new"}

    def record_title(self, row: Any) -> str:
        return f"{row.ref}: {row.title}"

    def on_record_shown(self, row: Any) -> None:
        self._show_owner_fields()

    def delete_question(self, row: Any) -> str:
        return self.tr("Slette behovet «{title}» ({ref})? Du kan angre med Ctrl+Z.").format(
            title=row.title, ref=row.ref)
