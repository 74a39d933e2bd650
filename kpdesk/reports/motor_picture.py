"""The region's picture on the Motor page: each chart's figures for a period, municipalities and
industries, already through disclosure control (``suppression.py``), so the page only draws them
and its PNG and CSV show exactly what the page shows.

The charts and what each figure is (a need belongs to the filter when its owner's municipality is
one of those chosen, and the owner is an employer in one of the SN2007 sections chosen; no choice
means all; private persons and communities have no industry, so an industry choice leaves them
out, and a region's own need has no municipality):

- **Behov per kvartal** (needs, counted; each quarter clipped to the period):
  - *Registrert*: needs whose ``registered`` day is in the quarter;
  - *Bestilt*: needs that first got the status bestilt or i gang in the quarter (the need's status
    history; a need without history counts its status now from its registered day);
  - *Dekket*: needs met in the quarter: the first day the need got the status i gang or avsluttet,
    or a run it is linked to (startet or gjennomført) started, whichever came first;
  - *Udekket ved kvartalsslutt*: needs registered by the quarter's last day (of the period) that are
    then neither met nor bestilt and not avvist: status ny, kartlagt or matchet on that day.
  A need avvist is counted only as registered. A run's order has no date, so a need linked to a
  bestilt run counts as bestilt only through its own status.
- **Etterspørsel etter tema / næring / kommune** (persons, the needs' headcounts): the needs
  registered in the period and not avvist, by topic (``picture_rows.topics_of``), by the employer's
  SN2007 section (persons and communities as rows of their own) and by the owner's municipality.
- **Gjennomføringer etter status** (runs, counted): runs whose start date is in the period, and
  runs without a start date (planned or ordered, not yet dated) whatever the period; with a
  municipality or industry chosen, the runs serving at least one need that belongs to the filter.
  Runs are not personal data; no disclosure control.
- **Rombruk etter type** (hours): hours booked in the period per kind of booking, as the annual
  report's ``room_hours`` (held bookings only, clipped at the period's edges). Rooms belong to the
  centre: municipality and industry do not apply to this chart.

Disclosure: every figure about needs is hidden (``:``) when fewer than 3 owners are behind it or one
holds more than 80 % (rule 2). The demand charts print their total, so they are parts of a printed
total (rule 3, ``Partition``): at least two parts hidden and the total when needed; the shown
parts come first by size, the hidden ones after them by name. The quarter chart prints no total.

What a saved chart says about its filter: the PNG's title carries ``Picture.scope`` (the period and,
where they apply, the municipality and industry: «Etterspørsel etter tema · 01.01.2027–31.12.2027 ·
Rana»), the CSV has them as columns (``fra``, ``til``, ``kommune``, ``næring``) and the file name
as words (``file_name``: ``regionbilde-tema-2027-rana.csv``).

The default period (``default_year``): this year when a need was registered or a run starts in it,
else the latest year in which one was (a coordinator in January, a database set in another year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.common.codes import BOOKING_KINDS, RUN_STATUSES
from kpdesk.common.norsk import file_slug, format_date, sort_key
from kpdesk.common.reference import industries, municipality_label
from kpdesk.db.models import CourseRun, Need
from kpdesk.motor.figures import hours_within
from kpdesk.motor.picture_rows import NeedRow, PictureRows, RunRow, load_picture_rows
from kpdesk.reports.annual import Shown
from kpdesk.reports.suppression import HIDDEN_TEXT, LEGEND, Owner, Partition, Share

ORDERED = frozenset({"ordered", "running"})
MET = frozenset({"running", "closed"})
UNMET = frozenset({"new", "mapped", "matched"})
RUN_MET = frozenset({"started", "completed"})
QUARTER_SERIES = ("Registrert", "Bestilt", "Dekket", "Udekket ved kvartalsslutt")
NO_TOPIC = "Annet (uten synonymgruppe)"
NO_MUNICIPALITY = "Uten kommune"
NO_INDUSTRY = "Uten næringskode"
PERSONS = "Privatpersoner"
COMMUNITIES = "Lokalsamfunn"
TOTAL_LABEL = "I alt"
NAMED_HIDDEN = 8  # hidden figures named under a chart; the CSV has every one
FILE_WORDS = {"quarters": "behov-per-kvartal", "topics": "tema", "industries": "naering",
              "municipalities": "kommune", "runs": "gjennomforinger", "rooms": "rombruk"}
FILTER_COLUMNS = ("fra", "til", "kommune", "næring")
ALL = "alle"
SCOPE_SEPARATOR = " · "


@dataclass(frozen=True)
class PictureFilter:
    first: dt.date
    last: dt.date
    municipalities: frozenset[str] = frozenset()  # numbers; empty: all
    industries: frozenset[str] = frozenset()  # SN2007 section letters; empty: all

    def takes(self, municipality: str | None, industry: str | None) -> bool:
        return ((not self.municipalities or municipality in self.municipalities)
                and (not self.industries or industry in self.industries))


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Shown, ...]  # one per category


@dataclass(frozen=True)
class Chart:
    key: str  # "quarters", "topics", "industries", "municipalities", "runs", "rooms"
    title: str
    category_title: str  # the CSV's first column
    unit: str  # what the values count: the value axis' title
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    total: Shown | None = None  # printed beside the chart (a part chart's sum)
    note: str = ""
    filtered: bool = True  # False: municipality and industry do not apply (the rooms)

    @property
    def empty(self) -> bool:
        """No figure at all: every value 0 (none hidden), so the chart has nothing to draw."""
        return not any(v.hidden or v.value for s in self.series for v in s.values)

    def hidden_at(self, index: int) -> bool:
        """Whether any series' value for the category ``index`` is hidden."""
        return any(s.values[index].hidden for s in self.series)

    @property
    def hidden(self) -> list[str]:
        """Where a value is hidden: «Dekket, 1. kv. 2027» (or the category alone for one series)."""
        return [(f"{s.name}, {c}" if len(self.series) > 1 else c)
                for s in self.series for c, v in zip(self.categories, s.values, strict=True) if v.hidden]

    def csv_columns(self) -> list[str]:
        return [self.category_title, *(s.name.lower() for s in self.series)]

    def csv_rows(self) -> list[list[str]]:
        """One row per category; a part chart's total last; hidden values as ``:`` with the legend under."""
        rows = [[c, *(s.values[i].plain for s in self.series)] for i, c in enumerate(self.categories)]
        if self.total is not None:
            rows.append([TOTAL_LABEL, self.total.plain])
        if self.hidden or (self.total is not None and self.total.hidden):
            rows.append([LEGEND])
        return rows


