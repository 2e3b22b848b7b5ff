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

Reading and parsing (`prepare.py`) needs no database and happens before a dump's transaction.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from readinglist.core import duplicates
from readinglist.core.clock import now_iso
from readinglist.core.database import Database, in_chunks, raw_cursor
from readinglist.core.prepare import PreparedDump, Refusal, prepared_dumps

# Consecutive dumps written in one transaction, up to about this many entries: few commits for a
# bulk import, while no transaction holds the write lock long enough for the window to notice.
ENTRIES_PER_TRANSACTION = 2000

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
        }


def collect_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[Refusal]]:
    """Expand folders (recursively, skipping hidden entries) into files, in a stable order."""
    files: list[Path] = []
    missing: list[Refusal] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for root, dirs, names in os.walk(path):
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
    files, missing = collect_files(paths)
    summary = ImportSummary(refusals=list(missing), files_refused=len(missing))
    with db.write() as conn:
        summary.batch_id = int(
            conn.exec_driver_sql(
                "INSERT INTO import_batch (started_at) VALUES (?) RETURNING id", (now_iso(),)
            ).scalar_one()
        )
    batch: list[PreparedDump] = []
    common_keys: set[int] = set()  # blocking keys too common to use, learnt file by file
    for done, (path, prepared) in enumerate(prepared_dumps(files, year)):
        if cancel is not None and cancel():
            summary.cancelled = True
            break
        if progress is not None:
            progress(done, len(files), path)
        if isinstance(prepared, Refusal):
            summary.files_refused += 1
            summary.refusals.append(prepared)
            continue
        batch.append(prepared)
        if sum(len(p.entries) for p in batch) >= ENTRIES_PER_TRANSACTION:
            _write_batch(db, batch, summary, common_keys)
            batch = []
    _write_batch(db, batch, summary, common_keys)
    if progress is not None:
        progress(len(files), len(files), None)
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
    db: Database, batch: Sequence[PreparedDump], summary: ImportSummary, common_keys: set[int]
) -> None:
    """Write consecutive dumps in one transaction; count them once it has committed."""
    if not batch:
        return
    with db.write() as conn:
        cur = raw_cursor(conn)
        results = [_import_dump(cur, p, summary.batch_id, common_keys) for p in batch]
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


def _import_dump(
    cur: sqlite3.Cursor, prepared: PreparedDump, batch_id: int | None, common_keys: set[int]
) -> _DumpResult:
    """Write one prepared dump inside the caller's transaction."""
    dump = prepared.dump
    result = _DumpResult(dump.path)
    if cur.execute("SELECT 1 FROM dump WHERE content_hash = ?", (dump.content_hash,)).fetchone():
        result.already_imported = True
        return result
    now = now_iso()
    cur.execute(
        "INSERT INTO dump (batch_id, file_name, path, content_hash, size, mtime, encoding,"
        " entry_count, imported_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (batch_id, dump.path.name, str(dump.path.resolve()), dump.content_hash, dump.size,
         dump.mtime, dump.encoding, len(prepared.entries), now),
    )  # fmt: skip
    dump_id = cur.lastrowid

    # New records get their ids up front (we hold the write lock) and go in with one statement;
    # duplicate decisions then only update them.
    known = _existing_records(cur, [e.text_hash for e in prepared.entries])
    next_id = int(cur.execute("SELECT coalesce(max(id), 0) + 1 FROM paper").fetchone()[0])
    new_rows = []
    fresh = []
    for entry in prepared.entries:
        if entry.text_hash not in known:
            known[entry.text_hash] = next_id
            new_rows.append((next_id, entry.title, entry.abstract, entry.text_hash, now, now))
            fresh.append((next_id, entry))
            next_id += 1
    cur.executemany(
        "INSERT INTO paper (id, title, abstract, text_hash, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?)",
        new_rows,
    )
    matcher = duplicates.Matcher(cur, common_keys)
    matcher.prefetch(k for _, e in fresh for k in e.keys)
    for paper_id, entry in fresh:
        found = matcher.find(entry.title, entry.abstract, entry.keys)
        if found is None:
            result.new += 1
            group = paper_id
        else:
            result.hidden += 1
            group = duplicates.attach(cur, paper_id, found, entry.title, entry.abstract)
            if group != found.record.group:
                matcher.regroup(found.record.group, group)
        matcher.add(paper_id, entry.title, entry.abstract, entry.keys, group)
    matcher.flush()
    cur.executemany(
        "INSERT INTO sighting (paper_id, dump_id, listing_date, year_source, position, line)"
        " VALUES (?,?,?,?,?,?)",
        [(known[e.text_hash], dump_id, e.date, prepared.year_source, e.position, e.line)
         for e in prepared.entries],
    )  # fmt: skip
    result.entries = len(prepared.entries)
    result.known = result.entries - len(fresh)
    return result


def _existing_records(cur: sqlite3.Cursor, hashes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for marks, chunk in in_chunks(list(dict.fromkeys(hashes))):
        found.update(
            cur.execute(f"SELECT text_hash, id FROM paper WHERE text_hash IN ({marks})", chunk)
        )
    return found
