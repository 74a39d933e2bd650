"""The region's picture (``reports/motor_picture.py``): each chart's numbers from raw rows at the
edges of quarters and periods, the filters, and disclosure control (a figure from 2 employers is
hidden and no printed total gives it away)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kpdesk.motor.figures import BookingFact
from kpdesk.motor.picture_rows import NeedRow, PictureRows, RunLink, RunRow, load_picture_rows
from kpdesk.reports.motor_picture import (
    Chart,
    PictureFilter,
    build_picture,
    default_year,
    hidden_note,
    load_default_year,
    quarter_chart,
    quarters,
)
from kpdesk.reports.suppression import HIDDEN_TEXT, LEGEND

YEAR = PictureFilter(dt.date(2027, 1, 1), dt.date(2027, 12, 31))
D = dt.date


def need(employer: str, registered: dt.date, *, history: tuple[tuple[dt.date, str], ...] = (), status: str = "new",
         headcount: int = 2, municipality: str | None = "1833", industry: str | None = "Q",
         topic: str | None = "demens", runs: tuple[RunLink, ...] = (), kind: str = "employer") -> NeedRow:
    return NeedRow(registered, (kind, employer), headcount, municipality, industry, topic, status, history, runs)


def trio(registered: dt.date, **values: object) -> list[NeedRow]:
    """The same need from three employers of equal size: a figure that passes disclosure control."""
    return [need(org, registered, **values) for org in ("111111111", "222222222", "333333333")]  # type: ignore[arg-type]


def column(chart: Chart, series: str) -> list[str]:
    return [v.plain for v in next(s for s in chart.series if s.name == series).values]


def test_quarters_are_labelled_and_clipped_to_the_period() -> None:
    assert quarters(D(2027, 2, 15), D(2027, 7, 1)) == [
        ("1. kv. 2027", D(2027, 2, 15), D(2027, 3, 31)), ("2. kv. 2027", D(2027, 4, 1), D(2027, 6, 30)),
        ("3. kv. 2027", D(2027, 7, 1), D(2027, 7, 1))]
    assert [q[0] for q in quarters(D(2026, 12, 31), D(2027, 1, 1))] == ["4. kv. 2026", "1. kv. 2027"]


def test_registered_ordered_met_and_unmet_per_quarter_at_the_edges() -> None:
    needs = [
        *trio(D(2027, 3, 31)),  # registered on Q1's last day, never moves: unmet at the end of every quarter
        *trio(D(2027, 4, 1), history=((D(2027, 4, 1), "new"), (D(2027, 6, 30), "ordered"), (D(2027, 7, 1), "running"))),
        # met through a linked run that started before its own status said so
        *trio(D(2026, 12, 31), history=((D(2026, 12, 31), "new"), (D(2027, 9, 30), "closed")),
              runs=(RunLink("started", D(2027, 5, 15)),)),
        *trio(D(2027, 2, 1), status="rejected", history=((D(2027, 2, 1), "new"), (D(2027, 2, 2), "rejected"))),
    ]
    chart = quarter_chart(needs, YEAR)
    assert chart.categories == ("1. kv. 2027", "2. kv. 2027", "3. kv. 2027", "4. kv. 2027")
    assert column(chart, "Registrert") == ["6", "3", "0", "0"]  # the rejected ones are registered too
    assert column(chart, "Bestilt") == ["0", "3", "0", "0"]  # ordered on 30.6, not again when running on 1.7
    assert column(chart, "Dekket") == ["0", "3", "3", "0"]  # the run's start on 15.5; running on 1.7
    # end of Q1: the 31.3 needs and the 31.12.2026 ones; Q2: the 1.4 ones are ordered on 30.6, the old ones met
    assert column(chart, "Udekket ved kvartalsslutt") == ["6", "3", "3", "3"]
    assert chart.hidden == []


def test_a_need_without_history_counts_its_status_now_from_its_registered_day() -> None:
    chart = quarter_chart([*trio(D(2027, 5, 5), status="running"), *trio(D(2027, 8, 8), status="matched")], YEAR)
    assert column(chart, "Bestilt") == ["0", "3", "0", "0"]
    assert column(chart, "Dekket") == ["0", "3", "0", "0"]
    assert column(chart, "Udekket ved kvartalsslutt") == ["0", "0", "3", "3"]


def test_a_figure_from_two_employers_is_hidden_not_zero_and_the_csv_says_so() -> None:
    two = [need("111111111", D(2027, 1, 10)), need("222222222", D(2027, 1, 11))]
    dominated = [need("111111111", D(2027, 4, 1), headcount=50), need("222222222", D(2027, 4, 2), headcount=1),
                 need("333333333", D(2027, 4, 3), headcount=1)]
    chart = quarter_chart([*two, *dominated], YEAR)
    assert column(chart, "Registrert") == [HIDDEN_TEXT, HIDDEN_TEXT, "0", "0"]  # 2 employers; one with 50 of 52
    assert chart.hidden[:2] == ["Registrert, 1. kv. 2027", "Registrert, 2. kv. 2027"]
    assert hidden_note(chart).startswith("«:» skjult av personvernhensyn: Registrert, 1. kv. 2027; ")
    rows = chart.csv_rows()
    assert rows[0] == ["1. kv. 2027", ":", "0", "0", ":"]
    assert rows[-1] == [LEGEND]


def test_demand_parts_hide_a_small_part_and_the_total_does_not_give_it_away() -> None:
    needs = [*trio(D(2027, 3, 1), topic="demens", headcount=5), *trio(D(2027, 3, 2), topic="palliasjon", headcount=4),
             *trio(D(2027, 3, 3), topic="sveising", headcount=3),
             need("444444444", D(2027, 3, 4), topic="truck", headcount=2),
             need("555555555", D(2027, 3, 5), topic="truck", headcount=2)]
    chart = build_picture(PictureRows(needs, [], []), YEAR).chart("topics")
    shown = dict(zip(chart.categories, (v.plain for v in chart.series[0].values), strict=True))
    assert shown["truck"] == HIDDEN_TEXT  # 2 employers
    assert chart.total is not None and chart.total.plain == "40"
    hidden = [c for c, v in shown.items() if v == HIDDEN_TEXT]
    # total − shown parts is the sum of two hidden parts (the smallest shown one hidden too), not «truck» alone
    assert hidden == ["sveising", "truck"]  # after the shown parts, by name, not by size
    assert chart.categories[:2] == ("demens", "palliasjon")  # the shown parts, largest first
    assert chart.csv_rows()[-2] == ["I alt", "40"]


def test_the_filter_chooses_needs_by_municipality_and_industry() -> None:
    needs = [*trio(D(2027, 3, 1), municipality="1833", industry="Q"),
             *trio(D(2027, 3, 1), municipality="1804", industry="C", topic="sveising"),
             need("P0001", D(2027, 3, 1), kind="person", industry=None, municipality="1833")]
    rows = PictureRows(needs, [], [])
    everything = build_picture(rows, YEAR)
    assert column(everything.chart("quarters"), "Registrert")[0] == "7"
    assert everything.municipalities == (("1804", "Bodø"), ("1833", "Rana"))
    assert [code for code, _name in everything.industries] == ["C", "Q"]
    rana = build_picture(rows, PictureFilter(YEAR.first, YEAR.last, frozenset({"1833"})))
    assert column(rana.chart("quarters"), "Registrert")[0] == "4"
    assert rana.chart("municipalities").categories == ("Rana",)
    industry = build_picture(rows, PictureFilter(YEAR.first, YEAR.last, industries=frozenset({"C"})))
    assert column(industry.chart("quarters"), "Registrert")[0] == "3"  # persons have no industry
    assert industry.chart("industries").categories == ("C Industri",)


def test_runs_by_status_in_the_period_and_undated_runs_whatever_the_period() -> None:
    rana = (("employer", "111111111"), "1833", "Q")
    runs = [RunRow("started", D(2027, 1, 1), (rana,)), RunRow("completed", D(2027, 12, 31), ()),
            RunRow("completed", D(2028, 1, 1), (rana,)), RunRow("planned", None, ()),
            RunRow("cancelled", D(2026, 12, 31), ())]
    chart = build_picture(PictureRows([], runs, []), YEAR).chart("runs")
    assert chart.categories == ("planlagt", "bestilt", "startet", "gjennomført", "avlyst")
    assert [v.plain for v in chart.series[0].values] == ["1", "0", "1", "1", "0"]
    only_rana = build_picture(PictureRows([], runs, []), PictureFilter(YEAR.first, YEAR.last, frozenset({"1833"})))
    assert [v.plain for v in only_rana.chart("runs").series[0].values] == ["0", "0", "1", "0", "0"]


def test_room_hours_by_kind_are_clipped_at_the_period() -> None:
    bookings = [BookingFact(dt.datetime(2026, 12, 31, 22), dt.datetime(2027, 1, 1, 2), "active", "meeting"),
                BookingFact(dt.datetime(2027, 3, 1, 9), dt.datetime(2027, 3, 1, 15, 30), "active", "session"),
                BookingFact(dt.datetime(2027, 12, 31, 23), dt.datetime(2028, 1, 1, 1), "active", "session")]
    chart = build_picture(PictureRows([], [], bookings), YEAR).chart("rooms")
    values = dict(zip(chart.categories, (v.value for v in chart.series[0].values), strict=True))
    assert values["møte"] == Decimal("2.0") and values["samling"] == Decimal("7.5") and values["eksamen"] == 0


def test_rows_from_the_database_have_owners_places_topics_and_consent(store) -> None:
    from kpdesk.db.models import Consent, CourseRun, Employer, Need, Offer, Person, Provider, course_run_need

    with store.session() as session:
        employer = Employer(org_number="974760673", name="Rana kommune", municipality="1833", industry="87.101")
        counted = Person(ref="P0001", name="Kari", municipality="1804")
        private = Person(ref="P0002", name="Ola", municipality="1804")
        provider = Provider(name="Nord universitet")
        session.add_all([employer, counted, private, provider])
        session.flush()
        session.add_all([Consent(person_id=counted.id, stored=True, statistics=True, given_on=D(2027, 1, 1)),
                         Consent(person_id=private.id, stored=True, statistics=False, given_on=D(2027, 1, 1))])
        needs = [Need(ref="B1", employer_id=employer.id, title="Videreutdanning i palliasjon", headcount=3,
                      registered=D(2027, 2, 1)),
                 Need(ref="B2", person_id=counted.id, title="Sveisekurs", registered=D(2027, 2, 1)),
                 Need(ref="B3", person_id=private.id, title="Sveisekurs", registered=D(2027, 2, 1)),
                 Need(ref="B4", community="Helgeland", title="Sykepleiere", headcount=5, registered=D(2027, 2, 1))]
        offer = Offer(ref="T1", provider_id=provider.id, title="Palliasjon")
        session.add_all([*needs, offer])
        session.flush()
        run = CourseRun(ref="G1", offer_id=offer.id, status="started", start_date=D(2027, 3, 1), participants=3)
        session.add(run)
        session.flush()
        session.execute(course_run_need.insert().values(run_id=run.id, need_id=needs[0].id))
        session.commit()
    rows = store.transaction(lambda s: load_picture_rows(s, D(2027, 1, 1), D(2027, 12, 31)))
    by_owner = {n.owner: n for n in rows.needs}
    assert set(by_owner) == {("employer", "974760673"), ("person", "P0001"), ("community", "Helgeland")}
    palliation = by_owner[("employer", "974760673")]
    assert (palliation.municipality, palliation.industry, palliation.topic) == ("1833", "Q", "Palliasjon")
    assert palliation.runs == (RunLink("started", D(2027, 3, 1)),)
    assert (by_owner[("person", "P0001")].municipality, by_owner[("person", "P0001")].industry) == ("1804", None)
    assert by_owner[("community", "Helgeland")].municipality is None  # a region's own need
    assert [(r.status, r.owners) for r in rows.runs] == [("started", ((("employer", "974760673"), "1833", "Q"),))]


def test_the_note_names_the_first_hidden_figures_and_counts_the_rest() -> None:
    needs = [need(f"{n:09d}", D(2027, 3, 1), topic=f"Tema {n:02d}") for n in range(1, 12)]
    chart = build_picture(PictureRows(needs, [], []), YEAR).chart("topics")
    assert len(chart.hidden) == 11 and chart.total is not None and chart.total.plain == "22"  # one employer each
    assert hidden_note(chart) == ("«:» skjult av personvernhensyn: Tema 01; Tema 02; Tema 03; Tema 04; Tema 05; "
                                  "Tema 06; Tema 07; Tema 08 og 3 til.")


def test_a_saved_chart_names_its_period_municipality_and_industry() -> None:
    needs = [*trio(D(2027, 3, 1), municipality="1833", industry="Q"),
             *trio(D(2027, 3, 1), municipality="1804", industry="C")]
    rows = PictureRows(needs, [], [])
    whole = build_picture(rows, YEAR)
    assert whole.file_name("topics", ".csv") == "regionbilde-tema-2027.csv"
    assert whole.scope(whole.chart("topics")) == ("01.01.2027–31.12.2027",)
    rana = build_picture(rows, PictureFilter(YEAR.first, YEAR.last, frozenset({"1833"}), frozenset({"Q"})))
    assert rana.file_name("topics", ".csv") == "regionbilde-tema-2027-rana-q-helse-og-sosialtjenester.csv"
    assert [rana.file_name(key, ".png").split("-2027")[0] for key in
            ("quarters", "industries", "municipalities", "runs")] == [
        "regionbilde-behov-per-kvartal", "regionbilde-naering", "regionbilde-kommune", "regionbilde-gjennomforinger"]
    assert rana.file_name("rooms", ".png") == "regionbilde-rombruk-2027.png"  # rooms are the centre's
    assert rana.scope(rana.chart("topics")) == ("01.01.2027–31.12.2027", "Rana", "Q Helse- og sosialtjenester")
    assert rana.scope(rana.chart("rooms")) == ("01.01.2027–31.12.2027",)
    spring = build_picture(rows, PictureFilter(D(2027, 1, 1), D(2027, 6, 30)))
    assert spring.file_name("runs", ".csv") == "regionbilde-gjennomforinger-2027-01-01-2027-06-30.csv"

    columns, table = rana.csv_table("topics")
    assert columns == ["tema", "personer", "fra", "til", "kommune", "næring"]  # lower case, as other exports
    assert table[0] == ["demens", "6", "01.01.2027", "31.12.2027", "Rana", "Q Helse- og sosialtjenester"]
    assert table[-1] == ["I alt", "6", "01.01.2027", "31.12.2027", "Rana", "Q Helse- og sosialtjenester"]
    assert build_picture(rows, YEAR).csv_table("rooms")[1][0][-2:] == ["alle", "alle"]


def test_a_chart_knows_it_is_empty_and_where_a_value_is_hidden() -> None:
    empty = build_picture(PictureRows([], [], []), YEAR)
    assert all(chart.empty for chart in empty.charts)
    two = [need(org, D(2027, 1, 10), status="rejected") for org in ("111111111", "222222222")]  # registered only
    chart = quarter_chart(two, YEAR)
    assert not chart.empty  # a hidden figure is a figure
    assert [chart.hidden_at(i) for i in range(4)] == [True, False, False, False]


def test_the_default_year_is_this_year_with_figures_else_the_latest(store) -> None:
    assert default_year({2025, 2027}, D(2027, 5, 1)) == 2027
    assert default_year({2025, 2026}, D(2027, 1, 5)) == 2026  # January: nothing yet this year
    assert default_year({2027}, D(2026, 12, 7)) == 2027  # a database set in a later year
    assert default_year((), D(2026, 12, 7)) == 2026
    from kpdesk.db.models import CourseRun, Employer, Need, Offer, Provider

    with store.session() as session:
        employer = Employer(org_number="974760673", name="Rana kommune")
        provider = Provider(name="Nord universitet")
        session.add_all([employer, provider])
        session.flush()
        offer = Offer(ref="T1", provider_id=provider.id, title="Palliasjon")
        session.add_all([Need(ref="B1", employer_id=employer.id, title="Palliasjon", registered=D(2025, 3, 1)), offer])
        session.flush()
        session.add(CourseRun(ref="G1", offer_id=offer.id, status="planned", start_date=D(2026, 9, 1)))
        session.commit()
    assert store.transaction(lambda s: load_default_year(s, D(2027, 1, 5))) == 2026  # the run's start counts
    assert store.transaction(lambda s: load_default_year(s, D(2025, 6, 1))) == 2025
