"""The main window: navigation between sections, menus, shortcuts, status bar, remembered geometry."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QMargins, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from kpdesk.common.paths import Location, ServerAddress, location_name, location_text, same_location
from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext
from kpdesk.ui.others_changes import OthersChanges
from kpdesk.ui.pages.base import Page

if TYPE_CHECKING:
    from kpdesk.admin.erasure import RestoreOutcome
    from kpdesk.common.errors import UserError
    from kpdesk.db.backup import DatabaseDamaged
    from kpdesk.db.store import Store
    from kpdesk.ui.operations import Task

# (title, module, class) in the order of the 3M work: a page is imported and built when it is first
# shown, after the window's first paint, so starting kpdesk costs little more than an empty window.
# A row with no module is a group heading (or, with no title, a gap): not selectable, and the arrow
# keys pass over it.
SECTIONS: tuple[tuple[str, str, str], ...] = (  # pyright: ignore[reportAssignmentType]  # stub: NOOP gives str
    (QT_TRANSLATE_NOOP("MainWindow", "Oversikt"), "kpdesk.ui.pages.overview", "OverviewPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Megler"), "", ""),
    (QT_TRANSLATE_NOOP("MainWindow", "Arbeidsgivere"), "kpdesk.ui.pages.employers", "EmployersPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Personer"), "kpdesk.ui.pages.persons", "PersonsPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Behov"), "kpdesk.ui.pages.needs", "NeedsPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Tilbydere"), "kpdesk.ui.pages.offers", "ProvidersPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Kurstilbud"), "kpdesk.ui.pages.offers", "OffersPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Matching"), "kpdesk.ui.pages.matching", "MatchingPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Samordning"), "kpdesk.ui.pages.demand", "DemandPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Møteplass"), "", ""),
    (QT_TRANSLATE_NOOP("MainWindow", "Rom"), "kpdesk.ui.pages.rooms", "RoomsPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Timeplan"), "kpdesk.ui.pages.schedule", "SchedulePage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Eksamen"), "kpdesk.ui.pages.exams", "ExamsPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Motor"), "", ""),
    (QT_TRANSLATE_NOOP("MainWindow", "Gjennomføringer"), "kpdesk.ui.pages.runs", "RunsPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Regionbilde"), "kpdesk.ui.pages.motor", "MotorPage"),
    ("", "", ""),
    (QT_TRANSLATE_NOOP("MainWindow", "Utskrifter"), "kpdesk.ui.pages.reports", "ReportsPage"),
    (QT_TRANSLATE_NOOP("MainWindow", "Endringslogg"), "kpdesk.ui.pages.audit_log", "AuditLogPage"),
)


def is_heading(row: int) -> bool:
    """A group heading or gap in the navigation, not a section."""
    return not SECTIONS[row][1]


def section_row(page_class: str) -> int:
    """The navigation row of the section whose page is ``page_class`` (e.g. "NeedsPage")."""
    return next(row for row, (_title, _module, name) in enumerate(SECTIONS) if name == page_class)


def section_rows() -> list[int]:
    """The rows that are sections, in order."""
    return [row for row in range(len(SECTIONS)) if not is_heading(row)]


class MainWindow(QMainWindow):
    first_data_shown = Signal()
    """The first list of the session has its rows on screen (startup benchmark)."""

    DEFAULT_SECTION = section_row("EmployersPage")

    def __init__(self, location: Location) -> None:
        """``location``: a database file, or a region's register on a PostgreSQL server."""
        super().__init__()
        self.location = location
        self.context = AppContext(self)
        self.context.db_path = self.db_path  # read early from a file only
        self.runner = self.context.runner
        self._closing = False  # the close has begun: the store is being closed on the database thread
        self._closed = False
        self.runner.default_error_handler = lambda exc: alerts.show_exception(self, exc)
        from kpdesk.ui.server_retry import RetryOffer

        self.runner.retry = RetryOffer(self)  # a server that stops answering: «Prøv igjen», not an error
        self.others_changes = OthersChanges(self.context)  # others' changes appear without a restart
        self.setWindowTitle(location_name(location))  # Qt adds « — kpdesk» (the application display name)
        self.setMinimumSize(760, 500)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(180)
        self.stack = QStackedWidget()
        # No style sheet before the first paint (setting one costs ~15 ms, and the window must paint
        # within 1.5× an empty one): item sizes and spacing pad the navigation. The start page
        # replaces the empty placeholder right after the first paint.
        self.placeholder = QWidget()
        self.stack.addWidget(self.placeholder)
        self._pages: list[Page | None] = [None] * len(SECTIONS)
        self.navigation.setSpacing(2)
        item_size = QSize(0, self.navigation.fontMetrics().height() + 10)  # 6 px padding, with the spacing
        heading_font = self.navigation.font()
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 0.9)
        for row, (title, _module, _name) in enumerate(SECTIONS):
            item = QListWidgetItem(self.tr(title) if title else "", self.navigation)
            if is_heading(row):
                # not selectable and not enabled: the list's arrow keys and clicks pass over it
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setFont(heading_font)
                item.setForeground(self.navigation.palette().windowText())
                item.setSizeHint(QSize(0, 8 if not title else item_size.height() + 4))
            else:
                item.setSizeHint(item_size)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 0)
        row.addWidget(self.navigation)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.navigation.currentRowChanged.connect(self._switch_to)

        self._build_status_bar()
        self._pending_shortcuts: list[tuple[QAction, tuple[str | QKeySequence.StandardKey, ...]]] = []
        self._build_menus()
        self.context.status_message.connect(self.show_message)
        self._first_data_emitted = False
        self._open_after_paint = False
        self._painted = False
        self.first_paint_at: float | None = None
        self._started = False
        self._initial_section = self.DEFAULT_SECTION
        self._restore_settings()
        # The start section is current before the window shows: a list view with no current row
        # makes its first row current when it gets focus, which would build that page (Oversikt)
        # before the first paint. The page itself is built right after the first paint.
        self.navigation.blockSignals(True)
        self.navigation.setCurrentRow(self._initial_section)
        self.navigation.blockSignals(False)

    # ------------------------------------------------------------ building

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setVisible(False)
        self.db_label = QLabel()
        self._show_location()
        bar.addPermanentWidget(self.count_label)
        bar.addPermanentWidget(self.busy)
        bar.addPermanentWidget(self.db_label)
        self.runner.busy_changed.connect(self.busy.setVisible)

    def _build_menus(self) -> None:
        menu_file = self.menuBar().addMenu(self.tr("&Fil"))
        self.open_action = QAction(self.tr("&Åpne database …"), self)
        self.shortcut_later(self.open_action, QKeySequence.StandardKey.Open, "Ctrl+O")
        self.open_action.triggered.connect(self.ask_open_database)
        menu_file.addAction(self.open_action)
        self.server_action = QAction(self.tr("&Koble til regionens register …"), self)
        self.server_action.triggered.connect(self.ask_open_server)
        menu_file.addAction(self.server_action)
        self.recent_menu = menu_file.addMenu(self.tr("Nylig &brukte"))
        self.recent_menu.aboutToShow.connect(self.update_recent_menu)
        self.update_recent_menu()
        menu_file.addSeparator()
        self.transfer_actions: dict[str, QAction] = {}
        for key, text, function, kind in [
            ("import_employers", self.tr("Importer arbeidsgivere (CSV) …"), "import_file", "employers"),
            ("import_persons", self.tr("Importer personer (CSV) …"), "import_file", "persons"),
            ("import_needs", self.tr("Importer behov (CSV) …"), "import_file", "needs"),
            ("import_providers", self.tr("Importer tilbydere (CSV) …"), "import_file", "providers"),
            ("import_offers", self.tr("Importer kurstilbud (CSV) …"), "import_file", "offers"),
            ("import_runs", self.tr("Importer gjennomføringer (CSV) …"), "import_file", "runs"),
            ("export_employers", self.tr("Eksporter arbeidsgivere (CSV) …"), "export_file", "employers"),
            ("export_needs", self.tr("Eksporter behov (CSV) …"), "export_file", "needs"),
            ("export_providers", self.tr("Eksporter tilbydere (CSV) …"), "export_file", "providers"),
            ("export_offers", self.tr("Eksporter kurstilbud (CSV) …"), "export_file", "offers"),
            ("export_runs", self.tr("Eksporter gjennomføringer (CSV) …"), "export_file", "runs"),
            ("template_employers", self.tr("Arbeidsgivere"), "save_template", "employers"),
            ("template_persons", self.tr("Personer"), "save_template", "persons"),
            ("template_needs", self.tr("Behov"), "save_template", "needs"),
            ("template_providers", self.tr("Tilbydere"), "save_template", "providers"),
            ("template_offers", self.tr("Kurstilbud"), "save_template", "offers"),
            ("template_runs", self.tr("Gjennomføringer"), "save_template", "runs"),
        ]:
            action = QAction(text, self)
            action.triggered.connect(lambda _checked=False, f=function, k=kind: self._transfer(f, k))
            action.setEnabled(key.startswith("template"))
            if key.startswith("template"):
                if not hasattr(self, "template_menu"):
                    self.template_menu = menu_file.addMenu(self.tr("Lagre importmal"))
                self.template_menu.addAction(action)
            else:
                menu_file.addAction(action)
            self.transfer_actions[key] = action
            if key in ("import_runs", "export_runs"):
                menu_file.addSeparator()
        self.context.store_ready.connect(lambda: [a.setEnabled(True) for a in self.transfer_actions.values()])
        menu_file.addSeparator()
        self.backups_action = self.store_action(menu_file, self.tr("Sikkerhetskopier …"), self.show_backups)
        menu_file.addSeparator()
        quit_action = QAction(self.tr("&Avslutt"), self)
        self.shortcut_later(quit_action, QKeySequence.StandardKey.Quit, "Ctrl+Q")  # Windows has no standard key
        quit_action.triggered.connect(self.close)
        menu_file.addAction(quit_action)

        menu_edit = self.menuBar().addMenu(self.tr("&Rediger"))
        stack = self.context.undo_stack
        self.undo_action = stack.createUndoAction(self, self.tr("&Angre"))
        self.shortcut_later(self.undo_action, QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self, self.tr("&Gjør om"))
        self.shortcut_later(self.redo_action, QKeySequence.StandardKey.Redo, "Ctrl+Y")
        menu_edit.addAction(self.undo_action)
        menu_edit.addAction(self.redo_action)
        menu_edit.addSeparator()
        # what a list page does with its record; the shortcut works where the page has the focus
        # (Delete: where its list has it, so Delete in a field deletes a letter, never the record)
        self.command_actions: dict[str, QAction] = {}
        for name, text, key in [
            ("new", self.tr("&Ny"), QKeySequence.StandardKey.New),
            ("save", self.tr("&Lagre"), QKeySequence.StandardKey.Save),
            ("delete", self.tr("&Slett …"), QKeySequence.StandardKey.Delete),
            ("find", self.tr("&Filtrer listen"), QKeySequence.StandardKey.Find),
        ]:
            action = QAction(text, self)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if name == "delete"
                                      else Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.shortcut_later(action, key)
            action.setEnabled(False)
            action.triggered.connect(lambda _checked=False, n=name: self.run_command(n))
            menu_edit.addAction(action)
            self.command_actions[name] = action
            if name == "delete":
                menu_edit.addSeparator()
        menu_edit.addSeparator()
        self.centre_action = self.store_action(menu_edit, self.tr("Senterprofil …"), self.show_centre_profile)
        self.retention_action = self.store_action(menu_edit, self.tr("Personvern: sletting etter lagringstid …"),
                                                  self.show_retention)

        menu_broker = self.menuBar().addMenu(self.tr("M&egler"))
        self.match_action = self.store_action(menu_broker, self.tr("&Kjør matching"), self.run_matching, "F5")
        self.thesaurus_action = self.store_action(menu_broker, self.tr("Synonymliste for matching …"),
                                                  self.show_thesaurus)

        from kpdesk.ui.booking.menu import build_place_menu

        build_place_menu(self)  # Møteplass: bookinger, ledig rom, bruk av møteplassen, import, iCalendar

        menu_view = self.menuBar().addMenu(self.tr("&Vis"))
        self.section_actions: list[QAction] = []
        for number, row in enumerate(section_rows()):
            if number and is_heading(row - 1):
                menu_view.addSeparator()
            action = QAction(self.tr(SECTIONS[row][0]), self)
            if number < 9:  # Ctrl+1 … Ctrl+9
                self.shortcut_later(action, f"Ctrl+{number + 1}")
            action.triggered.connect(lambda _checked=False, r=row: self.navigation.setCurrentRow(r))
            menu_view.addAction(action)
            self.section_actions.append(action)

        menu_help = self.menuBar().addMenu(self.tr("&Hjelp"))
        self.help_action = QAction(self.tr("&Brukerveiledning"), self)
        self.help_action.setToolTip(self.tr("Veiledningen for delen du står i (F1)"))
        self.shortcut_later(self.help_action, QKeySequence.StandardKey.HelpContents, "F1")
        self.help_action.triggered.connect(self.show_help)
        menu_help.addAction(self.help_action)
        menu_help.addSeparator()
        self.about_action = QAction(self.tr("&Om kpdesk"), self)
        self.about_action.triggered.connect(self.show_about)
        menu_help.addAction(self.about_action)

    def store_action(self, menu: QMenu, text: str, slot: Callable[[], object], key: str = "") -> QAction:
        """A menu command that needs the database: enabled once it is open."""
        action = QAction(text, self)
        action.setEnabled(False)
        if key:
            self.shortcut_later(action, key)
        action.triggered.connect(lambda _checked=False: slot())
        self.context.store_ready.connect(lambda: action.setEnabled(True))
        menu.addAction(action)
        return action

    def shortcut_later(self, action: QAction, *keys: str | QKeySequence.StandardKey) -> None:
        """Give ``action`` these shortcuts right after the first paint: the first shortcut set
        makes PySide build Python enums for the whole Qt namespace (~30 ms), which would slow the
        first paint past 1.5× an empty window's."""
        self._pending_shortcuts.append((action, keys))

    def _apply_shortcuts(self) -> None:
        for action, keys in self._pending_shortcuts:
            # a standard key the platform lacks is empty: the next one given is shown in the menu instead
            sequences = [QKeySequence(key) for key in keys]
            action.setShortcuts(list(dict.fromkeys(k for k in sequences if not k.isEmpty())))
        self._pending_shortcuts.clear()

    def _transfer(self, function: str, kind: str) -> None:
        from kpdesk.ui.dialogs import transfer

        if function == "save_template":
            transfer.save_template(kind, self)
        else:
            getattr(transfer, function)(self.context, kind, self)

    # ------------------------------------------------------------ store

    def open_store_after_first_paint(self) -> None:
        """Start opening the database once the window has painted, so that the worker's
        SQLAlchemy import does not compete with the first paint for the interpreter."""
        self._open_after_paint = True

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self.first_paint_at = time.time()  # wall clock, for the startup benchmark
            QTimer.singleShot(0, self._after_first_paint)
        return super().event(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(300, self._after_first_paint)  # in case no paint event arrives

    def _after_first_paint(self) -> None:
        if self._started:
            return
        self._started = True
        self._apply_shortcuts()
        from kpdesk.ui.widgets.focus import install_focus_ring

        self.focus_ring = install_focus_ring(self)
        try:
            # the start page first: its early read (plain sqlite3) is queued on the worker before
            # the store's opening, which imports SQLAlchemy, so the list is on screen before that
            self._switch_to(self.navigation.currentRow())
        finally:
            if self._open_after_paint:  # whatever the page did, the database opens
                self._open_after_paint = False
                self.open_store()

    def open_store(self, read_only: bool = False) -> None:
        """Open (and if needed migrate) the database on the worker thread."""
        self.show_message(self.tr("Åpner databasen …"))
        location = self.location

        def work(_task: Task) -> Store:
            from kpdesk.db.store import Store

            return Store.open(location, read_only=read_only)

        self.runner.submit(work, self._store_opened, self._store_failed, may_retry=False)

    def _store_opened(self, store: Store) -> None:
        if self._closing:  # closed while it opened: let it go again
            self.runner.submit(lambda _task: store.close())
            return
        self.context.set_store(store)
        self._remember_path()
        if getattr(store, "read_only", False):
            self._show_location(read_only=True)
            self.show_message(self.tr("Databasen er åpnet skrivebeskyttet: du kan se, men ikke endre."))
        else:
            self.show_message(self.tr("Databasen er åpen."))
        if store.notices:  # opened, but something the coordinator must know (damage, no backup today)
            alerts.info(self, self.tr("Databasen er åpnet"), "\n\n".join(store.notices))

    def _store_failed(self, exc: BaseException) -> None:
        from kpdesk.common.errors import UserError
        from kpdesk.db.backup import DatabaseDamaged
        from kpdesk.db.lock import DatabaseLocked

        if isinstance(exc, DatabaseLocked):
            question = self.tr("{reason}\n\nVil du åpne databasen skrivebeskyttet?").format(reason=exc.message)
            if alerts.question(self, self.tr("Databasen er i bruk"), question, self.tr("Åpne skrivebeskyttet"),
                               self.tr("Avslutt")):
                self.open_store(read_only=True)
                return
        elif isinstance(exc, DatabaseDamaged):
            if self._offer_way_out(exc):
                return
        elif isinstance(self.location, ServerAddress) and isinstance(exc, UserError):
            self._offer_other_way(exc, self.open_store)
            return
        else:
            alerts.show_exception(self, exc)
        self.close()

    def _offer_way_out(self, exc: DatabaseDamaged) -> bool:
        """A damaged database: restore the newest good backup, or open it read-only; False: quit."""
        from kpdesk.common.norsk import format_datetime

        good = exc.good_backup
        options = [self.tr("Åpne skrivebeskyttet")]
        text = self.tr("{path} er skadet, og kpdesk skriver ikke i en skadet fil.").format(path=self.db_path)
        if good is not None:
            options.insert(0, self.tr("Gjenopprett sikkerhetskopien"))
            text += "\n\n" + self.tr("Den nyeste gode sikkerhetskopien er {name} (laget {when}). Gjenopprett den? "
                                      "Den skadede filen lagres i backups-mappen først.").format(
                name=good.path.name, when=format_datetime(good.created))
        else:
            text += "\n\n" + self.tr("Det finnes ingen god sikkerhetskopi. Åpne databasen skrivebeskyttet for å se "
                                      "det som kan leses.")
        chosen = alerts.choose(self, self.tr("Databasen er skadet"), text, options, self.tr("Avslutt"))
        if chosen is None:
            return False
        if good is not None and chosen == 0:
            self.restore_database(good.path)
        else:
            self.open_store(read_only=True)
        return True

    # ------------------------------------------------------------ other databases

    def _offer_other_way(self, exc: UserError, retry: Callable[[], None]) -> None:
        """The server did not answer (or refused): «Prøv igjen», «Åpne en fil …», or leave it — quit
        when no database is open, else keep the one that is."""
        from kpdesk.ui.server_retry import is_server_gone

        title = (self.tr("Databaseserveren svarer ikke") if is_server_gone(exc)
                 else self.tr("Kan ikke åpne regionens register"))
        keep = self.context.store is not None
        chosen = alerts.choose(self, title, exc.message, [self.tr("Prøv igjen"), self.tr("Åpne en fil …")],
                               self.tr("Avbryt") if keep else self.tr("Avslutt"))
        if chosen == 0:
            retry()
        elif chosen == 1:
            if not self.ask_open_database():  # no file chosen: the question again
                self._offer_other_way(exc, retry)
        elif not keep:
            self.close()

    def ask_open_database(self) -> bool:
        """Fil › Åpne database …: choose a kpdesk file and switch to it; False when none was chosen."""
        from PySide6.QtWidgets import QFileDialog

        folder = self.db_path.parent if self.db_path is not None else Path.home()
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Åpne database"), str(folder), self.tr("kpdesk-databaser (*.sqlite);;Alle filer (*)"))
        if name:
            self.switch_database(Path(name))
        return bool(name)

    def ask_open_server(self) -> None:
        """Fil › Koble til regionens register …: a server address, then switch to it."""
        from kpdesk.ui.dialogs.server_address import ServerDialog

        shown = self.location.shown if isinstance(self.location, ServerAddress) else ""
        address = ServerDialog.ask(self, shown)
        if address is not None:
            self.switch_database(address)

    def switch_database(self, location: Location) -> None:
        """Open ``location`` (a file or a server) and, once it is open, close the one in use and show the new one.

        The new database opens on the database thread before the old one is let go, so one that
        cannot be opened (in use, damaged, another program's, a server that does not answer) leaves
        the window as it was."""
        name = location_name(location)
        if same_location(location, self.location) and self.context.store is not None:
            self.show_message(self.tr("{name} er allerede åpen.").format(name=name))
            return
        self.show_message(self.tr("Åpner {name} …").format(name=name))

        def work(_task: Task) -> Store:
            from kpdesk.db.store import Store

            return Store.open(location)

        def opened(new: Store) -> None:
            old, self.context.store = self.context.store, None
            if old is not None:  # closed on the database thread, after the writes queued before
                self.runner.submit(lambda _task: old.close())
            self.location = location
            self.context.db_path = self.db_path
            self._show_location()
            self.context.undo_stack.clear()  # undo steps belong to the other database
            self._retire_pages()
            self.context.set_store(new)
            self._remember_path()
            self._switch_to(self.navigation.currentRow())
            self.show_message(self.tr("{name} er åpnet.").format(name=name))
            if new.notices:
                alerts.info(self, self.tr("Databasen er åpnet"), "\n\n".join(new.notices))

        def failed(exc: BaseException) -> None:
            from kpdesk.common.errors import UserError

            if isinstance(location, ServerAddress) and isinstance(exc, UserError):
                self._offer_other_way(exc, lambda: self.switch_database(location))
            else:
                alerts.show_exception(self, exc)

        self.runner.submit(work, opened, failed, may_retry=False)

    @property
    def db_path(self) -> Path | None:
        """The database file; None when the window shows a region's register on a server."""
        return self.location if isinstance(self.location, Path) else None

    def _show_location(self, read_only: bool = False) -> None:
        """The title and the status bar name the database: a file, or a server (without a password)."""
        name, text = location_name(self.location), location_text(self.location)
        if read_only:
            name = self.tr("{name} (skrivebeskyttet)").format(name=name)
            text = self.tr("{path} – skrivebeskyttet").format(path=text)
        self.setWindowTitle(name)  # Qt adds « — kpdesk» (the application display name)
        self.db_label.setText(text)
        self.db_label.setToolTip(self.tr("Regionens register på databaseserveren som er åpen")
                                 if isinstance(self.location, ServerAddress) else self.tr("Databasefilen som er åpen"))

    def _retire_pages(self) -> None:
        """Another file: the pages are built again for it, and the matching run of the old file is
        forgotten (a page must never offer the old file's proposals). The old pages stay in the
        stack, hidden and inactive, so a job of theirs that is still under way lands harmlessly."""
        from kpdesk.ui.matching_runner import MatchingRunner

        matching = self.context.findChild(MatchingRunner)
        if matching is not None:
            if matching.is_running():
                matching.cancel()
            matching.latest = None
        for number, page in enumerate(self._pages):
            if page is not None:
                page.deactivate()
                self._pages[number] = None
        self.stack.setCurrentWidget(self.placeholder)

    def _remember_path(self) -> None:
        from kpdesk.ui import recent_files

        recent_files.remember(self.location)
        self.update_recent_menu()

    def update_recent_menu(self) -> None:
        """Fil › Nylig brukte: the last five files and servers; a file that is gone is shown, disabled."""
        from kpdesk.ui import recent_files

        menu = self.recent_menu
        menu.clear()
        locations = recent_files.remembered()
        for location in locations:
            action = menu.addAction(location_text(location))
            if same_location(location, self.location):
                action.setCheckable(True)
                action.setChecked(True)
            elif recent_files.is_missing(location):
                action.setText(self.tr("{path} (finnes ikke)").format(path=location_text(location)))
                action.setEnabled(False)
            else:
                action.triggered.connect(lambda _checked=False, p=location: self.switch_database(p))
        if any(recent_files.is_missing(location) for location in locations):
            menu.addSeparator()
            menu.addAction(self.tr("Fjern filer som ikke finnes"), self._forget_missing)
        menu.setEnabled(bool(locations))

    def _forget_missing(self) -> None:
        from kpdesk.ui import recent_files

        recent_files.forget_missing()
        self.update_recent_menu()

    # ------------------------------------------------------------ navigation and status

    def run_matching(self) -> None:
        """F5: match all open needs, on the page showing the result (Samordning, or Matching)."""
        page: Any = self.stack.currentWidget()
        if not hasattr(page, "run_matching"):
            self.navigation.setCurrentRow(section_row("MatchingPage"))
            page = self.stack.currentWidget()
        page.run_matching()

    def section_title(self, row: int) -> str:
        return self.tr(SECTIONS[row][0])

    def page(self, number: int) -> Page:
        """The page of the section in navigation row ``number``, built on first use."""
        if is_heading(number):
            raise ValueError(f"row {number} is a heading, not a section")
        page = self._pages[number]
        if page is None:
            import importlib

            _title, module, name = SECTIONS[number]
            page = getattr(importlib.import_module(module), name)(self.context)
            self._pages[number] = page
            self.stack.addWidget(page)
            for command in page.record_commands:
                page.command_target(command).addAction(self.command_actions[command])
        return page

    def built_pages(self) -> list[Page]:
        return [page for page in self._pages if page is not None]

    def _switch_to(self, row: int) -> None:
        if row < 0:
            return
        if is_heading(row):  # set from code: the section below it
            self.navigation.setCurrentRow(next(r for r in section_rows() if r > row))
            return
        for page in self.built_pages():
            page.deactivate()
        page = self.page(row)
        self.stack.setCurrentWidget(page)
        page.activate()
        for command, action in self.command_actions.items():
            action.setEnabled(command in page.record_commands)
        self.update_counts()

    def run_command(self, name: str) -> None:
        """A Rediger command (Ny, Lagre, Slett, Filtrer) for the page shown."""
        page = self.current_page()
        if name in page.record_commands:
            page.record_command(name)

    def show_section(self, page_class: str) -> None:
        """Go to the section whose page is ``page_class`` (e.g. "SchedulePage")."""
        self.navigation.setCurrentRow(section_row(page_class))

    def current_page(self) -> Page:
        return self.page(max(self.navigation.currentRow(), 0))

    def update_counts(self) -> None:
        self.count_label.setText(self.current_page().status_text())

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 5000)

    def page_data_shown(self) -> None:
        """Pages call this when new rows are on screen."""
        self.update_counts()
        if not self._first_data_emitted:
            self._first_data_emitted = True
            self.repaint()
            self.first_data_shown.emit()

    def show_backups(self) -> None:
        """Fil › Sikkerhetskopier …: a file's copies beside it, or a copy of the server with pg_dump."""
        from kpdesk.ui.dialogs.backups import BackupsDialog, ServerBackupDialog

        if isinstance(self.location, ServerAddress):
            ServerBackupDialog(self.context, self.location, self).exec()
        else:
            BackupsDialog(self).exec()

    def restore_database(self, source: Path, on_done: Callable[[], None] | None = None) -> None:
        """Close the database, replace it with ``source`` (a copy of the current one is kept), reopen.
        Files only: a server's copy goes back with pg_restore (the server's backup dialog says so)."""
        path = self.db_path
        if path is None:
            from kpdesk.common.errors import UserError

            alerts.show_exception(self, UserError(self.tr("{name} er en databaseserver: en kopi legges tilbake der "
                                                          "med pg_restore, ikke fra vinduet.").format(
                                                              name=location_name(self.location))))
            return
        # Closed on the database thread, after the writes queued before; new work waits for the reopening.
        store, self.context.store = self.context.store, None

        def work(_task: Task) -> tuple[RestoreOutcome | None, Store, UserError | None]:
            from kpdesk.admin.erasure import restore_keeping_erasures
            from kpdesk.common.errors import UserError
            from kpdesk.db.store import Store

            if store is not None:
                store.close()
            try:
                result, error = restore_keeping_erasures(path, source), None
            except UserError as exc:  # the database is as it was; open it again and say why
                result, error = None, exc
            return result, Store.open(path), error

        def done(outcome: tuple[RestoreOutcome | None, Store, UserError | None]) -> None:
            restored, store, error = outcome
            self.context.set_store(store)
            if error is not None:
                alerts.show_exception(self, error)
                return
            assert restored is not None  # no error: restored
            result = restored.result
            self.context.undo_stack.clear()  # undo steps refer to the database that was replaced
            for page in self.built_pages():
                page.reload()
            message = self.tr("Gjenopprettet fra {name}. Det som ble erstattet, er lagret som {safety}.").format(
                name=result.source.name, safety=result.safety.path.name if result.safety else "-")
            self.show_message(" ".join([message, *restored.notices]))
            if on_done is not None:
                on_done()

        self.runner.submit(work, done, lambda exc: alerts.show_exception(self, exc))

    def show_retention(self) -> None:
        from kpdesk.ui.dialogs.retention import RetentionDialog

        RetentionDialog(self.context, self).exec()

    def show_thesaurus(self) -> None:
        from kpdesk.ui.dialogs.thesaurus import ThesaurusDialog

        ThesaurusDialog(self.context, self).exec()

    def show_centre_profile(self) -> None:
        from kpdesk.ui.dialogs.centre_profile import CentreDialog

        CentreDialog.edit(self.context, self)

    def show_help(self) -> None:
        """The user guide, open on the page of the section shown."""
        from kpdesk.ui.dialogs.help import PAGE_OF_SECTION, HelpDialog

        row = self.navigation.currentRow()
        name = PAGE_OF_SECTION.get(SECTIONS[row][2] if row >= 0 else "", "index")
        HelpDialog(self, name).exec()

    def show_about(self) -> None:
        from kpdesk.ui.dialogs.about import AboutDialog

        AboutDialog(self).exec()

    # ------------------------------------------------------------ settings

    def frame_margins(self) -> QMargins:
        """The frame around the window's inside: the system's once shown, a fair guess before."""
        from kpdesk.ui.window_geometry import FRAME_GUESS

        frame, inside = self.frameGeometry(), self.geometry()
        margins = QMargins(inside.left() - frame.left(), inside.top() - frame.top(),
                           frame.right() - inside.right(), frame.bottom() - inside.bottom())
        return margins if margins.top() > 0 else FRAME_GUESS

    def _restore_settings(self) -> None:
        from kpdesk.ui.window_geometry import clamp_geometry, default_geometry

        settings = QSettings()
        geometry = settings.value("window/geometry")
        available = self.screen().availableGeometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.setGeometry(default_geometry(available, self.frame_margins()))
        elif not self.isMaximized() and not self.isFullScreen():  # remembered on a bigger screen, or another
            fitted = clamp_geometry(self.geometry(), available, self.frame_margins())
            if fitted != self.geometry():
                self.setGeometry(fitted)
        # by the page's name: rows move when sections are added or reordered
        name = settings.value("window/section_page", "", type=str)
        rows = [row for row, (_t, _m, page) in enumerate(SECTIONS) if page and page == name]
        self._initial_section = rows[0] if rows else self.DEFAULT_SECTION

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        row = self.navigation.currentRow()
        if row >= 0 and not is_heading(row):
            settings.setValue("window/section_page", SECTIONS[row][2])
        settings.sync()
        if self._closed:
            super().closeEvent(event)
            return
        self._closing = True
        self.runner.cancel_all()
        store, self.context.store = self.context.store, None
        if store is None:  # nothing to let go (a store still opening is closed when it arrives)
            self._closed = True
            super().closeEvent(event)
            return
        # The GUI thread does not wait: the window hides, running work is cancelled, and the store
        # closes on the database thread once the writes queued before have landed; then it closes.
        event.ignore()
        self.hide()

        def closed(_result: object = None) -> None:
            self._closed = True
            self.close()
            quit_if_no_window_shown()

        self.runner.submit(lambda _task: store.close(), closed, lambda _exc: closed())


def quit_if_no_window_shown() -> None:
    """End the event loop as Qt does when the last shown window closes. Qt counts only a window
    closed while shown, and the main window is hidden by the time its store has closed."""
    app = QApplication.instance()
    if not isinstance(app, QApplication) or not app.quitOnLastWindowClosed():
        return
    quit_on_close = Qt.WidgetAttribute.WA_QuitOnClose
    if not any(widget.isVisible() and widget.parentWidget() is None and widget.testAttribute(quit_on_close)
               for widget in app.topLevelWidgets()):
        app.quit()  # does nothing outside app.exec() (tests)


