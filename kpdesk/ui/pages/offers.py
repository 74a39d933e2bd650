"""Kurstilbud: the course offers with their session dates (samlinger), and the providers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from kpdesk.common import reference
from kpdesk.common.codes import CREDIT_SYSTEMS, FORMATS, LEVELS, PROVIDER_KINDS
from kpdesk.common.list_filter import Column, count_column
from kpdesk.common.norsk import format_date, format_decimal, format_money, plural, ref_sort_key, sort_key
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.list_page import FilterMenu
from kpdesk.ui.pages.needs import code_choices
from kpdesk.ui.pages.record_page import RecordPage
from kpdesk.ui.record_actions import RecordService
from kpdesk.ui.widgets.forms import FieldSpec
from kpdesk.ui.widgets.table_model import RowTableModel
from kpdesk.ui.widgets.table_view import row_table_view


def offers_call(name: str) -> Any:
    """``kpdesk.offers.service.<name>``, imported on first call (after the window's first paint)."""

    def call(*args: Any) -> Any:
        from kpdesk.offers import service as offers

        return getattr(offers, name)(*args)

    return call


def credits_text(row: Any) -> str:
    if row.credits is None:
        return ""
    unit = {"uh": "sp", "fagskole": "fagskole-sp"}.get(row.credit_system, "")
    return f"{format_decimal(row.credits)} {unit}".strip()


def seats_text(row: Any) -> str:
    if row.seats_min is None and row.seats_max is None:
        return ""
    return f"{row.seats_min or 0}–{row.seats_max or ''}"


class OffersPage(RecordPage):
    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        self.title = tr("Kurstilbud")
        self.noun_plural = tr("kurstilbud")
        self.new_text = tr("Nytt kurstilbud")
        self.new_tooltip = tr("Registrer et nytt kurstilbud (Ctrl+N)")
        self._provider_kinds: dict[str, str] = {}
        self._sessions_text: dict[int, str] = {}
        columns: list[Column[Any]] = [
            Column("ref", tr("Ref."), lambda r: r.ref, sort_value=lambda r: ref_sort_key(r.ref)),
            Column("title", tr("Tilbud"), lambda r: r.title, stretch=True),
            Column("provider", tr("Tilbyder"), lambda r: r.provider_name, max_chars=24),
            Column("level", tr("Nivå"), lambda r: LEVELS.label(r.level), hidden=True),
            Column("format", tr("Format"), lambda r: FORMATS.label(r.format)),
            Column("place", tr("Sted"), lambda r: r.municipality_name, max_chars=14),
            Column("credits", tr("Studiepoeng"), credits_text, sort_value=lambda r: r.credits, align_right=True,
                   hidden=True),
            Column("start", tr("Start"), lambda r: format_date(r.start_date), sort_value=lambda r: r.start_date,
                   searchable=False),
            Column("deadline", tr("Søknadsfrist"), lambda r: format_date(r.application_deadline),
                   sort_value=lambda r: r.application_deadline, searchable=False, hidden=True),
            Column("seats", tr("Plasser"), seats_text, sort_value=lambda r: r.seats_min, searchable=False, hidden=True),
            Column("price", tr("Pris"), lambda r: format_money(r.price_nok), sort_value=lambda r: r.price_nok,
                   align_right=True, searchable=False, hidden=True),
        ]
        menus = [
            FilterMenu("provider_kind", tr("Alle tilbydere"), lambda r: r.provider_kind, PROVIDER_KINDS.label,
                       fixed_values=PROVIDER_KINDS.keys()),
            FilterMenu("level", tr("Alle nivåer"), lambda r: r.level, LEVELS.label, fixed_values=LEVELS.keys()),
            FilterMenu("format", tr("Alle formater"), lambda r: r.format, FORMATS.label, fixed_values=FORMATS.keys()),
            FilterMenu("place", tr("Alle steder"), lambda r: r.municipality, reference.municipality_label),
        ]
        specs = [
            FieldSpec("ref", tr("Referanse"), placeholder=tr("lages automatisk hvis tom")),
            FieldSpec("provider", tr("Tilbyder"), completions=lambda: [],
                      placeholder=tr("navnet; en ny tilbyder opprettes")),
            FieldSpec("title", tr("Tittel")),
            FieldSpec("description", tr("Beskrivelse"), kind="text"),
            FieldSpec("keywords", tr("Stikkord"), placeholder=tr("kommaseparert")),
            FieldSpec("credits", tr("Studiepoeng"), placeholder="7,5"),
            FieldSpec("credit_system", tr("Studiepoengsystem"), kind="combo",
                      choices=[("", tr("(ut fra nivå og tilbyder)")), *code_choices(CREDIT_SYSTEMS)]),
            FieldSpec("level", tr("Nivå"), kind="combo", choices=code_choices(LEVELS)),
            FieldSpec("format", tr("Format"), kind="combo", choices=code_choices(FORMATS)),
            FieldSpec("location", tr("Sted (kommune)"),
                      completions=lambda: [m.label for m in reference.municipalities()],
                      placeholder=tr("tom for nettbasert")),
            FieldSpec("start_date", tr("Start"), kind="date"),
            FieldSpec("end_date", tr("Slutt"), kind="date"),
            FieldSpec("application_deadline", tr("Søknadsfrist"), kind="date"),
            FieldSpec("seats_min", tr("Minst antall deltakere")),
            FieldSpec("seats_max", tr("Flest antall deltakere")),
            FieldSpec("price_nok", tr("Pris (kr)")),
            FieldSpec("sessions", tr("Samlinger"), kind="text",
                      tooltip=tr("Én samling per linje, for eksempel 23.08.2027 09:00–25.08.2027 15:00")),
        ]
        service = RecordService("offer", save=offers_call("save_offer"), delete=offers_call("delete_offer"),
                                restore=offers_call("restore_offer"), table="offer")
        super().__init__(context, columns, menus, specs, service)

    def extra_detail_widgets(self) -> list[QWidget]:
        self.interest_box = QGroupBox(self.tr("Interesse"))
        self.interest_text = QLabel()
        self.interest_text.setObjectName("interestText")
        self.interest_text.setWordWrap(True)
        self.interest = RowTableModel([
            Column("need", self.tr("Behov"), lambda r: f"{r.need_ref} {r.need_title}", stretch=True),
            Column("employer", self.tr("Meldt av"), lambda r: r.employer_name, max_chars=20),
            count_column("headcount", self.tr("Antall"), lambda r: r.headcount),
            Column("source", self.tr("Grunnlag"), lambda r: self.tr("godtatt") if r.source == "accepted"
                   else self.tr("foreslått ({score})").format(score=f"{r.score or 0:.2f}".replace(".", ","))),
        ], self)
        view = row_table_view(self.interest, "interestView")
        view.setMinimumHeight(120)
        layout = QVBoxLayout(self.interest_box)
        layout.addWidget(self.interest_text)
        layout.addWidget(view)
        return [self.interest_box]

    def on_record_shown(self, row: Any) -> None:
        if row is not None and self.context.store is not None:
            self._load_sessions(row.id)
        if row is None or self.context.store is None:
            self.interest.set_rows([])
            self.interest_text.setText(self.tr("Velg et tilbud for å se hvem som er interessert."))
            return
        from kpdesk.matching.persistence import offer_interest
        from kpdesk.ui.matching_runner import MatchingRunner

        latest = MatchingRunner.of(self.context).latest
        proposals = list(latest.results) if latest is not None else []
        offer_id = row.id

        def shown(interest: Any) -> None:
            if self.current_id != offer_id:
                return
            self.interest.set_rows(list(interest.needs))
            basis = "" if latest is not None else self.tr(" Kjør matching for å ta med foreslåtte behov.")
            self.interest_text.setText(self.tr("{seats} fra {employers}.").format(
                seats=interest.seats_text, employers=plural(len(interest.employers), self.tr("arbeidsgiver"),
                                                            self.tr("arbeidsgivere"))) + basis)

        self.context.query(lambda s: offer_interest(s, offer_id, proposals), shown)

    def entity_kinds(self) -> set[str]:
        return {"offer", "provider"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.offers.service import list_offers

        return list_offers(session)

    def fetch_extra(self, session: Any, rows: list[Any]) -> Any:
        from kpdesk.offers.service import list_providers

        providers = list_providers(session)
        return {p.name: p.kind for p in providers}, sorted((p.name for p in providers), key=sort_key)

    def use_extra(self, extra: Any) -> None:
        self._provider_kinds, names = extra
        self.form.set_completions("provider", names)

    def validate_raw(self, raw: Mapping[str, str]) -> tuple[Any, list[Any]]:
        from kpdesk.offers.validation import validate_offer

        values = dict(raw)
        values["sessions"] = values.get("sessions", "").replace("\n", ", ")
        return validate_offer(values, self._provider_kinds.get)

    def raw_of(self, row: Any) -> dict[str, str]:
        municipality = reference.municipality(row.municipality)
        return {
            "ref": row.ref,
            "provider": row.provider_name,
            "title": row.title,
            "description": row.description,
            "keywords": row.keywords,
            "credits": format_decimal(row.credits) if row.credits is not None else "",
            # no credits: leave the system open, so credits typed later get an inferred system
            "credit_system": row.credit_system if row.credits is not None else "",
            "level": row.level,
            "format": row.format,
            "location": municipality.label if municipality else "",
            "start_date": format_date(row.start_date),
            "end_date": format_date(row.end_date),
            "application_deadline": format_date(row.application_deadline),
            "seats_min": "" if row.seats_min is None else str(row.seats_min),
            "seats_max": "" if row.seats_max is None else str(row.seats_max),
            "price_nok": "" if row.price_nok is None else str(row.price_nok),
            "sessions": "",  # read on the database thread when the record is shown (_load_sessions)
        }

    def _load_sessions(self, offer_id: int) -> None:
        """Fill the sessions field once they are read, unless the coordinator has moved on or typed."""
        from kpdesk.offers.service import list_sessions
        from kpdesk.offers.validation import format_session

        def read(s: Any) -> str:
            return "\n".join(format_session(item.as_data()) for item in list_sessions(s, offer_id))

        def show(text: str) -> None:
            if self.current_id == offer_id and not self.form.is_dirty():
                self.form.load({**self.form.loaded_raw(), "sessions": text})

        self.context.query(read, show)

    def defaults(self) -> dict[str, str]:
        return {"level": "open", "format": "campus"}

    def record_title(self, row: Any) -> str:
        return f"{row.ref}: {row.title}"


class ProvidersPage(RecordPage):
    def __init__(self, context: AppContext) -> None:
        tr = self.tr
        self.title = tr("Tilbydere")
        self.noun_plural = tr("tilbydere")
        self.noun_singular = tr("tilbyder")
        self.new_text = tr("Ny tilbyder")
        self.new_tooltip = tr("Registrer en ny tilbyder (Ctrl+N)")
        columns: list[Column[Any]] = [
            Column("name", tr("Navn"), lambda r: r.name, stretch=True),
            Column("kind", tr("Type"), lambda r: PROVIDER_KINDS.label(r.kind)),
            count_column("offers", tr("Tilbud"), lambda r: r.offers),
            Column("web", tr("Nettsted"), lambda r: r.web, max_chars=32, elide_middle=True),
        ]
        menus = [FilterMenu("kind", tr("Alle typer"), lambda r: r.kind, PROVIDER_KINDS.label,
                            fixed_values=PROVIDER_KINDS.keys())]
        specs = [
            FieldSpec("name", tr("Navn")),
            FieldSpec("kind", tr("Type"), kind="combo", choices=code_choices(PROVIDER_KINDS)),
            FieldSpec("web", tr("Nettsted")),
            FieldSpec("notes", tr("Notater"), kind="text"),
        ]
        service = RecordService("provider", save=offers_call("save_provider"),
                                delete=offers_call("delete_provider"), restore=offers_call("restore_provider"),
                                table="provider")
        super().__init__(context, columns, menus, specs, service)

    def entity_kinds(self) -> set[str]:
        return {"offer", "provider"}

    def fetch(self, session: Any) -> list[Any]:
        from kpdesk.offers.service import list_providers

        return list_providers(session)

    def validate_raw(self, raw: Mapping[str, str]) -> tuple[Any, list[Any]]:
        from kpdesk.offers.validation import validate_provider

        return validate_provider(raw)

    def raw_of(self, row: Any) -> dict[str, str]:
        return {"name": row.name, "kind": row.kind, "web": row.web, "notes": row.notes}

    def defaults(self) -> dict[str, str]:
        return {"kind": "other"}

    def delete_question(self, row: Any) -> str:
        return self.tr("Slette tilbyderen «{name}»? Du kan angre med Ctrl+Z.").format(name=row.name)
