"""Lists that fit a 1366×768 screen: the key columns of every list are on screen, whole or elided
with a tooltip; the column menu hides a column for good; the window fits the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMargins, QRect, QSize

# (section, columns that must be on screen at 1366×768) — the issue found these cut or behind a scrollbar
KEY_COLUMNS = {
    "EmployersPage": ["org_number", "name", "municipality", "industry", "open_needs"],  # Arbeidsgivere: Næring
    "NeedsPage": ["ref", "title", "employer", "municipality", "headcount", "status"],  # Behov: Arbeidsgiver
    "OffersPage": ["ref", "title", "provider", "format", "place", "start"],  # Kurstilbud: Tilbyder
    "MatchingPage": ["ref", "title", "score", "best", "employer"],  # Matching
    "DemandPage": ["topic", "headcount", "offer", "level", "region", "employers"],  # Samordning: Region
    "ProvidersPage": ["name", "kind", "offers", "web"],  # Tilbydere
    "RoomsPage": ["name", "site", "capacity", "hours", "bookings", "equipment"],  # Rom: Utstyr
    "AuditLogPage": ["at", "user", "action", "entity", "field", "old", "new", "summary"],  # Endringslogg
    "ExamsPage": ["day", "ref", "course", "institution", "candidates"],  # Eksamen: Emne, Institusjon
}
SCREEN = QRect(0, 0, 1366, 768 - 40)  # a taskbar below


@pytest.fixture
def window_at_1366(open_window, demo_db: Path, qtbot):
    from kpdesk.ui.window_geometry import FRAME_GUESS

    window = open_window(demo_db)
    window.resize(SCREEN.marginsRemoved(FRAME_GUESS).size())  # maximised on a 1366×768 laptop
    qtbot.wait(50)
    return window


def show_section(window, qtbot, name: str):
    from kpdesk.ui.main_window import section_row

    number = section_row(name)
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    if name in ("MatchingPage", "DemandPage"):  # Matching and Samordning list a run
        page.matching.run(page.matching.as_of)
        qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=30000)
    elif name == "AuditLogPage":  # Endringslogg: the demo has made no changes yet, so its columns fit their headers
        qtbot.waitUntil(lambda: page._from_store, timeout=10000)
    else:
        qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    qtbot.wait(20)
    return page


@pytest.mark.parametrize("section", sorted(KEY_COLUMNS))
def test_key_columns_are_on_screen_at_1366(window_at_1366, qtbot, section: str) -> None:
    page = show_section(window_at_1366, qtbot, section)
    view, header = page.view, page.view.horizontalHeader()
    keys = [c.key for c in page.model.columns]
    assert page.column_layout.visible_keys()[:len(KEY_COLUMNS[section])] == KEY_COLUMNS[section]
    for key in KEY_COLUMNS[section]:
        number = keys.index(key)
        left = header.sectionViewportPosition(number)
        width = header.sectionSize(number)
        assert left >= 0 and left + width <= view.viewport().width(), (key, left, width, view.viewport().width())
        assert width >= header.minimumSectionSize(), key
    assert not view.horizontalScrollBar().isVisible()
    # the text column gets what is left, at least 16 letters
    stretch = page.column_layout.stretch
    assert stretch is not None and header.sectionSize(stretch) >= 16 * 6


def test_the_exam_list_shows_institutions_whole_beside_the_candidates(window_at_1366, qtbot) -> None:
    """Eksamen at 1366: every institution whole (it was cut at 16 letters: «UiT Norges arkti…»), the
    candidates' table and the check-in buttons whole beside the list."""
    page = show_section(window_at_1366, qtbot, "ExamsPage")
    number = [c.key for c in page.model.columns].index("institution")
    cells = [page.model.index(row, number) for row in range(page.model.rowCount())]
    assert "UiT Norges arktiske universitet" in {index.data() for index in cells}
    assert not [index.data() for index in cells if page.column_layout.delegate.is_elided(index)]
    detail = page.detail
    qtbot.waitUntil(lambda: detail.model.rowCount() > 0, timeout=10_000)
    assert not detail.view.horizontalScrollBar().isVisible()
    right = detail.mapTo(page, detail.rect().topRight()).x()
    for button in (*detail.buttons.values(), detail.signin_button):
        edge = button.mapTo(page, button.rect().topRight()).x()
        assert button.width() >= button.sizeHint().width() and edge <= right, button.text()


