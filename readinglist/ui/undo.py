"""Undo commands: each one calls core services to redo and to undo a change.

A command is pushed after its change was made (by `operations.Operations`), so a refused change
(a `UserError`) never lands on the stack: the first `redo()` that `QUndoStack.push` calls is
skipped. Annotation changes undo through `Library.snapshot`/`restore`, merge and split through
`Library.undo_regroup`: each puts back only what its change was about (see `operations.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtGui import QUndoCommand

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
    ) -> None:
        super().__init__(text)
        self._redo = redo
        self._undo = undo
        self._publish = publish
        self._report = report
        self._background = background
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True  # already applied by the operation that pushed us
            return
        self._run(self._redo, "redo")

    def undo(self) -> None:
        self._run(self._undo, "undo")

    def _run(self, action: Callable[[], Change], verb: str) -> None:
        text = self.text()  # read now: a command may be gone by the time a worker reports

        def done(change: Change) -> None:
            self._publish(replace(change, message=f"{verb.capitalize()}: {text}"))

        def failed(message: str) -> None:
            # The library changed under us (another program) or is locked: say so, never crash.
            self._report(f"Could not {verb} “{text}”: {message}")

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
    ) -> None:
        super().__init__(text, redo, undo, publish, report)
        self.paper_id = paper_id

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NoteCommand) or other.paper_id != self.paper_id:
            return False
        self._redo = other._redo  # keep our "before", take the latest text
        return True
