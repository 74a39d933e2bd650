"""Kurstilbud and Tilbydere: lists on the demo data, offer validation in the form, refusals."""

from __future__ import annotations

import pytest
from support import idle

from kpdesk.ui.main_window import SECTIONS


def section(name: str) -> int:
    return next(i for i, s in enumerate(SECTIONS) if s[2] == name)


@pytest.fixture
def offers(open_window, demo_db, qtbot):
    window = open_window(demo_db)
    window.navigation.setCurrentRow(section("OffersPage"))
    page = window.page(section("OffersPage"))
    qtbot.waitUntil(lambda: page.model.total_count() > 20)
    return page


def test_offer_list_filters_by_level_menu(offers) -> None:
    box = next(b for b in offers.menu_boxes if b.objectName() == "filter_level")
    box.setCurrentIndex(box.findText("fagskole"))
    rows = offers.model.visible_rows()
    assert rows and all(r.level == "fagskole" for r in rows)


def test_new_offer_checks_seats_and_dates_then_saves_with_sessions(offers, qtbot) -> None:
    offers.new_button.click()
    form = offers.form
    qtbot.keyClicks(form.editors["provider"], "Nord universitet")
    qtbot.keyClicks(form.editors["title"], "Lindrende behandling for sykepleiere")
    qtbot.keyClicks(form.editors["seats_min"], "20")
    qtbot.keyClicks(form.editors["seats_max"], "10")
    assert not form.save_button.isEnabled()
    assert form.problem_labels["seats_max"].isVisibleTo(offers) or form.problem_labels["seats_min"].isVisibleTo(offers)
    form.editors["seats_max"].setText("30")
    qtbot.keyClicks(form.editors["start_date"], "20.08.2027")
    qtbot.keyClicks(form.editors["end_date"], "01.06.2027")
    assert not form.save_button.isEnabled()
    form.editors["end_date"].setText("01.06.2028")
    qtbot.keyClicks(form.editors["credits"], "7,5")
    form.editors["sessions"].setPlainText("23.08.2027 09:00–25.08.2027 15:00")
    assert form.save_button.isEnabled(), [p.message for p in form.problems]
    form.save_button.click()
    qtbot.waitUntil(lambda: any(r.title == "Lindrende behandling for sykepleiere" for r in offers.model.visible_rows()))
    created = next(r for r in offers.model.visible_rows() if r.title == "Lindrende behandling for sykepleiere")
    assert created.sessions == 1 and str(created.credits) in ("7.5", "7.50")
    assert created.credit_system == "uh"  # a university's credits are UH studiepoeng


def test_a_provider_with_offers_cannot_be_deleted(open_window, demo_db, qtbot, alerts) -> None:
    window = open_window(demo_db)
    number = section("ProvidersPage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    qtbot.waitUntil(lambda: page.model.total_count() > 5)
    page.select_where(lambda r: r.name == "Nord universitet")
    page.delete_button.click()
    assert "Nord universitet" in [r.name for r in page.model.visible_rows()]
    idle(qtbot)
    assert any(kind == "error" for kind, _title, _text in alerts.shown)
