"""The one way the window runs work off the GUI thread.

A `Task` wraps a function of a `TaskContext`; a runner starts it. The function runs in a worker
thread, reports progress through `ctx.progress(value)` and polls `ctx.cancelled()`; the task's
callbacks (success, failure, progress) are always called on the GUI thread, through queued
signals, so they may touch widgets. Tests use `InlineTaskRunner`, which runs the function at once
in the calling thread, so a test reads top to bottom without waiting.

A `UserError` from the function is a failure the user should read about; any other exception is a
bug and is re-raised on the GUI thread so that it surfaces loudly (and fails the test).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from readinglist.core.errors import UserError

Callback = Callable[[Any], None]


class TaskContext:
    """What a task's function gets: a way to report progress and to notice a cancel."""

    def __init__(self, progress: Callable[[object], None], cancel: threading.Event) -> None:
        self._progress = progress
        self._cancel = cancel

    def progress(self, value: object) -> None:
        self._progress(value)

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class Task(QObject):
    """A piece of work and what to do with its outcome. Lives on (reports to) the GUI thread."""

    # Emitted from the worker; queued to the slots below, which run on the GUI thread.
    _done = Signal(object, object)  # result, exception
    _progressed = Signal(object)
    finished = Signal()

    def __init__(
        self,
        function: Callable[[TaskContext], object],
        *,
        on_success: Callback | None = None,
        on_failure: Callable[[UserError], None] | None = None,
        on_progress: Callback | None = None,
    ) -> None:
        super().__init__()
        self.function = function
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_progress = on_progress
        self._cancel = threading.Event()
        self.done = False
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        """Ask the function to stop (it decides when it can); its outcome is still delivered."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def execute(self, *, queued: bool) -> None:
        """Run the function here (a worker thread, or the GUI thread when not `queued`)."""
        report: Callable[[object], None] = (
            self._progressed.emit if queued else self._deliver_progress
        )
        context = TaskContext(report, self._cancel)
        result: object = None
        error: BaseException | None = None
        try:
            result = self.function(context)
        except Exception as exc:  # delivered to the GUI thread, where bugs are re-raised
            error = exc
        if queued:
            self._done.emit(result, error)
        else:
            self._deliver(result, error)

    @Slot(object)
    def _deliver_progress(self, value: object) -> None:
        if self._on_progress is not None and not self.done:
            self._on_progress(value)

    @Slot(object, object)
    def _deliver(self, result: object, error: BaseException | None) -> None:
        self.done = True
        try:
            if error is None:
                if self._on_success is not None:
                    self._on_success(result)
            elif isinstance(error, UserError) and self._on_failure is not None:
                self._on_failure(error)
            else:
                raise error
        finally:
            self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task

    def run(self) -> None:
        self.task.execute(queued=True)


class TaskRunner(QObject):
    """Runs tasks on a thread pool of its own, and can wait for all of them (at quit)."""

    def __init__(self, max_threads: int = 2) -> None:
        super().__init__()
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(max_threads)
        self._running: set[Task] = set()

    def start(self, task: Task) -> Task:
        # Keep a reference until the outcome is delivered, or Python could collect the task.
        self._running.add(task)
        task.finished.connect(lambda: self._running.discard(task))
        self._pool.start(_Runnable(task))
        return task

    def run(self, function: Callable[[TaskContext], object], **callbacks: Any) -> Task:
        return self.start(Task(function, **callbacks))

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Cancel every task and wait for the workers (called once, when the window closes)."""
        for task in list(self._running):
            task.cancel()
        self._pool.waitForDone(timeout_ms)

    @property
    def busy(self) -> bool:
        return bool(self._running)


class InlineTaskRunner(TaskRunner):
    """For tests: runs each task to completion, in the calling thread, inside `start`."""

    def __init__(self) -> None:
        super().__init__(max_threads=1)

    def start(self, task: Task) -> Task:
        self._running.add(task)
        try:
            task.execute(queued=False)
        finally:
            self._running.discard(task)
        return task

    def shutdown(self, timeout_ms: int = 0) -> None:
        pass