def test_elided_cells_have_their_whole_text_as_tooltip(window_at_1366, qtbot) -> None:
    page = show_section(window_at_1366, qtbot, "EmployersPage")
    delegate = page.column_layout.delegate
    number = [c.key for c in page.model.columns].index("industry")
    page.view.setColumnWidth(number, 60)
    elided = [page.model.index(row, number) for row in range(page.model.rowCount())]
    assert all(delegate.is_elided(index) for index in elided if len(index.data()) > 12)
    page.view.setColumnWidth(number, 600)
    assert not any(delegate.is_elided(index) for index in elided)


def test_column_menu_hides_a_column_and_it_stays_hidden(window_at_1366, qtbot) -> None:
    page = show_section(window_at_1366, qtbot, "EmployersPage")
    menu = page.column_layout.column_menu()
    by_text = {action.text(): action for action in menu.actions()}
    assert by_text["Næring"].isChecked() and not by_text["Kontakter"].isChecked()
    by_text["Næring"].trigger()
    by_text["Kontakter"].trigger()
    assert "industry" not in page.column_layout.visible_keys()
    assert "contacts" in page.column_layout.visible_keys()

    from kpdesk.ui.pages.employers import EmployersPage

    again = EmployersPage(page.context)  # a new session's page reads what was chosen
    qtbot.addWidget(again)
    assert again.view.isColumnHidden([c.key for c in again.model.columns].index("industry"))
    assert "contacts" in again.column_layout.visible_keys()

    again.column_layout.reset()  # «Standard kolonner og bredder»
    assert "industry" in again.column_layout.visible_keys()
    assert "contacts" not in again.column_layout.visible_keys()


def test_widths_and_order_are_remembered(window_at_1366, qtbot) -> None:
    page = show_section(window_at_1366, qtbot, "NeedsPage")
    header = page.view.horizontalHeader()
    keys = [c.key for c in page.model.columns]
    employer = keys.index("employer")
    header.resizeSection(employer, 150)  # as the user drags it
    header.moveSection(header.visualIndex(keys.index("status")), 1)
    page.column_layout.save()

    from kpdesk.ui.pages.needs import NeedsPage

    again = NeedsPage(page.context)
    qtbot.addWidget(again)
    again.column_layout.size_to(page.model.visible_rows())
    assert again.view.columnWidth(employer) == 150
    assert again.column_layout.visible_keys()[:2] == ["ref", "status"]


def test_the_last_column_cannot_be_hidden(window_at_1366, qtbot) -> None:
    page = show_section(window_at_1366, qtbot, "ProvidersPage")
    layout = page.column_layout
    for key in list(layout.visible_keys()):
        layout.set_hidden(key, True)
    assert len(layout.visible_keys()) == 1


# ------------------------------------------------------------ the window


def test_default_geometry_fits_a_1366x768_screen_with_its_frame() -> None:
    from kpdesk.ui.window_geometry import FRAME_GUESS, default_geometry

    inside = default_geometry(SCREEN, FRAME_GUESS)
    assert SCREEN.contains(inside.marginsAdded(FRAME_GUESS))
    assert inside.width() == SCREEN.width() - 16  # a small screen: all of it
    big = QRect(0, 0, 2560, 1400)
    roomy = default_geometry(big, FRAME_GUESS)
    assert roomy.size() == QSize(1200, 760) and big.center().x() - roomy.center().x() <= 1


def test_remembered_geometry_is_clamped_to_the_screen() -> None:
    from kpdesk.ui.window_geometry import clamp_geometry

    frame = QMargins(4, 30, 4, 4)
    fitted = clamp_geometry(QRect(1800, 900, 1600, 1000), SCREEN, frame)  # from a big external screen
    assert SCREEN.contains(fitted.marginsAdded(frame))
    assert clamp_geometry(QRect(100, 100, 800, 500), SCREEN, frame) == QRect(100, 100, 800, 500)


