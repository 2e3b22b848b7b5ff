"""How fast the window is with big libraries, against baselines measured in the same run.

    python benchmarks/gui_speed.py                  # 10k and 100k papers
    python benchmarks/gui_speed.py --sizes 10000 --repeat 3

For each size it builds (once, cached under benchmarks/out/) a library of N papers with
`make_library.generate_library` and the real importer, then measures, each in a fresh process
started by this script with Qt offscreen:

- start-up: from starting the process to a usable list (rows loaded and painted, sidebar
  counted), against the bare minimum: a process that imports PySide6 and shows an empty
  QMainWindow with a table. The goal is a usable list within 1.5 s at 100,000 papers.
- scrolling: the time to draw each frame while paging through the list from random places
  (each page not yet seen costs a `Library.load` of one page);
- search: from the debounced query to ranked results on screen, for a few typed queries;
- import: the longest stall of the GUI thread while 10,000 papers are imported by the window
  (a 2 ms heartbeat timer records the largest gap between its ticks), against the time an
  import on the GUI thread would freeze it (the same import, run blocking);
- bulk change: the longest stall while every paper of the largest library is starred (Ctrl+A, S)
  and the star undone, on a copy of it, against the time the same change takes when run blocking.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
SEED = 1
QUERIES = ("transformer", "difusion video", "quantization llm", "graph neural network")


def dump_folder(n_papers: int) -> Path:
    """The generated dumps for N papers (shared with import_speed.py)."""
    from benchmarks.make_library import generate_library

    folder = OUT / f"dumps-{n_papers}-{SEED}"
    stamp = folder / ".complete"
    if not stamp.exists():
        generate_library(folder, n_papers, seed=SEED)
        stamp.write_text("ok")
    return folder


def library_file(n_papers: int) -> Path:
    """A library with those dumps imported and indexed for search, built once."""
    from readinglist import Library

    db = OUT / f"gui-library-{n_papers}.sqlite"
    stamp = db.with_suffix(".complete")
    if not stamp.exists():
        for old in OUT.glob(f"{db.name}*"):
            old.unlink()
        with Library.open(db) as lib:
            lib.import_paths([dump_folder(n_papers)])
            lib.update_search_index()
        stamp.write_text("ok")
    return db


# -- the measurements, each run in a child process -------------------------------------------------


def _child_app() -> object:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from readinglist.ui.app import application
    from readinglist.ui.theme import Theme

    app = application()
    Theme(app)  # type: ignore[arg-type]
    return app


def child_bare() -> dict[str, float]:
    """The least a Qt window costs: import PySide6, show a window with an empty table."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication([])
    window = QMainWindow()
    window.setCentralWidget(QTableView())
    window.resize(1360, 840)
    window.show()
    app.processEvents()
    window.grab()
    return {}


def child_window(db: str) -> dict[str, float]:
    """Open the real window; report when the list is usable, then scroll and search."""
    from PySide6.QtCore import QEventLoop, QSettings

    app = _child_app()
    from readinglist.core.library import Library
    from readinglist.ui.main_window import MainWindow
    from readinglist.ui.settings import Settings
    from readinglist.ui.tasks import TaskRunner

    settings = Settings(
        QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    )
    window = MainWindow(Library.open(db), settings, TaskRunner())
    window.show()
    listed = QEventLoop()
    window.papers.loaded.connect(listed.quit)
    listed.exec()
    window.view.viewport().repaint()
    print("LIST", flush=True)  # rows on screen: the list is usable (the parent's first clock)
    if not window.sidebar.counts:
        counted = QEventLoop()
        window.ready.connect(counted.quit)
        counted.exec()
    print("READY", flush=True)  # the sidebar has its counts too
    _until_indexed(app, window)  # search warms up in the background

    view, frames = window.view, []
    bar = view.verticalScrollBar()
    rng = random.Random(0)
    for _ in range(40):  # jump somewhere, then page down five times: like a reader skimming
        bar.setValue(rng.randrange(bar.maximum() + 1))
        for _ in range(5):
            started = time.perf_counter()
            bar.setValue(bar.value() + bar.pageStep())
            view.viewport().repaint()
            app.processEvents()  # type: ignore[attr-defined]
            frames.append(time.perf_counter() - started)

    latencies = []
    for query in QUERIES:
        answered = QEventLoop()
        window.papers.loaded.connect(answered.quit)
        started = time.perf_counter()
        window.papers.set_query(query)  # what the search field does after its 150 ms pause
        answered.exec()
        window.papers.loaded.disconnect(answered.quit)
        view.viewport().repaint()
        latencies.append(time.perf_counter() - started)
    window.close()
    return {
        "frame_median": statistics.median(frames),
        "frame_max": max(frames),
        "search_median": statistics.median(latencies),
        "search_max": max(latencies),
    }


