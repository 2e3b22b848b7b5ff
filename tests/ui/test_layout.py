"""The window at the sizes people use: titles stay readable, a long message never widens it."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import Column
from readinglist.ui.paper_view import DEFAULT_WIDTHS, MIN_TITLE_WIDTH


def resized(qtbot: QtBot, window: MainWindow, width: int) -> None:
    window.resize(width, 640)
    qtbot.waitUntil(lambda: window.width() == width)
    QApplication.processEvents()


def test_titles_keep_their_room_in_a_laptop_sized_window(qtbot: QtBot, window: MainWindow) -> None:
    header = window.view.horizontalHeader()
    resized(qtbot, window, 1024)
    assert header.sectionSize(Column.TITLE) >= MIN_TITLE_WIDTH
    assert header.sectionSize(Column.TAGS) < DEFAULT_WIDTHS[Column.TAGS]  # it gave way
    resized(qtbot, window, 1600)  # room again: the tags column is as wide as it was
    assert header.sectionSize(Column.TAGS) == DEFAULT_WIDTHS[Column.TAGS]
    assert header.sectionSize(Column.TITLE) > MIN_TITLE_WIDTH
    header.resizeSection(Column.TAGS, 240)  # the user widens it: that width is kept
    resized(qtbot, window, 1700)
    assert header.sectionSize(Column.TAGS) == 240


def test_a_long_message_never_widens_the_window(qtbot: QtBot, window: MainWindow) -> None:
    resized(qtbot, window, 1024)
    folder = "/home/someone/" + "a-very-long-folder-name/" * 12
    message = f"Exported 249 papers to {folder}thesis.bib"
    window.status.show_message(message)
    QApplication.processEvents()
    assert window.minimumSizeHint().width() < 1024
    resized(qtbot, window, 1024)
    assert window.status.message.text() == message == window.status.message.toolTip()
    window.grab()  # painted elided


def test_a_long_search_never_widens_the_window(qtbot: QtBot, window: MainWindow) -> None:
    resized(qtbot, window, 1024)
    query = "sparse attention kernels for long context language models on small devices " * 2
    window.search.setFocus()
    qtbot.keyClicks(window.search, query)
    qtbot.waitUntil(lambda: window.papers.query == query.strip(), timeout=10_000)
    QApplication.processEvents()
    assert "…”" in window.status.count.text()
    assert window.minimumSizeHint().width() < 1024
    resized(qtbot, window, 1024)


def test_a_list_dragged_narrow_gives_its_titles_the_tags_room(
    qtbot: QtBot, window: MainWindow
) -> None:
    resized(qtbot, window, 1024)
    header = window.view.horizontalHeader()
    window.splitter.setSizes([220, 330, 474])  # the reader drags the paper pane wider
    QApplication.processEvents()
    assert header.isSectionHidden(Column.TAGS)
    fixed = sum(header.sectionSize(c) for c in (Column.STAR, Column.READ, Column.DATE))
    assert header.sectionSize(Column.TITLE) >= window.view.viewport().width() - fixed - 1
    window.splitter.setSizes([220, 700, 104])  # and back: the tags come back
    resized(qtbot, window, 1600)
    assert not header.isSectionHidden(Column.TAGS)
    assert header.sectionSize(Column.TAGS) == DEFAULT_WIDTHS[Column.TAGS]
