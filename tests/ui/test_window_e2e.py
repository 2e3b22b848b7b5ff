"""The whole window, end to end, with work really running off the GUI thread.

A new user opens an empty library, drops the sample dumps on the window, reads with the keyboard,
stars, marks read, tags, writes a note, searches, filters, undoes, exports, quits and comes back.
"""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.ui.main_window import MainWindow
from readinglist.ui.settings import Settings
from readinglist.ui.tasks import TaskRunner
from tests.conftest import SAMPLE_PAPERS
from tests.ui.conftest import FakePicker, close_dialogs, open_window
from tests.ui.test_import import drop


def test_a_reading_session(
    qtbot: QtBot,
    library: Library,
    settings: Settings,
    picker: FakePicker,
    sample_copy: Path,
    tmp_path: Path,
) -> None:
    runner = TaskRunner()
    window = open_window(qtbot, library, settings, runner, picker)
    view = window.view

    # First run: the explanation, then a drop of the whole folder.
    assert window.stack.currentWidget() is window.empty
    drop(window, [sample_copy])
    qtbot.waitUntil(lambda: window.importer.dialog is not None, timeout=30_000)
    assert window.importer.dialog.summary.papers_new == 249  # type: ignore[union-attr]
    close_dialogs(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # shortcuts need it
    qtbot.waitUntil(lambda: window.model.rowCount() == 249 and window.stack.currentWidget() is view)
    assert window.status.count.text().startswith("249 papers")

    # Read with the keyboard: move, star, mark read, tag, open.
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    paper = view.current_id()
    assert paper is not None
    for key in (Qt.Key.Key_S, Qt.Key.Key_R):
        qtbot.keyClick(view, key)
    qtbot.keyClick(view, Qt.Key.Key_T)
    qtbot.keyClicks(window.detail.tags.input, "to read")
    qtbot.keyClick(window.detail.tags.input, Qt.Key.Key_Return)
    got = library.get(paper)
    assert got.starred and got.read and got.tags == ("to read",)

    # A note, saved as typed.
    window.detail.note.editor.setFocus()
    qtbot.keyClicks(window.detail.note.editor, "Read section 3 again.")
    qtbot.waitUntil(lambda: library.get(paper).note == "Read section 3 again.", timeout=3000)

    # Search, go to the results, come back.
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "quantization")
    qtbot.waitUntil(
        lambda: window.papers.query == "quantization" and 0 < window.model.rowCount() < 249
    )
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert view.hasFocus() and view.current_id() == window.model.ids[0]
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.model.rowCount() == 249)

    # The sidebar: starred and the new tag.
    sidebar = window.sidebar
    qtbot.waitUntil(lambda: sidebar.counts is not None and sidebar.counts.starred == 1)
    assert sidebar.select_key("tag:to read")
    qtbot.waitUntil(lambda: window.model.ids == [paper])

    # Undo the tag; redo it.
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the note
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the tag
    assert library.get(paper).tags == () and library.get(paper).note == ""
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view, Qt.Key.Key_Z, redo)
    assert library.get(paper).tags == ("to read",)

    # Export the list shown (the tag's one paper) as CSV.
    picker.target = tmp_path / "reading.csv"
    qtbot.keyClick(view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: picker.target.exists(), timeout=10_000)  # type: ignore[union-attr]
    with picker.target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["id"]) for r in rows] == [paper] and rows[0]["tags"] == "to read"

    # Quit and come back: the work and the layout are still there.
    window.close()
    runner.shutdown()
    assert QApplication.activeWindow() is not window
    runner = TaskRunner()
    again = open_window(qtbot, library, settings, runner, picker)
    qtbot.waitUntil(lambda: again.model.rowCount() == 249)
    assert library.get(paper).starred and library.get(paper).tags == ("to read",)
    assert again.papers.sort_key == "date"
    again.close()
    runner.shutdown()


def test_the_window_shows_what_another_program_changed(
    qtbot: QtBot, window: MainWindow, sample_library: Library, db_path: Path, tmp_path: Path
) -> None:
    from tests.core.test_import import ABSTRACT, write_dump

    paper = window.model.ids[0]
    window.ops.set_starred([paper], True)
    assert not sample_library.changed_elsewhere()  # the window's own change is not news
    window.catch_up_with_elsewhere()
    assert window.status.message.text() != "the library was changed elsewhere"
    with Library.open(db_path) as other:  # the command line, say
        other.unstar([paper])
        other.import_paths(
            [write_dump(tmp_path / "new.txt", "Mar 3", [("From Elsewhere", ABSTRACT)])]
        )
    window.catch_up_with_elsewhere()  # what the window's timer does every few seconds
    assert window.status.message.text() == "the library was changed elsewhere"
    qtbot.waitUntil(lambda: window.model.rowCount() == SAMPLE_PAPERS + 1)
    qtbot.waitUntil(lambda: window.sidebar.counts is not None
                    and window.sidebar.counts.all == SAMPLE_PAPERS + 1
                    and window.sidebar.counts.starred == 0)  # fmt: skip
    assert not window.model.papers([paper])[0].starred
    # Acting on it now acts on what it is: S stars the paper shown unstarred.
    window.view.select_ids([paper], paper)
    window.commands.toggle_star()
    assert sample_library.get(paper).starred
