"""The database-free half of an import: read, parse, date and fingerprint each dump.

It is pure work on one file at a time, kept apart from the writing, so that a large import can
do it in worker processes (`workers.py`) while the importer writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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


@dataclass(frozen=True, slots=True)
class PreparedDump:
    """A dump ready to write: one list per field, entry by entry in file order.

    Lists of plain values rather than an object per entry: they cross from a worker process
    several times faster, and the importer reads them column by column anyway.
    """

    dump: ParsedDump
    resolved_path: str  # the file's absolute path, links resolved: what the library records
    year_source: str
    titles: list[str]
    abstracts: list[str]
    dates: list[str]  # ISO listing dates, with the year inferred or given
    positions: list[int]
    lines: list[int]
    text_hashes: list[str]
    keys: list[tuple[int, ...]]  # duplicate blocking keys (see dedup.blocking_keys)
    bare_titles: list[str]  # the titles as the cheap title check reads them (dedup.bare_title)

    def __len__(self) -> int:
        return len(self.titles)


def text_hash(title: str, abstract: str) -> str:
    """Identity of a record's exact text: the same title and abstract are the same record."""
    return hashlib.blake2b(f"{title}\x00{abstract}".encode(), digest_size=16).hexdigest()


def prepare(path: Path, year: int | None) -> PreparedDump:
    """Everything about one dump that needs no database. Raises `BadDumpError`."""
    parsed = read_dump(path)
    try:
        reference = dt.date.fromtimestamp(parsed.mtime)
    except (OverflowError, OSError, ValueError):
        if year is None:
            raise BadDumpError(
                path, "its modification time is not a usable date: give the year with --year"
            ) from None
        reference = dt.date.today()  # not used: the year is given
    entries = parsed.entries
    dates: dict[tuple[int, int], str] = {}  # a dump lists one or a few dates
    for e in entries:
        if (e.month, e.day) in dates:
            continue
        try:
            when_year = infer_year(e.month, e.day, reference) if year is None else year
            dates[e.month, e.day] = dt.date(when_year, e.month, e.day).isoformat()
        except ValueError:
            when = f"in {year}" if year is not None else f"on or before the file's date {reference}"
            raise BadDumpError(
                path, f"the listing date {e.month}/{e.day} does not exist {when}", e.date_line
            ) from None
    # The entries' text lives on in the lists; the parsed copy of it is not kept twice.
    light = ParsedDump(
        parsed.path, parsed.content_hash, parsed.size, parsed.mtime, parsed.encoding, ()
    )
    return PreparedDump(
        dump=light,
        resolved_path=str(path.resolve()),
        year_source=YEAR_FROM_FILE if year is None else YEAR_OVERRIDE,
        titles=[e.title for e in entries],
        abstracts=[e.abstract for e in entries],
        dates=[dates[e.month, e.day] for e in entries],
        positions=[e.position for e in entries],
        lines=[e.line for e in entries],
        text_hashes=[text_hash(e.title, e.abstract) for e in entries],
        keys=[tuple(dedup.blocking_keys(e.title, e.abstract)) for e in entries],
        bare_titles=[dedup.bare_title(e.title) for e in entries],
    )


def prepare_or_refuse(path: Path, year: int | None) -> PreparedDump | Refusal:
    """`prepare`, with a bad file turned into a `Refusal`."""
    try:
        return prepare(path, year)
    except UserError as exc:
        return Refusal(path, exc.message)
