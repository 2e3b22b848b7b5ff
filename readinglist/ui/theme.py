"""Light and dark looks that follow the system (Qt 6.5+ `QStyleHints.colorScheme()`).

The Fusion style is used everywhere with palettes of our own: it renders the same on every
platform and honours a dark palette completely, where some native styles draw light controls on a
dark window. The stylesheet (resources/stylesheets/app.qss) only styles our own named widgets and
takes its colours from the palette, so it never fights it. `READINGLIST_COLOR_SCHEME=dark|light`
forces a scheme (screenshots, and systems that do not report one).
"""

from __future__ import annotations

import os
import zlib
from string import Template

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from readinglist.core.paths import resource_path

SCHEME_ENV = "READINGLIST_COLOR_SCHEME"

STAR = QColor("#e8a200")
STAR_DARK = QColor("#f2c14e")

_LIGHT = {
    "window": "#f4f5f7",
    "base": "#ffffff",
    "alternate": "#f8f9fb",
    "text": "#1d2125",
    "muted": "#6a737d",
    "button": "#eceef1",
    "highlight": "#2f6fde",
    "highlighted_text": "#ffffff",
    "border": "#d7dbe0",
    "link": "#1f5fc4",
    "tooltip": "#fffbe6",
    "mark": "#ffe58a",
    "sidebar": "#eef0f3",
    "accent": "#2f6fde",
}
_DARK = {
    "window": "#1f2023",
    "base": "#26272b",
    "alternate": "#2a2b30",
    "text": "#e4e6e9",
    "muted": "#9aa0a8",
    "button": "#303136",
    "highlight": "#3b6fd4",
    "highlighted_text": "#ffffff",
    "border": "#3a3c42",
    "link": "#7fb0ff",
    "tooltip": "#2f3035",
    "mark": "#7a6220",
    "sidebar": "#1b1c1f",
    "accent": "#6ea0ff",
}


def is_dark(app: QGuiApplication | None = None) -> bool:
    forced = os.environ.get(SCHEME_ENV, "").strip().lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    if app is None:
        instance = QGuiApplication.instance()
        if not isinstance(instance, QGuiApplication):
            return False
        app = instance
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Unknown:
        # No answer from the platform: judge by the system palette it gave us.
        return app.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return scheme == Qt.ColorScheme.Dark


def colors(dark: bool | None = None) -> dict[str, str]:
    return _DARK if (is_dark() if dark is None else dark) else _LIGHT


def palette(dark: bool) -> QPalette:
    c = colors(dark)
    pal = QPalette()
    role = QPalette.ColorRole
    for name, roles in {
        "window": (role.Window,),
        "base": (role.Base,),
        "alternate": (role.AlternateBase,),
        "text": (role.WindowText, role.Text, role.ButtonText, role.ToolTipText),
        "button": (role.Button,),
        "highlight": (role.Highlight, role.Accent),
        "highlighted_text": (role.HighlightedText,),
        "link": (role.Link,),
        "tooltip": (role.ToolTipBase,),
        "muted": (role.PlaceholderText,),
    }.items():
        for r in roles:
            pal.setColor(r, QColor(c[name]))
    pal.setColor(role.Mid, QColor(c["border"]))
    pal.setColor(role.Midlight, QColor(c["border"]).lighter(110 if dark else 105))
    pal.setColor(role.Dark, QColor(c["border"]).darker(130))
    pal.setColor(role.Light, QColor(c["base"]).lighter(120))
    disabled = QColor(c["muted"])
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, r, disabled)
    return pal


def stylesheet(dark: bool) -> str:
    template = Template(resource_path("stylesheets/app.qss").read_text(encoding="utf-8"))
    return template.substitute(colors(dark))


def tag_colors(name: str, dark: bool) -> tuple[QColor, QColor]:
    """A tag's chip background and text colour: stable per tag (a hue from its name), soft."""
    hue = zlib.crc32(name.casefold().encode("utf-8")) % 360
    if dark:
        return QColor.fromHsl(hue, 80, 70), QColor.fromHsl(hue, 150, 215)
    return QColor.fromHsl(hue, 170, 228), QColor.fromHsl(hue, 150, 62)


def star_color(dark: bool) -> QColor:
    return STAR_DARK if dark else STAR


class Theme(QObject):
    """Applies the look now and again whenever the system switches between light and dark."""

    changed = Signal(bool)  # dark

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self.dark = False
        style = QStyleFactory.create("Fusion")
        if style is not None:
            app.setStyle(style)
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: self.apply())
        self.apply()

    def apply(self) -> None:
        self.dark = is_dark(self._app)
        self._app.setPalette(palette(self.dark))
        self._app.setStyleSheet(stylesheet(self.dark))
        self.changed.emit(self.dark)
