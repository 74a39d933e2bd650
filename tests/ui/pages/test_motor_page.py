"""Regionbilde: the charts drawn from the small demo, a filter changing them, and PNG and CSV saved
with hidden figures written as hidden."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog

from kpdesk.ui.main_window import SECTIONS, section_row


def bars(page: Any, key: str) -> dict[str, list[float]]:
    """What the chart draws: each bar set's values by its name."""
    series = page.panels[key].view.chart().series()[0]
    return {s.label(): [s.at(i) for i in range(s.count())] for s in series.barSets()}


def axis_labels(page: Any, key: str) -> list[str]:
    from PySide6.QtCharts import QBarCategoryAxis

    axis = next(a for a in page.panels[key].view.chart().axes() if isinstance(a, QBarCategoryAxis))
    return list(axis.categories())


@pytest.fixture
def page(open_window, demo_db: Path, qtbot) -> Any:
    window = open_window(demo_db)
    row = section_row("MotorPage")
    heading = max(i for i in range(row) if not SECTIONS[i][1])
    assert SECTIONS[heading][0] == "Motor"  # under the Motor heading
    window.navigation.setCurrentRow(row)
    shown = window.page(row)
    qtbot.waitUntil(lambda: shown.picture is not None, timeout=20_000)
    shown.period.setCurrentIndex(shown.period.findData("custom"))
    loaded = shown.picture
    shown.first.setText("1.7.26")
    shown.first.commit()
    shown.last.setText("31.3.27")
    shown.last.commit()
    qtbot.waitUntil(lambda: shown.picture is not loaded and shown.picture.filter.first.year == 2026, timeout=20_000)
    return shown


def test_the_charts_show_the_service_figures_and_a_filter_changes_them(page, qtbot) -> None:
    quarters = page.picture.chart("quarters")
    assert quarters.categories == ("3. kv. 2026", "4. kv. 2026", "1. kv. 2027")
    drawn = bars(page, "quarters")
    assert list(drawn) == ["Registrert", "Bestilt", "Dekket", "Udekket ved kvartalsslutt"]
    for series in quarters.series:
        assert drawn[series.name] == [0.0 if v.hidden else float(v.value) for v in series.values]
    assert sum(drawn["Registrert"]) > 0
    hidden = quarters.hidden
    assert hidden and page.panels["quarters"].note.text().startswith("«:» skjult av personvernhensyn: " + hidden[0])
    marked = [label.split("<br>")[0] for label in axis_labels(page, "quarters") if label.endswith("<br>(:)")]
    assert marked == [c for i, c in enumerate(quarters.categories) if quarters.hidden_at(i)]  # as the note says
    assert marked and all(any(h.endswith(", " + c) for h in hidden) for c in marked)
    topics = axis_labels(page, "topics")
    assert topics[0].endswith(")") and any(label.endswith("(:)") for label in topics)  # hidden named, not 0

    before = drawn["Registrert"]
    page.municipality.setCurrentIndex(page.municipality.findText("Rana"))
    qtbot.waitUntil(lambda: page.picture.filter.municipalities == frozenset({"1833"}), timeout=20_000)
    after = bars(page, "quarters")["Registrert"]
    assert after != before and sum(after) < sum(before)
    assert page.picture.chart("municipalities").categories == ("Rana",)
    assert axis_labels(page, "municipalities")[0].startswith("Rana  (")


def test_a_period_that_ends_before_it_begins_is_said_in_bokmal(page, qtbot) -> None:
    shown = page.picture
    page.last.setText("1.1.26")
    page.last.commit()
    assert page.status.text() == "Perioden slutter (01.01.2026) før den begynner (01.07.2026)."
    assert page.picture is shown


def test_a_chart_is_saved_as_png_and_csv_with_hidden_figures_as_hidden(page, qtbot, monkeypatch,
                                                                          tmp_path: Path) -> None:
    png = tmp_path / "kvartal"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(png), "")))
    page.panels["quarters"].png_button.click()
    image = QImage(str(png) + ".png")
    assert (image.width(), image.height()) == (1200, 700)
    blue = QColor("#2f6f9f")  # the first series' bars are drawn
    assert any(image.pixelColor(x, y) == blue for x in range(0, 1200, 3) for y in range(0, 700, 3))
    assert page.status.text() == f"Lagret {png}.png."

    csv_path = tmp_path / "kvartal.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(csv_path), "")))
    page.panels["quarters"].csv_button.click()
    qtbot.waitUntil(csv_path.exists, timeout=10_000)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "kvartal;registrert;bestilt;dekket;udekket ved kvartalsslutt;fra;til;kommune;næring"
    quarters = page.picture.chart("quarters")
    for line, category, i in zip(lines[1:4], quarters.categories, range(3), strict=True):
        assert line == ";".join([category, *(s.values[i].plain for s in quarters.series),
                                 "01.07.2026", "31.03.2027", "alle", "alle"])
    assert ";:" in "\n".join(lines[1:4])  # the hidden figure, as in the chart's note
    assert lines[4].startswith("«:» = skjult")


