"""Undo and redo of every change: star, read, tag, note, merge and split, through the QUndoStack."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from threading import get_ident

import pytest
from PySide6.QtGui import QGuiApplication, QTextCursor, QUndoStack
from pytestqt.qtbot import QtBot

from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.ui import operations
from readinglist.ui.main_window import MainWindow
from readinglist.ui.operations import Operations
from readinglist.ui.tasks import TaskRunner


def annotations(lib: Library, ids: list[int]) -> list[tuple[bool, bool, tuple[str, ...], str]]:
    return [(p.starred, p.read, p.tags, p.note) for p in lib.load(ids)]


def structure(lib: Library, ids: list[int]) -> list[tuple[int | None, tuple[int, ...]]]:
    return [(p.duplicate_of, p.hidden_ids) for p in lib.load(ids)]


def test_every_annotation_undoes_and_redoes_exactly(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    ids = window.model.ids[:3]
    sample_library.tag([ids[2]], ["kept"])  # made outside the window: not on the stack
    ops = window.ops
    changes = [
        lambda: ops.set_starred(ids[:2], True),
        lambda: ops.set_read([ids[1]], True),
        lambda: ops.add_tags(ids, ["survey", "kept"]),
        lambda: ops.remove_tags([ids[2]], ["kept"]),
        lambda: ops.set_note(ids[0], "first thoughts"),
    ]
    states = [annotations(sample_library, ids)]
    for change in changes:
        change()
        states.append(annotations(sample_library, ids))
    assert len(set(map(str, states))) == len(states)  # every change changed something
    assert window.undo_stack.count() == len(changes)
    for state in reversed(states[:-1]):
        window.commands.undo()
        assert annotations(sample_library, ids) == state  # exactly, "kept" tag included
    for state in states[1:]:
        window.commands.redo()
        assert annotations(sample_library, ids) == state
    assert window.status.message.text().startswith("Redo: Edit the note")


def test_a_change_that_changes_nothing_is_no_undo_step(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    window.ops.remove_tags([paper], ["never-given"])
    assert window.undo_stack.count() == 0
    assert window.status.message.text() == "nothing untagged: no tag never-given on 1 paper"


def test_undo_updates_the_list_and_the_actions(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    undo = window.actions_by_id["undo"]
    assert not undo.isEnabled()
    window.commands.toggle_star()
    assert undo.isEnabled() and undo.text() == "&Undo Star 1 paper"
    assert window.model.paper_at(0).starred  # type: ignore[union-attr]
    window.commands.undo()
    assert not window.model.paper_at(0).starred  # type: ignore[union-attr]
    assert not sample_library.get(paper).starred
    assert window.status.message.text() == "Undo: Star 1 paper"
    assert window.actions_by_id["redo"].text() == "&Redo Star 1 paper"


def test_consecutive_note_saves_are_one_undo_step(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    for text in ("a", "ab", "abc"):
        window.ops.set_note(paper, text)
    assert window.undo_stack.count() == 1
    window.commands.undo()
    assert sample_library.get(paper).note == ""
    assert window.detail.note.editor.toPlainText() == ""
    window.commands.redo()
    assert sample_library.get(paper).note == "abc"
    assert window.detail.note.editor.toPlainText() == "abc"


def test_each_return_to_a_note_is_its_own_undo_step(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    editor = window.detail.note.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "first idea")
    window.view.setFocus()  # leaving the note saves it
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, ", and a second")
    window.view.setFocus()
    assert sample_library.get(paper).note == "first idea, and a second"
    assert window.undo_stack.count() == 2
    window.commands.undo()  # the second visit only
    assert sample_library.get(paper).note == "first idea"


def test_merge_undo_and_redo(qtbot: QtBot, window: MainWindow, sample_library: Library) -> None:
    a, b, c, d = window.model.ids[:4]
    sample_library.merge([c, d])  # an earlier group, made outside the window
    window.ops.set_starred([b], True)
    before = structure(sample_library, [a, b, c, d])
    window.ops.merge([a, b, c])
    assert set(sample_library.get(a).hidden_ids) == {b, c, d}
    window.commands.undo()
    assert structure(sample_library, [a, b, c, d]) == before
    assert sample_library.get(b).starred and not sample_library.get(a).starred
    # The papers come back selected, as they were for the merge (c stands for its group).
    qtbot.waitUntil(lambda: set(window.view.selected_ids()) == {a, b, c})
    window.commands.redo()
    assert set(sample_library.get(a).hidden_ids) == {b, c, d}
    assert sample_library.get(a).starred  # the group shows its records' stars


def test_merge_under_a_hidden_record_undoes(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    a, b, c = window.model.ids[:3]
    sample_library.merge([a, b])
    before = structure(sample_library, [a, b, c])
    window.ops.merge([b, c])  # b was hidden under a: now b shows, a and c hide under it
    assert sample_library.get(b).duplicate_of is None
    window.commands.undo()
    assert structure(sample_library, [a, b, c]) == before


def test_split_undo_and_redo(qtbot: QtBot, window: MainWindow, sample_library: Library) -> None:
    a, b, c = window.model.ids[:3]
    sample_library.merge([a, b, c])
    before = structure(sample_library, [a, b, c])
    for record in (b, a):  # a hidden record, then the shown one
        window.ops.split(record)
        assert sample_library.get(record).duplicate_of is None
        assert record not in sample_library.get(a if record != a else b).hidden_ids
        window.commands.undo()
        assert structure(sample_library, [a, b, c]) == before
        window.commands.redo()
        window.commands.undo()
        assert structure(sample_library, [a, b, c]) == before


def test_a_refused_change_is_reported_and_not_undoable(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.model.ids[0]
    window.ops.split(paper)  # not grouped with anything
    window.ops.add_tags([paper], ["   "])  # an empty tag
    assert window.undo_stack.count() == 0
    assert "tag cannot be empty" in window.status.message.text()


def test_tagging_every_paper_is_searchable_soon_and_undoes(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    """A bulk tag lists the papers for the search index; the window re-reads them in the
    background at once, and an undo takes the tag away from the search too."""
    every = list(window.model.ids)
    window.ops.add_tags(every, ["wholeshelf"])

    def stale() -> int:
        with sample_library.db.read() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM search_stale").scalar_one())

    qtbot.waitUntil(lambda: stale() == 0, timeout=20_000)  # no search asked for it
    assert len(sample_library.search("wholeshelf", limit=None)) == len(every)
    window.commands.undo()
    qtbot.waitUntil(lambda: stale() == 0, timeout=20_000)
    assert sample_library.search("wholeshelf", limit=None) == []
    assert all(p.tags == () or "wholeshelf" not in p.tags for p in sample_library.load(every))


@pytest.fixture
def worker_ops(sample_library: Library, monkeypatch: pytest.MonkeyPatch) -> Iterator[Operations]:
    """Operations with a real worker pool, for which the sample's 249 papers are many."""
    monkeypatch.setattr(operations, "BIG_SELECTION", 100)
    runner = TaskRunner()
    yield Operations(sample_library, QUndoStack(), runner)


