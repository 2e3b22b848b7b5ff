"""The note editor saves as you type (after a pause), on selection change and on quit."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.ui.main_window import MainWindow
from readinglist.ui.note_editor import SAVE_DELAY_MS


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
