"""Import speed against the least any importer must do, measured in the same run.

    python benchmarks/import_speed.py                 # 10k and 100k papers
    python benchmarks/import_speed.py --sizes 10000 --repeat 5

For each size it generates (once, cached under benchmarks/out/) a library of N distinct papers in
dump format, about a fifth of the entries repeats with small differences, then times:
- baseline: read every file, split it into title/abstract entries, insert the rows into a fresh
  SQLite file with plain `sqlite3.executemany`, commit;
- readinglist: `Library.import_paths` into a fresh library: parsing every variation, hashing,
  duplicate detection, sightings and blocking keys, every dump all or nothing (consecutive dumps
  share a transaction). The full-text index is not included: it catches up after an import (the
  window does it in the background) or at the first search.
Runs alternate (baseline, ours, baseline, ours, ...) so that machine noise hits both; the figures
are medians. Goal (issue 2): readinglist within 3x of the baseline at 100k, on the way to 1.5x.

Then the daily case: the library without its last `DAILY_FILES` dumps, each of them imported on
its own afterwards (a day's dump into a library of N papers: duplicate candidates looked up in the
database, no worker processes), as the median time per dump.
"""

from __future__ import annotations

import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.make_library import generate_library  # noqa: E402
from benchmarks.sizes import run_over_sizes  # noqa: E402
from readinglist import Library  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
_DATE = re.compile(r"[A-Z][a-z]{2,8}\.? \d{1,2}")


def library_files(n_papers: int, seed: int = 1) -> list[Path]:
    folder = OUT / f"dumps-{n_papers}-{seed}"
    stamp = folder / ".complete"
    if not stamp.exists():
        generate_library(folder, n_papers, seed=seed)
        stamp.write_text("ok")
    return sorted(p for p in folder.iterdir() if p.suffix == ".txt")


def baseline(files: list[Path], db: Path) -> int:
    """The least an importer does: read, split into entries, executemany, commit."""
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE paper (title TEXT, abstract TEXT, file TEXT, listing TEXT)")
    rows = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        start = next(i for i, p in enumerate(paragraphs) if _DATE.fullmatch(p))
        date = paragraphs[start]
        entries: list[tuple[str, str, str, str]] = []
        title = None
        for p in paragraphs[start + 1 :]:
            # The cheapest sound title test: short, and not made of sentences.
            if len(p) < 250 and ". " not in p:
                if title is not None:
                    entries.append((title, "", path.name, date))
                title = p
            elif title is not None:
                entries.append((title, p, path.name, date))
                title = None
        if title is not None:
            entries.append((title, "", path.name, date))
        con.executemany("INSERT INTO paper VALUES (?, ?, ?, ?)", entries)
        rows += len(entries)
    con.commit()
    con.close()
    return rows


def ours(files: list[Path], db: Path) -> int:
    with Library.open(db) as lib:
        summary = lib.import_paths(files)
    assert not summary.refusals, summary.refusals[:3]
    return summary.entries


DAILY_FILES = 7


def daily(files: list[Path]) -> float:
    """Median seconds to import one more day's dump into a library of all the others."""
    times = []
    with tempfile.TemporaryDirectory() as tmp, Library.open(Path(tmp) / "library.sqlite") as lib:
        lib.import_paths(files[:-DAILY_FILES])
        for path in files[-DAILY_FILES:]:
            started = time.perf_counter()
            summary = lib.import_paths([path])
            times.append(time.perf_counter() - started)
            assert summary.files_read == 1 and not summary.refusals
    return statistics.median(times)


def measure(n_papers: int, repeat: int) -> None:
    files = library_files(n_papers)
    base_times: list[float] = []
    our_times: list[float] = []
    entries = 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            entries = baseline(files, Path(tmp) / "baseline.sqlite")
            base_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            imported = ours(files, Path(tmp) / "library.sqlite")
            our_times.append(time.perf_counter() - started)
            assert imported == entries, (imported, entries)
    base, mine = statistics.median(base_times), statistics.median(our_times)
    print(
        f"{n_papers:>9,} papers  {entries:>9,} entries in {len(files):,} files | "
        f"baseline {base:7.2f}s ({entries / base:>9,.0f} entries/s) | "
        f"readinglist {mine:7.2f}s ({entries / mine:>9,.0f} entries/s) | "
        f"ratio {mine / base:5.2f}x  (median of {repeat})"
    )
    print(f"{'':>9}  one more day's dump into that library: {daily(files) * 1000:6.1f} ms (median)")


def main() -> None:
    run_over_sizes(__doc__, measure, [10_000, 100_000])


if __name__ == "__main__":
    main()