def _ready_window(db: str | Path) -> tuple[Any, Any]:
    """(the app, the real window on library `db`), shown, its list and sidebar loaded."""
    from PySide6.QtCore import QEventLoop, QSettings

    app = _child_app()
    from readinglist.core.library import Library
    from readinglist.ui.main_window import MainWindow
    from readinglist.ui.settings import Settings
    from readinglist.ui.tasks import TaskRunner

    settings = Settings(
        QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    )
    window = MainWindow(Library.open(db), settings, TaskRunner())
    window.show()
    ready = QEventLoop()
    window.ready.connect(ready.quit)
    ready.exec()
    return app, window


def _until_indexed(app: Any, window: Any) -> None:
    """Let the window's background search indexing finish."""
    from PySide6.QtCore import QEventLoop

    while window.importer.indexing is not None:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _heartbeat() -> tuple[Callable[[], None], Callable[[], list[int]]]:
    """(start, stop) of a 2 ms timer on the GUI thread; stop gives the gaps between its ticks
    in ms, sorted: the longest is the longest stall."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    gaps: list[int] = []
    clock = QElapsedTimer()
    timer = QTimer(interval=2)
    timer.timeout.connect(lambda: gaps.append(clock.restart()))

    def start() -> None:
        clock.start()
        timer.start()

    def stop() -> list[int]:
        timer.stop()
        return sorted(gaps)

    return start, stop


def child_import(folder: str) -> dict[str, float]:
    """Import a folder through the window; the heartbeat records the GUI thread's stalls."""
    from PySide6.QtCore import QEventLoop

    app, window = _ready_window(Path(tempfile.mkdtemp()) / "library.sqlite")
    start, stop = _heartbeat()
    finished = QEventLoop()
    window.importer.finished.connect(lambda _summary: finished.quit())
    started = time.perf_counter()
    start()
    window.importer.start([Path(folder)])
    finished.exec()
    imported = time.perf_counter() - started
    _until_indexed(app, window)  # search indexing follows, also in a worker
    gaps = stop()
    if window.importer.dialog is not None:
        window.importer.dialog.close()
    window.close()
    return {
        "stall_max": gaps[-1] / 1000,
        "stall_p99": gaps[int(len(gaps) * 0.99)] / 1000,
        "import_seconds": imported,
        "papers": float(window.lib.count()),
    }


def child_bulk(db: str) -> dict[str, float]:
    """Star every paper through the window and undo it; the heartbeat records the stalls."""
    from PySide6.QtCore import QEventLoop

    from readinglist.core.papers import PaperFilter

    app, window = _ready_window(db)
    _until_indexed(app, window)
    start, stop = _heartbeat()
    every = list(window.model.ids)
    seconds = []
    start()
    done = QEventLoop()
    window.ops.changed.connect(lambda _change: done.quit())  # the change is done and shown
    for step in (lambda: window.ops.set_starred(every, True), window.commands.undo):
        started = time.perf_counter()
        step()
        done.exec()
        seconds.append(time.perf_counter() - started)
    gaps = stop()
    window.close()
    return {
        "stall_max": gaps[-1] / 1000,
        "star_seconds": seconds[0],
        "undo_seconds": seconds[1],
        "papers": float(len(every)),
        "starred_after_undo": float(window.lib.count(PaperFilter(starred=True))),
    }


def blocking_bulk(db: Path) -> float:
    """How long starring every paper (and taking its undo snapshot) blocks its caller."""
    from readinglist import Library

    with Library.open(db) as lib:
        every = lib.ids()
        started = time.perf_counter()
        lib.snapshot(every)
        lib.star(every)
        return time.perf_counter() - started


def blocking_import(folder: Path) -> float:
    """How long an import run on the GUI thread would freeze the window."""
    from readinglist import Library

    with tempfile.TemporaryDirectory() as tmp, Library.open(Path(tmp) / "l.sqlite") as lib:
        started = time.perf_counter()
        lib.import_paths([folder])
        lib.update_search_index()
        return time.perf_counter() - started


