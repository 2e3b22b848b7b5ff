"""The user's changes to the library, each made through a core service and pushed for undo.

Every operation returns nothing and announces what changed once, through `changed` (a core
`Change`): the window refreshes only what it names. A refused change
(`UserError`) is announced through `failed` with its one-line message and is not pushed.

Undo of a merge or split puts back the grouping its groups had before it, exactly (which record
is shown, the reasons, the user's earlier decisions), and reverses the "different papers" marks
it made or removed; marks another program made meanwhile stay (`duplicates.with_undo`).

A change to more than `BIG_SELECTION` papers (Ctrl+A in a large library: a couple of seconds at
100,000 papers) runs on a worker, as do its undo and redo; until it is done, other changes are
declined with a word in the status bar rather than left waiting for the library's write lock
on the GUI thread. A note is never declined (it must not be lost): the window locks the note
editor while a big change runs, and a note saved all the same is kept and saved, with its undo,
right after the big change, so that it lands above it on the undo stack (below, undoing the big
change would put back the note its snapshot saw).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QUndoStack

from readinglist.core.annotating import Snapshot
from readinglist.core.duplicates import GroupingUndo
from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.core.records import Change
from readinglist.ui.tasks import Task, TaskContext, TaskRunner
from readinglist.ui.undo import Background, NoteCommand, NoteSave, ServiceCommand

S = TypeVar("S")  # a snapshot taken before a change, which its undo restores

BIG_SELECTION = 500
NOTE_RETRY_MS = 5000  # a note that could not be saved is tried again this often


def unsaved_notes_file(library: Path) -> Path:
    """Where the notes that could not be saved before the window closed are kept, as text."""
    return library.with_name(f"{library.name}.unsaved-notes.txt")


def papers_label(n: int) -> str:
    return "1 paper" if n == 1 else f"{n:,} papers"


class Operations(QObject):
    changed = Signal(object)  # Change
    failed = Signal(str)
    notice = Signal(str)  # for the status bar: a big change started, or a change declined
    busyChanged = Signal(bool)  # a big change starts (True) or ended: lock or free the editors
    # A note could not be saved (the library busy or read-only): paper id, the text kept to
    # try again. Never dropped: see `unsaved_note` and `retry_unsaved_notes`.
    noteNotSaved = Signal(int, str)
    noteSavedLater = Signal(int, str)  # a note that had failed is saved now: paper id, text
    # Papers to select once the list has reloaded: those a merge made one, after its undo.
    reselect = Signal(list)

    def __init__(
        self,
        lib: Library,
        stack: QUndoStack,
        runner: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.lib = lib
        self.stack = stack
        self.runner = runner
        self.busy_with: str | None = None  # the big change running on a worker, if any
        # Notes saved while busy, saved when it ends: (paper, text, the note typed over).
        self._held_notes: list[tuple[int, str, str | None]] = []
        self._unsaved_notes: dict[int, str] = {}  # paper -> a note whose save failed
        self._unsaved_bases: dict[int, str | None] = {}  # ...and the note it was typed over
        # Saves of a note merge into one undo step while the reader stays in the note; each
        # return to it starts a new step (see `NoteCommand`).
        self.note_session = 0
        self._retry = QTimer(self, singleShot=True, interval=NOTE_RETRY_MS)
        self._retry.timeout.connect(self.retry_unsaved_notes)
        self._closing = False

    def declined_while_busy(self) -> bool:
        """True (and says so) if a big change is still running: the caller must not change."""
        if self.busy_with is None:
            return False
        self.notice.emit(f"Still working on “{self.busy_with}”: try again in a moment")
        return True

    def _in_background(
        self,
        text: str,
        work: Callable[[], S],
        done: Callable[[S], None],
        failed: Callable[[str], None],
    ) -> None:
        """Run `work` on a worker; `done` or `failed` on the GUI thread when it has finished."""
        assert self.runner is not None
        # First, while changes still go through: the window saves the note being typed (it
        # lands below this change on the undo stack, and its snapshot sees it).
        self.busyChanged.emit(True)
        self.busy_with = text
        self.notice.emit(f"{text}…")
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)

        def finish() -> None:
            self.busy_with = None
            QGuiApplication.restoreOverrideCursor()
            self.busyChanged.emit(False)
            self.save_held_notes()  # after `done`: above this change on the undo stack

        def function(_ctx: TaskContext) -> S:
            return work()

        task = Task(
            function,
            on_success=done,
            on_failure=lambda error: failed(error.message),
        )
        # After `done` or `failed`, and whatever else happened (a bug, an unexpected database
        # error, raised on the GUI thread): the window is freed.
        task.finished.connect(finish)
        self.runner.start(task)

    def save_held_notes(self) -> None:
        """Save the notes held while a big change ran (also called when the window closes)."""
        held, self._held_notes = self._held_notes, []
        for paper_id, text, base in held:
            self._save_note(paper_id, text, base)

    def _background_for(self, ids: Sequence[int]) -> Background | None:
        """How a change to these papers, its undo and its redo run: on a worker if they are
        many (`Commands` checks that no other one is running before an undo or redo)."""
        if self.runner is None or len(ids) <= BIG_SELECTION:
            return None
        return self._in_background

    def _publish(self, change: Change) -> None:
        self.changed.emit(change)

    def _report(self, message: str) -> None:
        self.failed.emit(message)

    def _annotate(
        self,
        text: str,
        ids: Sequence[int],
        apply: Callable[[], Change],
        aspect: str,
        tags: Sequence[str] = (),
    ) -> bool:
        """Apply an annotation change, with a snapshot of the papers' groups as its undo. The
        undo puts back only what the change was about (`aspect`, and the `tags` it named): what
        was written meanwhile by another program, or to the other aspects, stays."""

        def undo(before: Snapshot) -> Change:
            return self.lib.restore(before, aspect, tags)

        return self._undoable(text, ids, self.lib.snapshot, undo, apply)

    def _undoable(
        self,
        text: str,
        ids: Sequence[int],
        snapshot: Callable[[Sequence[int]], S],
        restore: Callable[[S], Change],
        apply: Callable[[], Change],
        report: bool = True,
        note: NoteSave | None = None,
    ) -> bool:
        """Apply a change and push its undo: putting back what `snapshot` captured before it.
        A `note` save is its own apply and undo (`NoteSave`), and never waits for a big change.

        Returns False if the change was refused or declined (a big change still running)."""
        if note is None and self.declined_while_busy():
            return False
        background = None if note is not None else self._background_for(ids)

        def work() -> tuple[S, Change]:
            before = snapshot(ids)
            return before, apply()

        def done(outcome: tuple[S, Change]) -> None:
            before, change = outcome
            if not (change.papers or change.structure or change.tags):
                self._publish(change)  # nothing changed (untag of a tag none had): no undo step
                return

            def undo() -> Change:
                return restore(before)

            if note is None:
                command = ServiceCommand(
                    text, apply, undo, self._publish, self._report, background, self.stack
                )
            else:
                command = NoteCommand(
                    text, note, self._publish, self._report, self.stack, self.note_session
                )
            self.stack.push(command)
            self._publish(change)

        if background is not None:
            self._in_background(text, work, done, self._report)
            return True
        try:
            outcome = work()
        except UserError as exc:
            if report:
                self._report(exc.message)
            return False
        done(outcome)
        return True

    def all_flagged(self, ids: Sequence[int], flag: str) -> bool:
        """Whether every one of these papers is starred (flag "starred") or read ("read")."""
        return self.lib.all_flagged(ids, flag)

    def set_starred(self, ids: Sequence[int], value: bool) -> None:
        if ids:
            verb, call = ("Star", self.lib.star) if value else ("Unstar", self.lib.unstar)
            self._annotate(
                f"{verb} {papers_label(len(ids))}", ids, lambda: call(list(ids)), "starred"
            )

    def set_read(self, ids: Sequence[int], value: bool) -> None:
        if ids:
            verb, call = (
                ("Mark read", self.lib.mark_read)
                if value
                else ("Mark unread", self.lib.mark_unread)
            )
            self._annotate(f"{verb} {papers_label(len(ids))}", ids, lambda: call(list(ids)), "read")

    def add_tags(self, ids: Sequence[int], tags: Sequence[str]) -> None:
        if ids and tags:
            text = f"Tag {papers_label(len(ids))} {', '.join(tags)}"
            self._annotate(text, ids, lambda: self.lib.tag(list(ids), list(tags)), "tags", tags)

    def remove_tags(self, ids: Sequence[int], tags: Sequence[str]) -> None:
        if ids and tags:
            text = f"Untag {papers_label(len(ids))} {', '.join(tags)}"
            self._annotate(text, ids, lambda: self.lib.untag(list(ids), list(tags)), "tags", tags)

    def set_note(self, paper_id: int, text: str, base: str | None = None) -> None:
        """Save a paper's note; `base`: the note it was typed over, so that what another
        program wrote meanwhile is kept (see `Library.set_note`)."""
        if self.busy_with is not None:
            self._held_notes.append((paper_id, text, base))
            return
        self._save_note(paper_id, text, base)

    def _save_note(self, paper_id: int, text: str, base: str | None) -> None:
        # The save in hand carries a note that failed before: out of the way while it runs, or
        # the window, refreshed by this very save, would show the older unsaved text again.
        failed_before = self._unsaved_notes.pop(paper_id, None)
        already_failing = failed_before is not None
        if already_failing:  # typed over what the library had when the first failed save began
            base = self._unsaved_bases.get(paper_id, base)
        save = NoteSave(self.lib, paper_id, text, base)
        saved = self._undoable(
            f"Edit the note of paper {paper_id}",
            [paper_id],
            lambda _ids: None,  # the save reads the notes before and after itself
            lambda _before: save.undo(),
            save.apply,
            report=not already_failing,  # said once; the retries are quiet
            note=save,
        )
        if saved:
            self._unsaved_bases.pop(paper_id, None)
            if already_failing:
                self.noteSavedLater.emit(paper_id, text)
            return
        self._unsaved_notes[paper_id] = text  # kept, and tried again until it is saved
        self._unsaved_bases.setdefault(paper_id, base)  # typed over what was first shown
        self.noteNotSaved.emit(paper_id, text)
        if not self._closing:
            self._retry.start()

    def shutdown(self) -> dict[int, str]:
        """The window closes: no more retries. Returns the notes still not saved."""
        self._closing = True
        self._retry.stop()
        return dict(self._unsaved_notes)

    def unsaved_note(self, paper_id: int) -> str | None:
        """The text of this paper's note that could not be saved yet, if any."""
        return self._unsaved_notes.get(paper_id)

    def retry_unsaved_notes(self) -> None:
        """Try again to save the notes whose save failed (also when the window closes)."""
        if self.busy_with is not None:
            self._retry.start()
            return
        for paper_id, text in list(self._unsaved_notes.items()):
            self._save_note(paper_id, text, self._unsaved_bases.get(paper_id))

    # -- duplicates --------------------------------------------------------------------------------

    def merge(self, ids: Sequence[int]) -> None:
        """Make these papers one paper, shown as the first of them."""
        ids = list(ids)
        text = f"Merge {papers_label(len(ids))} into paper {ids[0]}"
        self._regroup(text, ids, lambda: self.lib.merge_with_undo(ids))

    def split(self, record: int) -> None:
        """Show a hidden record (or the shown record of a group) as a paper of its own."""
        text = f"Split record {record} from its group"
        self._regroup(text, [record], lambda: self.lib.split_with_undo(record))

    def _regroup(
        self, text: str, ids: Sequence[int], do: Callable[[], tuple[Change, GroupingUndo]]
    ) -> None:
        """Run a merge or split; its undo puts the earlier grouping back.

        What the undo needs is captured by the change itself, in its transaction; each redo
        captures it again. `latest` carries it from the change to the undo."""
        latest: list[GroupingUndo] = []

        def apply() -> Change:
            change, undo = do()
            latest[:] = [undo]
            return change

        def undo(held: list[GroupingUndo]) -> Change:
            change = self.lib.undo_regroup(held[0])
            self.reselect.emit(list(ids))  # the papers as they were selected for the change
            return change

        self._undoable(text, ids, lambda _: latest, undo, apply)
