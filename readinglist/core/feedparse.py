"""Reading feed dumps: text saved from a daily paper listing (see FEEDS.md).

A dump is paragraphs separated by blank lines: page chrome, a listing date such as ``Mar 14``, then
title and abstract paragraphs in turn. Real dumps glue several pages together, lack an abstract here
and there, arrive as UTF-8 (with or without BOM), UTF-16 or Latin-1, with CRLF line ends.

Parsing is all-or-nothing: `parse_dump` either returns every entry of the file or raises
`BadDumpError` naming the file (and line where there is one). It never touches the database.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from readinglist.core.errors import BadDumpError

# A real dump is a few hundred kilobytes. The limits below only exist so that something that is not
# a dump (a video, a database, a 24 MB single line) is refused quickly and without reading it whole.
SNIFF_BYTES = 64 * 1024  # the first listing date must appear within this much of the file
MAX_FILE_BYTES = 16 * 1024 * 1024  # fifty times the largest real dump
MAX_PARAGRAPH_CHARS = 100_000  # far above any real title or abstract

_MONTH_NAMES = (  # noqa: SIM905
    "january february march april may june july august september october november december"
).split()
# "Mar", "Mar.", "March" and "Sept" all name a month; nothing else does.
_MONTHS = {name[:3]: i for i, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS |= {name: i for i, name in enumerate(_MONTH_NAMES, 1)} | {"sept": 9}
_DATE_LINE = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})")
# Page chrome that can stand between one page's last paper and the next page's date line.
# The same phrases, and the site's footer, can also follow a file's last paper.
_CHROME = re.compile(
    r"(?i)^(new|subscribe|daily papers|papers|trending|get trending papers.*|by\S* and the research"
    r" community|sign (in|up)|log ?in|search.*|submit.*|system theme|company|tos|privacy|about"
    r"|jobs|website|models|datasets|spaces|pricing|docs|enterprise|hugging ?face|©.*)$"
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")
_SENTENCE_BREAK = re.compile(r"[a-z0-9)\]]{2}\.[\"')\]]?\s+[A-Z(\"']")


@dataclass(frozen=True, slots=True)
class Entry:
    """One paper as listed in a dump."""

    title: str
    abstract: str  # "" when the listing had none
    month: int
    day: int
    line: int  # 1-based line of the title in the file
    position: int  # 1-based position of the entry in the file
    date_line: int  # 1-based line of the listing date it is listed under


@dataclass(frozen=True, slots=True)
class ParsedDump:
    path: Path
    content_hash: str  # sha256 of the file's bytes: the same file is never imported twice
    size: int
    mtime: float
    encoding: str
    entries: tuple[Entry, ...]


def read_dump(path: Path) -> ParsedDump:
    """Read and parse one dump file, or raise `BadDumpError` naming it."""
    try:
        stat = path.stat()
        if not S_ISREG(stat.st_mode):  # a pipe or a device would block or never end
            raise BadDumpError(path, "not a regular file, not a feed dump")
        if stat.st_size > MAX_FILE_BYTES:
            raise BadDumpError(
                path, f"not a feed dump: {stat.st_size // 2**20} MB is far too large"
            )
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
            _sniff(path, head)
            data = head + handle.read()
    except OSError as exc:
        raise BadDumpError(path, f"cannot read: {exc.strerror or exc}") from None
    text, encoding = decode(path, data)
    entries = parse_text(path, text)
    return ParsedDump(
        path=path,
        content_hash=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mtime=stat.st_mtime,
        encoding=encoding,
        entries=tuple(entries),
    )


def _sniff(path: Path, head: bytes) -> None:
    """Refuse obvious non-dumps from the first bytes alone, before reading the rest."""
    if not head:
        raise BadDumpError(path, "empty file, not a feed dump")
    text, _ = decode(path, head, partial=True)
    if not text.strip():
        raise BadDumpError(path, "blank file, not a feed dump")
    lines = text.split("\n")
    if len(head) == SNIFF_BYTES:
        lines = lines[:-1]  # the last line may be cut in the middle
    # An impossible date ("Feb 30") passes here: the parser names it and its line.
    if not any(
        _parse_date_line(line.strip()) or _is_impossible_date_line(line.strip()) for line in lines
    ):
        raise BadDumpError(path, "not a feed dump: no listing date line (such as 'Mar 14') found")


def decode(path: Path, data: bytes, partial: bool = False) -> tuple[str, str]:
    """Decode dump bytes, trying BOMs, then UTF-8, then Windows-1252/Latin-1; lines end in LF."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
        if partial and len(body) % 2:
            body = body[:-1]
    else:
        if b"\x00" in data:
            raise BadDumpError(path, "not a feed dump: binary data")
        encoding, body = "utf-8", data
    try:
        text = codecs.getincrementaldecoder(encoding)(errors="strict").decode(
            body, final=not partial
        )
    except UnicodeDecodeError:
        if encoding == "utf-16":
            raise BadDumpError(path, "damaged UTF-16 text") from None
        mostly_utf8 = _mostly_utf8(body)
        if mostly_utf8 is not None:
            text = mostly_utf8
        else:
            # Old text editors saved Windows-1252; Latin-1 decodes any byte: the last resort.
            try:
                text, encoding = body.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = body.decode("latin-1"), "latin-1"
    if "\x00" in text:
        raise BadDumpError(path, "not a feed dump: binary data")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _mostly_utf8(body: bytes) -> str | None:
    """UTF-8 text with a few stray bytes (each becomes U+FFFD), or None if it is not UTF-8.

    Read as Windows-1252, every typographic quote and dash of such a file would turn into two or
    three wrong characters; but a file really saved as Windows-1252 holds next to no valid UTF-8
    sequences. Ten valid characters beyond ASCII for each stray byte tell the two apart.
    """
    text = body.decode("utf-8", errors="replace")
    stray = text.count("\ufffd") - body.count("\ufffd".encode())
    valid = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    return text if valid >= 10 * stray else None


