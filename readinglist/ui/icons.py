"""Icons from resources/icons/*.svg, drawn in the palette's text colour.

The SVGs use `currentColor`, so one set serves the light and the dark look: each icon is tinted
when it is built, and the cache is dropped when the theme changes.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from readinglist.core.paths import APP_ID, resource_path

SIZES = (16, 20, 24, 32)


def _pixmap(svg: bytes, size: int, ratio: float) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg))
    pixels = round(size * ratio)
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


@cache
def icon(name: str, color: str) -> QIcon:
    """The icon `name` (a file in resources/icons without .svg), tinted `color` (#rrggbb)."""
    text = resource_path(f"icons/{name}.svg").read_text(encoding="utf-8")
    svg = text.replace("currentColor", color).encode("utf-8")
    result = QIcon()
    for size in SIZES:
        result.addPixmap(_pixmap(svg, size, 2.0))
    for size in SIZES:
        result.addPixmap(_fade(_pixmap(svg, size, 2.0)), QIcon.Mode.Disabled)
    return result


def _fade(pixmap: QPixmap) -> QPixmap:
    out = QPixmap(pixmap.size())
    out.setDevicePixelRatio(pixmap.devicePixelRatio())
    out.fill(Qt.GlobalColor.transparent)
    painter = QPainter(out)
    painter.setOpacity(0.35)
    painter.drawPixmap(0, 0, pixmap)
    painter.end()
    return out


@cache
def app_icon() -> QIcon:
    """The app's own icon (resources/icons/app/, the same files the installers ship)."""
    result = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):  # drawn per size: crisp in the title bar
        result.addFile(
            str(resource_path(f"icons/app/{size}x{size}/{APP_ID}.png")), QSize(size, size)
        )
    return result
