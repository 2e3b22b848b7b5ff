"""Importing feed dumps: each file in one transaction, all or nothing.

A file's bytes are hashed first; a file already imported is skipped and reported. Each entry is
then one of three things:
- known: its exact text is already a record in the library (a new sighting is added);
- new: a paper the library did not have (a new visible record);
- a duplicate: new text of a paper the library has (a new record, hidden under that paper).

Killing the process at any moment leaves every file either fully imported or not at all: the file's
rows are written in one transaction, and SQLite's WAL journal rolls back an unfinished one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from readinglist.core import dedup, duplicates
from readinglist.core.clock import now_iso
from readinglist.core.database import Database
from readinglist.core.errors import BadDumpError, UserError
from readinglist.core.feedparse import Entry, ParsedDump, infer_year, read_dump

YEAR_FROM_FILE = "file-date"
YEAR_OVERRIDE = "override"

# progress(files_done, files_total, current_file); returning nothing. cancel() -> True stops the
# run between files (the file being imported is finished or rolled back, never half written).
ProgressCallback = Callable[[int, int, Path | None], None]
CancelCheck = Callable[[], bool]


@dataclass
class Refusal:
    path: Path
    message: str  # one line, names the file


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
    for done, path in enumerate(files):
        if cancel is not None and cancel():
            summary.cancelled = True
            break
        if progress is not None:
            progress(done, len(files), path)
        try:
            parsed = read_dump(path)
            with db.write() as conn:
                raw = conn.connection.driver_connection
                assert isinstance(raw, sqlite3.Connection)
                _import_dump(raw, parsed, year, summary)
        except UserError as exc:
            summary.files_refused += 1
            summary.refusals.append(Refusal(path, exc.message))
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


def text_hash(title: str, abstract: str) -> str:
    """Identity of a record's exact text: the same title and abstract are the same record."""
    return hashlib.blake2b(f"{title}\x00{abstract}".encode(), digest_size=16).hexdigest()


def _listing_dates(parsed: ParsedDump, year: int | None) -> Iterator[tuple[Entry, str, str]]:
    reference = dt.date.fromtimestamp(parsed.mtime)
    for entry in parsed.entries:
        if year is None:
            when = dt.date(infer_year(entry.month, entry.day, reference), entry.month, entry.day)
            yield entry, when.isoformat(), YEAR_FROM_FILE
            continue
        try:
            when = dt.date(year, entry.month, entry.day)
        except ValueError:
            raise BadDumpError(
                parsed.path, f"the listing date {entry.month}/{entry.day} does not exist in {year}"
            ) from None
        yield entry, when.isoformat(), YEAR_OVERRIDE


def _import_dump(
    raw: sqlite3.Connection, parsed: ParsedDump, year: int | None, summary: ImportSummary
) -> None:
    """Write one parsed dump inside the caller's transaction."""
    cur = raw.cursor()
    if cur.execute("SELECT 1 FROM dump WHERE content_hash = ?", (parsed.content_hash,)).fetchone():
        summary.files_already_imported += 1
        summary.already_imported.append(parsed.path)
        return
    dated = list(_listing_dates(parsed, year))
    now = now_iso()
    cur.execute(
        "INSERT INTO dump (batch_id, file_name, path, content_hash, size, mtime, encoding,"
        " entry_count, imported_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (summary.batch_id, parsed.path.name, str(parsed.path.resolve()), parsed.content_hash,
         parsed.size, parsed.mtime, parsed.encoding, len(parsed.entries), now),
    )  # fmt: skip
    dump_id = cur.lastrowid

    hashes = [text_hash(e.title, e.abstract) for e, _, _ in dated]
    known = _existing_records(cur, hashes)
    keys = {
        digest: dedup.blocking_keys(entry.title, entry.abstract)
        for (entry, _, _), digest in zip(dated, hashes, strict=True)
        if digest not in known
    }
    matcher = duplicates.Matcher(cur)
    matcher.prefetch(k for ks in keys.values() for k in ks)
    sightings = []
    new = known_count = hidden = 0
    for (entry, date, source), digest in zip(dated, hashes, strict=True):
        paper_id = known.get(digest)
        if paper_id is not None:
            known_count += 1
        else:
            found = matcher.find(entry.title, entry.abstract, keys[digest])
            cur.execute(
                "INSERT INTO paper (title, abstract, text_hash, created_at, updated_at)"
                " VALUES (?,?,?,?,?)",
                (entry.title, entry.abstract, digest, now, now),
            )
            paper_id = int(cur.lastrowid or 0)
            known[digest] = paper_id
            if found is None:
                new += 1
                group = paper_id
            else:
                hidden += 1
                group = duplicates.attach(cur, paper_id, found, entry.title, entry.abstract)
                if group != found.record.group:
                    matcher.regroup(found.record.group, group)
            matcher.add(paper_id, entry.title, entry.abstract, keys[digest], group)
        sightings.append((paper_id, dump_id, date, source, entry.position, entry.line))
    cur.executemany(
        "INSERT INTO sighting (paper_id, dump_id, listing_date, year_source, position, line)"
        " VALUES (?,?,?,?,?,?)",
        sightings,
    )
    matcher.flush()
    summary.files_read += 1
    summary.entries += len(dated)
    summary.papers_new += new
    summary.papers_known += known_count
    summary.duplicates_hidden += hidden


def _existing_records(cur: sqlite3.Cursor, hashes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(hashes))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            cur.execute(f"SELECT text_hash, id FROM paper WHERE text_hash IN ({marks})", chunk)
        )
    return found
