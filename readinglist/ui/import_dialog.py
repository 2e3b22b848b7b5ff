"""Importing from the window: choosing files, progress with Cancel, and the summary at the end.

The import runs in the task runner, so the window stays usable (scroll, read, star) while files
go in; the list refreshes every couple of seconds as papers arrive. Files that are not dumps are
refused by the core with a one-line reason each; they are listed in the summary, never raised.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.errors import UserError
from readinglist.core.importer import ImportSummary
from readinglist.core.library import Library
from readinglist.core.records import Change
from readinglist.ui.tasks import Task, TaskContext, TaskRunner

LIVE_REFRESH_SECONDS = 2.0


class ImportProgress(QWidget):
    """The status bar's progress: a bar, the file being read, and Cancel."""

    cancelClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("", self)
        self.bar = QProgressBar(self)
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.cancel = QPushButton("Cancel", self)
        self.cancel.clicked.connect(self.cancelClicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.hide()

    def update_progress(self, done: int, total: int, path: Path | None) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        name = path.name if path is not None else "finishing"
        self.label.setText(f"Importing {min(done + 1, total)} of {total}: {name}")


def summary_lines(summary: ImportSummary) -> list[tuple[str, int]]:
    return [
        ("New papers", summary.papers_new),
        ("Already known", summary.papers_known),
        ("Duplicates hidden", summary.duplicates_hidden),
        ("Files read", summary.files_read),
        ("Files already imported", summary.files_already_imported),
        ("Files refused", summary.files_refused),
    ]


def summary_message(summary: ImportSummary) -> str:
    """One line for the status bar."""
    head = "Import cancelled" if summary.cancelled else "Imported"
    return (
        f"{head}: {summary.papers_new:,} new, {summary.papers_known:,} known, "
        f"{summary.duplicates_hidden:,} duplicates hidden, {summary.files_refused} refused"
    )


class ImportSummaryDialog(QDialog):
    def __init__(self, summary: ImportSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ImportSummary")
        self.setWindowTitle("Import finished" if not summary.cancelled else "Import cancelled")
        self.summary = summary
        layout = QVBoxLayout(self)
        head = (
            "The import was cancelled; the files already read stay imported."
            if (summary.cancelled)
            else "The import is done."
        )
        layout.addWidget(QLabel(head, self))
        form = QFormLayout()
        for label, value in summary_lines(summary):
            number = QLabel(f"{value:,}", self)
            number.setAlignment(Qt.AlignmentFlag.AlignRight)
            form.addRow(label, number)
        layout.addLayout(form)
        problems = [f"{r.message}" for r in summary.refusals]
        problems += [f"{p}: already imported, nothing changed" for p in summary.already_imported]
        if problems:
            layout.addWidget(QLabel("Files not imported:", self))
            details = QPlainTextEdit("\n".join(problems), self)
            details.setReadOnly(True)
            details.setMinimumSize(520, 110)
            layout.addWidget(details)
            self.details = details
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


class _Stopped(Exception):
    """Raised from a progress callback to stop indexing for search (the window is closing)."""


class ImportController(QObject):
    """Starts imports, shows their progress, and announces what they changed."""

    changed = Signal(object)  # Change
    failed = Signal(str)
    finished = Signal(object)  # ImportSummary

    def __init__(
        self, lib: Library, runner: TaskRunner, progress: ImportProgress, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.lib = lib
        self.runner = runner
        self.progress = progress
        self.parent_widget = parent
        self.task: Task | None = None
        self.indexing: Task | None = None
        self.dialog: ImportSummaryDialog | None = None
        self._last_refresh = 0.0
        progress.cancelClicked.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self.task is not None

    def start(self, paths: Sequence[Path]) -> bool:
        if not paths:
            return False
        if self.task is not None:
            self.failed.emit("An import is already running; wait for it or cancel it first.")
            return False
        lib, chosen = self.lib, list(paths)

        def work(ctx: TaskContext) -> ImportSummary:
            return lib.import_paths(
                chosen, progress=lambda d, t, p: ctx.progress((d, t, p)), cancel=ctx.cancelled
            )

        self.progress.update_progress(0, 1, None)
        self.progress.label.setText("Importing…")
        self.progress.cancel.setEnabled(True)
        self.progress.show()
        self._last_refresh = time.monotonic()
        task = self.task = Task(
            work, on_success=self._done, on_failure=self._failed, on_progress=self._progressed
        )

        def ended() -> None:
            if self.task is task:  # neither handler ran: a bug, raised on the GUI thread
                self.task = None  # later imports must still be possible
                self.progress.hide()

        task.finished.connect(ended)
        self.runner.start(task)
        return True

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.progress.cancel.setEnabled(False)
            self.progress.label.setText("Cancelling after this file…")

    def _progressed(self, value: object) -> None:
        done, total, path = cast(tuple[int, int, Path | None], value)
        if self.task is not None and not self.task.cancelled:
            self.progress.update_progress(done, total, path)
        # Show papers as they arrive, but not so often that refreshing competes with importing.
        if done and time.monotonic() - self._last_refresh > LIVE_REFRESH_SECONDS:
            self._last_refresh = time.monotonic()
            self.changed.emit(Change(structure=True, tags=True))

    def _done(self, summary: ImportSummary) -> None:
        self.task = None
        self.progress.hide()
        self.changed.emit(Change(structure=True, tags=True, message=summary_message(summary)))
        self.finished.emit(summary)
        self.dialog = ImportSummaryDialog(summary, self.parent_widget)
        self.dialog.open()  # window-modal, and does not block the event loop (or a test)
        self.prepare_search()

    def prepare_search(self) -> None:
        """Index new papers for search now, in the background, rather than on the first query.

        The core indexes lazily (the first search after importing 100,000 papers would take
        20 s); here it happens right after an import, or at start-up if one was left undone.
        """
        if self.indexing is not None or self.task is not None:
            return
        lib = self.lib

        def work(ctx: TaskContext) -> int:
            def progress(done: int, total: int) -> None:
                if ctx.cancelled():
                    raise _Stopped  # between two chunks, each committed on its own
                ctx.progress((done, total))

            try:
                count = lib.update_search_index(progress=progress)
            except _Stopped:
                return 0  # the window is closing: the rest is indexed next time
            # The first search of a session reads the index's vocabulary (a second at 100,000
            # papers): do it now, while the reader looks at the list, not on their first query.
            lib.warm_up_search()
            return count

        self.indexing = Task(
            work,
            on_success=self._indexed,
            on_failure=self._index_failed,
            on_progress=self._index_progress,
        )
        indexing = self.indexing

        def ended() -> None:
            if self.indexing is indexing:  # neither handler ran: a bug, raised on the GUI thread
                self._indexed(0)  # or search would never be prepared again this session

        indexing.finished.connect(ended)
        self.runner.start(indexing)

    def _index_progress(self, value: object) -> None:
        done, total = cast(tuple[int, int], value)
        if self.task is None and total:
            self.progress.cancel.hide()
            self.progress.bar.setRange(0, total)
            self.progress.bar.setValue(done)
            self.progress.label.setText(f"Preparing search: {done:,} of {total:,} papers")
            self.progress.show()

    def _indexed(self, count: int) -> None:
        self.indexing = None
        if self.task is None:
            self.progress.hide()
            self.progress.cancel.show()

    def _index_failed(self, error: UserError) -> None:
        self._indexed(0)
        self.failed.emit(f"Search could not be prepared: {error.message}")

    def _failed(self, error: UserError) -> None:
        self.task = None
        self.progress.hide()
        self.changed.emit(Change(structure=True, tags=True))
        self.failed.emit(f"Import failed: {error.message}")