def settle(qtbot: QtBot, ops: Operations) -> None:
    """Wait until the big change running on a worker is done and delivered."""
    qtbot.waitUntil(lambda: ops.busy_with is None, timeout=10_000)


def test_a_change_to_many_papers_runs_on_a_worker_and_so_do_its_undo_and_redo(
    qtbot: QtBot, sample_library: Library, worker_ops: Operations, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops, stack = worker_ops, worker_ops.stack
    notices: list[str] = []
    ops.notice.connect(notices.append)
    threads: list[int] = []
    star = sample_library.star
    monkeypatch.setattr(
        sample_library, "star", lambda ids: threads.append(get_ident()) or star(ids)
    )
    every = sample_library.ids()

    ops.set_starred(every, True)
    assert ops.busy_with == "Star 249 papers" and notices == ["Star 249 papers…"]
    ops.set_read(every[:1], True)  # declined, not left waiting for the write lock
    assert notices[-1] == "Still working on “Star 249 papers”: try again in a moment"
    settle(qtbot, ops)
    assert threads and threads[0] != get_ident()
    assert all(p.starred and not p.read for p in sample_library.load(every))
    assert stack.count() == 1

    stack.undo()
    assert ops.busy_with == "Undo: Star 249 papers"
    settle(qtbot, ops)
    assert not any(p.starred for p in sample_library.load(every))
    stack.redo()
    settle(qtbot, ops)
    assert all(p.starred for p in sample_library.load(every))
    ops.set_read(every[:1], True)  # a few papers: at once, on this thread
    assert ops.busy_with is None and sample_library.get(every[0]).read


def test_undo_waits_for_a_big_change_still_running(qtbot: QtBot, window: MainWindow) -> None:
    window.commands.toggle_star()
    window.ops.busy_with = "Tag 100,000 papers"  # as while a worker runs it
    window.commands.undo()
    assert window.undo_stack.index() == 1  # not undone under the running change
    assert window.status.message.text().startswith("Still working on “Tag 100,000 papers”")
    window.ops.busy_with = None
    window.commands.undo()
    assert window.undo_stack.index() == 0


def test_a_note_saved_while_a_big_change_runs_lands_above_it_and_survives_its_undo(
    qtbot: QtBot, sample_library: Library, worker_ops: Operations
) -> None:
    ops, stack = worker_ops, worker_ops.stack
    every = sample_library.ids()
    paper = every[0]
    ops.set_starred(every, True)
    ops.set_note(paper, "typed while the star ran")  # held: the star's snapshot is being taken
    settle(qtbot, ops)
    assert sample_library.get(paper).note == "typed while the star ran"
    assert [stack.text(i) for i in range(stack.count())] == [
        "Star 249 papers",
        f"Edit the note of paper {paper}",
    ]
    stack.undo()  # the note, the last change
    assert sample_library.get(paper).note == ""
    stack.undo()  # the star, on a worker
    settle(qtbot, ops)
    assert not any(p.starred for p in sample_library.load(every))
    stack.redo()
    settle(qtbot, ops)
    stack.redo()
    assert sample_library.get(paper).note == "typed while the star ran"
    assert all(p.starred for p in sample_library.load(every))


def test_an_unexpected_error_in_a_big_change_frees_the_window(
    qtbot: QtBot, sample_library: Library, worker_ops: Operations, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops, stack = worker_ops, worker_ops.stack
    every = sample_library.ids()

    def broken(ids: list[int]) -> None:
        raise sqlite3.OperationalError("interrupted")  # no message the core knows

    monkeypatch.setattr(sample_library, "star", broken)
    with qtbot.capture_exceptions() as raised:  # a bug stays loud on the GUI thread
        ops.set_starred(every, True)
        settle(qtbot, ops)
    assert [type(e[1]) for e in raised] == [sqlite3.OperationalError]
    assert QGuiApplication.overrideCursor() is None and stack.count() == 0
    ops.set_read(every[:1], True)  # and the next change goes through
    assert sample_library.get(every[0]).read


def test_the_note_being_typed_is_saved_before_a_big_change_and_the_editors_wait(
    qtbot: QtBot, window: MainWindow, sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(operations, "BIG_SELECTION", 100)
    paper = window.view.current_id()
    assert paper is not None
    window.detail.note.editor.setPlainText("half a thought")  # typed, not saved yet
    seen: list[tuple[bool, bool]] = []
    window.ops.busyChanged.connect(
        lambda busy: seen.append(
            (window.detail.note.editor.isReadOnly(), window.detail.tags.input.isEnabled())
        )
    )
    window.ops.set_starred(list(window.model.ids), True)
    assert seen == [(True, False), (False, True)]  # locked while it ran, free again after
    assert window.undo_stack.text(0) == f"Edit the note of paper {paper}"  # below the star
    assert window.undo_stack.text(1) == "Star 249 papers"
    assert sample_library.get(paper).note == "half a thought"


def test_a_note_held_during_a_big_change_is_saved_when_the_window_closes(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.model.ids[0]
    window.ops.busy_with = "Star 100,000 papers"  # a worker still running at quit
    window.ops.set_note(paper, "last words")
    assert sample_library.get(paper).note == ""
    window.close()
    assert sample_library.get(paper).note == "last words"


def test_an_undo_puts_back_only_what_its_change_was_about(
    window: MainWindow, sample_library: Library, db_path: Path
) -> None:
    """Another program writes to the paper between the window's change and its undo."""
    paper = window.model.ids[0]
    window.ops.set_starred([paper], True)
    window.ops.add_tags([paper], ["mine"])
    with Library.open(db_path) as other:
        other.set_note(paper, "written elsewhere")
        other.tag([paper], ["theirs"])
        other.mark_read([paper])
    window.commands.undo()  # the tag "mine"
    assert annotations(sample_library, [paper]) == [(True, True, ("theirs",), "written elsewhere")]
    window.commands.undo()  # the star
    assert annotations(sample_library, [paper]) == [(False, True, ("theirs",), "written elsewhere")]


def test_an_undo_that_fails_leaves_the_change_on_the_stack_to_try_again(
    qtbot: QtBot, window: MainWindow, sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    window.commands.toggle_star()
    real_restore = sample_library.restore

    def locked(*args: object, **kwargs: object) -> object:
        raise UserError("the library is busy")

    monkeypatch.setattr(sample_library, "restore", locked)
    window.commands.undo()
    assert "Could not undo “Star 1 paper”: the library is busy" in window.status.message.text()
    qtbot.waitUntil(lambda: window.undo_stack.index() == 1)  # still done, still undoable
    assert sample_library.get(paper).starred
    assert window.actions_by_id["undo"].text() == "&Undo Star 1 paper"
    monkeypatch.setattr(sample_library, "restore", real_restore)
    window.commands.undo()  # the second try works
    assert not sample_library.get(paper).starred and window.undo_stack.index() == 0
