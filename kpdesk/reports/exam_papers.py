"""The papers of an exam: the sign-in sheet of one sitting, and the invoice basis per institution.

Sign-in sheet (A4 portrait), for the invigilators on the day and the institution afterwards:

- the sitting's facts: exam, institution, course, date with weekday, arrival from, time and
  duration, room, invigilators with their hours, how many candidates and who has extra time or a
  separate room (what is granted, never why);
- every candidate who is not avmeldt, by candidate number, with their accommodation, their own
  end, and empty columns for the ID check, the signature and the time of handing in (rows tall
  enough to sign in); the table repeats its header on every page;
- a page of instructions for invigilators (the centre's own practice and whom to call).

Invoice basis (A4 portrait), one section per institution: one line per exam in the period with the
date, course, candidates (those not avmeldt), fee per candidate and amount, and the sum. No
candidate names: the figures are counts the institution already has, not an aggregate about
employers, so disclosure control does not apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportlab.platypus import Flowable, PageBreak

from kpdesk.booking.exam_reads import (
    NAME_ERASED,
    InvoiceLine,
    SittingDetail,
    invoice_lines,
    sitting_detail,
    sitting_id_for_ref,
)
from kpdesk.booking.times import hm, weekday_name
from kpdesk.common.norsk import format_date, format_decimal, format_money, plural, sort_key
from kpdesk.reports import style
from kpdesk.reports.facts import load_letterhead
from kpdesk.reports.style import Letterhead, ReportInfo

SIGN_ROW_PADDING = 9  # points above and below a candidate's row: room for a signature

INSTRUCTIONS = (
    "Kandidatene møter senest 30 minutter før eksamen begynner. Rommet er booket fra oppmøtetiden.",
    "Kontroller legitimasjon med bilde for hver kandidat, og la kandidaten signere på listen. Kryss av i "
    "kolonnen «Leg.» når legitimasjonen er sjekket.",
    "Mobiltelefoner og smartklokker skal være slått av og lagt bort, ikke på pulten.",
    "Ingen kandidat kan forlate rommet den første timen etter at eksamen har begynt.",
    "Hver eksamensvakt kan følge høyst to kandidater ut samtidig, i omtrent ti minutter.",
    "Kandidater med ekstra tid leverer senest ved sitt eget sluttidspunkt (kolonnen «Slutt»). Kandidater med "
    "eget rom har egen vakt i det rommet.",
    "Skriv klokkeslettet i kolonnen «Levert kl.» når kandidaten leverer. Kandidater som ikke møter, merkes "
    "«ikke møtt».",
    "Når eksamen er over: tell besvarelsene, kontroller dem mot listen, signer nederst og lever listen til "
    "koordinatoren samme dag.",
)


# ---------------------------------------------------------------- the sign-in sheet

@dataclass(frozen=True)
class SignInData:
    letterhead: Letterhead
    detail: SittingDetail


def load_signin(session: Any, ref: str) -> SignInData:
    """The sitting with this reference (any case); UserError naming it when there is none."""
    return SignInData(load_letterhead(session), sitting_detail(session, sitting_id_for_ref(session, ref)))


def signin_file_name(data: SignInData) -> str:
    return signin_file_name_for(data.detail.sitting.ref, data.detail.sitting.day)


def signin_file_name_for(ref: str, day: dt.date) -> str:
    """'oppmoteliste-EKS-2027-01-2027-05-27.pdf'."""
    return f"oppmoteliste-{ref}-{day.isoformat()}.pdf"


def hours_text(hours: Decimal) -> str:
    """'4,5 t'."""
    return f"{format_decimal(hours, 2)} t"


def duration_text(minutes: int) -> str:
    """'4 timer', '3 timer 30 min', '45 min'."""
    hours, rest = divmod(minutes, 60)
    parts = [plural(hours, "time", "timer")] if hours else []
    if rest:
        parts.append(f"{rest} min")
    return " ".join(parts)


def _facts(data: SignInData) -> list[tuple[str, style.KeyValue]]:
    detail = data.detail
    s = detail.sitting
    attending = detail.attending
    extra = [c for c in attending if c.extra_minutes]
    separate = [c for c in attending if c.separate_room]
    pairs: list[tuple[str, style.KeyValue]] = [
        ("Eksamen", s.ref),
        ("Institusjon", s.institution),
        ("Emne", f"{s.course_code} {s.title}"),
        ("Dato", f"{weekday_name(s.day).capitalize()} {format_date(s.day)}"),
        ("Oppmøte", f"fra kl. {hm(s.arrival_from)}"),
        ("Eksamenstid", f"kl. {hm(s.starts_at)}–{hm(s.ends_at)} ({duration_text(s.duration_minutes)})"
                        + (f"; rommet er booket til kl. {hm(s.room_until)} for ekstra tid"
                           if s.room_until > s.ends_at else "")),
        ("Rom", s.room_name),
    ]
    if detail.invigilators:
        pairs.append(("Eksamensvakter", [f"{g.name} ({hours_text(g.hours)})" for g in detail.invigilators]))
    elif s.invigilators:
        pairs.append(("Eksamensvakter", plural(s.invigilators, "vakt", "vakter")))
    counts = plural(len(attending), "kandidat", "kandidater")
    if extra:
        counts += f"; {len(extra)} med ekstra tid"
    if separate:
        counts += f"; {len(separate)} med eget rom"
    pairs.append(("Kandidater", counts))
    return pairs


def _accommodation_text(candidate: Any) -> str:
    parts = []
    if candidate.extra_minutes:
        parts.append(f"+{candidate.extra_minutes} min")
    if candidate.separate_room:
        parts.append(f"eget rom: {candidate.separate_room_name}" if candidate.separate_room_name
                     else "eget rom (ikke booket)")
    return ", ".join(parts)


def _candidate_table(data: SignInData) -> Flowable:
    """The candidates by number; an erased candidate (retention, ``person erase``) by number with
    «(navn slettet)» in the muted colour, so the door still checks them against the institution's list."""
    attending = data.detail.attending
    rows = [[c.candidate_no, c.shown_name, _accommodation_text(c), hm(c.ends_at), "", "", ""] for c in attending]
    padding = [("TOPPADDING", (0, 1), (-1, -1), SIGN_ROW_PADDING),
               ("BOTTOMPADDING", (0, 1), (-1, -1), SIGN_ROW_PADDING),
               ("GRID", (4, 1), (-1, -1), 0.25, style.RULE)]
    muted = [("TEXTCOLOR", (1, row), (1, row), style.MUTED)
             for row, c in enumerate(attending, start=1) if c.shown_name == NAME_ERASED]
    return style.data_table(["Kand.nr.", "Navn", "Tilrettelegging", "Slutt", "Leg.", "Signatur", "Levert kl."],
                            rows, [0.11, 0.22, 0.19, 0.07, 0.06, 0.22, 0.12], right=(0,), zebra=False,
                            extra_style=padding + muted)


