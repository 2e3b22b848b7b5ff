"""The database-free half of an import: read, parse, date and fingerprint each dump.

It is pure work on one file at a time, kept apart from the writing so that it can be tested, and
timed, on its own (and later moved to a worker process: it imports nothing heavy).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from readinglist.core import dedup
from readinglist.core.errors import BadDumpError, UserError
from readinglist.core.feedparse import ParsedDump, infer_year, read_dump

YEAR_FROM_FILE = "file-date"
YEAR_OVERRIDE = "override"


@dataclass(frozen=True)
class Refusal:
    path: Path
    message: str  # one line, names the file


@dataclass(frozen=True)
class PreparedEntry:
    title: str
    abstract: str
    date: str  # ISO listing date, with the year inferred or given
    position: int
    line: int
    text_hash: str
    keys: tuple[int, ...]  # duplicate blocking keys (see dedup.blocking_keys)
    bare_title: str  # the title as the cheap title check reads it (see dedup.bare_title)


@dataclass(frozen=True)
class PreparedDump:
    dump: ParsedDump
    year_source: str
    entries: tuple[PreparedEntry, ...]


def text_hash(title: str, abstract: str) -> str:
    """Identity of a record's exact text: the same title and abstract are the same record."""
    return hashlib.blake2b(f"{title}\x00{abstract}".encode(), digest_size=16).hexdigest()


def prepare(path: Path, year: int | None) -> PreparedDump:
    """Everything about one dump that needs no database. Raises `BadDumpError`."""
    parsed = read_dump(path)
    reference = dt.date.fromtimestamp(parsed.mtime)
    entries = []
    for e in parsed.entries:
        try:
            when = dt.date(
                infer_year(e.month, e.day, reference) if year is None else year, e.month, e.day
            )
        except ValueError:
            raise BadDumpError(
                path, f"the listing date {e.month}/{e.day} does not exist in {year}", e.line
            ) from None
        keys = tuple(dedup.blocking_keys(e.title, e.abstract))
        digest = text_hash(e.title, e.abstract)
        bare = dedup.bare_title(e.title)
        date = when.isoformat()
        entries.append(
            PreparedEntry(e.title, e.abstract, date, e.position, e.line, digest, keys, bare)
        )
    # The entries hold the text now; the parsed copy of it is not kept twice.
    light = ParsedDump(
        parsed.path, parsed.content_hash, parsed.size, parsed.mtime, parsed.encoding, ()
    )
    return PreparedDump(light, YEAR_FROM_FILE if year is None else YEAR_OVERRIDE, tuple(entries))


def prepare_or_refuse(path: Path, year: int | None) -> PreparedDump | Refusal:
    """`prepare`, with a bad file turned into a `Refusal`."""
    try:
        return prepare(path, year)
    except UserError as exc:
        return Refusal(path, exc.message)


def prepared_dumps(
    files: Sequence[Path], year: int | None
) -> Iterator[tuple[Path, PreparedDump | Refusal]]:
    """Prepare files in order, one at a time (so memory stays bounded at any library size)."""
    for path in files:
        yield path, prepare_or_refuse(path, year)
