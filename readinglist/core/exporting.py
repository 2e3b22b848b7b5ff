"""Exporting papers to BibTeX or CSV, with citation keys pinned at first export.

A paper's citation key is made the first time it is exported and stored; it never changes
afterwards, whatever is imported later. The key belongs to the paper's whole duplicate group: if a
more complete record later becomes the one shown, the key already given to the group is kept.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from readinglist.core import bibtex, csvexport
from readinglist.core.citekeys import make_citation_key
from readinglist.core.errors import UserError
from readinglist.core.records import Paper

FORMATS = ("bibtex", "csv")


def pin_citation_keys(cur: sqlite3.Cursor, papers: Sequence[Paper]) -> list[tuple[Paper, str]]:
    """Give every paper its key, making and storing one for papers that have none yet.

    Call it in a write transaction; the papers may have been loaded before it began (an export
    reads without holding the write lock). So the keys are read again here: every key taken,
    and a key another export gave one of these papers meanwhile, which is then its key.
    """
    taken: set[str] = set()
    pinned: dict[int, str] = {}  # paper -> its key: its own, else its first hidden record's
    for record, under, key in cur.execute(
        "SELECT id, duplicate_of, citation_key FROM paper WHERE citation_key IS NOT NULL"
        " ORDER BY duplicate_of IS NOT NULL, id"
    ):
        taken.add(key.casefold())
        pinned.setdefault(under or record, key)
    keyed: list[tuple[Paper, str]] = []
    new_keys: list[tuple[str, int]] = []
    for paper in papers:
        key = paper.citation_key or pinned.get(paper.id)
        if key is None:
            first = paper.first_date
            year = first.year if first else paper.created_at.year
            key = make_citation_key(paper.title, year, lambda k: k.casefold() in taken)
            taken.add(key.casefold())
            new_keys.append((key, paper.id))
        keyed.append((paper, key))
    if len({key.casefold() for _, key in keyed}) < len(keyed):
        # Two of these papers answer to one key: they were read before a merge elsewhere made
        # them one paper. Read too early to export: the caller reads them again, under the lock.
        raise StalePapersError
    cur.executemany("UPDATE paper SET citation_key = ? WHERE id = ?", new_keys)
    return keyed


class StalePapersError(Exception):
    """The papers given to `pin_citation_keys` no longer match the library."""


def write(fmt: str, keyed: Sequence[tuple[Paper, str]], out: TextIO, *, ascii_only: bool,
          bom: bool) -> int:  # fmt: skip
    if fmt == "bibtex":
        return bibtex.write_bibtex(keyed, out, ascii_only=ascii_only)
    if fmt == "csv":
        return csvexport.write_csv(keyed, out, bom=bom)
    raise UserError(f"unknown export format {fmt!r} (choose {' or '.join(FORMATS)})")


def output_file(output: Path) -> Path:
    """The file an export to `output` writes (a link's target), or a `UserError` saying why it
    cannot be written: checked before anything is stored (citation keys are pinned at export)."""
    target = output.resolve() if output.is_symlink() else output
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UserError(f"{output}: cannot write: it is a folder")
    if target.exists() and not target.is_file():
        raise UserError(f"{output}: cannot write: not a regular file")
    if target.exists() and not os.access(target, os.W_OK):
        raise UserError(f"{output}: cannot write: it is read-only")
    if not folder.is_dir():
        raise UserError(f"{output}: cannot write: no such folder {folder}")
    if not os.access(folder, os.W_OK):
        raise UserError(f"{output}: cannot write: no permission in {folder}")
    return target


def _new_file_mode(target: Path) -> int:
    """The mode the file would have if written in place: its own, else what the umask allows."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        pass
    try:  # Linux tells a process its umask without changing it (os.umask would, for all threads)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o644


def write_output(fmt: str, keyed: Sequence[tuple[Paper, str]], output: Path | TextIO | None, *,
                 ascii_only: bool, bom: bool) -> int:  # fmt: skip
    """Write to a stream, or to a file atomically: a failed export never leaves half a file."""
    if output is None:
        output = sys.stdout
    if not isinstance(output, Path):
        return write(fmt, keyed, output, ascii_only=ascii_only, bom=bom)
    shown, output = output, output_file(output)
    folder = output.parent if str(output.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
        os.chmod(temp, _new_file_mode(output))
    except OSError as exc:
        raise UserError(f"{shown}: cannot write: {exc.strerror}") from None
    try:
        encoding = "ascii" if ascii_only and fmt == "bibtex" else "utf-8"
        with os.fdopen(handle, "w", encoding=encoding, newline="") as out:
            count = write(fmt, keyed, out, ascii_only=ascii_only, bom=bom)
        os.replace(temp, output)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise UserError(f"{shown}: cannot write: {exc.strerror}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return count
