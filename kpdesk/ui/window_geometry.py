"""Where the main window goes: a size that fits the screen it opens on, title bar and taskbar included.

Plain functions of rectangles, so the rules are tested for any screen (1366×768 with a taskbar is
the smallest a coordinator's laptop has).
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QRect, QSize

PREFERRED = QSize(1200, 760)
"""The window's size (without its frame) on a screen with room for it."""
FRAME_GUESS = QMargins(8, 38, 8, 8)
"""A title bar and borders, for before the window has its frame (the system draws it once shown)."""
SMALL_SCREEN_SLACK = 1.2
"""A screen less than this much bigger than the preferred size gets the whole of its available area."""


def room_for(available: QRect, frame: QMargins) -> QRect:
    """The area the window's inside may take on a screen whose free area is ``available``."""
    return available.marginsRemoved(frame)


def default_geometry(available: QRect, frame: QMargins = FRAME_GUESS, preferred: QSize = PREFERRED) -> QRect:
    """The window's first geometry (its inside, without the frame): the preferred size where the
    screen has room to spare, else all the room there is; centred."""
    room = room_for(available, frame)
    width = preferred.width() if room.width() >= preferred.width() * SMALL_SCREEN_SLACK else room.width()
    height = preferred.height() if room.height() >= preferred.height() * SMALL_SCREEN_SLACK else room.height()
    width, height = min(width, room.width()), min(height, room.height())
    return QRect(room.x() + (room.width() - width) // 2, room.y() + (room.height() - height) // 2, width, height)


def clamp_geometry(geometry: QRect, available: QRect, frame: QMargins = FRAME_GUESS) -> QRect:
    """A remembered geometry made to fit the screen now (a smaller screen, or another one): no
    larger than the room, and moved inside it."""
    room = room_for(available, frame)
    width, height = min(geometry.width(), room.width()), min(geometry.height(), room.height())
    x = min(max(geometry.x(), room.x()), room.x() + room.width() - width)
    y = min(max(geometry.y(), room.y()), room.y() + room.height() - height)
    return QRect(x, y, width, height)
