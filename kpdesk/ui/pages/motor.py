"""Regionbilde (the motor role): the region's picture in charts, for a period, a municipality and an
industry, each chart saved as PNG or CSV. The figures come from ``reports/motor_picture.py``
through disclosure control; this page only draws them (a hidden figure is drawn as no bar and
named as hidden under its chart and in its label, never as 0)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtGui import QColor, QCursor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from kpdesk.reports.motor_picture import Chart, Picture, PictureFilter, hidden_note
from kpdesk.reports.suppression import LEGEND
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.base import Page
from kpdesk.ui.widgets.date_field import DateField

MAX_BARS = 15  # bars in a part chart; the CSV has them all
PNG_SIZE = (1200, 700)
SETTINGS_FOLDER = "motor/folder"
COLOURS = ("#2f6f9f", "#d9822b", "#4f9a5a", "#a0a0a0")
PERIODS = ("this_year", "last_year", "custom")


def _year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def value_scale(top: float) -> tuple[float, int]:
    """The value axis' end and tick count: whole steps of 1, 2 or 5 × 10ⁿ, at most 5 of them, a little
    room above the longest bar (0–5 when there is nothing)."""
    if top <= 0:
        return 5.0, 6
    room = top * 1.05
    magnitude = 10.0 ** math.floor(math.log10(room / 5)) if room > 5 else 1.0
    step = next(magnitude * f for f in (1, 2, 5, 10) if room / (magnitude * f) <= 5)
    steps = math.ceil(room / step)
    return steps * step, steps + 1


class ChartPanel(QWidget):
    """One chart: the QtCharts view, what is hidden under it, and its two save buttons."""

    def __init__(self, page: MotorPage, key: str) -> None:
        super().__init__()
        self.page = page
        self.key = key
        self.chart_data: Chart | None = None
        self.view = QChartView()
        self.view.setObjectName(f"chart_{key}")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(260)
        self.note = QLabel()
        self.note.setObjectName(f"note_{key}")
        self.note.setWordWrap(True)
        self.note.setToolTip(LEGEND)
        self.png_button = QPushButton(self.tr("Lagre som PNG …"))
        self.png_button.setObjectName(f"png_{key}")
        self.png_button.clicked.connect(self.ask_png)
        self.csv_button = QPushButton(self.tr("Lagre som CSV …"))
        self.csv_button.setObjectName(f"csv_{key}")
        self.csv_button.clicked.connect(self.ask_csv)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.png_button)
        buttons.addWidget(self.csv_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.set_enabled(False)

    def set_enabled(self, enabled: bool) -> None:
        self.png_button.setEnabled(enabled)
        self.csv_button.setEnabled(enabled)

    # ------------------------------------------------------------ drawing

    def show_chart(self, data: Chart) -> None:
        self.chart_data = data
        chart = QChart()
        chart.setTitle(self._title(data))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setLocale(QLocale(QLocale.Language.NorwegianBokmal, QLocale.Country.Norway))
        chart.setLocalizeNumbers(True)  # «15 000» on the value axis
        chart.legend().setVisible(len(data.series) > 1)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        horizontal = data.key in ("topics", "industries", "municipalities")
        count = min(len(data.categories), MAX_BARS) if horizontal else len(data.categories)
        order = list(reversed(range(count))) if horizontal else list(range(count))  # the first on top
        series = QHorizontalBarSeries() if horizontal else QBarSeries()
        top = 0.0
        for number, one in enumerate(data.series):
            bar_set = QBarSet(one.name)
            bar_set.setColor(QColor(COLOURS[number % len(COLOURS)]))
            for i in order:
                value = one.values[i]
                amount = 0.0 if value.hidden else float(value.value)
                top = max(top, amount)
                bar_set.append(amount)
            bar_set.hovered.connect(lambda state, index, s=one.name, o=tuple(order): self._hovered(state, s, o, index))
            series.append(bar_set)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([self._category(data, i, "  " if horizontal else "<br>") for i in order])
        values = QValueAxis()
        upper, ticks = value_scale(top)
        values.setRange(0, upper)
        values.setTickCount(ticks)
        values.setLabelFormat("%.0f")
        values.setTitleText(data.unit)
        if horizontal:
            chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        else:
            chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        old = self.view.chart()
        self.view.setChart(chart)
        if old is not None:
            old.deleteLater()
        notes = [data.note, hidden_note(data)]
        if len(data.categories) > count:
            notes.append(self.tr("Viser {shown} av {all}; alle står i CSV-filen.").format(
                shown=count, all=len(data.categories)))
        self.note.setText(" ".join(n for n in notes if n))
        self.set_enabled(True)

    def _title(self, data: Chart) -> str:
        if data.total is None:
            return data.title
        return self.tr("{title} (i alt {total} {unit})").format(title=data.title, total=data.total.text,
                                                                 unit=data.unit)

    @staticmethod
    def _category(data: Chart, index: int, gap: str) -> str:
        """A category's axis label; with one series, its value too, after ``gap`` («Rana  (105)», «Bodø  (:)»;
        under the label on a vertical chart)."""
        label, first = data.categories[index], data.series[0]
        if len(data.series) > 1:
            return label
        short = label if len(label) <= 40 else label[:39] + "…"
        return f"{short}{gap}({first.values[index].text})"

    def _hovered(self, state: bool, series: str, order: tuple[int, ...], index: int) -> None:
        data = self.chart_data
        if not state or data is None:
            QToolTip.hideText()
            return
        i = order[index]
        value = next(s for s in data.series if s.name == series).values[i]
        QToolTip.showText(QCursor.pos(), f"{series}, {data.categories[i]}: {value.text}")

    # ------------------------------------------------------------ saving

    def _ask(self, title: str, suffix: str, filters: str) -> str:
        settings = QSettings()
        folder = Path(str(settings.value(SETTINGS_FOLDER, "") or Path.home()))
        path, _filter = QFileDialog.getSaveFileName(self, title, str(folder / self.page.file_name(self.key, suffix)),
                                                    filters)
        if not path:
            return ""
        if not path.lower().endswith(suffix):
            path += suffix
        settings.setValue(SETTINGS_FOLDER, str(Path(path).parent))
        return path

    def ask_png(self) -> None:
        path = self._ask(self.tr("Lagre diagrammet som PNG"), ".png", self.tr("PNG-bilder (*.png)"))
        if path:
            self.save_png(path)

    def ask_csv(self) -> None:
        path = self._ask(self.tr("Lagre tallene som CSV"), ".csv", self.tr("CSV-filer (*.csv)"))
        if path:
            self.save_csv(path)

    def save_png(self, path: str) -> None:
        """The chart drawn at a fixed size (the same picture whatever the window's size)."""
        from PySide6.QtGui import QImage

        image = QImage(*PNG_SIZE, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        view = self.view
        old_size = view.size()
        view.resize(*PNG_SIZE)
        view.render(painter)
        view.resize(old_size)
        painter.end()
        if not image.save(path):
            alerts.error(self, self.tr("Kan ikke lagre"), self.tr("Kan ikke lagre {path}: mappen finnes ikke eller "
                                                                  "kan ikke skrives til.").format(path=path))
            return
        self.page.saved(path)

    def save_csv(self, path: str) -> None:
        data = self.chart_data
        if data is None:
            return
        from kpdesk.common import csvfile
        from kpdesk.common.errors import os_reason

        columns, rows = data.csv_columns(), data.csv_rows()

        def work(_task: Any) -> str:
            csvfile.write(path, columns, rows)
            return path

        def failed(exc: BaseException) -> None:
            if isinstance(exc, OSError):
                alerts.error(self, self.tr("Kan ikke lagre"), self.tr("Kan ikke lagre {path}: {reason}.").format(
                    path=path, reason=os_reason(exc)))
            else:
                alerts.show_exception(self, exc)

        self.page.context.compute(work, self.page.saved, failed)


class MotorPage(Page):
    """The region's picture: needs per quarter, demand by topic, industry and municipality, the runs
    pipeline and room use, for the chosen period, municipality and industry."""

    CHARTS = (("quarters", "Behov per kvartal"), ("topics", "Tema"), ("industries", "Næring"),
              ("municipalities", "Kommune"), ("runs", "Gjennomføringer"), ("rooms", "Rombruk"))

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.title = self.tr("Regionbilde")
        self.picture: Picture | None = None
        self._asked = 0  # the newest load asked for; older answers are dropped
        today = dt.date.today()
        self.period = QComboBox()
        self.period.setObjectName("period")
        for key, text in zip(PERIODS, (self.tr("I år ({year})").format(year=today.year),
                                       self.tr("I fjor ({year})").format(year=today.year - 1),
                                       self.tr("Egen periode")), strict=True):
            self.period.addItem(text, key)
        first, last = _year_span(today.year)
        self.first = DateField(first)
        self.first.setObjectName("first")
        self.last = DateField(last)
        self.last.setObjectName("last")
        self.municipality = QComboBox()
        self.municipality.setObjectName("municipality")
        self.municipality.addItem(self.tr("Alle kommuner"), "")
        self.industry = QComboBox()
        self.industry.setObjectName("industry")
        self.industry.addItem(self.tr("Alle næringer"), "")
        self.industry.setMinimumContentsLength(24)
        self.industry.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status = QLabel()
        self.status.setObjectName("motorStatus")
        row = QHBoxLayout()
        for label, widget in ((self.tr("Periode:"), self.period), (self.tr("fra"), self.first),
                              (self.tr("til"), self.last), (self.tr("Kommune:"), self.municipality),
                              (self.tr("Næring:"), self.industry)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            row.addWidget(caption)
            row.addWidget(widget)
        row.addWidget(self.status, 1)
        self.tabs = QTabWidget()
        self.panels: dict[str, ChartPanel] = {}
        for key, title in self.CHARTS:
            panel = ChartPanel(self, key)
            self.panels[key] = panel
            self.tabs.addTab(panel, self.tr(title))
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.tabs, 1)
        self._period_changed()
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed(reload=True))
        self.first.dateChanged.connect(lambda _d: self.reload_picture())
        self.last.dateChanged.connect(lambda _d: self.reload_picture())
        self.municipality.currentIndexChanged.connect(lambda _i: self.reload_picture())
        self.industry.currentIndexChanged.connect(lambda _i: self.reload_picture())
        context.data_changed.connect(lambda _kind: self.reload())

    # ------------------------------------------------------------ the filter

    def _period_changed(self, *, reload: bool = False) -> None:
        key = self.period.currentData()
        custom = key == "custom"
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        if not custom:
            year = dt.date.today().year - (1 if key == "last_year" else 0)
            first, last = _year_span(year)
            for field, day in ((self.first, first), (self.last, last)):
                field.blockSignals(True)
                field.setDate(day)
                field.commit()
                field.blockSignals(False)
        if reload:
            self.reload_picture()

    def chosen(self) -> PictureFilter | str:
        """The filter, or why it cannot be used (in bokmål)."""
        first, last = self.first.date(), self.last.date()
        if first is None or last is None:
            return self.tr("Skriv inn første og siste dag i perioden (for eksempel 1.1.27 og 31.3.27).")
        if first > last:
            return self.tr("Perioden slutter ({last}) før den begynner ({first}).").format(
                first=first.strftime("%d.%m.%Y"), last=last.strftime("%d.%m.%Y"))
        municipality, industry = self.municipality.currentData(), self.industry.currentData()
        return PictureFilter(first, last, frozenset({municipality} if municipality else ()),
                             frozenset({industry} if industry else ()))

    def file_name(self, key: str, suffix: str) -> str:
        chosen = self.picture.filter if self.picture is not None else None
        span = f"-{chosen.first.isoformat()}-{chosen.last.isoformat()}" if chosen else ""
        return f"regionbilde-{key}{span}{suffix}"

    # ------------------------------------------------------------ loading

    def load(self) -> None:
        self.reload_picture()

    def reload_picture(self) -> None:
        if self.context.store is None:
            return
        chosen = self.chosen()
        if isinstance(chosen, str):
            self.status.setText(chosen)
            return
        from kpdesk.motor.picture_rows import load_picture_rows
        from kpdesk.reports.motor_picture import build_picture

        self._asked += 1
        asked = self._asked
        self.status.setText(self.tr("Henter tallene …"))
        self.context.load_then_compute(lambda session, _task: load_picture_rows(session, chosen.first, chosen.last),
                                       lambda rows, _task: build_picture(rows, chosen),
                                       lambda picture: self._show(asked, picture),
                                       lambda exc: self._failed(asked, exc))

    def _failed(self, asked: int, exc: BaseException) -> None:
        if asked == self._asked:
            self.status.setText(self.tr("Tallene kunne ikke hentes."))
            alerts.show_exception(self, exc)

    def _show(self, asked: int, picture: Picture) -> None:
        if asked != self._asked:
            return
        self.picture = picture
        self._fill_choices(self.municipality, picture.municipalities)
        self._fill_choices(self.industry, picture.industries)
        for chart in picture.charts:
            self.panels[chart.key].show_chart(chart)
        self.status.setText("")
        host = self.host()
        if host is not None:
            host.page_data_shown()

    @staticmethod
    def _fill_choices(box: QComboBox, choices: tuple[tuple[str, str], ...]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for key, text in choices:
            box.addItem(text, key)
        box.setCurrentIndex(max(box.findData(current), 0))
        box.blockSignals(False)

    def saved(self, path: str) -> None:
        self.status.setText(self.tr("Lagret {path}.").format(path=path))
        self.context.status_message.emit(self.tr("Lagret {path}.").format(path=path))
