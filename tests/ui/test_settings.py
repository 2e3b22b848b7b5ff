"""The window remembers its geometry, splitter, column widths and sort between runs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import Column
from readinglist.ui.settings import Settings
from readinglist.ui.tasks import TaskRunner
from tests.ui.conftest import FakePicker, open_window


def test_layout_and_sort_survive_a_restart(
    qtbot: QtBot,
    sample_library: Library,
    settings: Settings,
    runner: TaskRunner,
    picker: FakePicker,
) -> None:
    first = open_window(qtbot, sample_library, settings, runner, picker)
    first.view.horizontalHeader().resizeSection(Column.TAGS, 222)  # the user widens Tags
    screen = first.screen().availableGeometry()  # restoreGeometry keeps windows on screen
    size = (screen.width() - 37, screen.height() - 41)
    first.resize(*size)
    first.splitter.setSizes([180, 300, 320])
    splitter = first.splitter.sizes()
    first.view.horizontalHeader().setSortIndicator(Column.TITLE, Qt.SortOrder.DescendingOrder)
    wanted = sample_library.ids(sort="title", descending=True)
    qtbot.waitUntil(lambda: first.model.ids == wanted)
    first.close()
    assert settings.store.fileName().endswith("settings.ini")

    second = open_window(qtbot, sample_library, settings, runner, picker)
    assert (second.width(), second.height()) == size
    assert second.splitter.sizes() == splitter
    header = second.view.horizontalHeader()
    # The width the user chose is remembered, even though this narrow window fits it smaller.
    assert second.view.tags_width == 222
    assert header.isSectionHidden(Column.TAGS) or header.sectionSize(Column.TAGS) < 222
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        Column.TITLE,
        Qt.SortOrder.DescendingOrder,
    )
    assert second.papers.sort_key == "title" and second.papers.descending
    assert second.model.ids == sample_library.ids(sort="title", descending=True)


def test_defaults_when_nothing_is_stored(window: MainWindow, settings: Settings) -> None:
    assert settings.sort() == ("date", True)
    assert window.model.ids == window.lib.ids(sort="date", descending=True)
    assert settings.folder("import")  # the home folder until an import says otherwise


def test_a_screenshot_run_reads_but_never_writes(tmp_path: object) -> None:
    from pathlib import Path

    from PySide6.QtCore import QSettings

    store = QSettings(str(Path(str(tmp_path)) / "s.ini"), QSettings.Format.IniFormat)
    Settings(store, persist=False).set_sort("title", False)
    assert Settings(store).sort() == ("date", True)
