"""The user's changes to the library, each made through a core service and pushed for undo.

Every operation returns nothing and announces what changed once, through `changed` (a core
`Change`, ARCHITECTURE.md habit 1): the window refreshes only what it names. A refused change
(`UserError`) is announced through `failed` with its one-line message and is not pushed.

Undo of merge and split uses the inverse operation, because the core has no snapshot of the
grouping: a split is undone by merging the record back under the paper it was hidden under, a
merge by splitting the records apart and merging each earlier group back together. Both give back
the same papers, the same shown records and the same annotations; what differs is bookkeeping:
the regrouped records are marked as merged by the user (a recheck keeps them together), and
records of different earlier groups keep a cannot-link (a recheck never joins them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.core.papers import PaperFilter
from readinglist.core.records import Change
from readinglist.ui.undo import NoteCommand, ServiceCommand

S = TypeVar("S")  # a snapshot taken before a change, which its undo restores

BIG_SELECTION = 500


def papers_label(n: int) -> str:
    return "1 paper" if n == 1 else f"{n:,} papers"


class Operations(QObject):
    changed = Signal(object)  # Change
    failed = Signal(str)

    def __init__(self, lib: Library, stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lib = lib
        self.stack = stack

    def _publish(self, change: Change) -> None:
        self.changed.emit(change)

    def _report(self, message: str) -> None:
        self.failed.emit(message)

    def _annotate(
        self, text: str, ids: Sequence[int], apply: Callable[[], Change], note_of: int | None = None
    ) -> bool:
        """Apply an annotation change, with a snapshot of the papers' groups as its undo."""
        return self._undoable(text, ids, self.lib.snapshot, self.lib.restore, apply, note_of)

    def _undoable(
        self,
        text: str,
        ids: Sequence[int],
        snapshot: Callable[[Sequence[int]], S],
        restore: Callable[[S], Change],
        apply: Callable[[], Change],
        note_of: int | None = None,
    ) -> bool:
        """Apply a change and push its undo: putting back what `snapshot` captured before it."""
        try:
            before = snapshot(ids)
            change = apply()
        except UserError as exc:
            self._report(exc.message)
            return False

        def undo() -> Change:
            return restore(before)

        if note_of is None:
            command = ServiceCommand(text, apply, undo, self._publish, self._report)
        else:
            command = NoteCommand(note_of, text, apply, undo, self._publish, self._report)
        self.stack.push(command)
        self._publish(change)
        return True

    def all_flagged(self, ids: Sequence[int], flag: str) -> bool:
        """Whether every one of these papers is starred (flag "starred") or read ("read")."""
        if len(ids) <= BIG_SELECTION:
            # A hidden record stands for its paper (as in the core): look at the papers.
            groups = {p.duplicate_of or p.id for p in self.lib.load(ids)}
            return all(getattr(p, flag) for p in self.lib.load(groups))
        # After Ctrl+A on a big library: count in SQL rather than load every paper.
        where = PaperFilter(ids=tuple(ids), include_hidden=True)
        if flag == "starred":
            return self.lib.count(replace(where, starred=True)) == self.lib.count(where)
        return self.lib.count(replace(where, unread=True)) == 0

    def set_starred(self, ids: Sequence[int], value: bool) -> None:
        if ids:
            verb, call = ("Star", self.lib.star) if value else ("Unstar", self.lib.unstar)
            self._annotate(f"{verb} {papers_label(len(ids))}", ids, lambda: call(list(ids)))

    def set_read(self, ids: Sequence[int], value: bool) -> None:
        if ids:
            verb, call = (
                ("Mark read", self.lib.mark_read)
                if value
                else ("Mark unread", self.lib.mark_unread)
            )
            self._annotate(f"{verb} {papers_label(len(ids))}", ids, lambda: call(list(ids)))

    def add_tags(self, ids: Sequence[int], tags: Sequence[str]) -> None:
        if ids and tags:
            text = f"Tag {papers_label(len(ids))} {', '.join(tags)}"
            self._annotate(text, ids, lambda: self.lib.tag(list(ids), list(tags)))

    def remove_tags(self, ids: Sequence[int], tags: Sequence[str]) -> None:
        if ids and tags:
            text = f"Untag {papers_label(len(ids))} {', '.join(tags)}"
            self._annotate(text, ids, lambda: self.lib.untag(list(ids), list(tags)))

    def set_note(self, paper_id: int, text: str) -> None:
        self._annotate(
            f"Edit the note of paper {paper_id}",
            [paper_id],
            lambda: self.lib.set_note(paper_id, text),
            note_of=paper_id,
        )

    # -- duplicates --------------------------------------------------------------------------------

    def merge(self, ids: Sequence[int]) -> None:
        """Make these papers one paper, shown as the first of them."""
        ids = list(ids)
        text = f"Merge {papers_label(len(ids))} into paper {ids[0]}"
        self._regroup(text, ids, lambda: self.lib.merge(ids))

    def split(self, record: int) -> None:
        """Show a hidden record (or the shown record of a group) as a paper of its own."""
        text = f"Split record {record} from its group"
        self._regroup(text, [record], lambda: self.lib.split(record))

    def _regroup(self, text: str, ids: Sequence[int], do: Callable[[], Change]) -> None:
        """Run a merge or split; its undo puts the exact earlier grouping back."""
        self._undoable(text, ids, self.lib.grouping_snapshot, self.lib.restore_grouping, do)
