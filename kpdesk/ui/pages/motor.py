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
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from kpdesk.reports.motor_picture import FILE_WORDS, SCOPE_SEPARATOR, Chart, Picture, PictureFilter, hidden_note
from kpdesk.reports.suppression import LEGEND
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.pages.base import Page
from kpdesk.ui.widgets.date_field import DateField

MAX_BARS = 15  # bars in a part chart; the CSV has them all
PNG_SIZE = (1200, 700)
SETTINGS_FOLDER = "motor/folder"
COLOURS = ("#2f6f9f", "#d9822b", "#4f9a5a", "#a0a0a0")
CUSTOM = "custom"  # the period combo's last item; the others hold their year
EMPTY_TEXT = "Ingen tall for dette utvalget"


def today() -> dt.date:
    """The day the period combo counts from (a test sets another)."""
    return dt.date.today()


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
        self.empty_text: QGraphicsSimpleTextItem | None = None  # over the plot area when there is no figure
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

    def show_chart(self, data: Chart, scope: tuple[str, ...] = ()) -> None:
        """Draw ``data``; ``scope`` (the period, the municipality …) goes in the title, so a saved PNG
        says what it is of."""
        self.chart_data = data
        chart = QChart()
        chart.setTitle(SCOPE_SEPARATOR.join((self._title(data), *scope)))
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
        self.empty_text = self._empty_text(chart) if data.empty else None
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

    def _empty_text(self, chart: QChart) -> QGraphicsSimpleTextItem:
        """«Ingen tall for dette utvalget» in the middle of the plot area (kept there when it moves)."""
        text = QGraphicsSimpleTextItem(self.tr(EMPTY_TEXT), chart)
        font = text.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        text.setFont(font)
        text.setBrush(QColor("#555555"))

        def centre(area: Any) -> None:
            box = text.boundingRect()
            text.setPos(area.center().x() - box.width() / 2, area.center().y() - box.height() / 2)

        chart.plotAreaChanged.connect(centre)
        centre(chart.plotArea())
        return text

    def _title(self, data: Chart) -> str:
        if data.total is None:
            return data.title
        return self.tr("{title} (i alt {total} {unit})").format(title=data.title, total=data.total.text,
                                                                 unit=data.unit)

    @staticmethod
    def _category(data: Chart, index: int, gap: str) -> str:
        """A category's axis label; with one series, its value too, after ``gap`` («Rana  (105)», «Bodø  (:)»;
        under the label on a vertical chart); with more, «(:)» when one of its values is hidden, as the note
        under the chart says."""
        label, first = data.categories[index], data.series[0]
        if len(data.series) > 1:
            return f"{label}{gap}(:)" if data.hidden_at(index) else label
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
        picture = self.page.picture
        if picture is None:
            return
        from kpdesk.common import csvfile
        from kpdesk.common.errors import os_reason

        columns, rows = picture.csv_table(self.key)

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
        self.default_year: int | None = None  # this year or the latest with figures (the service's choice)
        self.period = QComboBox()
        self.period.setObjectName("period")
        self._fill_periods(today().year)
        first, last = _year_span(today().year)
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
        self.status.setWordWrap(True)  # a hint is never cut off at the window's edge
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

    def _fill_periods(self, default: int) -> None:
        """I år, i fjor, the default year when it is neither (marked as the latest with figures when it is
        not this year), Egen periode; the default chosen."""
        this_year = today().year
        years = sorted({this_year, this_year - 1, default}, reverse=True)
        self.period.blockSignals(True)
        self.period.clear()
        for year in years:
            if year == this_year:
                text = self.tr("I år ({year})")
            elif year != default:
                text = self.tr("I fjor ({year})")
            elif year == this_year - 1:
                text = self.tr("I fjor ({year}, siste år med tall)")
            else:
                text = self.tr("{year} (siste år med tall)")
            self.period.addItem(text.format(year=year), year)
        self.period.addItem(self.tr("Egen periode"), CUSTOM)
        self.period.setCurrentIndex(self.period.findData(default))
        self.period.blockSignals(False)

    def _period_changed(self, *, reload: bool = False) -> None:
        key = self.period.currentData()
        custom = key == CUSTOM
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        if not custom:
            first, last = _year_span(int(key))
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
            return self.tr("Skriv første og siste dag (som 1.1.27 og 31.3.27).")
        if first > last:
            return self.tr("Perioden slutter ({last}) før den begynner ({first}).").format(
                first=first.strftime("%d.%m.%Y"), last=last.strftime("%d.%m.%Y"))
        municipality, industry = self.municipality.currentData(), self.industry.currentData()
        return PictureFilter(first, last, frozenset({municipality} if municipality else ()),
                             frozenset({industry} if industry else ()))

    def file_name(self, key: str, suffix: str) -> str:
        if self.picture is None:
            return f"regionbilde-{FILE_WORDS[key]}{suffix}"
        return self.picture.file_name(key, suffix)

    # ------------------------------------------------------------ loading

    def load(self) -> None:
        """The first time, the default year first (this year, or the latest with figures), then the picture."""
        if self.context.store is None:
            return
        if self.default_year is not None:
            self.reload_picture()
            return
        from kpdesk.reports.motor_picture import load_default_year

        day = today()
        self.context.query(lambda session: load_default_year(session, day), self._default_found,
                           lambda exc: self._failed(self._asked, exc))

    def _default_found(self, year: int) -> None:
        self.default_year = year
        if self.period.currentData() != CUSTOM:
            self._fill_periods(year)
        self._period_changed(reload=True)

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
            self.panels[chart.key].show_chart(chart, picture.scope(chart))
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
