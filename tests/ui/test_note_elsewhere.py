"""Notes saved, undone and redone by the window while another program writes to the library."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.ui.main_window import MainWindow
from tests.ui.test_note import merged_with_notes, refuse_note_saves, type_note


def _end(window: MainWindow) -> None:
    ed = window.detail.note.editor
    ed.setFocus()
    ed.moveCursor(QTextCursor.MoveOperation.End)


def test_redo_of_saves_merged_into_one_step_writes_the_last_text_over_an_existing_note(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.view.current_id()
    window.ops.set_note(paper, "old")
    window.ops.note_session += 1
    assert window.detail.note.editor.toPlainText() == "old"
    _end(window)
    qtbot.keyClicks(window.detail.note.editor, " one")
    window.detail.note.flush()
    qtbot.keyClicks(window.detail.note.editor, " two")
    window.detail.note.flush()
    assert sample_library.get(paper).note == "old one two"
    assert window.undo_stack.count() == 2
    window.view.setFocus()
    window.commands.undo()
    assert sample_library.get(paper).note == "old"
    window.commands.redo()
    assert sample_library.get(paper).note == "old one two"


def test_redo_of_merged_saves_keeps_a_deleted_hidden_note_deleted(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    a, b = merged_with_notes(qtbot, window, "pa", "pb")
    note = window.detail.note
    assert note.editor.toPlainText() == "pa\n\npb"
    note.editor.setFocus()
    note.editor.setPlainText("pa")  # the user deletes b's paragraph
    note.flush()
    _end(window)
    qtbot.keyClicks(note.editor, " more")
    note.flush()
    assert (sample_library.get(a).note, sample_library.get(b).note) == ("pa more", "")
    window.view.setFocus()
    window.commands.undo()
    assert (sample_library.get(a).note, sample_library.get(b).note) == ("pa\n\npb", "pb")
    window.commands.redo()
    assert (sample_library.get(a).note, sample_library.get(b).note) == ("pa more", "")


def test_save_after_a_failed_save_does_not_duplicate_the_old_note(
    qtbot: QtBot, window: MainWindow, sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = window.view.current_id()
    window.ops.set_note(paper, "old")
    assert window.detail.note.editor.toPlainText() == "old"
    take_again = refuse_note_saves(monkeypatch, sample_library, "the library is busy")
    note = window.detail.note
    _end(window)
    qtbot.keyClicks(note.editor, " one")
    note.flush()  # refused
    take_again()
    qtbot.keyClicks(note.editor, " two")
    note.flush()  # goes through
    assert sample_library.get(paper).note == "old one two"


def test_saves_with_a_write_elsewhere_between_them_are_two_undo_steps(
    qtbot: QtBot, window: MainWindow, sample_library: Library, db_path: Path
) -> None:
    paper = window.view.current_id()
    note = window.detail.note
    type_note(qtbot, window, "mine")
    note.flush()
    with Library.open(db_path) as other:
        other.set_note(paper, "mine\n\nfrom the command line")
    qtbot.keyClicks(note.editor, " more")
    note.flush()
    assert sample_library.get(paper).note == "mine more\n\nfrom the command line"
    assert window.undo_stack.count() == 2  # not one step: something else wrote between
    window.view.setFocus()
    window.commands.undo()  # the second save
    assert sample_library.get(paper).note == "mine\n\nfrom the command line"
    window.commands.undo()  # the first: refused, the other program's paragraph stays
    assert sample_library.get(paper).note == "mine\n\nfrom the command line"
    assert "changed elsewhere" in window.status.message.text()


def test_a_merge_elsewhere_is_seen_even_if_the_window_writes_before_it_looks(
    qtbot: QtBot, window: MainWindow, sample_library: Library, db_path: Path
) -> None:
    a, b, c = window.model.ids[:3]
    with Library.open(db_path) as other:
        other.merge([a, b])
    window.ops.set_starred([c], True)  # within the two seconds before the next look
    window.catch_up_with_elsewhere()
    qtbot.wait(100)
    assert b not in window.model.ids  # the hidden record still listed as a paper


def test_refresh_after_change_elsewhere_keeps_selection_and_typing(
    qtbot: QtBot, window: MainWindow, sample_library: Library, db_path: Path
) -> None:
    ids = window.model.ids
    window.view.select_ids([ids[61]], ids[61])
    window.view.scrollTo(window.model.index(61, 0))
    qtbot.wait(50)
    scroll = window.view.verticalScrollBar().value()
    type_note(qtbot, window, "typing")
    with Library.open(db_path) as other:
        other.tag([ids[3]], "elsewhere")
    window.catch_up_with_elsewhere()
    qtbot.wait(200)
    assert window.view.current_id() == ids[61]
    assert window.view.selected_ids() == [ids[61]]
    assert window.view.verticalScrollBar().value() == scroll
    assert window.detail.note.editor.toPlainText() == "typing"


def test_a_note_written_elsewhere_after_a_failed_save_is_kept(
    qtbot: QtBot,
    window: MainWindow,
    sample_library: Library,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = window.model.ids[:2]
    window.view.select_ids([a], a)
    window.ops.set_note(a, "orig")
    window.ops.note_session += 1
    take_again = refuse_note_saves(monkeypatch, sample_library, "the library is busy")
    note = window.detail.note
    _end(window)
    qtbot.keyClicks(note.editor, " mine")
    note.flush()  # refused: kept, retried later
    window.view.select_ids([b], b)
    take_again()
    with Library.open(db_path) as other:  # another program adds a paragraph meanwhile
        other.set_note(a, "orig\n\nexternal")
    window.catch_up_with_elsewhere()  # the two-second look
    window.view.select_ids([a], a)  # back before the retry timer fired
    assert note.editor.toPlainText() == "orig mine"
    _end(window)
    qtbot.keyClicks(note.editor, " 2")
    note.flush()
    assert "external" in sample_library.get(a).note, sample_library.get(a).note


def test_an_undo_after_a_redo_over_a_note_written_elsewhere_keeps_that_note(
    qtbot: QtBot, window: MainWindow, sample_library: Library, db_path: Path
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    type_note(qtbot, window, "mine")
    window.detail.note.flush()
    window.view.setFocus()
    window.commands.undo()
    assert sample_library.get(paper).note == ""
    with Library.open(db_path) as other:
        other.set_note(paper, "cli")
    window.catch_up_with_elsewhere()
    window.commands.redo()
    assert sample_library.get(paper).note == "mine\n\ncli"
    window.commands.undo()  # back to the note just before the redo
    assert sample_library.get(paper).note == "cli"


@pytest.mark.parametrize("edit", ["delete", "append"])
def test_a_redo_gives_exactly_the_note_after_its_step(
    qtbot: QtBot, window: MainWindow, sample_library: Library, db_path: Path, edit: str
) -> None:
    """The step's first save kept a note written elsewhere; the second saw it and deleted it,
    or added to it: the redo gives that note, not the one the first save typed over."""
    paper = window.view.current_id()
    assert paper is not None
    note = window.detail.note
    window.ops.note_session += 1
    type_note(qtbot, window, "mine")
    with Library.open(db_path) as other:  # before the window saves
        other.set_note(paper, "ext")
    note.flush()
    assert note.editor.toPlainText() == "mine\n\next"
    if edit == "delete":
        note.editor.setPlainText("mine")  # a deliberate deletion
    else:
        _end(window)
        qtbot.keyClicks(note.editor, " more")
    note.flush()
    after = sample_library.get(paper).note
    assert after == ("mine" if edit == "delete" else "mine\n\next more")
    assert window.undo_stack.count() == 1
    window.view.setFocus()
    window.commands.undo()
    assert sample_library.get(paper).note == "ext"
    window.commands.redo()
    assert sample_library.get(paper).note == after


def test_after_a_failed_save_a_good_one_shows_and_undoes_as_saved(
    qtbot: QtBot, window: MainWindow, sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    window.ops.set_note(paper, "old")
    window.ops.note_session += 1
    note = window.detail.note
    take_again = refuse_note_saves(monkeypatch, sample_library, "the library is busy")
    _end(window)
    qtbot.keyClicks(note.editor, " one")
    note.flush()  # refused
    take_again()
    qtbot.keyClicks(note.editor, " two")
    note.flush()  # saved
    assert sample_library.get(paper).note == "old one two"
    assert note.editor.toPlainText() == "old one two"  # not the failed text shown again
    window.view.setFocus()
    window.commands.undo()
    assert sample_library.get(paper).note == "old"
    window.commands.redo()
    assert sample_library.get(paper).note == "old one two"
    window.commands.undo()
    window.commands.undo()
    assert sample_library.get(paper).note == ""
    window.commands.redo()
    window.commands.redo()
    assert sample_library.get(paper).note == "old one two"
