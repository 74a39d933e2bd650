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
    assert lines[0] == "kvartal;Registrert;Bestilt;Dekket;Udekket ved kvartalsslutt"
    quarters = page.picture.chart("quarters")
    for line, category, i in zip(lines[1:4], quarters.categories, range(3), strict=True):
        assert line == ";".join([category, *(s.values[i].plain for s in quarters.series)])
    assert ";:" in "\n".join(lines[1:4])  # the hidden figure, as in the chart's note
    assert lines[4].startswith("«:» = skjult")
