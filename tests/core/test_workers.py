"""Preparing dumps in worker processes: the same result as in-process, in order, and no file lost
whatever happens to a worker."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.core import workers
from readinglist.core.errors import UserError
from readinglist.core.prepare import PreparedDump, Refusal, prepare_or_refuse
from tests.conftest import ROOT, make_dumps


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    # More tasks than two workers are sent at first, the last one short.
    n_files = workers.FILES_PER_TASK * (2 * workers.TASKS_AHEAD + 3) + 1
    dumps = make_dumps(tmp_path / "dumps", n_files=n_files, per_file=5)
    bad = tmp_path / "dumps" / "dump-0-0007.txt"
    bad.write_text("not a dump at all\n", encoding="utf-8")  # refused, in its place
    return dumps


def in_process(files: list[Path]) -> list[tuple[Path, PreparedDump | Refusal]]:
    return [(path, prepare_or_refuse(path, None)) for path in files]


def test_workers_prepare_every_file_as_this_process_would(files: list[Path]) -> None:
    results = list(workers.prepared_dumps(files, None, workers=2))
    assert [(path, prepared) for path, prepared, _ in results] == in_process(files)
    assert all(in_worker for _, _, in_worker in results)
    assert isinstance(results[7][1], Refusal)


# Workers that go wrong: one exits at once, one answers with something that is not a reply.
BROKEN_WORKERS = {
    "exits": "pass",
    # A pickle naming a module that does not exist (as a worker of another version might send).
    "garbles": "import sys; reply = b'cnosuchmodule\\nthing\\n.';"
    " sys.stdout.buffer.write(len(reply).to_bytes(8, 'little') + reply);"
    " sys.stdout.flush(); sys.stdin.buffer.read()",
}


@pytest.mark.parametrize("behaviour", sorted(BROKEN_WORKERS))
def test_a_broken_worker_costs_no_file(
    files: list[Path], monkeypatch: pytest.MonkeyPatch, behaviour: str
) -> None:
    def broken() -> subprocess.Popen[bytes]:
        code = BROKEN_WORKERS[behaviour]
        return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE)  # fmt: skip

    monkeypatch.setattr(workers, "_start_worker", broken)
    results = list(workers.prepared_dumps(files, None, workers=2))
    assert [(path, prepared) for path, prepared, _ in results] == in_process(files)
    assert not any(in_worker for _, _, in_worker in results)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """The worker processes started, in order."""
    processes: list[subprocess.Popen[bytes]] = []
    real_start = workers._start_worker

    def recorded() -> subprocess.Popen[bytes]:
        processes.append(real_start())
        return processes[-1]

    monkeypatch.setattr(workers, "_start_worker", recorded)
    return processes


def test_a_worker_killed_midway_costs_no_file(
    files: list[Path], started: list[subprocess.Popen[bytes]]
) -> None:
    results = []
    for item in workers.prepared_dumps(files, None, workers=2):
        results.append(item)
        if len(results) == 2:
            started[1].kill()  # the worker holding the next files
    assert [(path, prepared) for path, prepared, _ in results] == in_process(files)
    assert [in_worker for _, _, in_worker in results[:4]] == [True] * 4
    assert not results[-1][2]  # the dead worker's later files were prepared here


def test_stopping_early_stops_the_workers(
    files: list[Path], started: list[subprocess.Popen[bytes]]
) -> None:
    prepared = workers.prepared_dumps(files, None, workers=2)
    next(prepared)
    prepared.close()  # an import cancelled after its first file
    assert len(started) == 2
    assert all(proc.poll() is not None for proc in started)


def test_the_worker_count_follows_the_size_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)
    assert workers.workers_for(100_000) == 0  # a day's dump: not worth starting a process
    big = workers.workers_for(workers.PARALLEL_MIN_BYTES)
    assert big == 0 or 2 <= big <= workers.MAX_WORKERS
    monkeypatch.setattr(workers, "_usable_cores", lambda: 1)
    assert workers.workers_for(10 * workers.PARALLEL_MIN_BYTES) == 0  # one core: nothing to gain
    monkeypatch.setattr(workers, "_usable_cores", lambda: 64)
    assert workers.workers_for(10 * workers.PARALLEL_MIN_BYTES) == workers.MAX_WORKERS
    monkeypatch.setenv(workers.WORKERS_ENV, "0")
    assert workers.workers_for(10 * workers.PARALLEL_MIN_BYTES) == 0
    monkeypatch.setenv(workers.WORKERS_ENV, "3")
    assert workers.workers_for(1) == 3


@pytest.mark.parametrize("value", ["abc", "-1", "2.5"])
def test_a_worker_count_not_understood_refuses_the_import_and_changes_nothing(
    library: Library, sample_files: list[Path], monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(workers.WORKERS_ENV, value)
    with pytest.raises(UserError, match=f"READINGLIST_IMPORT_WORKERS must be .*'{value}'"):
        library.import_paths(sample_files)
    assert library.list() == []


USER_SCRIPT = """
import sys
from readinglist import Library

# No `if __name__ == "__main__":` guard: the workers must not run this script again.
with Library.open(sys.argv[1]) as lib:
    summary = lib.import_paths([sys.argv[2]])
print(summary.files_read, summary.files_prepared_in_workers)
"""


@pytest.mark.slow
def test_a_script_without_a_main_guard_imports_in_workers(tmp_path: Path) -> None:
    make_dumps(tmp_path / "dumps", n_files=12, per_file=5)
    script = tmp_path / "my_import.py"
    script.write_text(USER_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "lib.sqlite"), str(tmp_path / "dumps")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, workers.WORKERS_ENV: "2"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.split() == ["12", "12"]


def recorded_starts(
    monkeypatch: pytest.MonkeyPatch, fail_after: int | None = None
) -> list[subprocess.Popen[bytes]]:
    """The worker processes started from now on (and, after `fail_after` of them, none)."""
    started: list[subprocess.Popen[bytes]] = []
    real_start = workers._start_worker

    def start() -> subprocess.Popen[bytes]:
        if fail_after is not None and len(started) >= fail_after:
            raise OSError("no more processes")
        started.append(real_start())
        return started[-1]

    monkeypatch.setattr(workers, "_start_worker", start)
    return started


def test_a_worker_failing_to_start_stops_those_started_before_it(
    files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    started = recorded_starts(monkeypatch, fail_after=1)
    results = list(workers.prepared_dumps(files, None, workers=2))
    assert [(path, prepared) for path, prepared, _ in results] == in_process(files)
    assert started[0].poll() is not None  # not left running


def test_a_worker_whose_reader_thread_cannot_start_is_stopped(
    files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    started = recorded_starts(monkeypatch)

    def no_thread(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_thread)
    results = list(workers.prepared_dumps(files, None, workers=2))
    assert [(path, prepared) for path, prepared, _ in results] == in_process(files)
    assert started and all(proc.poll() is not None for proc in started)
