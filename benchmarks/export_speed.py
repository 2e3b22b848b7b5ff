"""Export speed: BibTeX and CSV of a whole library, against a bare dump of the same rows.

    python benchmarks/export_speed.py                 # 10k and 100k papers
    python benchmarks/export_speed.py --sizes 10000 --repeat 5

For each size it copies a library built by `search_speed.py` (or builds one the same way) and
times, in the same run:
- baseline: `SELECT id, title, abstract FROM paper` written out with `csv.writer`, the least an
  export does;
- `Library.export("csv")` and `Library.export("bibtex")` of every visible paper: loading papers
  with their groups, tags, notes and sightings, escaping, and (first run only) making and pinning
  a citation key for each paper.
The first export of a library pins the keys; later ones reuse them: both are shown.
Goal (issue: export): 100,000 papers in seconds, not minutes.
"""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.search_speed import library  # noqa: E402
from benchmarks.sizes import run_over_sizes  # noqa: E402
from readinglist import Library  # noqa: E402


def baseline(db: Path) -> int:
    out = io.StringIO()
    writer = csv.writer(out)
    con = sqlite3.connect(db)
    rows = con.execute("SELECT id, title, abstract FROM paper WHERE duplicate_of IS NULL")
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    con.close()
    return count


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def measure(n_papers: int, repeat: int) -> None:
    source = library(n_papers)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "library.sqlite"
        shutil.copy(source, db)
        with Library.open(db) as lib:
            papers = lib.count()
            first = timed(lambda: lib.export("bibtex", Path(tmp) / "first.bib"))
            base, csv_times, bib_times = [], [], []
            for _ in range(repeat):
                base.append(timed(lambda: baseline(db)))
                csv_times.append(timed(lambda: lib.export("csv", Path(tmp) / "out.csv")))
                bib_times.append(timed(lambda: lib.export("bibtex", Path(tmp) / "out.bib")))
    b, c, t = (statistics.median(x) for x in (base, csv_times, bib_times))
    print(
        f"{papers:>9,} papers | baseline csv.writer {b:6.2f}s | CSV {c:6.2f}s ({c / b:4.1f}x) | "
        f"BibTeX {t:6.2f}s ({t / b:4.1f}x) | first BibTeX, pinning keys, {first:6.2f}s "
        f"(median of {repeat})"
    )


def main() -> None:
    run_over_sizes(__doc__, measure, [10_000, 100_000])


if __name__ == "__main__":
    main()
