"""The «Møteplass» menu: new booking, find a free room, rooms and bookings from CSV, iCalendar.

Only Qt is imported here: the main window builds its menus before the first paint, and the
dialogs (which pull in the booking services) load when an action is chosen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction


def _tr(text: str) -> str:
    return QCoreApplication.translate("PlaceMenu", text)


def _schedule_room(window: Any) -> int | None:
    """The room the Timeplan page shows, if it shows one."""
    for page in window.built_pages():
        if type(page).__name__ == "SchedulePage":
            return page.room_id
    return None


def build_place_menu(window: Any) -> dict[str, QAction]:
    """Add the menu to ``window`` (a MainWindow); the actions, by key, are also ``window.place_actions``."""
    context = window.context
    menu = window.menuBar().addMenu(_tr("&Møteplass"))

    def new_booking() -> None:
        from kpdesk.ui.booking.dialog import BookingDialog

        BookingDialog.open_new(context, window)

    def free_room() -> None:
        from kpdesk.ui.booking.free_room import FreeRoomDialog

        FreeRoomDialog.run(context, window)

    def usage() -> None:
        from kpdesk.ui.booking.usage import UsageDialog

        UsageDialog.run(context, window)

    def import_kind(kind: str) -> None:
        from kpdesk.ui.booking.transfer import import_file

        import_file(context, kind, window)

    def export_ics() -> None:
        from kpdesk.ui.booking.transfer import export_calendar

        export_calendar(context, window, _schedule_room(window))

    actions: dict[str, QAction] = {}
    for key, text, shortcut, handler in [
        ("new_booking", _tr("Ny booking …"), "Ctrl+B", new_booking),
        ("free_room", _tr("Finn ledig rom …"), "Ctrl+L", free_room),
        ("usage", _tr("Bruk av møteplassen …"), "", usage),
        ("import_rooms", _tr("Importer rom (CSV) …"), "", lambda: import_kind("rooms")),
        ("import_bookings", _tr("Importer bookinger (CSV) …"), "", lambda: import_kind("bookings")),
        ("export_ics", _tr("Eksporter kalender (iCalendar) …"), "", export_ics),
    ]:
        action = QAction(text, window)
        if shortcut:
            window.shortcut_later(action, shortcut)
        action.triggered.connect(lambda _checked=False, h=handler: h())
        action.setEnabled(False)
        menu.addAction(action)
        if key in ("usage", "import_bookings"):
            menu.addSeparator()
        actions[key] = action
    context.store_ready.connect(lambda: [a.setEnabled(True) for a in actions.values()])
    window.place_actions = actions
    return actions
