"""How much of an import is the database's own writing, against the same baseline.

    python benchmarks/import_writes.py                # 100k papers
    python benchmarks/import_writes.py --sizes 10000 --repeat 5

It imports the generated library of `import_speed.py` once, reads back every row that import
wrote, and then times writing those rows again into a fresh library the way the importer writes
them: the same transactions (consecutive dumps up to `importer.ENTRIES_PER_TRANSACTION` entries),
the same connection settings, the text-hash lookup, then one statement per table for the dumps,
the paper rows, the hiding of duplicates (the importer updates them one by one, with a read
before each: a little more), the blocking keys and the sightings. No reading, parsing or
matching: what is left is the floor that the schema and the transactions set for any importer.
Runs alternate with the baseline of `import_speed.py`; the figures are medians.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.import_speed import baseline, library_files  # noqa: E402
from benchmarks.sizes import run_over_sizes  # noqa: E402
from readinglist import Library  # noqa: E402
from readinglist.core.database import in_chunks, raw_cursor  # noqa: E402
from readinglist.core.importer import ENTRIES_PER_TRANSACTION  # noqa: E402

_DUMP_COLUMNS = "id, batch_id, file_name, path, content_hash, size, mtime, encoding, entry_count," \
    " imported_at"  # fmt: skip
_SIGHTING_COLUMNS = "paper_id, dump_id, listing_date, year_source, position, line"


@dataclass
class Transaction:
    """What one of the import's transactions wrote."""

    dumps: list[tuple[object, ...]] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)  # every entry's text hash (the lookup)
    papers: list[tuple[object, ...]] = field(default_factory=list)
    hidden: list[tuple[object, ...]] = field(default_factory=list)
    keys: list[tuple[int, int]] = field(default_factory=list)
    sightings: list[tuple[object, ...]] = field(default_factory=list)


def transactions_of(library: Path) -> list[Transaction]:
    """The rows of an imported library, grouped as the importer's transactions wrote them."""
    con = sqlite3.connect(library)
    hash_of = dict(con.execute("SELECT id, text_hash FROM paper"))
    sightings: dict[int, list[tuple[object, ...]]] = defaultdict(list)
    first_dump: dict[int, int] = {}
    for row in con.execute(f"SELECT {_SIGHTING_COLUMNS} FROM sighting ORDER BY id"):
        sightings[row[1]].append(row)
        first_dump.setdefault(row[0], row[1])
    papers_of: dict[int, list[int]] = defaultdict(list)
    for paper_id, dump_id in first_dump.items():
        papers_of[dump_id].append(paper_id)
    paper = {
        row[0]: row
        for row in con.execute(
            "SELECT id, title, abstract, text_hash, created_at, updated_at, duplicate_of, dup_by,"
            " dup_reason, dup_title_score, dup_abstract_score FROM paper"
        )
    }
    keys: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for key, paper_id in con.execute("SELECT key, paper_id FROM dedup_key"):
        keys[paper_id].append((key, paper_id))
    result: list[Transaction] = []
    current, entries = Transaction(), 0
    for dump in con.execute(f"SELECT {_DUMP_COLUMNS} FROM dump ORDER BY id"):
        dump_id = int(dump[0])  # type: ignore[call-overload]
        current.dumps.append(dump)
        current.sightings += sightings[dump_id]
        current.hashes += [hash_of[s[0]] for s in sightings[dump_id]]  # type: ignore[index]
        for paper_id in sorted(papers_of[dump_id]):
            p = paper[paper_id]
            current.papers.append(p[:6])
            current.keys += keys[paper_id]
            # Hidden: the importer inserts it shown, then hides it. Only under a record that
            # exists by then (a record shown later in the import stays shown here).
            if p[6] is not None and p[6] < paper_id:
                current.hidden.append((*p[6:], p[5], paper_id))
        entries += int(dump[8])  # type: ignore[call-overload]
        if entries >= ENTRIES_PER_TRANSACTION:
            result.append(current)
            current, entries = Transaction(), 0
    if current.dumps:
        result.append(current)
    con.close()
    return result


def replay(transactions: list[Transaction], db: Path) -> dict[str, float]:
    """Write the transactions into a fresh library; seconds per kind of statement."""
    spent: dict[str, float] = defaultdict(float)
    with Library.open(db) as lib:
        with lib.db.write() as conn:  # the import's own row, as it writes it first
            batches = {d[1] for t in transactions for d in t.dumps}
            raw_cursor(conn).executemany(
                "INSERT INTO import_batch (id, started_at) VALUES (?, '')", [(b,) for b in batches]
            )
        for t in transactions:
            with lib.db.write() as conn:
                cur = raw_cursor(conn)
                clock = time.perf_counter()

                def lap(kind: str) -> None:
                    nonlocal clock
                    now = time.perf_counter()
                    spent[kind] += now - clock
                    clock = now

                for marks, chunk in in_chunks(list(dict.fromkeys(t.hashes))):
                    cur.execute(f"SELECT id FROM paper WHERE text_hash IN ({marks})", chunk)
                    cur.fetchall()
                cur.executemany(
                    f"INSERT INTO dump ({_DUMP_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", t.dumps
                )
                lap("lookup and dumps")
                cur.executemany(
                    "INSERT INTO paper (id, title, abstract, text_hash, created_at, updated_at)"
                    " VALUES (?,?,?,?,?,?)",
                    t.papers,
                )
                lap("paper rows")
                cur.executemany(
                    "UPDATE paper SET duplicate_of = ?, dup_by = ?, dup_reason = ?,"
                    " dup_title_score = ?, dup_abstract_score = ?, updated_at = ? WHERE id = ?",
                    t.hidden,
                )
                lap("hiding")
                cur.executemany(
                    "INSERT OR IGNORE INTO dedup_key (key, paper_id) VALUES (?, ?)",
                    sorted(t.keys),
                )
                lap("keys")
                cur.executemany(
                    f"INSERT INTO sighting ({_SIGHTING_COLUMNS}) VALUES (?,?,?,?,?,?)",
                    t.sightings,
                )
                lap("sightings")
                start_commit = time.perf_counter()
            spent["commits"] += time.perf_counter() - start_commit
    return spent


def measure(n_papers: int, repeat: int) -> None:
    files = library_files(n_papers)
    with tempfile.TemporaryDirectory() as tmp:
        with Library.open(Path(tmp) / "source.sqlite") as lib:
            lib.import_paths(files)
        transactions = transactions_of(Path(tmp) / "source.sqlite")
    base_times: list[float] = []
    write_times: list[float] = []
    parts: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            baseline(files, Path(tmp) / "baseline.sqlite")
            base_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            spent = replay(transactions, Path(tmp) / "library.sqlite")
            write_times.append(time.perf_counter() - started)
            for kind, seconds in spent.items():
                parts[kind].append(seconds)
    base, writes = statistics.median(base_times), statistics.median(write_times)
    print(
        f"{n_papers:>9,} papers in {len(transactions):,} transactions | baseline {base:6.2f}s |"
        f" the import's writes alone {writes:6.2f}s | ratio {writes / base:5.2f}x"
        f"  (median of {repeat})"
    )
    print(
        f"{'':>9}  of which: "
        + ", ".join(f"{kind} {statistics.median(s):.2f}s" for kind, s in parts.items())
    )


def main() -> None:
    run_over_sizes(__doc__, measure, [100_000])


if __name__ == "__main__":
    main()