def _parse_date_line(line: str) -> tuple[int, int] | None:
    """(month, day) if the line is a listing date such as 'Mar 14' or 'March 14'."""
    if len(line) > 16:
        return None
    match = _DATE_LINE.fullmatch(line)
    if not match:
        return None
    month = _MONTHS.get(match.group(1).lower())
    if month is None:
        return None
    day = int(match.group(2))
    if not 1 <= day <= _days_in_month(month):
        return None
    return month, day


def _is_impossible_date_line(line: str) -> bool:
    """A listing date line naming a day its month does not have ("Feb 30", "Apr 31")."""
    match = _DATE_LINE.fullmatch(line) if len(line) <= 16 else None
    return match is not None and match.group(1).lower() in _MONTHS and not _parse_date_line(line)


def _days_in_month(month: int) -> int:
    return (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]


def looks_like_title(paragraph: str) -> bool:
    """Tell a title from an abstract: titles are short and are not made of sentences.

    A title may hold a question ("Does your data spark joy? Performance gains from ...") and may
    gain a trailing period, but never a period followed by another sentence.
    """
    if len(paragraph) >= 250 or paragraph.count(" ") >= 30 or "\n" in paragraph:
        return False
    if "://" in paragraph:  # an abstract that is only a link ("Project page: https://...")
        return False
    return _SENTENCE_BREAK.search(paragraph) is None


@dataclass(slots=True)
class _Paragraph:
    text: str
    line: int


def _paragraphs(text: str) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    line = 1
    pos = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        _add_paragraph(paragraphs, text, pos, match.start(), line)
        line += text.count("\n", pos, match.end())
        pos = match.end()
    _add_paragraph(paragraphs, text, pos, len(text), line)
    return paragraphs


