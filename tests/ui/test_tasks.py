"""The task runner: work off the GUI thread, outcomes and progress delivered on it, cancel."""

from __future__ import annotations

import threading
import time

import pytest
from pytestqt.qtbot import QtBot

from readinglist.core.errors import UserError
from readinglist.ui.tasks import InlineTaskRunner, Task, TaskContext, TaskRunner


@pytest.fixture
def threaded() -> TaskRunner:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def test_work_runs_in_a_worker_and_reports_on_the_gui_thread(
    qtbot: QtBot, threaded: TaskRunner
) -> None:
    gui = threading.get_ident()
    progress: list[tuple[object, int]] = []
    done: list[tuple[object, int]] = []

    def work(ctx: TaskContext) -> int:
        ctx.progress(1)
        ctx.progress(2)
        return threading.get_ident()

    threaded.run(
        work,
        on_success=lambda r: done.append((r, threading.get_ident())),
        on_progress=lambda v: progress.append((v, threading.get_ident())),
    )
    qtbot.waitUntil(lambda: bool(done))
    worker, delivered_on = done[0]
    assert worker != gui and delivered_on == gui
    assert [v for v, _ in progress] == [1, 2]
    assert {t for _, t in progress} == {gui}
    assert not threaded.busy


def test_a_user_error_is_a_failure_with_its_message(qtbot: QtBot, threaded: TaskRunner) -> None:
    failures: list[str] = []

    def work(_ctx: TaskContext) -> None:
        raise UserError("the library is locked")

    threaded.run(work, on_failure=lambda e: failures.append(e.message))
    qtbot.waitUntil(lambda: bool(failures))
    assert failures == ["the library is locked"]


def test_cancel_reaches_the_work_and_its_outcome_still_arrives(
    qtbot: QtBot, threaded: TaskRunner
) -> None:
    outcome: list[str] = []
    started = threading.Event()

    def work(ctx: TaskContext) -> str:
        started.set()
        deadline = time.monotonic() + 10
        while not ctx.cancelled() and time.monotonic() < deadline:
            time.sleep(0.005)
        return "stopped early" if ctx.cancelled() else "ran out"

    task = threaded.run(work, on_success=outcome.append)
    assert started.wait(5)
    task.cancel()
    qtbot.waitUntil(lambda: bool(outcome))
    assert outcome == ["stopped early"] and task.cancelled


def test_a_bug_in_a_task_surfaces_on_the_gui_thread(qtbot: QtBot, threaded: TaskRunner) -> None:
    def work(_ctx: TaskContext) -> None:
        raise ZeroDivisionError("a bug")

    with qtbot.captureExceptions() as exceptions:
        task = threaded.run(work, on_failure=lambda e: None)
        qtbot.waitUntil(lambda: task.done)
    assert [type(e[1]) for e in exceptions] == [ZeroDivisionError]


def test_the_inline_runner_finishes_before_start_returns() -> None:
    runner = InlineTaskRunner()
    seen: list[object] = []
    task = Task(
        lambda ctx: (ctx.progress("half"), 42)[1], on_success=seen.append, on_progress=seen.append
    )
    runner.start(task)
    assert seen == ["half", 42] and task.done
    with pytest.raises(ZeroDivisionError):
        runner.run(lambda _ctx: 1 / 0)
