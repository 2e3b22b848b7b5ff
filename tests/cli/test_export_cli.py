"""Export end to end: the CLI on a library with hostile tags and notes, checked by real tools."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pybtex.database
import pytest

from readinglist import Library
from readinglist.cli.main import main
from readinglist.core import exporting, papers
from readinglist.core.bibtex import decode_bibtex_field, split_bibtex_keywords
from readinglist.core.citekeys import KEY_PATTERN
from readinglist.core.papers import PaperFilter
from readinglist.core.records import Paper
from tests.core.test_import import write_dump
from tests.factories import run_biber_validation, run_bibtex

HOSTILE_TAGS = ["a&b", "50%", "{unbalanced", "}", "#x", "_", "~", "^", "$", "=cmd|' /C calc'!A0",
                "@SUM(1)", "-2+3", "Кириллица 😀"]  # fmt: skip
HOSTILE_NOTES = ["two\nlines\n\nand a paragraph", "\\% {\\it it} $O(n^2)$", "}{ {{{", "+x", "\tx"]


@pytest.fixture
def annotated(sample_library: Library) -> Library:
    ids = sample_library.ids()
    for i, paper_id in enumerate(ids):
        if i % 3 == 0:
            sample_library.tag([paper_id], [HOSTILE_TAGS[i % len(HOSTILE_TAGS)], "vision"])
        if i % 4 == 0:
            sample_library.set_note(paper_id, HOSTILE_NOTES[i % len(HOSTILE_NOTES)])
        if i % 5 == 0:
            sample_library.star([paper_id])
    return sample_library


def test_bibtex_export_of_the_library_passes_bibtex_and_biber(
    annotated: Library, tmp_path: Path
) -> None:
    out = tmp_path / "refs.bib"
    assert main(["--db", str(annotated.path), "export", "--format", "bibtex", "-o", str(out)]) == 0
    code, output, bbl, problems = run_bibtex(out)
    assert code == 0 and problems == [], output
    assert bbl.count("\\bibitem") == 249
    code, output, problems, _ = run_biber_validation(out)
    assert code == 0 and problems == [], output

    # Every entry reads back, and decodes to the library's own text.
    parsed = pybtex.database.parse_file(str(out))
    papers = {p.citation_key: p for p in annotated.list()}
    assert len(parsed.entries) == len(papers) == 249
    for key, entry in parsed.entries.items():
        paper = papers[key]
        assert decode_bibtex_field(entry.fields["title"]) == paper.title
        assert decode_bibtex_field(entry.fields["abstract"]) == paper.abstract
        if paper.tags:
            assert split_bibtex_keywords(entry.fields["keywords"]) == list(paper.tags)
        if paper.note:
            assert decode_bibtex_field(entry.fields["annote"]) == paper.note


def test_citation_keys_are_pinned_and_unique(
    annotated: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(annotated.path)
    assert main(["--db", db, "export", "--format", "csv", "-o", str(tmp_path / "a.csv")]) == 0
    first = {p.id: p.citation_key for p in annotated.list()}
    keys = list(first.values())
    assert all(k and KEY_PATTERN.fullmatch(k) and k.isascii() for k in keys)
    assert len({k.casefold() for k in keys if k}) == len(keys)
    # Import papers whose titles would make the same keys, and more complete copies of old ones.
    old = annotated.list()[:3]
    clash = [(p.title + " (revisited)", p.abstract[::-1]) for p in old]
    annotated.import_paths([write_dump(tmp_path / "later.txt", "Dec 1", clash)])
    assert main(["--db", db, "export", "--format", "bibtex", "-o", str(tmp_path / "b.bib")]) == 0
    after = {p.id: p.citation_key for p in annotated.list()}
    assert {i: after[i] for i in first} == first
    assert len({k.casefold() for k in after.values() if k}) == len(after)
    capsys.readouterr()


def test_a_key_pinned_by_another_export_meanwhile_is_kept(annotated: Library) -> None:
    """An export reads its papers before it takes the write lock to pin their keys: a paper
    another export keyed in between keeps that key, and no key is handed out twice."""
    stale = annotated.list()  # as an export reads them, before anything is keyed
    assert all(p.citation_key is None for p in stale)
    annotated.export("csv", io.StringIO(), where=PaperFilter(ids=(stale[0].id, stale[1].id)))
    pinned = {p.id: p.citation_key for p in annotated.load([stale[0].id, stale[1].id])}
    keyed = annotated._write(lambda cur: exporting.pin_citation_keys(cur, stale))
    given = {paper.id: key for paper, key in keyed}
    assert {i: given[i] for i in pinned} == pinned
    assert len({k.casefold() for k in given.values()}) == len(stale)
    assert {p.id: p.citation_key for p in annotated.list()} == given


def test_an_export_leaves_the_library_free_to_write_while_it_reads(
    annotated: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading 100,000 papers takes seconds: the window must be able to star one meanwhile."""
    load = papers.load
    written = []

    def load_and_write_meanwhile(cur: sqlite3.Cursor, ids: list[int]) -> list[Paper]:
        other = sqlite3.connect(annotated.path, timeout=0)  # no waiting: a held lock fails
        with other:
            other.execute("UPDATE paper SET starred = 1 WHERE id = ?", (ids[0],))
        other.close()
        written.append(ids[0])
        return load(cur, ids)

    monkeypatch.setattr(papers, "load", load_and_write_meanwhile)
    assert annotated.export("csv", io.StringIO()) == len(annotated.ids())
    assert written and annotated.get(written[0]).starred


