"""Every action, from its registry entry to what it does, driven by its keyboard shortcut."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QTableWidget, QToolButton
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.ui.actions import ACTIONS, shortcut_rows
from readinglist.ui.commands import Commands
from readinglist.ui.main_window import MainWindow
from tests.ui.conftest import FakePicker, close_dialogs


def key(qtbot: QtBot, window: MainWindow, sequence: str) -> None:
    """Press a shortcut as the user would, with the keyboard on the paper list."""
    window.view.setFocus()
    combo = QKeySequence(sequence)[0]
    qtbot.keyClick(window.view, combo.key(), combo.keyboardModifiers())


def current(window: MainWindow) -> int:
    paper_id = window.view.current_id()
    assert paper_id is not None
    return paper_id


def test_registry_is_complete_and_shortcuts_are_unique(window: MainWindow) -> None:
    for spec in ACTIONS:
        assert callable(getattr(Commands, spec.method)), spec.id
        assert spec.id in window.actions_by_id
    keys = [k for spec in ACTIONS for k in spec.shortcuts]
    assert len(keys) == len(set(keys))
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&Paper", "&Help"]
    in_menus = {a.objectName() for m in window.menuBar().actions() for a in m.menu().actions()}
    assert {s.id for s in ACTIONS if s.menu} <= in_menus
    on_toolbar = {a.objectName() for a in window.toolbar.actions() if a.objectName()}
    assert on_toolbar == {s.id for s in ACTIONS if s.toolbar}
    assert ("Star", "S") in shortcut_rows()


def test_s_toggles_the_star(qtbot: QtBot, window: MainWindow, sample_library: Library) -> None:
    paper = current(window)
    key(qtbot, window, "S")
    assert sample_library.get(paper).starred
    assert window.model.paper_at(0).starred  # type: ignore[union-attr]
    assert "starred 1 paper" in window.status.message.text()
    assert window.sidebar.counts is not None and window.sidebar.counts.starred == 1
    key(qtbot, window, "S")
    assert not sample_library.get(paper).starred


def test_r_toggles_read_for_the_whole_selection(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    ids = window.model.ids[:3]
    window.view.select_ids(ids, ids[0])
    key(qtbot, window, "R")
    assert all(p.read for p in sample_library.load(ids))
    assert window.status.selection.text() == "3 selected"
    key(qtbot, window, "R")
    assert not any(p.read for p in sample_library.load(ids))


def test_t_tags_the_selection_with_completion(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    sample_library.tag([window.model.ids[5]], ["vision"])
    window.sidebar.refresh()
    assert "vision" in window.detail.tags.known_tags()
    ids = window.model.ids[:2]
    window.view.select_ids(ids, ids[0])
    key(qtbot, window, "T")
    field = window.detail.tags.input
    assert field.hasFocus()
    qtbot.keyClicks(field, "to read, vision")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert all(set(p.tags) == {"to read", "vision"} for p in sample_library.load(ids))
    assert set(window.detail.tags.tags) == {"to read", "vision"}
    assert any(e.label == "to read" for e in window.sidebar._entries)


def test_enter_opens_the_paper_and_escape_comes_back(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, window, "Return")
    assert window.detail.abstract.hasFocus()
    qtbot.keyClick(window.detail.abstract, Qt.Key.Key_Escape)
    assert window.view.hasFocus()


def test_ctrl_f_and_slash_focus_the_search(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, window, "Ctrl+F")
    assert window.search.hasFocus()
    key(qtbot, window, "/")
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "s")  # typing there never stars a paper
    assert window.search.text() == "s"


def test_arrows_move_through_the_list(qtbot: QtBot, window: MainWindow) -> None:
    first = current(window)
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    assert current(window) == window.model.ids[2] != first
    assert window.detail.detail.current.id == window.model.ids[2]  # type: ignore[union-attr]


def test_import_actions_ask_for_files_and_folders(
    qtbot: QtBot, empty_window: MainWindow, picker: FakePicker, sample_copy: Path
) -> None:
    picker.files = [sorted(sample_copy.iterdir())[0]]
    key(qtbot, empty_window, "Ctrl+O")
    assert empty_window.importer.dialog is not None  # the summary, window-modal
    close_dialogs(empty_window)
    picker.folder = [sample_copy]
    key(qtbot, empty_window, "Ctrl+Shift+O")
    assert picker.asked == ["files", "folder"]
    assert empty_window.lib.count() == 249
    close_dialogs(empty_window)


@pytest.mark.parametrize("suffix", [".bib", ".csv"])
def test_ctrl_e_exports_the_selection_or_the_list(
    qtbot: QtBot, window: MainWindow, picker: FakePicker, tmp_path: Path, suffix: str
) -> None:
    picker.target = tmp_path / f"out{suffix}"
    key(qtbot, window, "Ctrl+E")  # one paper selected: the whole list
    text = picker.target.read_text(encoding="utf-8-sig")
    assert (text.count("@misc{") if suffix == ".bib" else text.count("\n") - 1) >= 249
    assert "Exported 249 papers" in window.status.message.text()
    ids = window.model.ids[:3]
    window.view.select_ids(ids, ids[0])
    key(qtbot, window, "Ctrl+E")
    text = picker.target.read_text(encoding="utf-8-sig")
    if suffix == ".bib":
        assert text.count("@misc{") == 3
    else:
        rows = list(csv.reader(io.StringIO(text)))
        assert sorted(int(r[0]) for r in rows[1:]) == sorted(ids)
    assert "Exported 3 papers (3 selected)" in window.status.message.text()


def test_ctrl_m_merges_and_ctrl_shift_m_splits(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    a, b = window.model.ids[:2]
    window.view.select_ids([a, b], a)
    key(qtbot, window, "Ctrl+M")
    assert sample_library.get(b).duplicate_of == a
    qtbot.waitUntil(lambda: window.model.row_of(b) is None)  # the list was reloaded
    assert window.sidebar.counts is not None and window.sidebar.counts.hidden == 1
    window.view.select_ids([a], a)
    group = window.detail.group_box.findChildren(QToolButton) + window.detail.group_box.children()
    assert group, "the duplicate group shows in the detail pane"
    key(qtbot, window, "Ctrl+Shift+M")
    assert sample_library.get(b).duplicate_of is None
    qtbot.waitUntil(lambda: window.model.row_of(b) is not None)


def test_merge_needs_two_papers(qtbot: QtBot, window: MainWindow) -> None:
    window.commands.merge()
    assert "Select two or more papers" in window.status.message.text()
    close_dialogs(window)


def test_help_shows_the_shortcuts(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, window, "F1")
    dialog = window.findChild(QDialog, "ShortcutsDialog")
    assert dialog is not None and dialog.isVisible()
    table = dialog.findChild(QTableWidget)
    assert table is not None
    keys = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "Scroll the paper being read" in keys and "Undo" in " ".join(keys)
    QApplication.processEvents()
    assert table.verticalScrollBar().maximum() == 0  # every row shown, no scrolling
    dialog.close()
    window.commands.show_about()
    close_dialogs(window)


def test_ctrl_q_closes_the_window(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, window, "Ctrl+Q")
    qtbot.waitUntil(lambda: not window.isVisible())
    assert QApplication.activeWindow() is not window


def test_typed_letters_never_jump_through_the_list(qtbot: QtBot, window: MainWindow) -> None:
    """Letters are shortcuts; Qt's type-to-find would move the row under the reader instead."""
    view = window.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    before = view.current_id()
    for text in ("S", "R", "Sc", "zzz"):
        view.keyboardSearch(text)
        assert view.current_id() == before
