"""The year's report (årsrapport): the figures of ``motor.figures`` for one year, as a PDF that opens
with a one-page summary (key figures, «Dette bør skje nå», charts) and as a CSV ``figure;value``.

Every figure about employers and persons (``figures.PERSON_FIGURES``) passes disclosure control
(``suppression``): the year's figure is hidden when fewer than 3 employers, private persons or
communities stand behind it or one holds more than 80 % of it (rule 2); the figures per provider,
level and credit system add up to the year's figure, so they are protected as parts of a printed
total (rule 3), and all of them are hidden with a hidden year's figure. The runs, exams and room
hours are about courses and rooms, not about those who reported needs, and are printed as they are.
The CSV holds the same shown figures, a hidden one as «:».
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.platypus import Flowable, PageBreak
from sqlalchemy.orm import Session

from kpdesk.common.codes import CREDIT_SYSTEMS, LEVELS, RUN_STATUSES
from kpdesk.common.norsk import format_date, format_decimal, group_thousands, plural
from kpdesk.motor.figures import (
    DIMENSIONS,
    FIGURES,
    PERSON_FIGURES,
    RUN_FIGURES,
    Figure,
    Number,
    RunFact,
    YearFigures,
    in_year,
)
from kpdesk.motor.year_rows import load_year
from kpdesk.reports import charts, style
from kpdesk.reports.facts import load_letterhead
from kpdesk.reports.style import Letterhead, ReportInfo
from kpdesk.reports.suppression import HIDDEN_TEXT, LEGEND, ZERO_TEXT, Share, protect_parts

CSV_COLUMNS = ("figure", "value")
LABELS = {
    "needs_registered": "behov registrert", "runs_started": "kurs startet", "runs_completed": "kurs gjennomført",
    "runs_cancelled": "kurs avlyst", "participants_started": "deltakere ved start",
    "participants_completed": "fullførte", "credits_passed": "studiepoeng bestått",
    "employers_served": "arbeidsgivere med i kurs", "exam_sittings": "eksamener avholdt", "room_hours": "romtimer",
}
DEFINITIONS = {
    "needs_registered": "Behov med registreringsdato i året.",
    "runs_started": "Gjennomføringer som er startet eller gjennomført, med startdato i året.",
    "runs_completed": "Gjennomførte gjennomføringer med sluttdato i året.",
    "runs_cancelled": "Avlyste gjennomføringer med startdato i året.",
    "participants_started": "Deltakere ved start, summert over kursene som startet i året.",
    "participants_completed": "Deltakere som fullførte, summert over kursene som ble gjennomført i året.",
    "credits_passed": "Beståtte studiepoeng (slik tilbyderen melder dem), summert over kursene som ble "
                      "gjennomført i året.",
    "employers_served": "Ulike arbeidsgivere med et behov knyttet til et kurs som startet i året.",
    "exam_sittings": "Eksamensbookinger som startet i året og ikke ble avlyst eller hoppet over (en kandidats eget "
                     "rom telles ikke for seg).",
    "room_hours": "Bookede timer i året i alle rom, fra start til slutt (uten oppmøtetid før eksamen, uten avlyste og "
                  "overhoppede datoer), med én desimal.",
}
DIMENSION_TITLES = {"provider": "tilbyder", "level": "nivå", "credit_system": "studiepoengsystem"}
SUMMARY_KEYS = (("runs_started", "participants_started", "participants_completed", "credits_passed",
                 "employers_served"),
                ("needs_registered", "runs_completed", "runs_cancelled", "exam_sittings", "room_hours"))
PART_COLUMNS = ("runs_started", "participants_started", "runs_completed", "participants_completed", "credits_passed",
                "employers_served", "runs_cancelled")
PART_HEADERS = ("Startet", "Deltakere", "Gjennomført", "Fullførte", "Studiepoeng", "Arbeidsgivere", "Avlyst")
PROVIDER_BARS = 8
STEPS_SHOWN = 5


@dataclass(frozen=True)
class Shown:
    """A figure as it may be printed: its value, or hidden (``:``)."""

    value: Number
    hidden: bool = False

    @property
    def text(self) -> str:
        """For paper: '1 234', '82,5', '–' for zero, ':' when hidden."""
        if self.hidden:
            return HIDDEN_TEXT
        if self.value == 0:
            return ZERO_TEXT
        if isinstance(self.value, Decimal):
            return format_decimal(self.value, 1, grouped=True)
        return group_thousands(self.value)

    @property
    def words(self) -> str:
        """For a sentence: '1 234', '0' (a dash reads as a gap in prose), 'et skjult antall' when hidden."""
        if self.hidden:
            return "et skjult antall"
        return "0" if self.value == 0 else self.text

    @property
    def plain(self) -> str:
        """For the CSV: '1234', '82,5' (decimals always with one), ':' when hidden."""
        if self.hidden:
            return HIDDEN_TEXT
        if isinstance(self.value, Decimal):
            return f"{self.value:.1f}".replace(".", ",")
        return str(self.value)


@dataclass(frozen=True)
class Part:
    key: str  # the provider's name, the level's or credit system's key
    label: str
    figures: dict[str, Shown]


@dataclass(frozen=True)
class AnnualData:
    year: int
    as_of: dt.date
    letterhead: Letterhead
    figures: dict[str, Shown]
    parts: dict[str, tuple[Part, ...]]  # dimension -> its parts
    pipeline: tuple[tuple[str, int], ...]  # (status label, runs) of the year's runs
    steps: tuple[str, ...]  # «Dette bør skje nå»

    @property
    def any_hidden(self) -> bool:
        return any(f.hidden for f in self.figures.values()) or any(
            f.hidden for parts in self.parts.values() for p in parts for f in p.figures.values())


def _share(figure: Figure) -> Share:
    return Share.of(figure.contributors or ())


def disclose(figures: YearFigures) -> tuple[dict[str, Shown], dict[str, tuple[Part, ...]]]:
    """The year's figures and their parts as they may be printed (the rules in the module's docstring).

    A part that must be hidden needs a second hidden part beside it, or the printed total would give it
    away (rule 3); where no other part can be hidden (the rest are zero), the year's figure itself is
    hidden, and then every part with anyone behind it, in every table, so no table adds up to it.
    """
    shown = {key: Shown(f.value, f.contributors is not None and _share(f).sensitive)
             for key, f in figures.figures.items()}
    hidden, totals = _hidden_parts(figures, shown)
    if totals:
        shown = {key: Shown(f.value, True) if key in totals else f for key, f in shown.items()}
        hidden, _ = _hidden_parts(figures, shown)
    parts: dict[str, tuple[Part, ...]] = {}
    for dimension in DIMENSIONS:
        groups = figures.parts.get(dimension, {})
        parts[dimension] = tuple(
            Part(k, _part_label(dimension, k),
                 {key: Shown(groups[k][key].value, i in hidden.get((dimension, key), frozenset()))
                  for key in RUN_FIGURES})
            for i, k in enumerate(groups))
    return shown, parts


def _hidden_parts(figures: YearFigures, shown: dict[str, Shown]
                  ) -> tuple[dict[tuple[str, str], frozenset[int]], set[str]]:
    """The parts to hide per (dimension, figure), and the figures whose total must be hidden too."""
    hidden: dict[tuple[str, str], frozenset[int]] = {}
    totals: set[str] = set()
    for dimension in DIMENSIONS:
        groups = figures.parts.get(dimension, {})
        keys = list(groups)
        for key in RUN_FIGURES:
            if key not in PERSON_FIGURES:
                continue
            if shown[key].hidden:  # every part with anyone behind it, or the parts would add up to it
                hidden[dimension, key] = frozenset(i for i, k in enumerate(keys) if groups[k][key].value)
                continue
            values = [int(groups[k][key].value) for k in keys]  # credits rounded down: hides more, never less
            primary = [i for i, k in enumerate(keys) if _share(groups[k][key]).sensitive]
            hidden[dimension, key], total_too = protect_parts(values, primary, False)
            if total_too:
                totals.add(key)
    return hidden, totals


def _part_label(dimension: str, key: str) -> str:
    if dimension == "level":
        return LEVELS.label(key)
    if dimension == "credit_system":
        return CREDIT_SYSTEMS.label(key)
    return key


def _pipeline(runs: Sequence[RunFact], year: int) -> tuple[tuple[str, int], ...]:
    """The year's runs by status: started, completed and cancelled by their start in the year; planned
    and ordered ones that start in the year or have no start date yet."""
    counts = {code.key: 0 for code in RUN_STATUSES}
    for r in runs:
        if in_year(r.start_date, year) or (r.start_date is None and r.status in ("planned", "ordered")):
            counts[r.status] += 1
    return tuple((RUN_STATUSES.label(key), n) for key, n in counts.items())


def _steps(runs: Sequence[RunFact], as_of: dt.date) -> tuple[str, ...]:
    """Runs whose record lags behind the calendar: ended but not reported, due to start but still
    planned or ordered."""
    steps: list[str] = []
    unreported = sorted((r for r in runs if r.status == "started" and r.end_date and r.end_date < as_of),
                        key=lambda r: (r.end_date or as_of, r.ref))
    if unreported:
        refs = ", ".join(f"{r.ref} (slutt {format_date(r.end_date)})" for r in unreported[:STEPS_SHOWN])
        more = f" og {len(unreported) - STEPS_SHOWN} til" if len(unreported) > STEPS_SHOWN else ""
        steps.append(f"Be tilbyderne om resultatene og registrer dem («gjennomført», fullførte, studiepoeng): "
                     f"{refs}{more}.")
    for status, what in (("ordered", "bestilt, men ikke registrert som startet"),
                         ("planned", "planlagt, men ikke bestilt")):
        late = [r for r in runs if r.status == status and r.start_date and r.start_date <= as_of]
        if late:
            steps.append(f"{plural(len(late), 'gjennomføring', 'gjennomføringer')} skulle ha startet, men står som "
                         f"{what}: {', '.join(r.ref for r in sorted(late, key=lambda r: r.ref)[:STEPS_SHOWN])}.")
    if not steps:
        steps.append(f"Alle gjennomføringene er oppdatert per {format_date(as_of)}.")
    return tuple(steps)


def default_year(today: dt.date | None = None) -> int:
    """The year a coordinator most likely wants: last year until 1 March (while it is being closed and
    reported), this year from then on."""
    today = today or dt.date.today()
    return today.year - 1 if today < dt.date(today.year, 3, 1) else today.year


def load(session: Session, year: int, as_of: dt.date | None = None) -> AnnualData:
    facts = load_year(session, year)
    shown, parts = disclose(facts.figures())
    today = as_of or dt.date.today()
    return AnnualData(year, today, load_letterhead(session), shown, parts, _pipeline(facts.runs, year),
                      _steps(facts.runs, today))


def csv_rows(data: AnnualData) -> list[tuple[str, str]]:
    """``figure;value`` rows: the year's figures in ``FIGURES`` order, then the run figures per part
    as ``figure|dimension=value`` (``runs_started|provider=Nord universitet``, ``…|level=bachelor``)."""
    rows = [(key, data.figures[key].plain) for key in FIGURES]
    for dimension in DIMENSIONS:
        for part in data.parts[dimension]:
            rows.extend((f"{key}|{dimension}={part.key}", part.figures[key].plain) for key in RUN_FIGURES)
    return rows


# ---------------------------------------------------------------- the PDF

def info(data: AnnualData, printed_at: dt.datetime | None = None) -> ReportInfo:
    return ReportInfo(title=f"Årsrapport {data.year}", subtitle=f"{data.letterhead.display_name}: behov, kurs, "
                                                                 f"eksamener og møteplass",
                      date=data.as_of, printed_at=style.printed_time(printed_at))


def _summary(data: AnnualData) -> list[Flowable]:
    s = style.styles()
    f = data.figures
    flow: list[Flowable] = [style.heading("Sammendrag")]
    for keys in SUMMARY_KEYS:
        flow.append(style.key_figures([(f[k].text, LABELS[k]) for k in keys]))
    flow.append(style.para(
        f"I {data.year} startet {f['runs_started'].words} kurs med {f['participants_started'].words} deltakere, og "
        f"{f['runs_completed'].words} kurs ble gjennomført: {f['participants_completed'].words} fullførte og tok "
        f"{f['credits_passed'].words} studiepoeng. Studiesenteret registrerte {f['needs_registered'].words} nye "
        f"behov, holdt {f['exam_sittings'].words} eksamener og hadde rommene booket i {f['room_hours'].words} timer.",
        s.body))
    flow.append(style.heading("Dette bør skje nå", 2))
    flow.extend(style.bullets(data.steps))
    flow.extend(_charts(data))
    if data.any_hidden:
        flow.append(style.para(LEGEND, s.note))
    return flow


def _charts(data: AnnualData) -> list[Flowable]:
    s = style.styles()
    width = style.content_width()
    flow: list[Flowable] = []
    if any(n for _, n in data.pipeline):
        flow.append(style.heading(f"Kurs med start i {data.year}, etter status nå", 2))
        flow.append(charts.topic_bars([charts.Bar(label, (n,)) for label, n in data.pipeline], ("gjennomføringer",),
                                      width))
        flow.append(style.para(f"Telt etter startdato (planlagte og bestilte uten startdato er med). «Kurs "
                               f"gjennomført» i sammendraget teller kurs som sluttet i {data.year}, så tallene kan "
                               "være ulike.", s.note))
    bars = [p for p in data.parts["provider"]
            if not p.figures["participants_started"].hidden and p.figures["participants_started"].value]
    bars.sort(key=lambda p: (-int(p.figures["participants_started"].value), p.label))
    if bars:
        left_out = len(data.parts["provider"]) - len(bars)
        flow.append(style.heading("Deltakere ved start etter tilbyder", 2))
        flow.append(charts.topic_bars([charts.Bar(p.label, (int(p.figures["participants_started"].value),))
                                       for p in bars[:PROVIDER_BARS]], ("deltakere ved start",), width))
        note = (f"De {min(len(bars), PROVIDER_BARS)} tilbyderne med flest deltakere på kurs som startet i {data.year}; "
                "bare tall som kan vises etter reglene for personvern i statistikk.")
        if left_out:
            note += f" {plural(left_out, 'tilbyder', 'tilbydere')} har ingen deltakere i år eller skjulte tall."
        flow.append(style.para(note, s.note))
    return flow


def _details(data: AnnualData) -> list[Flowable]:
    s = style.styles()
    flow: list[Flowable] = [PageBreak(), style.heading(f"Tallene for {data.year}")]
    rows = [[LABELS[k][0].upper() + LABELS[k][1:], data.figures[k].text, DEFINITIONS[k]] for k in FIGURES]
    flow.append(style.data_table(["Tall", "Verdi", "Slik er det telt"], rows, [0.25, 0.12, 0.63], right=(1,)))
    for dimension in DIMENSIONS:
        parts = data.parts[dimension]
        flow.append(style.heading(f"Etter {DIMENSION_TITLES[dimension]}", 2))
        if not parts:
            flow.append(style.para(f"Ingen kurs startet, ble gjennomført eller avlyst i {data.year}.", s.body))
            continue
        rows = [[p.label, *(p.figures[k].text for k in PART_COLUMNS)] for p in parts]
        rows.append(["I alt", *(data.figures[k].text for k in PART_COLUMNS)])
        flow.append(style.data_table([DIMENSION_TITLES[dimension].capitalize(), *PART_HEADERS], rows,
                                     [0.3, *([0.1] * len(PART_COLUMNS))], right=range(1, len(PART_COLUMNS) + 1),
                                     total_row=True))
        flow.append(style.para("En arbeidsgiver kan være med i kurs hos flere, så arbeidsgiverne per linje kan "
                               "summere til mer enn i alt." if dimension == "provider" else "", s.note))
    flow.append(style.para(LEGEND, s.note))
    return flow


def story(data: AnnualData) -> list[Flowable]:
    return [*_summary(data), *_details(data)]


def build(data: AnnualData, printed_at: dt.datetime | None = None) -> bytes:
    """The report as PDF bytes (pure: no database, no Qt)."""
    return style.build_pdf(story(data), info(data, printed_at), data.letterhead)
