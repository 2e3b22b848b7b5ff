"""Fixtures for the window's tests: offscreen Qt, settings in a temporary file, tasks run inline.

QT_QPA_PLATFORM is set before anything imports Qt, so the tests need no display.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("READINGLIST_COLOR_SCHEME", "light")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.ui.file_picker import FilePicker
from readinglist.ui.main_window import MainWindow
from readinglist.ui.settings import Settings
from readinglist.ui.tasks import InlineTaskRunner, TaskRunner

# The offscreen platform says this whenever a shown window's minimum size changes (a pane shows
# or hides a section); real platforms apply the hint. It says nothing about our code.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


class FakePicker(FilePicker):
    """Canned answers instead of file dialogs; records what was asked."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.folder: list[Path] = []
        self.target: Path | None = None
        self.chosen_filter = ""
        self.asked: list[str] = []

    def import_files(self, folder: str) -> list[Path]:
        self.asked.append("files")
        return self.files

    def import_folder(self, folder: str) -> list[Path]:
        self.asked.append("folder")
        return self.folder

    def export_target(self, suggested: str, filters: str) -> tuple[Path | None, str]:
        self.asked.append("export")
        return self.target, self.chosen_filter


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def picker() -> FakePicker:
    return FakePicker()


@pytest.fixture
def runner() -> TaskRunner:
    return InlineTaskRunner()


def open_window(
    qtbot: QtBot, lib: Library, settings: Settings, runner: TaskRunner, picker: FakePicker
) -> MainWindow:
    window = MainWindow(lib, settings, runner, picker)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    # Tasks queued during construction (first rows, sidebar counts) run in the event loop.
    qtbot.waitUntil(lambda: window.papers.ready and window.sidebar.counts is not None)
    return window


@pytest.fixture
def window(
    qtbot: QtBot,
    sample_library: Library,
    settings: Settings,
    runner: TaskRunner,
    picker: FakePicker,
) -> Iterator[MainWindow]:
    yield open_window(qtbot, sample_library, settings, runner, picker)


@pytest.fixture
def empty_window(
    qtbot: QtBot, library: Library, settings: Settings, runner: TaskRunner, picker: FakePicker
) -> Iterator[MainWindow]:
    yield open_window(qtbot, library, settings, runner, picker)


def close_dialogs(window: QWidget) -> None:
    for child in window.findChildren(QWidget):
        if child.isWindow() and child.isVisible():
            child.close()