# -- the parent --------------------------------------------------------------------------------


def _run_child(*args: str) -> tuple[float, float, dict[str, float]]:
    """Run a child; the seconds until it said LIST and READY (or finished), and its figures."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "READINGLIST_COLOR_SCHEME": "light"}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert child.stdout is not None
    ready_at = list_at = None
    figures: dict[str, float] = {}
    for line in child.stdout:
        if line.startswith("LIST"):
            list_at = time.perf_counter() - started
        elif line.startswith("READY"):
            ready_at = time.perf_counter() - started
        elif line.startswith("{"):
            figures = json.loads(line)
    _, err = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{err}")
    end = time.perf_counter() - started
    return (list_at or end), (ready_at or end), figures


def measure_size(n: int, repeat: int) -> None:
    db = library_file(n)
    bare, ours, full, runs = [], [], [], []
    for _ in range(repeat):  # alternate, so machine noise hits both
        bare.append(_run_child("--child-bare")[0])
        listed, counted, figures = _run_child("--child-window", str(db))
        ours.append(listed)
        full.append(counted)
        runs.append(figures)
    b, o = statistics.median(bare), statistics.median(ours)
    print(
        f"{n:>9,} papers | start-up to a usable list {o:5.2f} s (max {max(ours):.2f}),"
        f" sidebar counted {statistics.median(full):5.2f} s"
        f" | bare Qt window {b:5.2f} s | ratio {o / b:4.2f}x"
        f" | goal 1.5 s: {'met' if o <= 1.5 else 'MISSED'}"
    )
    frame_max = max(r["frame_max"] for r in runs)
    frame_med = statistics.median(r["frame_median"] for r in runs)
    search_med = statistics.median(r["search_median"] for r in runs)
    search_max = max(r["search_max"] for r in runs)
    print(
        f"{'':>9}        | scrolling: frame median {frame_med * 1000:5.1f} ms,"
        f" max {frame_max * 1000:5.1f} ms | search to results: median"
        f" {search_med * 1000:5.0f} ms, max {search_max * 1000:5.0f} ms"
        " (after the 150 ms typing pause)"
    )


def measure_import(n: int) -> None:
    folder = dump_folder(n)
    _, _, figures = _run_child("--child-import", str(folder))
    frozen = blocking_import(folder)
    print(
        f"import of {n:,} papers through the window: {figures['import_seconds']:.1f} s;"
        f" longest GUI stall {figures['stall_max'] * 1000:.0f} ms"
        f" (p99 {figures['stall_p99'] * 1000:.0f} ms) | on the GUI thread it would freeze"
        f" {frozen:.1f} s | ratio {figures['stall_max'] / frozen:.3f}"
    )


def measure_bulk(n: int) -> None:
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for name in ("window", "blocking"):
            copy = Path(tmp) / f"{name}.sqlite"
            shutil.copy(library_file(n), copy)
            copies.append(copy)
        _, _, figures = _run_child("--child-bulk", str(copies[0]))
        frozen = blocking_bulk(copies[1])
    print(
        f"star all {int(figures['papers']):,} papers through the window:"
        f" {figures['star_seconds']:.1f} s, undo {figures['undo_seconds']:.1f} s, on a worker;"
        f" longest GUI stall {figures['stall_max'] * 1000:.0f} ms | on the GUI thread it would"
        f" freeze {frozen:.1f} s | ratio {figures['stall_max'] / frozen:.3f}"
    )
    assert figures["starred_after_undo"] == 0, figures


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("--child-"):
        sys.path.insert(0, str(ROOT))
        kind, rest = sys.argv[1], sys.argv[2:]
        figures = {
            "--child-bare": lambda: child_bare(),
            "--child-window": lambda: child_window(rest[0]),
            "--child-import": lambda: child_import(rest[0]),
            "--child-bulk": lambda: child_bulk(rest[0]),
        }[kind]()
        print(json.dumps(figures), flush=True)
        os._exit(0)  # skip interpreter teardown: it is not part of what we measure
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--import-size", type=int, default=10_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"readinglist window benchmarks (Qt offscreen, {os.cpu_count()} CPUs)")
    for n in args.sizes:
        measure_size(n, args.repeat)
    measure_import(args.import_size)
    measure_bulk(max(args.sizes))


if __name__ == "__main__":
    main()