def saved_default(page: Any, key: str, button: str, monkeypatch) -> str:
    """The file name the save dialog is opened with."""
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda _parent, _title, path, _filters: (asked.append(path), ("", ""))[1]))
    getattr(page.panels[key], button).click()
    return Path(asked[0]).name


def test_a_saved_chart_says_its_filter_in_its_name_title_and_columns(page, qtbot, monkeypatch,
                                                                       tmp_path: Path) -> None:
    assert saved_default(page, "quarters", "png_button", monkeypatch) == \
        "regionbilde-behov-per-kvartal-2026-07-01-2027-03-31.png"
    page.period.setCurrentIndex(page.period.findData(2026))
    page.municipality.setCurrentIndex(page.municipality.findText("Rana"))
    qtbot.waitUntil(lambda: page.picture.filter.municipalities == frozenset({"1833"})
                    and page.picture.filter.first.month == 1, timeout=20_000)
    assert saved_default(page, "topics", "csv_button", monkeypatch) == "regionbilde-tema-2026-rana.csv"
    assert saved_default(page, "rooms", "png_button", monkeypatch) == "regionbilde-rombruk-2026.png"  # no filter there
    title = page.panels["topics"].view.chart().title()
    assert title.startswith("Etterspørsel etter tema") and title.endswith(" · 01.01.2026–31.12.2026 · Rana")

    csv_path = tmp_path / "rana.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(csv_path), "")))
    page.panels["topics"].csv_button.click()
    qtbot.waitUntil(csv_path.exists, timeout=10_000)
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "tema;personer;fra;til;kommune;næring"
    assert lines[1].endswith(";01.01.2026;31.12.2026;Rana;alle")


def test_an_empty_chart_says_there_are_no_figures(page, qtbot) -> None:
    panel = page.panels["topics"]
    assert panel.empty_text is None  # the demo's period has figures
    page.first.setText("1.1.31")
    page.first.commit()
    page.last.setText("31.12.31")
    page.last.commit()
    qtbot.waitUntil(lambda: page.picture.filter.first.year == 2031, timeout=20_000)
    text = panel.empty_text
    assert text is not None and text.text() == "Ingen tall for dette utvalget" and text.isVisible()
    assert text.scene() is panel.view.scene()
    area = panel.view.chart().plotArea()
    assert area.contains(text.mapToParent(text.boundingRect().center()))  # in the middle of the chart


def test_the_date_hint_fits_the_window_at_1366(page, qtbot) -> None:
    from PySide6.QtCore import QRect, Qt

    window = page.window()
    window.resize(1366, 728)
    page.first.setText("")
    page.first.commit()
    page.reload_picture()
    assert page.status.text().startswith("Skriv første")
    qtbot.wait(50)
    label = page.status
    room = label.contentsRect()
    flags = int(Qt.TextFlag.TextWordWrap) if label.wordWrap() else 0
    needed = label.fontMetrics().boundingRect(QRect(0, 0, room.width(), 10_000), flags, label.text())
    assert needed.width() <= room.width() and needed.height() <= room.height()


def test_the_default_period_is_the_latest_year_with_figures(open_window, demo_db: Path, qtbot, monkeypatch) -> None:
    import datetime as dt

    from kpdesk.ui.pages import motor

    monkeypatch.setattr(motor, "today", lambda: dt.date(2029, 1, 5))  # nothing registered or started in 2029
    window = open_window(demo_db)
    row = section_row("MotorPage")
    window.navigation.setCurrentRow(row)
    page = window.page(row)
    qtbot.waitUntil(lambda: page.picture is not None, timeout=20_000)
    assert page.period.currentText() == "2027 (siste år med tall)"  # the demo's runs start in 2027
    assert [page.period.itemText(i) for i in range(page.period.count())] == [
        "I år (2029)", "I fjor (2028)", "2027 (siste år med tall)", "Egen periode"]
    assert (page.picture.filter.first, page.picture.filter.last) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
