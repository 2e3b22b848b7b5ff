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

from readinglist.core.errors import UserError
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


class NoteCommand(ServiceCommand):
    """A note edit. Consecutive saves of one paper's note merge into one undo step."""

    ID = 1001

    def __init__(
        self,
        paper_id: int,
        text: str,
        redo: Callable[[], Change],
        undo: Callable[[], Change],
        publish: Publish,
        report: Report,
        stack: QUndoStack | None = None,
        session: int = 0,
        left: dict[str, object] | None = None,
    ) -> None:
        super().__init__(text, redo, undo, publish, report, stack=stack)
        self.paper_id = paper_id
        self.session = session  # one editing of the note: its saves are one undo step
        # What the latest save left, filled in by the save itself: what the undo checks (it
        # is refused if another program wrote the note since).
        self.left = left if left is not None else {}

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            not isinstance(other, NoteCommand)
            or other.paper_id != self.paper_id
            or other.session != self.session  # the reader left the note and came back
        ):
            return False
        # Keep our "before", take the latest text, and what its save left (for our undo).
        later_redo, later_left, left = other._redo, other.left, self.left

        def redo() -> Change:
            change = later_redo()
            left.update(later_left)
            return change

        left.update(later_left)
        self._redo = redo
        return True
