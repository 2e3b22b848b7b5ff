"""The light and dark looks follow the system colour scheme."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from readinglist.ui import theme
from readinglist.ui.main_window import MainWindow


@pytest.fixture
def restore_look(qapp: QApplication) -> Iterator[None]:
    palette, sheet, style = qapp.palette(), qapp.styleSheet(), qapp.style().name()
    yield
    qapp.setStyleSheet(sheet)
    if style:
        qapp.setStyle(style)
    qapp.setPalette(palette)


def window_lightness(app: QApplication) -> int:
    return app.palette().color(QPalette.ColorRole.Window).lightness()


def test_follows_the_system_scheme_as_it_changes(
    qtbot: QtBot, qapp: QApplication, restore_look: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    look = theme.Theme(qapp)
    seen: list[bool] = []
    look.changed.connect(seen.append)
    hints = qapp.styleHints()
    # The offscreen platform cannot switch schemes; play the system's part: report a scheme
    # and announce the change, as a desktop does when the user flips to dark mode.
    for dark, scheme in ((True, Qt.ColorScheme.Dark), (False, Qt.ColorScheme.Light)):
        monkeypatch.setattr(theme, "is_dark", lambda app=None, dark=dark: dark)
        hints.colorSchemeChanged.emit(scheme)
        assert look.dark is dark
        assert (window_lightness(qapp) < 80) is dark
    assert seen[-2:] == [True, False]
    look.deleteLater()


def test_the_environment_can_force_a_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(theme.SCHEME_ENV, "dark")
    assert theme.is_dark()
    monkeypatch.setenv(theme.SCHEME_ENV, "light")
    assert not theme.is_dark()


def test_stylesheet_and_colours() -> None:
    for dark in (False, True):
        sheet = theme.stylesheet(dark)
        assert "$" not in sheet and theme.colors(dark)["accent"] in sheet
    light, dark = theme.tag_colors("vision", False), theme.tag_colors("vision", True)
    assert light[0].lightness() > 180 and dark[0].lightness() < 100
    assert theme.tag_colors("Vision", False) == light  # tags ignore case, so do their colours
    assert theme.tag_colors("audio", False)[0] != light[0]


def test_the_window_redraws_for_dark(qtbot: QtBot, window: MainWindow) -> None:
    window.set_dark(True)
    assert window.delegate.dark and window.detail.detail.dark
    window.grab()  # paints every pane in the dark colours without error
    window.set_dark(False)
