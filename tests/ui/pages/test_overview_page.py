"""Oversikt: the day from the small demo, clickable to its sections."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kpdesk.ui.main_window import section_row


def test_overview_shows_todays_booking_and_a_deadline_from_the_demo(open_window, demo_db: Path, qtbot,
                                                                    monkeypatch) -> None:
    from kpdesk.admin import day_overview

    monkeypatch.setattr(day_overview, "calendar_day", lambda: dt.date(2027, 1, 11))  # the demo's busiest day
    window = open_window(demo_db)
    window.navigation.setCurrentRow(section_row("OverviewPage"))
    page = window.page(section_row("OverviewPage"))
    qtbot.waitUntil(lambda: page.day is not None, timeout=10000)
    assert "I dag er 11.01.2027, uke 2 (2027)" in page.heading.text()
    today = page.boxes["today"].lines()
    assert "08.30–09.30  Møterom Tind: Koordinatormøte" in today
    deadlines = page.boxes["deadlines"].lines()
    assert any(line.startswith("25.01.2027 (om 14 dager): Verneombudskurs") for line in deadlines), deadlines
    assert "kjør matching" in page.boxes["unproposed"].lines()[0]
    assert "(daglig)" in page.boxes["backup"].lines()[0]  # the copy made when the demo was opened

    page.matching.run(dt.date(2027, 1, 11))
    qtbot.waitUntil(lambda: page.matching.latest is not None, timeout=30000)
    unmet = sum(1 for r in page.matching.latest.results if r.unmet)
    assert page.boxes["unproposed"].title() == f"Behov uten forslag: {unmet} (matching per 11.01.2027)"
    assert page.boxes["unproposed"].lines()[0].startswith("B0")

    box = page.boxes["today"].list
    box.itemClicked.emit(box.item(0))
    assert window.navigation.currentRow() == section_row("SchedulePage")
    window.navigation.setCurrentRow(section_row("OverviewPage"))
    box = page.boxes["deadlines"].list
    box.itemActivated.emit(box.item(0))
    assert window.navigation.currentRow() == section_row("OffersPage")


def test_the_backup_line_opens_the_backups(open_window, demo_db: Path, qtbot, monkeypatch) -> None:
    window = open_window(demo_db)
    opened: list[bool] = []
    monkeypatch.setattr(type(window), "show_backups", lambda self: opened.append(True))
    window.navigation.setCurrentRow(section_row("OverviewPage"))
    page = window.page(section_row("OverviewPage"))
    qtbot.waitUntil(lambda: page.day is not None, timeout=10000)
    box = page.boxes["backup"].list
    box.itemClicked.emit(box.item(0))
    assert opened == [True]