def _add_paragraph(out: list[_Paragraph], text: str, start: int, end: int, line: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        leading = chunk[: len(chunk) - len(chunk.lstrip())]
        out.append(_Paragraph(stripped, line + leading.count("\n")))


def clean_title(title: str) -> str:
    """Titles are one line: fold runs of white space (line breaks, no-break spaces) to a space."""
    return " ".join(title.split())


def parse_text(path: Path, text: str) -> list[Entry]:
    """Split decoded dump text into entries. Raises `BadDumpError` if it is not a dump."""
    paragraphs = _paragraphs(text)
    pages: list[tuple[tuple[int, int], int, list[_Paragraph]]] = []  # (date, its line, page)
    current: list[_Paragraph] | None = None
    for paragraph in paragraphs:
        if len(paragraph.text) > MAX_PARAGRAPH_CHARS:
            raise BadDumpError(
                path,
                f"not a feed dump: a paragraph of {len(paragraph.text):,} characters",
                paragraph.line,
            )
        date = _parse_date_line(paragraph.text) if "\n" not in paragraph.text else None
        if date is None and "\n" not in paragraph.text and _is_impossible_date_line(paragraph.text):
            raise BadDumpError(path, f"'{paragraph.text}' is not a date", paragraph.line)
        if date is not None:
            if current is not None:
                _drop_trailing_chrome(current)
            current = []
            pages.append((date, paragraph.line, current))
        elif current is not None:
            current.append(paragraph)
        # Paragraphs before the first date line are page chrome.
    if not pages:
        raise BadDumpError(path, "not a feed dump: no listing date line (such as 'Mar 14') found")
    if current is not None:
        _drop_trailing_chrome(current, last_page=True)

    entries: list[Entry] = []
    for (month, day), date_line, page in pages:
        # Titles and abstracts alternate; where a title is followed by another title, the first
        # one had no abstract.
        title: _Paragraph | None = None
        for paragraph in page:
            if looks_like_title(paragraph.text):
                if title is not None:
                    entries.append(_entry(title, "", month, day, date_line, len(entries) + 1))
                title = paragraph
            elif title is not None:
                entries.append(
                    _entry(title, paragraph.text, month, day, date_line, len(entries) + 1)
                )
                title = None
            elif (
                entries
                and entries[-1].abstract
                and (entries[-1].month, entries[-1].day)
                == (
                    month,
                    day,
                )
            ):
                # An abstract saved as several paragraphs: keep the rest with the first part.
                last = entries[-1]
                entries[-1] = _entry_like(last, last.abstract + "\n\n" + paragraph.text)
            else:
                raise BadDumpError(path, "an abstract without a title before it", paragraph.line)
        if title is not None:
            entries.append(_entry(title, "", month, day, date_line, len(entries) + 1))
    if not entries:
        raise BadDumpError(path, "a feed dump with no papers in it")
    return entries


def _entry(
    title: _Paragraph, abstract: str, month: int, day: int, date_line: int, position: int
) -> Entry:
    return Entry(clean_title(title.text), abstract, month, day, title.line, position, date_line)


def _entry_like(entry: Entry, abstract: str) -> Entry:
    return Entry(
        entry.title, abstract, entry.month, entry.day, entry.line, entry.position, entry.date_line
    )


def _drop_trailing_chrome(page: list[_Paragraph], last_page: bool = False) -> None:
    """Remove the chrome that precedes the next page's date (or ends the file) from this page.

    Chrome is the run of short paragraphs after the last abstract, from the first one that is
    recognisably chrome. Before another page's date that is a known phrase or one or two words:
    chrome is certain to stand there. At the end of the file it must be a known phrase (a save
    that caught the page's footer), since a last paper listed without its abstract ends a file
    too, and its title may be short. A title without an abstract before the chrome is kept.
    """
    tail_start = len(page)
    while tail_start > 0 and looks_like_title(page[tail_start - 1].text):
        tail_start -= 1
    for i in range(tail_start, len(page)):
        text = page[i].text
        if _CHROME.match(text) or (not last_page and len(text.split()) <= 2):
            del page[i:]
            return


def infer_year(month: int, day: int, reference: dt.date) -> int:
    """The year of the latest (month, day) not after `reference` (the file's modification date)."""
    # A 29 February is at most eight years back; the year 1 has no year before it.
    for year in range(reference.year, max(reference.year - 9, 0), -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:  # 29 February in a year that has none
            continue
        if candidate <= reference:
            return year
    raise ValueError(f"no {month}/{day} on or before {reference}")
