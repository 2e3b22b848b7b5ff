"""CSV export: RFC 4180 rows that csv.reader reads back, a BOM, no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.core.csvexport import COLUMNS, FORMULA_TRIGGERS, neutralise, write_csv
from readinglist.core.feedparse import read_dump
from readinglist.core.records import Paper
from tests import factories

DANGEROUS = ("=cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "+x", "\tstarts with a tab", "\r=1+1")
HOSTILE = (
    *DANGEROUS, "a&b", "50%", "{unbalanced", "}", "\\", "#x", "_", "~", "^", "$", "emoji 😀🧪",
    "Кириллица", "no\u00a0break", 'say "hi",\nnext line', "a; b", "'quoted already", " =spaced",
)  # fmt: skip
TEXT_COLUMNS = ("citation_key", "title", "abstract", "tags", "note", "dumps")


def make_paper(
    pid: int, title: str, abstract: str, tags: tuple[str, ...], note: str, files: list[str]
) -> Paper:
    return factories.make_paper(
        pid, title, abstract, tags=tags, note=note,
        listed=[(f, dt.date(2024, 3, 14) + dt.timedelta(days=i)) for i, f in enumerate(files)],
    )  # fmt: skip


def library_papers(sample_files: list[Path]) -> list[tuple[Paper, str]]:
    """The 288 sample entries with hostile tags, notes and file names, then hostile titles."""
    items: list[tuple[Paper, str]] = []
    n = len(HOSTILE)
    for path in sample_files:
        for e in read_dump(path).entries:
            i = len(items)
            tags = tuple(dict.fromkeys((HOSTILE[i % n], HOSTILE[(i * 7 + 3) % n])))
            files = [path.name] + ([HOSTILE[i % n]] if i % 3 == 0 else [])
            paper = make_paper(i + 1, e.title, e.abstract, tags, HOSTILE[(i + 5) % n], files)
            items.append((paper, f"key{i}"))
    assert len(items) == 288
    for j, h in enumerate(HOSTILE):
        paper = make_paper(1000 + j, h, h + " abstract", (h,), h, [] if j % 2 else [h])
        items.append((paper, h if j < len(DANGEROUS) else f"k{j}"))
    return items


def expected_row(paper: Paper, key: str) -> list[str]:
    """The row as written, before neutralisation."""
    dates = [s.date for s in paper.sightings]
    return [
        str(paper.id), key, paper.title, paper.abstract, str(int(paper.starred)),
        str(int(paper.read)), "; ".join(paper.tags), paper.note,
        min(dates).isoformat() if dates else "", max(dates).isoformat() if dates else "",
        "; ".join(dict.fromkeys(s.file for s in paper.sightings)),
    ]  # fmt: skip


def export(path: Path, items: list[tuple[Paper, str]], bom: bool = True) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        assert write_csv(items, out, bom=bom) == len(items)


def read_back(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_every_paper_reads_back_with_only_the_injection_prefix_added(
    tmp_path: Path, sample_files: list[Path]
) -> None:
    items = library_papers(sample_files)
    path = tmp_path / "papers.csv"
    export(path, items)
    rows = read_back(path)
    assert rows[0] == list(COLUMNS)
    assert len(rows) == len(items) + 1
    text_index = [COLUMNS.index(c) for c in TEXT_COLUMNS]
    for (paper, key), row in zip(items, rows[1:], strict=True):
        want = expected_row(paper, key)
        for i in text_index:
            want[i] = "'" + want[i] if want[i].startswith(FORMULA_TRIGGERS) else want[i]
        assert row == want
        assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in row)


def test_every_dangerous_first_character_is_neutralised_in_every_text_column(
    tmp_path: Path,
) -> None:
    items = [
        (make_paper(i, d, d, (d, "safe"), d, [d]), d)
        for i, d in enumerate(["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", '=HYPERLINK("x")'])
    ]
    path = tmp_path / "danger.csv"
    export(path, items)
    for (paper, _), row in zip(items, read_back(path)[1:], strict=True):
        cells = dict(zip(COLUMNS, row, strict=True))
        for column in TEXT_COLUMNS:
            assert cells[column][0] == "'", (column, cells[column])
            assert cells[column][1:].startswith(paper.title)
        assert cells["id"] == str(paper.id)  # numbers are left alone


def test_safe_cells_are_left_alone() -> None:
    for cell in ("", "plain", " =x", "'=x", "1-2", "a=b", "\n=x", "＝1"):
        assert neutralise(cell) == cell


def test_bom_by_default_and_not_on_request(tmp_path: Path) -> None:
    items = [(make_paper(1, "T", "A", (), "", []), "t2024")]
    export(tmp_path / "bom.csv", items)
    export(tmp_path / "nobom.csv", items, bom=False)
    with_bom = (tmp_path / "bom.csv").read_bytes()
    without = (tmp_path / "nobom.csv").read_bytes()
    assert with_bom.startswith(b"\xef\xbb\xbfid,citation_key,")
    assert without.startswith(b"id,citation_key,")
    assert with_bom[3:] == without
    assert without == b"id,citation_key,title,abstract,starred,read,tags,note,first_date," \
        b"last_date,dumps\r\n1,t2024,T,A,0,0,,,,,\r\n"  # fmt: skip


def test_cells_with_line_breaks_quotes_and_separators_survive(tmp_path: Path) -> None:
    note = 'He said "stop",\nthen\r\nleft; a,b\rend'
    items = [
        (make_paper(2, 'A "quoted" title, with comma', "line1\nline2", ("x,y",), note, []), "k")
    ]
    path = tmp_path / "quotes.csv"
    export(path, items)
    raw = path.read_bytes().decode("utf-8-sig")
    assert '"A ""quoted"" title, with comma"' in raw  # RFC 4180 quoting
    assert raw.endswith("\r\n")
    (row,) = read_back(path)[1:]
    assert row[COLUMNS.index("title")] == 'A "quoted" title, with comma'
    assert row[COLUMNS.index("abstract")] == "line1\nline2"
    assert row[COLUMNS.index("note")] == note
    assert row[COLUMNS.index("tags")] == "x,y"


def test_booleans_dates_and_lists() -> None:
    paper = make_paper(3, "T", "", ("a", "b"), "", ["f1.txt", "f2.txt", "f1.txt"])
    out = io.StringIO(newline="")
    write_csv([(paper, "k")], out, bom=False)
    row = next(iter(csv.DictReader(io.StringIO(out.getvalue(), newline=""))))
    assert row["starred"] == "1" and row["read"] == "0"
    assert (row["first_date"], row["last_date"]) == ("2024-03-14", "2024-03-16")
    assert row["tags"] == "a; b"
    assert row["dumps"] == "f1.txt; f2.txt"


# The library's text never holds NUL or lone surrogates; anything else goes.
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))


@settings(max_examples=300)
@given(
    title=TEXT,
    abstract=TEXT,
    note=TEXT,
    key=TEXT,
    tags=st.lists(TEXT, max_size=3),
    bom=st.booleans(),
)
def test_any_text_round_trips_with_only_the_injection_prefix_added(
    title: str, abstract: str, note: str, key: str, tags: list[str], bom: bool
) -> None:
    paper = make_paper(7, title, abstract, tuple(tags), note, ["d.txt"])
    buffer = io.BytesIO()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    write_csv([(paper, key)], out, bom=bom)
    out.flush()
    data = buffer.getvalue()
    assert data.startswith(b"\xef\xbb\xbf") == bom
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 2
    want = expected_row(paper, key)
    for i, cell in enumerate(rows[1]):
        if COLUMNS[i] in TEXT_COLUMNS and want[i].startswith(FORMULA_TRIGGERS):
            assert cell == "'" + want[i]
        else:
            assert cell == want[i]


@pytest.mark.parametrize("char", FORMULA_TRIGGERS)
def test_the_triggers_are_those_of_owasp(char: str) -> None:
    assert neutralise(char + "x") == "'" + char + "x"
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}
