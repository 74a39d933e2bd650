"""Make kpdesk's icon files from resources/icons/kpdesk.svg (run again after changing the drawing).

    .venv/bin/python scripts/make_icons.py

Writes kpdesk-16.png … kpdesk-512.png (the sizes Linux desktops look for, and the window's icon),
kpdesk.ico (Windows: the program and its installer) and kpdesk.icns (macOS), beside the SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render_pngs() -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(ICONS / "kpdesk.svg"))
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = ICONS / f"kpdesk-{size}.png"
        image.save(str(path))
        written.append(path)
    return written


def main() -> None:
    from PIL import Image

    pngs = render_pngs()
    largest = Image.open(pngs[-1])
    largest.save(ICONS / "kpdesk.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    largest.save(ICONS / "kpdesk.icns")
    print(f"{len(pngs)} PNG-filer, kpdesk.ico og kpdesk.icns i {ICONS}")


if __name__ == "__main__":
    main()
