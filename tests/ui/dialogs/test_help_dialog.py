"""Hjelp › Brukerveiledning: F1 opens the guide on the page of the section shown."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt

from kpdesk.common.resources import resource_path
from kpdesk.ui.dialogs.help import CONTENTS, PAGE_OF_SECTION, HelpDialog
from kpdesk.ui.main_window import SECTIONS, section_row, section_rows


def test_every_section_and_contents_entry_has_a_page_whose_links_and_pictures_exist() -> None:
    assert {SECTIONS[row][2] for row in section_rows()} == set(PAGE_OF_SECTION)
    folder = resource_path("help")
    for name, _title in CONTENTS:
        html = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert 'lang="nb"' in html, name
        for target in re.findall(r'(?:href|src)="([^"#:]+)"', html):
            assert (folder / target).is_file(), (name, target)
    for picture in (folder / "img").glob("*.png"):
        assert picture.stat().st_size < 400_000, picture  # small enough to ship


def test_f1_opens_the_guide_on_the_current_section(open_window, seeded_db: Path, qtbot, monkeypatch) -> None:
    shown: list[HelpDialog] = []
    monkeypatch.setattr(HelpDialog, "exec", lambda self: shown.append(self) or 0)
    window = open_window(seeded_db)
    qtbot.waitUntil(lambda: window._started, timeout=5000)
    window.activateWindow()
    window.navigation.setCurrentRow(section_row("NeedsPage"))
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert shown, "F1 opened no guide"
    dialog = shown[-1]
    qtbot.addWidget(dialog)
    assert dialog.current_page() == "behov"
    assert dialog.contents.currentItem().text() == "Behov"
    assert "Registrere et behov" in dialog.browser.toPlainText()
    window.navigation.setCurrentRow(section_row("SchedulePage"))
    window.help_action.trigger()
    assert shown[-1].current_page() == "timeplan"
    qtbot.addWidget(shown[-1])


def test_contents_and_links_move_between_pages(qtbot) -> None:
    dialog = HelpDialog(None, "index")
    qtbot.addWidget(dialog)
    assert dialog.contents.currentRow() == 0
    dialog.contents.setCurrentRow([name for name, _t in CONTENTS].index("matching"))
    assert dialog.current_page() == "matching"
    assert "Hvorfor ikke" in dialog.browser.toPlainText()
    dialog.browser.setSource(dialog.browser.source().resolved("samordning.html"))
    assert dialog.contents.currentItem().text() == "Samordning"
    dialog.browser.backward()
    assert dialog.current_page() == "matching"
    dialog.show_page("no-such-page")
    assert dialog.current_page() == "index"