@dataclass(frozen=True)
class Picture:
    filter: PictureFilter
    charts: tuple[Chart, ...]
    municipalities: tuple[tuple[str, str], ...] = ()  # (number, name) of every owner's municipality
    industries: tuple[tuple[str, str], ...] = ()  # (section, "Q Helse- og sosialtjenester")
    chart_by_key: dict[str, Chart] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.chart_by_key.update({c.key: c for c in self.charts})

    def chart(self, key: str) -> Chart:
        return self.chart_by_key[key]

    def _chosen_names(self) -> tuple[list[str], list[str]]:
        municipalities = dict(self.municipalities)
        industries = dict(self.industries)
        return ([municipalities.get(m, m) for m in sorted(self.filter.municipalities)],
                [industries.get(i, i) for i in sorted(self.filter.industries)])

    def scope(self, chart: Chart) -> tuple[str, ...]:
        """What the chart is of, for its saved title: the period, then the municipalities and industries
        chosen (when they apply to the chart): («01.01.2027–31.12.2027», «Rana»)."""
        period = f"{format_date(self.filter.first)}–{format_date(self.filter.last)}"
        if not chart.filtered:
            return (period,)
        municipalities, industries = self._chosen_names()
        return (period, *municipalities, *industries)

    def csv_table(self, key: str) -> tuple[list[str], list[list[str]]]:
        """The chart's CSV: its columns and rows, each row with the filter (period, municipality,
        industry; «alle» when none is chosen or it does not apply) after them; the legend row as it is."""
        chart = self.chart(key)
        municipalities, industries = self._chosen_names() if chart.filtered else ([], [])
        scope = [format_date(self.filter.first), format_date(self.filter.last),
                 ", ".join(municipalities) or ALL, ", ".join(industries) or ALL]
        width = len(chart.series) + 1
        rows = [row if row == [LEGEND] else [*row, *[""] * (width - len(row)), *scope] for row in chart.csv_rows()]
        return [*chart.csv_columns(), *FILTER_COLUMNS], rows

    def file_name(self, key: str, suffix: str) -> str:
        """``regionbilde-tema-2027-rana.csv``: the chart, the period (a calendar year as its number), and the
        municipality and industry chosen where they apply."""
        first, last = self.filter.first, self.filter.last
        whole_year = (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year
        period = str(first.year) if whole_year else f"{first.isoformat()}-{last.isoformat()}"
        words = [FILE_WORDS.get(key, key), period]
        if self.chart(key).filtered:
            municipalities, industries = self._chosen_names()
            words += [file_slug(name, "") for name in (*municipalities, *industries)]
        return "-".join(["regionbilde", *(w for w in words if w)]) + suffix


# ---------------------------------------------------------------- quarters

def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    return f"{quarter}. kv. {year}"


def quarters(first: dt.date, last: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """(label, first day, last day) of each quarter from ``first`` to ``last``, clipped to them."""
    found: list[tuple[str, dt.date, dt.date]] = []
    year, quarter = quarter_of(first)
    while (year, quarter) <= quarter_of(last):
        start = dt.date(year, 3 * quarter - 2, 1)
        after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
        found.append((quarter_label(year, quarter), max(start, first), min(after - dt.timedelta(days=1), last)))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


# ---------------------------------------------------------------- a need's way

def first_day(need: NeedRow, statuses: frozenset[str]) -> dt.date | None:
    """The first day the need had one of ``statuses`` (its history; without one, its status now)."""
    if not need.history:
        return need.registered if need.status in statuses else None
    return next((day for day, status in need.history if status in statuses), None)


def status_on(need: NeedRow, day: dt.date) -> str:
    if not need.history:
        return need.status
    passed = [status for changed, status in need.history if changed <= day]
    return passed[-1] if passed else "new"


def met_on(need: NeedRow) -> dt.date | None:
    days = [d for d in (first_day(need, MET),
                        *(r.start_date for r in need.runs if r.status in RUN_MET)) if d is not None]
    return min(days, default=None)


def _in(day: dt.date | None, first: dt.date, last: dt.date) -> bool:
    return day is not None and first <= day <= last


def _shown(needs: Sequence[NeedRow]) -> Shown:
    share = Share.of((Owner(*n.owner), n.headcount) for n in needs)
    return Shown(len(needs), share.sensitive)


def quarter_chart(needs: Sequence[NeedRow], chosen: PictureFilter) -> Chart:
    spans = quarters(chosen.first, chosen.last)
    columns: list[list[Shown]] = [[], [], [], []]
    for _label, first, last in spans:
        registered = [n for n in needs if _in(n.registered, first, last)]
        ordered = [n for n in needs if _in(first_day(n, ORDERED), first, last)]
        met = [n for n in needs if _in(met_on(n), first, last)]
        unmet = [n for n in needs if n.registered <= last and status_on(n, last) in UNMET
                 and not _in(met_on(n), dt.date.min, last)]
        for column, group in zip(columns, (registered, ordered, met, unmet), strict=True):
            column.append(_shown(group))
    return Chart("quarters", "Behov per kvartal", "kvartal", "behov", tuple(s[0] for s in spans),
                 tuple(Series(name, tuple(values)) for name, values in zip(QUARTER_SERIES, columns, strict=True)))


# ---------------------------------------------------------------- demand, as parts of a total

def part_chart(key: str, title: str, category_title: str, needs: Sequence[NeedRow],
               label_of: Callable[[NeedRow], str]) -> Chart:
    groups: dict[str, list[NeedRow]] = {}
    for need in needs:
        groups.setdefault(label_of(need), []).append(need)
    labels = sorted(groups, key=sort_key)
    partition = Partition.of(Share.of((Owner(*n.owner), n.headcount) for n in groups[label]) for label in labels)
    shown = sorted((i for i in range(len(labels)) if not partition.is_hidden(i)),
                   key=lambda i: (-partition.shares[i].person_count, sort_key(labels[i])))
    order = [*shown, *(i for i in range(len(labels)) if partition.is_hidden(i))]
    values = tuple(Shown(partition.shares[i].person_count, partition.is_hidden(i)) for i in order)
    return Chart(key, title, category_title, "personer", tuple(labels[i] for i in order),
                 (Series("Personer", values),), Shown(partition.total, partition.total_hidden))


def _industry_label(need: NeedRow, names: dict[str, str]) -> str:
    if need.owner[0] == "person":
        return PERSONS
    if need.owner[0] == "community":
        return COMMUNITIES
    return names.get(need.industry or "", NO_INDUSTRY)


def _municipality_label(need: NeedRow) -> str:
    return municipality_label(need.municipality) if need.municipality else NO_MUNICIPALITY


# ---------------------------------------------------------------- runs and rooms

def runs_chart(runs: Iterable[RunRow], chosen: PictureFilter) -> Chart:
    filtered = bool(chosen.municipalities or chosen.industries)
    counted = [r for r in runs
               if (r.start_date is None or chosen.first <= r.start_date <= chosen.last)
               and (not filtered or any(chosen.takes(m, i) for _o, m, i in r.owners))]
    values = tuple(Shown(sum(1 for r in counted if r.status == code.key)) for code in RUN_STATUSES)
    return Chart("runs", "Gjennomføringer etter status", "status", "gjennomføringer",
                 tuple(code.label for code in RUN_STATUSES), (Series("Gjennomføringer", values),),
                 note="Gjennomføringer som starter i perioden, og de som ikke har startdato ennå.")


def rooms_chart(rows: PictureRows, chosen: PictureFilter) -> Chart:
    first = dt.datetime.combine(chosen.first, dt.time())
    after = dt.datetime.combine(chosen.last + dt.timedelta(days=1), dt.time())
    values = tuple(Shown(hours_within((b for b in rows.bookings if b.kind == code.key), first, after))
                   for code in BOOKING_KINDS)
    return Chart("rooms", "Rombruk etter type", "type", "timer", tuple(code.label for code in BOOKING_KINDS),
                 (Series("Timer", values),), note="Rombruken gjelder hele senteret: kommune og næring brukes ikke.",
                 filtered=False)


# ---------------------------------------------------------------- the whole picture

def build_picture(rows: PictureRows, chosen: PictureFilter) -> Picture:
    """Every chart for the filter, through disclosure control."""
    sections = {i.code: f"{i.code} {i.name}" for i in industries() if i.code == i.section}
    needs = [n for n in rows.needs if chosen.takes(n.municipality, n.industry)]
    demand = [n for n in needs if _in(n.registered, chosen.first, chosen.last) and n.status != "rejected"]
    charts = (
        quarter_chart(needs, chosen),
        part_chart("topics", "Etterspørsel etter tema", "tema", demand, lambda n: n.topic or NO_TOPIC),
        part_chart("industries", "Etterspørsel etter næring", "næring", demand,
                   lambda n: _industry_label(n, sections)),
        part_chart("municipalities", "Etterspørsel etter kommune", "kommune", demand, _municipality_label),
        runs_chart(rows.runs, chosen),
        rooms_chart(rows, chosen),
    )
    municipalities = sorted({(n.municipality, municipality_label(n.municipality))
                             for n in rows.needs if n.municipality}, key=lambda m: sort_key(m[1]))
    present = sorted({n.industry for n in rows.needs if n.industry})
    return Picture(chosen, charts, tuple(municipalities),
                   tuple((code, sections.get(code, code)) for code in present))


def load_picture(session: Session, chosen: PictureFilter) -> Picture:
    return build_picture(load_picture_rows(session, chosen.first, chosen.last), chosen)


def default_year(years: Iterable[int], today: dt.date) -> int:
    """This year when it has figures, else the latest year that has, else this year."""
    found = set(years)
    return today.year if today.year in found or not found else max(found)


def load_default_year(session: Session, today: dt.date) -> int:
    """``default_year`` over the years in which a need was registered or a run starts."""
    years = {day.year for (day,) in session.execute(select(Need.registered).distinct())}
    years |= {day.year for (day,) in session.execute(select(CourseRun.start_date).distinct()) if day is not None}
    return default_year(years, today)


def hidden_note(chart: Chart) -> str:
    """««:» skjult av personvernhensyn: Dekket, 1. kv. 2027; …» for under a chart (the first
    ``NAMED_HIDDEN``, then how many more), '' when nothing is hidden."""
    hidden = chart.hidden + ([TOTAL_LABEL] if chart.total is not None and chart.total.hidden else [])
    if not hidden:
        return ""
    named = "; ".join(hidden[:NAMED_HIDDEN])
    more = f" og {len(hidden) - NAMED_HIDDEN} til" if len(hidden) > NAMED_HIDDEN else ""
    return f"«{HIDDEN_TEXT}» skjult av personvernhensyn: {named}{more}."

