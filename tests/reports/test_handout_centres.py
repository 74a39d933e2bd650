"""A handout for one centre or the whole region (issue 17): only the centre's needs are counted, the
title says which, and disclosure control applies to what is counted."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from support import pdf_pages

from kpdesk.common import reference
from kpdesk.common.errors import UserError
from kpdesk.common.paths import Location
from kpdesk.db.store import Store
from kpdesk.register import centres
from kpdesk.reports import handout as handout_module
from kpdesk.reports.report_loader import ReportRequest, load_report
from kpdesk.reports.suppression import HIDDEN_TEXT

AS_OF = dt.date(2027, 1, 11)


@pytest.fixture(scope="module")
def regional_demo(demo: Location) -> Location:
    """The small demo with two more centres: Mosjøen has Vefsn's needs, Sandnessjøen one employer's."""
    store = Store.open(demo)
    try:
        def spread(s: Session) -> None:
            mosjoen = centres.create_centre(s, "Mosjøen", "1824")
            sandnessjoen = centres.create_centre(s, "Sandnessjøen", "1820")
            s.execute(text("UPDATE need SET centre_id = :c WHERE employer_id IN (SELECT id FROM employer"
                           " WHERE municipality = '1824')"), {"c": mosjoen})
            alone = s.execute(text("SELECT employer_id FROM need JOIN employer e ON e.id = employer_id"
                                   " WHERE e.municipality = '1820' GROUP BY employer_id"
                                   " ORDER BY count(*) DESC, employer_id LIMIT 1")).scalar_one()
            s.execute(text("UPDATE need SET centre_id = :c WHERE employer_id = :e"), {"c": sandnessjoen, "e": alone})

        store.transaction(spread)
    finally:
        store.close()
    return demo


def handout(db: Location, centre: str = "") -> tuple[object, list[str], str]:
    store = Store.open(db)
    try:
        with store.session() as s:
            loaded = load_report(s, ReportRequest("handout", centre=centre, as_of=AS_OF))
    finally:
        store.close()
    return loaded, pdf_pages(loaded.build()), loaded.file_name


def figures(db: Location, centre: str | None) -> handout_module.HandoutData:
    store = Store.open(db)
    try:
        with store.session() as s:
            return handout_module.load(s, handout_module.resolve_scope(s, centre=centre), AS_OF)
    finally:
        store.close()


def test_a_centres_handout_counts_only_its_needs_and_says_so(regional_demo: Location) -> None:
    loaded, pages, name = handout(regional_demo, "mosjøen")
    assert "Kompetansebehov i Mosjøen" in pages[0]
    assert name == "moteunderlag-mosjoen-2027-01-11.pdf"
    assert loaded.description == "møteunderlaget for Mosjøen"
    assert figures(regional_demo, "Mosjøen").needs_table.rows == (reference.municipality_label("1824"),)


def test_the_region_handout_counts_every_centre(regional_demo: Location) -> None:
    _loaded, pages, name = handout(regional_demo)
    assert "Kompetansebehov i hele regionen" in pages[0]
    assert name == "moteunderlag-hele-regionen-2027-01-11.pdf"
    rows = figures(regional_demo, None).needs_table.rows
    assert {reference.municipality_label(n) for n in ("1824", "1833", "1820")} <= set(rows)


def test_disclosure_control_applies_to_a_centre_of_one_employer(regional_demo: Location) -> None:
    table = figures(regional_demo, "Sandnessjøen").needs_table
    assert table.rows and table.grand_total == HIDDEN_TEXT  # one employer: nothing printed
    assert all(table.row_total(r) == HIDDEN_TEXT for r in range(len(table.rows)))


def test_an_unknown_centre_names_those_there_are(regional_demo: Location) -> None:
    with pytest.raises(UserError, match=re.escape("Finner ikke senteret «Bodø». Sentrene i databasen er: "
                                                  "Kunnskapsparken Helgeland (DEMO), Mosjøen, Sandnessjøen.")):
        handout(regional_demo, "Bodø")