def test_selections(annotated: Library, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(annotated.path)

    def exported_ids(*args: str) -> list[int]:
        assert main(["--db", db, "export", "--format", "csv", "--no-bom", *args]) == 0
        out = capsys.readouterr().out
        assert not out.startswith("\ufeff")
        return [int(row["id"]) for row in csv.DictReader(out.splitlines())]

    starred = [p.id for p in annotated.list(starred=True)]
    assert exported_ids("--starred") == starred
    assert exported_ids("--tag", "vision") == [p.id for p in annotated.list(tag="vision")]
    some = annotated.ids()[5:8]
    assert exported_ids("--ids", *map(str, some)) == some
    annotated.mark_read(annotated.ids()[:10])
    assert exported_ids("--unread") == annotated.ids()[10:]
    # A hidden record stands for its paper, as it does for star or tag.
    x, y = annotated.ids()[20:22]
    annotated.merge([x, y])
    assert exported_ids("--ids", str(y)) == [x]
    assert exported_ids("--ids", str(x), str(y)) == [x]


def test_csv_file_is_safe_for_spreadsheets(annotated: Library, tmp_path: Path) -> None:
    out = tmp_path / "list.csv"
    assert main(["--db", str(annotated.path), "export", "--format", "csv", "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    assert len(rows) == 249
    for row in rows:
        for column in ("title", "abstract", "tags", "note", "citation_key", "dumps"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), row[column]
    noted = {p.id: p for p in annotated.list() if p.note}
    for row in rows:
        paper = noted.get(int(row["id"]))
        if paper is not None:
            expected = paper.note
            if expected.startswith(("=", "+", "-", "@", "\t", "\r")):
                expected = "'" + expected
            assert row["note"] == expected


def test_ascii_export_is_pure_ascii(annotated: Library, tmp_path: Path) -> None:
    out = tmp_path / "ascii.bib"
    assert (
        main(
            ["--db", str(annotated.path), "export", "--format", "bibtex", "--ascii", "-o", str(out)]
        )
        == 0
    )
    out.read_bytes().decode("ascii")


def test_unwritable_output_is_a_one_line_error(
    annotated: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing-folder" / "x.bib"
    assert (
        main(["--db", str(annotated.path), "export", "--format", "bibtex", "-o", str(target)]) == 1
    )
    err = capsys.readouterr().err
    assert err.startswith(f"error: {target}: cannot write") and err.count("\n") == 1
    # Refused before anything was stored: no citation key was pinned for an export never made.
    assert all(p.citation_key is None for p in annotated.list())


def test_json_keys_after_export(annotated: Library, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(annotated.path)
    assert main(["--db", db, "export", "--format", "bibtex"]) == 0
    bib = capsys.readouterr().out
    assert main(["--db", db, "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert all(f"{{{p['citation_key']}," in bib for p in listed)


def test_an_export_racing_a_merge_elsewhere_never_gives_one_key_twice(
    sample_library: Library, db_path: Path
) -> None:
    lib = sample_library
    p, r = lib.ids()[:2]
    lib.export("csv", io.StringIO(), where=PaperFilter(ids=(p,)))
    assert lib.get(p).citation_key and not lib.get(r).citation_key
    real_write = lib._write
    calls = []

    def write_after_a_merge_elsewhere(op: Any) -> Any:  # the export read, not yet pinned
        if not calls:
            calls.append(1)
            with Library.open(db_path) as other:
                other.merge([r, p])  # another program: r shown, p hidden under it
        return real_write(op)

    lib._write = write_after_a_merge_elsewhere  # type: ignore[method-assign]
    out = io.StringIO()
    lib.export("bibtex", out)
    keys = re.findall(r"^@misc\{([^,]+),", out.getvalue(), re.M)
    dupes = {k for k in keys if keys.count(k) > 1}
    assert not dupes, dupes
