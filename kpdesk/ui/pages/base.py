"""A section of the main window."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from PySide6.QtWidgets import QWidget

from kpdesk.ui.context import AppContext


@runtime_checkable
class PageHost(Protocol):
    """What a page tells and asks the window it is shown in (the main window; a dialog has none)."""

    def update_counts(self) -> None: ...

    def page_data_shown(self) -> None: ...

    def show_section(self, page_class: str) -> None: ...

    def current_page(self) -> Page: ...


class Page(QWidget):
    """Base of every section: loads its data the first time it is shown after the store opens."""

    title = ""
    icon_name = ""
    record_commands: frozenset[str] = frozenset()
    """Which of the window's Rediger commands this page answers: "new" (Ctrl+N), "save" (Ctrl+S),
    "delete" (Delete in its list), "find" (Ctrl+F)."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self._loaded = False
        self._visible_now = False
        self._early_tried = False
        context.store_ready.connect(self._maybe_load)

    def host(self) -> PageHost | None:
        """The main window this page is shown in, or None (a page in a dialog, or not yet placed)."""
        window = self.window()
        return window if isinstance(window, PageHost) else None

    def activate(self) -> None:
        """Called when the user switches to this page."""
        self._visible_now = True
        self._maybe_load()

    def deactivate(self) -> None:
        self._visible_now = False

    def reload(self) -> None:
        self._loaded = False
        self._maybe_load()

    def _maybe_load(self) -> None:
        if not self._visible_now or self._loaded:
            return
        if self.context.store is not None:
            self._loaded = True
            self.load()
        elif not self._early_tried and self.context.db_path is not None:
            self._early_tried = True
            self.load_early(self.context.db_path)

    def load_early(self, db_path: Path) -> None:
        """Show what can be read before the store is open (the list a coordinator starts on);
        most pages just wait for the store."""

    def load(self) -> None:
        """Fetch data in the background and show it (subclasses)."""

    def status_text(self) -> str:
        """What the status bar says while this page is shown."""
        return ""

    def record_command(self, name: str) -> None:
        """Run one of ``record_commands`` (the window's menu item or its shortcut)."""

    def command_target(self, name: str) -> QWidget:
        """Where the command's shortcut works: the page (focus anywhere in it), or for "delete" its list."""
        return self