ERASED_NOTE = ("«(navn slettet)»: kandidatens navn er slettet etter personvernreglene. Kontroller legitimasjonen "
               "mot kandidatnummeret på institusjonens liste.")


def _instructions(data: SignInData) -> list[Flowable]:
    s = style.styles()
    flow: list[Flowable] = [PageBreak(), style.heading("Instruks for eksamensvakter"), *style.bullets(INSTRUCTIONS)]
    contact = data.letterhead.contact_sentence()
    if contact:
        flow.append(style.para(f"Ved spørsmål eller problemer underveis: {contact}.", s.body))
    flow += [style.heading("Kvittering", 2),
             style.para("Antall besvarelser levert: ________    Antall ikke møtt: ________", s.body),
             style.para("Eksamensvakt(er): ____________________________________________    "
                        "Dato: ______________", s.body)]
    return flow


def signin_info(data: SignInData, printed_at: dt.datetime | None = None) -> ReportInfo:
    s = data.detail.sitting
    return ReportInfo(title=f"Oppmøteliste {s.course_code} {s.title}", subtitle=f"{s.institution} · {s.ref}",
                      date=s.day, printed_at=style.printed_time(printed_at))


def build_signin(data: SignInData, printed_at: dt.datetime | None = None) -> bytes:
    """The sign-in sheet as PDF bytes (pure: no database, no Qt)."""
    story: list[Flowable] = [style.key_value_table(_facts(data)), style.heading("Kandidater")]
    if data.detail.attending:
        story.append(_candidate_table(data))
        if any(c.shown_name == NAME_ERASED for c in data.detail.attending):
            story.append(style.para(ERASED_NOTE, style.styles().note))
    else:
        story.append(style.para("Ingen kandidater er påmeldt ennå.", style.styles().body))
    if data.detail.sitting.state != "active":
        story.insert(0, style.para("Eksamen er avlyst.", style.styles().h1))
    story += _instructions(data)
    return style.build_pdf(story, signin_info(data, printed_at), data.letterhead)


