"""The note editor saves as you type (after a pause), on selection change and on quit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from readinglist.core.errors import DatabaseError
from readinglist.core.library import Library
from readinglist.core.papers import PaperFilter
from readinglist.ui.main_window import MainWindow
from readinglist.ui.note_editor import SAVE_DELAY_MS
from readinglist.ui.operations import unsaved_notes_file
from readinglist.ui.settings import Settings
from readinglist.ui.tasks import TaskRunner
from tests.ui.conftest import FakePicker, close_dialogs, open_window


def merged_with_notes(
    qtbot: QtBot, window: MainWindow, note_a: str, note_b: str
) -> tuple[int, int]:
    """The first two papers, given these notes, merged (b hidden under a), with a current."""
    a, b = window.model.ids[:2]
    window.ops.set_note(a, note_a)
    window.ops.set_note(b, note_b)
    window.ops.merge([a, b])
    qtbot.waitUntil(lambda: b not in window.model.ids)
    window.view.select_ids([a], a)
    return a, b


def type_note(qtbot: QtBot, window: MainWindow, text: str) -> None:
    editor = window.detail.note.editor
    editor.setFocus()
    qtbot.keyClicks(editor, text)


def test_typing_saves_after_a_pause(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    type_note(qtbot, window, "Check table 3")
    assert sample_library.get(paper).note == ""  # not on every keystroke
    assert window.detail.note.state.text() == "Editing…"
    qtbot.waitUntil(
        lambda: sample_library.get(paper).note == "Check table 3", timeout=SAVE_DELAY_MS * 5
    )
    assert window.detail.note.state.text() == "Saved"
    assert window.status.message.text() == "note saved"
    assert window.undo_stack.count() == 1


def test_moving_to_another_paper_saves_at_once(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    first = window.view.current_id()
    type_note(qtbot, window, "half a thought")
    window.view.select_row(1)  # before the pause is over
    assert first is not None and sample_library.get(first).note == "half a thought"
    assert window.detail.note.paper_id == window.model.ids[1]
    assert window.detail.note.editor.toPlainText() == ""
    window.view.select_row(0)
    assert window.detail.note.editor.toPlainText() == "half a thought"


def test_closing_the_window_saves_the_note(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.view.current_id()
    type_note(qtbot, window, "last words")
    window.close()
    assert paper is not None and sample_library.get(paper).note == "last words"


def test_undo_while_typing_saves_first_then_undoes(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    window.ops.set_starred([paper], True)
    type_note(qtbot, window, "draft")
    window.view.setFocus()  # leaving the editor saves too
    assert sample_library.get(paper).note == "draft"
    window.commands.undo()
    assert sample_library.get(paper).note == ""
    assert window.detail.note.editor.toPlainText() == ""
    assert sample_library.get(paper).starred  # only the note was undone


def test_typing_a_hidden_records_note_keeps_every_keystroke(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    """The "Hidden duplicates" view edits a hidden record's own note: each save must leave the
    editor as typed, so that the next keystrokes add to it."""
    a, b = window.model.ids[:2]
    window.ops.merge([a, b])
    window.papers.set_filter(PaperFilter(only_hidden=True))
    qtbot.waitUntil(lambda: window.model.ids == [b])
    window.view.select_row(0)
    type_note(qtbot, window, "abc")
    qtbot.waitUntil(lambda: sample_library.get(b).note == "abc", timeout=SAVE_DELAY_MS * 5)
    type_note(qtbot, window, "d")
    qtbot.waitUntil(lambda: sample_library.get(b).note == "abcd", timeout=SAVE_DELAY_MS * 5)
    type_note(qtbot, window, "e")
    window.detail.note.flush()
    assert sample_library.get(b).note == "abcde"
    assert window.detail.note.editor.toPlainText() == "abcde"


def test_splitting_while_typing_saves_the_note_first(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    a, b = merged_with_notes(qtbot, window, "na", "nb")
    editor = window.detail.note.editor
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    type_note(qtbot, window, "mine")
    qtbot.keyClick(
        editor,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    window.detail.note.flush()
    assert sample_library.get(b).duplicate_of is None
    assert (sample_library.get(a).note, sample_library.get(b).note) == ("na\n\nnb\n\nmine", "nb")


def test_the_editors_own_undo_stays_with_its_paper(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    a, b = window.model.ids[:2]
    window.view.select_ids([a], a)
    editor = window.detail.note.editor
    type_note(qtbot, window, "private thought on A")
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    window.view.select_ids([b], b)
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.detail.note.flush()
    assert sample_library.get(b).note == ""


def test_a_note_is_shown_once_whichever_record_shows_the_group(
    window: MainWindow, sample_library: Library
) -> None:
    a, c = window.model.ids[:2]
    window.ops.set_note(c, "nc")
    window.ops.merge([a, c])
    window.ops.set_note(a, "my summary\n\nnc")
    window.ops.merge([c, a])  # the group is now shown as c
    assert sample_library.get(c).note == "my summary\n\nnc"


def test_untagging_and_unstarring_a_hidden_record_shows_at_once(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    a, b = window.model.ids[:2]
    window.ops.add_tags([b], ["x"])
    window.ops.set_starred([b], True)
    window.ops.merge([a, b])
    window.papers.set_filter(PaperFilter(only_hidden=True))
    qtbot.waitUntil(lambda: window.model.ids == [b])
    window.view.select_row(0)
    window.detail.tagRemoved.emit([b], "x")
    window.commands.toggle_star()
    row, stored = window.model.paper_at(0), sample_library.get(b)
    assert (row.tags, row.starred) == (stored.tags, stored.starred) == ((), False)


def refuse_note_saves(
    monkeypatch: pytest.MonkeyPatch, lib: Library, reason: str
) -> Callable[[], None]:
    """Make the library refuse every note save, as a busy or read-only one does; returns what
    makes it take them again."""
    real_set_note = lib.set_note

    def refuse(paper_id: int, text: str, base: str | None = None) -> object:
        raise DatabaseError(f"{lib.path}: {reason}")

    monkeypatch.setattr(lib, "set_note", refuse)
    return lambda: monkeypatch.setattr(lib, "set_note", real_set_note)


def test_a_note_that_cannot_be_saved_is_kept_and_saved_later(
    qtbot: QtBot, window: MainWindow, sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    take_saves_again = refuse_note_saves(monkeypatch, sample_library, "the library is busy")
    note = window.detail.note
    type_note(qtbot, window, "the one idea")
    note.flush()
    assert sample_library.get(paper).note == ""
    assert note.editor.toPlainText() == "the one idea" and note.dirty
    assert note.state.text() == "Not saved yet: trying again"
    errors = [b for b in window.findChildren(QMessageBox, "ErrorMessage") if b.isVisible()]
    assert len(errors) == 1 and "the library is busy" in errors[0].text()
    close_dialogs(window)
    window.view.select_row(1)  # tried again on leaving, quietly: one error box is enough
    assert not [b for b in window.findChildren(QMessageBox, "ErrorMessage") if b.isVisible()]
    window.view.select_row(0)  # back: the unsaved text, not the library's empty note
    assert note.editor.toPlainText() == "the one idea" and note.dirty
    take_saves_again()
    window.ops.retry_unsaved_notes()  # what the retry timer does
    assert sample_library.get(paper).note == "the one idea"
    assert window.ops.unsaved_note(paper) is None
    assert note.state.text() == "Saved" and not note.dirty  # the pane knows it now


def test_a_note_still_unsaved_is_tried_once_more_at_closing(
    qtbot: QtBot, window: MainWindow, sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    take_saves_again = refuse_note_saves(monkeypatch, sample_library, "the library is busy")
    type_note(qtbot, window, "kept")
    window.detail.note.flush()
    close_dialogs(window)
    take_saves_again()
    window.close()
    assert sample_library.get(paper).note == "kept"


def test_a_note_the_library_never_takes_is_kept_in_a_file_beside_it(
    qtbot: QtBot,
    window: MainWindow,
    sample_library: Library,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: Settings,
    runner: TaskRunner,
    picker: FakePicker,
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    take_saves_again = refuse_note_saves(monkeypatch, sample_library, "read-only")
    type_note(qtbot, window, "a thought worth keeping")
    window.detail.note.flush()
    close_dialogs(window)
    window.close()
    kept = unsaved_notes_file(sample_library.path)
    assert f"## paper {paper}\na thought worth keeping" in kept.read_text(encoding="utf-8")
    assert not window.ops._retry.isActive()  # no retries after the window is gone
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "could not be saved" in err and str(kept) in err
    take_saves_again()
    again = open_window(qtbot, sample_library, settings, runner, picker)  # the next start says so
    shown = [b for b in again.findChildren(QMessageBox, "ErrorMessage") if b.isVisible()]
    assert len(shown) == 1 and str(kept) in shown[0].text()
    close_dialogs(again)


# -- another program writes while the window shows a note ------------------------------------------


def test_a_note_written_elsewhere_meanwhile_is_kept_when_typing_over_the_old_one(
    qtbot: QtBot, window: MainWindow, sample_library: Library, db_path: Path
) -> None:
    paper = window.view.current_id()
    assert paper is not None and window.detail.note.editor.toPlainText() == ""
    with Library.open(db_path) as other:  # the command line, while the window shows the paper
        other.set_note(paper, "written from the command line")
    type_note(qtbot, window, "window words")
    window.detail.note.flush()
    assert sample_library.get(paper).note == "window words\n\nwritten from the command line"
    # What the window typed over is still replaced as typed: deleting a line deletes it.
    window.update_detail()
    assert window.detail.note.editor.toPlainText() == sample_library.get(paper).note
    window.detail.note.editor.setPlainText("window words")
    window.detail.note.flush()
    assert sample_library.get(paper).note == "window words"


def test_a_note_a_merge_elsewhere_brought_along_is_kept_for_its_split(
    qtbot: QtBot, window: MainWindow, sample_library: Library, db_path: Path
) -> None:
    shown, other_paper = window.model.ids[0], window.model.ids[1]
    window.view.select_ids([shown], shown)
    sample_library.set_note(other_paper, "my note on the other paper")
    with Library.open(db_path) as other:
        other.merge([shown, other_paper])
    type_note(qtbot, window, "idea")  # over the note the window showed: empty
    window.detail.note.flush()
    assert sample_library.get(shown).note == "idea\n\nmy note on the other paper"
    sample_library.split(other_paper)
    assert sample_library.get(other_paper).note == "my note on the other paper"
    assert sample_library.get(shown).note == "idea"


def test_undo_of_a_note_edit_leaves_a_note_written_elsewhere_since(
    qtbot: QtBot, window: MainWindow, sample_library: Library, db_path: Path
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    type_note(qtbot, window, "window note")
    window.detail.note.flush()
    window.view.setFocus()
    with Library.open(db_path) as other:
        other.set_note(paper, "written later from the command line")
    window.commands.undo()
    assert sample_library.get(paper).note == "written later from the command line"
    assert "changed elsewhere" in window.status.message.text()
    qtbot.waitUntil(window.undo_stack.canUndo)  # still there, to try again
    with Library.open(db_path) as other:
        other.set_note(paper, "window note")  # as the window left it: the undo goes through
    window.commands.undo()
    assert sample_library.get(paper).note == ""


def test_undo_of_a_note_edited_in_several_saves_checks_the_last_one(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    type_note(qtbot, window, "first")
    window.detail.note.flush()
    type_note(qtbot, window, " and second")
    window.detail.note.flush()
    assert window.undo_stack.count() == 1  # one visit, one step
    window.view.setFocus()
    window.commands.undo()
    assert sample_library.get(paper).note == ""
    window.commands.redo()
    assert sample_library.get(paper).note == "first and second"
    window.commands.undo()  # the redo's save is what the undo checks against
    assert sample_library.get(paper).note == ""
