"""Undo commands: each one calls core services to redo and to undo a change.

A command is pushed after its change was made (by `operations.Operations`), so a refused change
(a `UserError`) never lands on the stack: the first `redo()` that `QUndoStack.push` calls is
skipped. Annotation changes undo through `Library.snapshot`/`restore`, merge and split through
`Library.undo_regroup`: each puts back only what its change was about (see `operations.py`).
An undo or redo that fails (the library busy, changed elsewhere) is reported and leaves the
stack where it was, so it can be tried again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack

from readinglist.core.annotating import Snapshot
from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.core.records import Change

Publish = Callable[[Change], None]
Report = Callable[[str], None]
# Runs (text, action, done, failed) on a worker: the undo and redo of a change to many papers.
Background = Callable[[str, Callable[[], Change], Publish, Report], None]


class ServiceCommand(QUndoCommand):
    def __init__(
        self,
        text: str,
        redo: Callable[[], Change],
        undo: Callable[[], Change],
        publish: Publish,
        report: Report,
        background: Background | None = None,
        stack: QUndoStack | None = None,
    ) -> None:
        super().__init__(text)
        self._redo = redo
        self._undo = undo
        self._publish = publish
        self._report = report
        self._background = background
        self._stack = stack
        self._pushed = False
        self._stepping_back = False  # the next undo/redo call only moves the stack back

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True  # already applied by the operation that pushed us
            return
        if self._stepping_back:
            self._stepping_back = False
            return
        self._run(self._redo, "redo")

    def undo(self) -> None:
        if self._stepping_back:
            self._stepping_back = False
            return
        self._run(self._undo, "undo")

    def _step_back(self, verb: str) -> None:
        """An undo or redo that failed changed nothing: put the stack back where it was, so
        that Undo and Redo still offer this change (once the event loop is free: the stack is
        in the middle of moving). Not if the stack has moved on meanwhile (a worker's answer)."""
        stack = self._stack
        if stack is None:
            return

        def back() -> None:
            at = stack.index() if verb == "undo" else stack.index() - 1
            if 0 <= at < stack.count() and stack.command(at) is self:
                self._stepping_back = True
                stack.redo() if verb == "undo" else stack.undo()

        QTimer.singleShot(0, back)

    def _run(self, action: Callable[[], Change], verb: str) -> None:
        text = self.text()  # read now: a command may be gone by the time a worker reports

        def done(change: Change) -> None:
            self._publish(replace(change, message=f"{verb.capitalize()}: {text}"))

        def failed(message: str) -> None:
            # The library changed under us (another program) or is locked: say so, never crash.
            self._report(f"Could not {verb} “{text}”: {message}")
            self._step_back(verb)

        if self._background is not None:
            self._background(f"{verb.capitalize()}: {text}", action, done, failed)
            return
        try:
            change = action()
        except UserError as exc:
            failed(exc.message)
            return
        done(change)


class NoteSave:
    """One save of a paper's note, with the group's notes just before and just after it: an
    undo checks `after` (refused if another program wrote a note since), and a save joins the
    undo step of the one before only if nothing else wrote between them."""

    def __init__(self, lib: Library, paper_id: int, text: str, base: str | None) -> None:
        self.lib = lib
        self.paper_id = paper_id
        self.text = text
        self.base = base  # the note the text was typed over
        self.before: Snapshot | None = None
        self.after: Snapshot | None = None

    def apply(self) -> Change:
        self.before = self.lib.snapshot([self.paper_id])
        change = self.lib.set_note(self.paper_id, self.text, self.base)
        self.after = self.lib.snapshot([self.paper_id])
        return change

    def undo(self) -> Change:
        """Put the notes back as they were just before the latest `apply` (a note another
        program wrote between an undo and a redo stays), unless they have changed since it:
        refused (`UserError`) rather than write over what another program wrote. A redo then
        types the text over the note as the undo left it."""
        assert self.before is not None
        change = self.lib.restore(self.before, "note", expect=self.after)
        self.base = self.lib.get(self.paper_id).note
        return change

    def followed_by(self, later: NoteSave) -> bool:
        """Whether `later` began from the notes exactly as this save left them."""
        return (
            self.after is not None
            and later.before is not None
            and _notes(self.after) == _notes(later.before)
        )

    def absorb(self, later: NoteSave) -> None:
        """Become the save of both: the later text, typed over this one's base (a redo writes
        it over what the undo puts back: the notes before this save), checked as it left them."""
        self.text, self.after = later.text, later.after


def _notes(snapshot: Snapshot) -> list[tuple[int, str]]:
    return [(row[0], row[3]) for row in snapshot.rows]


class NoteCommand(ServiceCommand):
    """A note edit. Consecutive saves of one paper's note merge into one undo step."""

    ID = 1001

    def __init__(
        self,
        text: str,
        save: NoteSave,
        publish: Publish,
        report: Report,
        stack: QUndoStack | None = None,
        session: int = 0,
    ) -> None:
        super().__init__(text, save.apply, save.undo, publish, report, stack=stack)
        self.paper_id = save.paper_id
        self.session = session  # one editing of the note: its saves are one undo step
        self.save = save

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            not isinstance(other, NoteCommand)
            or other.paper_id != self.paper_id
            or other.session != self.session  # the reader left the note and came back
        ):
            return False
        if not self.save.followed_by(other.save):
            return False  # another program wrote between the two saves: each undoes alone
        self.save.absorb(other.save)  # our redo and undo read it
        return True