def test_window_opens_inside_the_screen_with_its_status_bar(open_window, seeded_db: Path, qtbot) -> None:
    window = open_window(seeded_db)
    available = window.screen().availableGeometry()
    assert available.contains(window.frameGeometry())
    bar = window.statusBar()
    assert bar.isVisible() and bar.geometry().bottom() <= window.height()


def test_a_too_big_remembered_window_is_made_to_fit(open_window, seeded_db: Path, qtbot) -> None:
    from PySide6.QtCore import QSettings

    window = open_window(seeded_db)
    available = window.screen().availableGeometry()
    window.setGeometry(0, 0, available.width() + 900, available.height() + 600)
    window.close()
    qtbot.waitUntil(lambda: QSettings().value("window/geometry") is not None)

    from kpdesk.ui.main_window import MainWindow

    again = MainWindow(seeded_db)
    qtbot.addWidget(again)
    assert again.geometry().width() <= available.width()
    assert again.geometry().height() <= available.height()


def test_detail_tables_fit_their_pane_and_remember_only_the_users_widths(window_at_1366, qtbot) -> None:
    """Usage of the room (every column its own width, the last taking the rest): Qt stretching the last
    column is not the user's resizing, so nothing is remembered and the room names are whole."""
    from PySide6.QtCore import QSettings

    from kpdesk.ui.booking.usage import UsageDialog
    from kpdesk.ui.widgets.table_view import column_layout

    dialog = UsageDialog(window_at_1366.context, window_at_1366)
    qtbot.addWidget(dialog)
    dialog.show()
    view = dialog.page.view
    qtbot.waitUntil(lambda: view.model().rowCount() > 0, timeout=10_000)
    qtbot.wait(500)  # past the layout's delay before it remembers
    layout = column_layout(view)
    assert layout._remembered_widths() == {}
    names = [r.room_name for r in view.model().visible_rows()]
    assert not any(view.itemDelegate().is_elided(view.model().index(n, 0)) for n in range(len(names)))
    view.horizontalHeader().resizeSection(1, 150)  # the user widens Måned
    qtbot.waitUntil(lambda: layout._remembered_widths().get("month") == 150)
    QSettings().remove("lists/usageView")


def placeholder_cut(editor) -> bool:  # type: ignore[no-untyped-def]
    """Whether a line field's placeholder is wider than the room for text in it."""
    from PySide6.QtWidgets import QStyle, QStyleOptionFrame

    option = QStyleOptionFrame()
    editor.initStyleOption(option)
    room = editor.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, editor)
    margins = editor.textMargins()
    width = room.width() - margins.left() - margins.right() - 4  # QLineEdit keeps 2 px each side
    return editor.fontMetrics().horizontalAdvance(editor.placeholderText()) > width


@pytest.mark.parametrize("section", ["NeedsPage", "PersonsPage", "EmployersPage", "OffersPage"])
def test_form_placeholders_show_whole_at_1366(window_at_1366, qtbot, section: str) -> None:
    """A hint cut off mid-word («for eksempel R…») says nothing: every owner's fields on Behov, and the
    other record forms, show their placeholders whole beside the list."""
    from PySide6.QtWidgets import QComboBox, QLineEdit

    page = show_section(window_at_1366, qtbot, section)
    page.new_button.click()
    owner = page.form.editors.get("owner_kind")
    kinds = [owner.itemData(i) for i in range(owner.count())] if isinstance(owner, QComboBox) else [None]
    for kind in kinds:
        if kind is not None:
            owner.setCurrentIndex(owner.findData(kind))
        qtbot.wait(10)
        cut = [key for key, editor in page.form.editors.items()
               if isinstance(editor, QLineEdit) and editor.placeholderText() and editor.isVisible()
               and placeholder_cut(editor)]
        assert cut == [], (kind, {key: page.form.editors[key].placeholderText() for key in cut})
