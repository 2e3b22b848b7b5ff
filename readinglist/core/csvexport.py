"""CSV export for spreadsheets: RFC 4180, one row per paper, UTF-8 with a byte-order mark.

The caller opens `out` as text in UTF-8 with ``newline=""`` (so that the "\\r\\n" row ends and
the line breaks inside quoted cells reach the file unchanged). The BOM is written as the first
character, U+FEFF, so that spreadsheet programs detect UTF-8; read the file back with
``encoding="utf-8-sig"``.

Columns: see `COLUMNS`. ``starred`` and ``read`` are 1 or 0; ``tags`` and ``dumps`` are joined with
"; " (for reading, not for splitting again: a tag may itself hold "; "); dates are ISO 8601 and
empty for a paper never listed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from readinglist.core.records import Paper

COLUMNS = (
    "id", "citation_key", "title", "abstract", "starred", "read", "tags", "note",
    "first_date", "last_date", "dumps",
)  # fmt: skip
LIST_SEPARATOR = "; "

# CSV injection (OWASP, "CSV Injection"): a spreadsheet runs a cell that begins with = + - or @
# as a formula (DDE payloads such as =cmd|' /C calc'!A0), and a leading tab or carriage return
# can hide such a character. Every text cell that begins with one of these gets a single quote
# put in front of it, which spreadsheets show as text; nothing else in the cell changes.
# Numbers and dates we write ourselves (id, starred, read, dates) cannot begin with one.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet should show it: with "'" in front if it could start a formula."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def paper_row(paper: Paper, citation_key: str) -> list[str]:
    """The cells of one paper, in the order of `COLUMNS`."""
    first, last = paper.first_date, paper.last_date
    return [
        str(paper.id),
        neutralise(citation_key),
        neutralise(paper.title),
        neutralise(paper.abstract),
        "1" if paper.starred else "0",
        "1" if paper.read else "0",
        neutralise(LIST_SEPARATOR.join(paper.tags)),
        neutralise(paper.note),
        first.isoformat() if first else "",
        last.isoformat() if last else "",
        neutralise(LIST_SEPARATOR.join(paper.files)),
    ]


def write_csv(papers: Iterable[tuple[Paper, str]], out: TextIO, *, bom: bool = True) -> int:
    """Write a header row and one row per (paper, citation key); return the number of papers."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, dialect="excel", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for paper, key in papers:
        writer.writerow(paper_row(paper, key))
        count += 1
    return count
