"""Worker processes that prepare the dumps of a large import while the importer writes.

On a two-core laptop, parsing and writing then overlap instead of taking turns. Small imports (a
day's dump or two) prepare in-process: starting workers costs a few tenths of a second.

The workers are plain child processes speaking over pipes rather than `multiprocessing`'s: its
"spawn" start runs the parent's main script again in every child, which a user's script calling
`Library.import_paths` at top level (with no `if __name__ == "__main__":` guard) would not survive,
and "fork" is unsafe in a process running Qt and threads. A worker is this interpreter running this
module or, in the frozen app, the app itself started with `WORKER_ARGUMENT` (see `launcher.py`).

Whatever goes wrong with a worker (it cannot start, dies, is killed, sends garbage), the files it
had are prepared in-process instead: a worker never loses a file, and a bug in preparing one
surfaces here.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Generator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from readinglist.core.errors import UserError
from readinglist.core.prepare import PreparedDump, Refusal, prepare_or_refuse

WORKER_ARGUMENT = "--prepare-dumps-worker"
# How many workers, whatever the import's size (0: none). For a busy shared machine, and tests.
WORKERS_ENV = "READINGLIST_IMPORT_WORKERS"
# Below this much data the files are prepared in-process: workers would not pay for their start.
PARALLEL_MIN_BYTES = 8 * 2**20
MAX_WORKERS = 4  # the importer writes more slowly than this many workers prepare
FILES_PER_TASK = 4  # files a worker prepares per request: fewer, larger messages
# Requests queued per worker: enough to keep it busy while the importer writes a transaction's
# worth of files, a few megabytes in all.
TASKS_AHEAD = 8
_FRAME = struct.Struct("<Q")  # each message: its length, then its pickle

# (file, what it gave, whether a worker prepared it)
Prepared = tuple[Path, PreparedDump | Refusal, bool]


def workers_for(total_bytes: int) -> int:
    """Worker processes for an import of this much data: one per core if it is large."""
    forced = os.environ.get(WORKERS_ENV, "").strip()
    if forced.isdigit():
        return int(forced)
    if forced:  # said, but not understood: silently ignoring it would mislead
        raise UserError(f"{WORKERS_ENV} must be a number of workers (0 for none), not {forced!r}")
    cores = _usable_cores()
    return min(cores, MAX_WORKERS) if cores > 1 and total_bytes >= PARALLEL_MIN_BYTES else 0


def _usable_cores() -> int:
    """The cores this process may run on (fewer than the machine's when it is pinned)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def total_size(files: Sequence[Path]) -> int:
    size = 0
    for path in files:
        with suppress(OSError):  # a file that cannot be read is refused later, with its reason
            size += path.stat().st_size
    return size


def prepared_dumps(
    files: Sequence[Path], year: int | None, workers: int = 0
) -> Generator[Prepared, None, None]:
    """Prepare files in `workers` processes (or in this one), yielding them in order.

    Memory stays bounded at any library size: only a few files are prepared ahead of the caller.
    Closing the generator early (a cancelled import) stops the workers at once.
    """
    tasks = [list(files[i : i + FILES_PER_TASK]) for i in range(0, len(files), FILES_PER_TASK)]
    if workers < 1 or len(tasks) < 2:
        for path in files:
            yield path, prepare_or_refuse(path, year), False
        return
    pool: list[_Worker] = []
    done = 0  # tasks whose results were yielded
    try:
        for _ in range(workers):
            pool.append(_Worker())  # one by one: a later one failing stops those started
        sent = 0
        while done < len(tasks):
            while sent < len(tasks) and sent < done + workers * TASKS_AHEAD:
                pool[sent % workers].send((tasks[sent], year))
                sent += 1
            results = pool[done % workers].receive()
            if not isinstance(results, list) or len(results) != len(tasks[done]):
                raise _WorkerLost
            for path, result in zip(tasks[done], results, strict=True):
                yield path, result, True
            done += 1
    except (_WorkerLost, OSError):
        _stop(pool, kill=True)
        pool = []
        for task in tasks[done:]:  # the worker's files, and everything after them, here
            for path in task:
                yield path, prepare_or_refuse(path, year), False
    finally:
        _stop(pool, kill=done < len(tasks))


class _WorkerLost(Exception):
    pass


class _Worker:
    """A worker process, and a thread that takes its replies as they come: a pipe holds only
    64 kB, and a worker waiting for the importer to read would not prepare ahead."""

    def __init__(self) -> None:
        self.proc = _start_worker()
        self._replies: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._reader = threading.Thread(target=self._read, name="prepare-replies", daemon=True)
        try:
            self._reader.start()
        except BaseException as exc:  # the process must not outlive a reader that never ran
            self.proc.kill()
            self.proc.wait()
            for pipe in (self.proc.stdin, self.proc.stdout):
                if pipe is not None:
                    pipe.close()
            if isinstance(exc, RuntimeError):  # no thread to be had: prepare in-process
                raise _WorkerLost from None
            raise

    def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            while True:
                self._replies.put(_read_payload(self.proc.stdout))
        except (OSError, EOFError, ValueError):
            self._replies.put(None)  # the worker is gone

    def send(self, message: object) -> None:
        assert self.proc.stdin is not None
        _write_frame(self.proc.stdin, message)

    def receive(self) -> Any:
        payload = self._replies.get()
        if payload is None:
            raise _WorkerLost
        try:
            return pickle.loads(payload)
        except Exception:  # not what this version's worker sends: treat it as gone
            raise _WorkerLost from None

    def close_input(self, kill: bool) -> None:
        if self.proc.stdin is not None:
            with suppress(OSError):
                self.proc.stdin.close()  # a worker exits once its input closes
        if kill:
            self.proc.kill()

    def wait(self) -> None:
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join()  # its pipe is at its end now
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _stop(pool: list[_Worker], kill: bool) -> None:
    for worker in pool:
        worker.close_input(kill)
    for worker in pool:
        worker.wait()


def _start_worker() -> subprocess.Popen[bytes]:
    if getattr(sys, "frozen", False):  # the packaged app: its executable is the interpreter
        command = [sys.executable, WORKER_ARGUMENT]
        env = None
    else:
        command = [sys.executable, "-m", "readinglist.core.workers"]
        # The child finds this very copy of readinglist (a checkout, a script's sys.path).
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # a failing worker is replaced by in-process work, which speaks
        env=env,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # no console flashing on Windows
    )


def _write_frame(stream: IO[bytes], message: object) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_FRAME.pack(len(payload)) + payload)
    stream.flush()


def _read_payload(stream: IO[bytes]) -> bytes:
    header = stream.read(_FRAME.size)
    if len(header) < _FRAME.size:
        raise EOFError
    (size,) = _FRAME.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError
    return payload


def serve() -> int:
    """A worker's life: prepare each list of files asked for, until the input closes."""
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            paths, year = pickle.loads(_read_payload(requests))
        except EOFError:
            return 0
        _write_frame(replies, [prepare_or_refuse(Path(p), year) for p in paths])


if __name__ == "__main__":
    sys.exit(serve())
