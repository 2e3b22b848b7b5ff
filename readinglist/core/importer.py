"""Importing feed dumps: every dump all or nothing, never half.

A file's bytes are hashed first; a file already imported is skipped and reported. Each entry is
then one of three things:
- known: its exact text is already a record in the library (a new sighting is added);
- new: a paper the library did not have (a new visible record);
- a duplicate: new text of a paper the library has (a new record, hidden under that paper).

Killing the process at any moment leaves every dump either fully imported or not at all, and
earlier stars, tags and notes untouched: each dump is written inside one transaction (which may
hold a few consecutive dumps, so that a bulk import does not pay a commit per small file), and
SQLite's WAL journal rolls back an unfinished transaction. Bad files are refused before any
writing starts, so they never take a good file's transaction down with them.

Reading and parsing (`prepare.py`) needs no database and happens before a dump's transaction, in
worker processes for a large import (`workers.py`).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readinglist.core import duplicates
from readinglist.core.clock import now_iso
from readinglist.core.database import Database, in_chunks, raw_cursor
from readinglist.core.gcpause import cyclic_gc_paused
from readinglist.core.matching import Matcher, NewRecord
from readinglist.core.prepare import PreparedDump, Refusal
from readinglist.core.texts import storable
from readinglist.core.workers import prepared_dumps, total_size, workers_for

# Consecutive dumps written in one transaction, up to about this many entries: few commits for a
# bulk import, while no transaction holds the write lock long enough for the window to notice.
ENTRIES_PER_TRANSACTION = 2000
# ...and fewer when a transaction takes longer than this (a busy machine): the window and the
# command line wait for the write lock while a transaction holds it, the window's star included.
TRANSACTION_SECONDS = 0.25
# A dump entry takes about this many bytes: what the size of the files says of the records to come.
_BYTES_PER_ENTRY = 1500

# progress(files_done, files_total, current_file). cancel() -> True stops the run between files;
# what was imported stays imported, and no dump is ever half written.
ProgressCallback = Callable[[int, int, Path | None], None]
CancelCheck = Callable[[], bool]


@dataclass
class ImportSummary:
    files_read: int = 0
    papers_new: int = 0
    papers_known: int = 0
    duplicates_hidden: int = 0
    files_refused: int = 0
    files_already_imported: int = 0
    entries: int = 0
    files_prepared_in_workers: int = 0  # read and parsed by worker processes (large imports)
    refusals: list[Refusal] = field(default_factory=list)
    already_imported: list[Path] = field(default_factory=list)
    cancelled: bool = False
    batch_id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "files_read": self.files_read,
            "papers_new": self.papers_new,
            "papers_known": self.papers_known,
            "duplicates_hidden": self.duplicates_hidden,
            "files_refused": self.files_refused,
            "files_already_imported": self.files_already_imported,
            "entries": self.entries,
            "refused": [{"file": str(r.path), "error": r.message} for r in self.refusals],
            "already_imported": [str(p) for p in self.already_imported],
            "cancelled": self.cancelled,
            "files_prepared_in_workers": self.files_prepared_in_workers,
        }


def collect_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[Refusal]]:
    """Expand folders (recursively, skipping hidden entries) into files, in a stable order."""
    files: list[Path] = []
    missing: list[Refusal] = []

    def unreadable(error: OSError) -> None:  # a folder that cannot be listed is refused
        folder = Path(error.filename)
        missing.append(Refusal(folder, f"{folder}: cannot read the folder: {error.strerror}"))

    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for root, dirs, names in os.walk(path, onerror=unreadable):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
        elif path.exists():
            files.append(path)
        else:
            missing.append(Refusal(path, f"{path}: no such file or folder"))
    return list(dict.fromkeys(files)), missing


def import_paths(
    db: Database,
    paths: Iterable[Path | str],
    *,
    year: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> ImportSummary:
    """Import dump files and folders. Bad files are refused and reported; the others go in."""
    with cyclic_gc_paused():
        return _import_paths(db, paths, year, progress, cancel)


def _import_paths(
    db: Database,
    paths: Iterable[Path | str],
    year: int | None,
    progress: ProgressCallback | None,
    cancel: CancelCheck | None,
) -> ImportSummary:
    files, missing = collect_files(paths)
    summary = ImportSummary(refusals=list(missing), files_refused=len(missing))
    started_at = now_iso()  # the batch row is written with the first dump (see _write_batch)
    size = total_size(files)
    matcher = Matcher(expected_records=size // _BYTES_PER_ENTRY)
    batch: list[PreparedDump] = []
    per_transaction = ENTRIES_PER_TRANSACTION
    # closing(): a cancel or an error stops the worker processes at once.
    with closing(prepared_dumps(files, year, workers_for(size))) as prepared_files:
        for done, (path, prepared, in_worker) in enumerate(prepared_files):
            if cancel is not None and cancel():
                summary.cancelled = True
                break
            summary.files_prepared_in_workers += in_worker
            if progress is not None:
                progress(done, len(files), path)
            if isinstance(prepared, Refusal):
                summary.files_refused += 1
                summary.refusals.append(prepared)
                continue
            batch.append(prepared)
            entries = sum(map(len, batch))
            if entries >= per_transaction:
                clock = time.perf_counter()
                _write_batch(db, batch, summary, matcher, started_at)
                seconds = time.perf_counter() - clock
                batch = []
                # As many entries as fit in TRANSACTION_SECONDS at the speed just seen.
                fit = int(entries * TRANSACTION_SECONDS / max(seconds, 1e-6))
                per_transaction = max(1, min(ENTRIES_PER_TRANSACTION, fit))
    _write_batch(db, batch, summary, matcher, started_at)
    if progress is not None:
        progress(len(files), len(files), None)
    if summary.batch_id is None:  # nothing was written: a run that only refused or re-read
        return summary  # files leaves the library exactly as it was
    with db.write() as conn:
        conn.exec_driver_sql(
            "UPDATE import_batch SET finished_at=?, files_read=?, papers_new=?, papers_known=?,"
            " duplicates_hidden=?, files_refused=? WHERE id=?",
            (now_iso(), summary.files_read, summary.papers_new, summary.papers_known,
             summary.duplicates_hidden, summary.files_refused, summary.batch_id),
        )  # fmt: skip
    return summary


@dataclass
class _DumpResult:
    path: Path
    already_imported: bool = False
    entries: int = 0
    new: int = 0
    known: int = 0
    hidden: int = 0


def _write_batch(
    db: Database,
    batch: Sequence[PreparedDump],
    summary: ImportSummary,
    matcher: Matcher,
    started_at: str,
) -> None:
    """Write consecutive dumps in one transaction; count them once it has committed.

    The run's `import_batch` row goes in with its first new dump, in the same transaction: a
    run that refuses every file, or finds them all imported already, changes nothing at all.
    """
    if not batch:
        return
    had_batch_row = summary.batch_id is not None
    try:
        with db.write() as conn:
            cur = raw_cursor(conn)
            matcher.begin(cur)
            results = _import_dumps(cur, batch, summary, started_at, matcher)
            matcher.end()
    except BaseException:
        matcher.forget()  # it learnt of records that were rolled back
        if not had_batch_row:
            summary.batch_id = None  # and of the batch row, if this transaction wrote it
        raise
    for r in results:
        if r.already_imported:
            summary.files_already_imported += 1
            summary.already_imported.append(r.path)
            continue
        summary.files_read += 1
        summary.entries += r.entries
        summary.papers_new += r.new
        summary.papers_known += r.known
        summary.duplicates_hidden += r.hidden


def _import_dumps(
    cur: sqlite3.Cursor,
    batch: Sequence[PreparedDump],
    summary: ImportSummary,
    started_at: str,
    matcher: Matcher,
) -> list[_DumpResult]:
    """Write prepared dumps inside the caller's transaction, a few statements for all of them.

    New dumps and records get their ids up front (we hold the write lock) and go in with one
    statement each; duplicate decisions then only update the records.
    """
    results = [_DumpResult(p.dump.path) for p in batch]
    query = "SELECT content_hash FROM dump WHERE content_hash IN ({})"
    seen = {row[0] for row in _rows_for(cur, query, [p.dump.content_hash for p in batch])}
    todo: list[tuple[PreparedDump, _DumpResult, int]] = []
    next_dump = _next_id(cur, "dump")
    for prepared, result in zip(batch, results, strict=True):
        if prepared.dump.content_hash in seen:  # imported before, or twice in this batch
            result.already_imported = True
            continue
        seen.add(prepared.dump.content_hash)
        todo.append((prepared, result, next_dump + len(todo)))
    if todo and summary.batch_id is None:
        summary.batch_id = int(
            cur.execute(
                "INSERT INTO import_batch (started_at) VALUES (?) RETURNING id", (started_at,)
            ).fetchone()[0]
        )
    now = now_iso()
    cur.executemany(
        "INSERT INTO dump (id, batch_id, file_name, path, content_hash, size, mtime, encoding,"
        " entry_count, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(dump_id, summary.batch_id, storable(p.dump.path.name), storable(p.resolved_path),
          p.dump.content_hash,
          p.dump.size, p.dump.mtime, p.dump.encoding, len(p), now)
         for p, _, dump_id in todo],
    )  # fmt: skip

    # The records already holding these exact texts: text hash -> id.
    query = "SELECT text_hash, id FROM paper WHERE text_hash IN ({})"
    known = dict(_rows_for(cur, query, [h for p, _, _ in todo for h in p.text_hashes]))
    next_id = _next_id(cur, "paper")
    fresh: list[tuple[NewRecord, _DumpResult]] = []
    rows = []
    for p, result, _ in todo:
        for title, abstract, digest, keys, bare in zip(
            p.titles, p.abstracts, p.text_hashes, p.keys, p.bare_titles, strict=True
        ):
            if digest not in known:
                known[digest] = next_id
                fresh.append((NewRecord(next_id, title, abstract, bare, keys), result))
                rows.append((next_id, title, abstract, digest, now, now))
                next_id += 1
    cur.executemany(
        "INSERT INTO paper (id, title, abstract, text_hash, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?)",
        rows,
    )

    matcher.prepare([r for r, _ in fresh])
    for record, result in fresh:
        found, ambiguous = matcher.find(record)
        for paper_id in ambiguous:
            if duplicates.release(cur, paper_id):
                matcher.released(paper_id)
        if found is None:
            result.new += 1
            group = record.id
        else:
            result.hidden += 1
            group = duplicates.attach(cur, record.id, found, record.title, record.abstract)
            if group != found.record.group:
                matcher.moved(found.record.group, group)
        matcher.add(record, group)

    sightings = []
    for p, _, dump_id in todo:
        columns = zip(p.text_hashes, p.dates, p.positions, p.lines, strict=True)
        sightings += [(known[h], dump_id, date, p.year_source, pos, line)
                      for h, date, pos, line in columns]  # fmt: skip
    cur.executemany(
        "INSERT INTO sighting (paper_id, dump_id, listing_date, year_source, position, line)"
        " VALUES (?,?,?,?,?,?)",
        sightings,
    )
    for prepared, result, _ in todo:
        result.entries = len(prepared)
        result.known = result.entries - result.new - result.hidden
    return results


def _next_id(cur: sqlite3.Cursor, table: str) -> int:
    return int(cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])


def _rows_for(cur: sqlite3.Cursor, query: str, values: list[str]) -> Iterator[tuple[Any, ...]]:
    """The rows of `query` (with "{}" where the placeholders go) for these values, in chunks."""
    for marks, chunk in in_chunks(list(dict.fromkeys(values))):
        yield from cur.execute(query.format(marks), chunk)