# ---------------------------------------------------------------- the invoice basis

@dataclass(frozen=True)
class InvoiceData:
    letterhead: Letterhead
    first: dt.date
    last: dt.date
    lines: tuple[InvoiceLine, ...]
    institution: str | None  # asked for one institution, or None for all

    def by_institution(self) -> list[tuple[str, list[InvoiceLine]]]:
        groups: dict[str, list[InvoiceLine]] = {}
        for line in self.lines:
            groups.setdefault(line.institution, []).append(line)
        return [(name, groups[name]) for name in sorted(groups, key=sort_key)]


def load_invoice(session: Any, first: dt.date, last: dt.date, institution: str | None = None) -> InvoiceData:
    lines = invoice_lines(session, first, last, institution)
    return InvoiceData(load_letterhead(session), first, last, tuple(lines), institution or None)


def invoice_file_name(data: InvoiceData) -> str:
    return f"fakturagrunnlag-eksamen-{data.first.isoformat()}-{data.last.isoformat()}.pdf"


def _invoice_table(lines: Sequence[InvoiceLine]) -> Flowable:
    rows: list[list[style.Cell]] = [
        [format_date(x.day), x.exam, f"{x.course_code} {x.title}", str(x.candidates), format_money(x.fee_per_candidate),
         format_money(x.amount)] for x in lines]
    total = sum((x.amount for x in lines), Decimal(0))
    rows.append(["Sum", "", "", str(sum(x.candidates for x in lines)), "", format_money(total)])
    return style.data_table(["Dato", "Eksamen", "Emne", "Kandidater", "Pris per kandidat", "Beløp"], rows,
                            [0.14, 0.15, 0.28, 0.14, 0.15, 0.14], right=(3, 4, 5), total_row=True)


def build_invoice(data: InvoiceData, printed_at: dt.datetime | None = None) -> bytes:
    """The invoice basis as PDF bytes, a section per institution (pure: no database, no Qt)."""
    total = sum((x.amount for x in data.lines), Decimal(0))
    exams_, candidates = len(data.lines), sum(x.candidates for x in data.lines)
    story: list[Flowable] = [style.key_figures([
        (str(exams_), "eksamen" if exams_ == 1 else "eksamener"),
        (str(candidates), "kandidat" if candidates == 1 else "kandidater"), (format_money(total), "å fakturere")])]
    if not data.lines:
        story.append(style.para("Ingen eksamener i perioden.", style.styles().body))
    for name, lines in data.by_institution():
        story += [style.heading(name), _invoice_table(lines)]
    story.append(style.para("Kandidater: alle som ikke er avmeldt (påmeldt, møtt og ikke møtt). Avlyste eksamener "
                            "er ikke med.", style.styles().note))
    period = f"{format_date(data.first)}–{format_date(data.last)}"
    info = ReportInfo(title="Fakturagrunnlag eksamen" + (f": {data.institution}" if data.institution else ""),
                      subtitle=f"Perioden {period}", printed_at=style.printed_time(printed_at))
    return style.build_pdf(story, info, data.letterhead)
