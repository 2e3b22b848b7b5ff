"""Importing dumps into a real library file: counts, re-imports, bad files, years, duplicates."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.core import importer
from tests.conftest import SAMPLE_ENTRIES, SAMPLE_PAPERS, make_dumps

ABSTRACT = (
    "We study how models scale with data. Our results show a power law in the number of "
    "parameters, and we release code and checkpoints for every model we trained on the web."
)


def table_counts(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as con:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in (
                "paper",
                "sighting",
                "dump",
                "tag",
                "paper_tag",
                "dedup_key",
                "paper_fts",
                "import_batch",
            )
        }


def write_dump(
    path: Path, date: str, entries: list[tuple[str, str]], mtime: float | None = None
) -> Path:
    body = "".join(f"{t}\n\n{a}\n\n" if a else f"{t}\n\n" for t, a in entries)
    path.write_text(f"new\n\nSubscribe\n\n{date}\n\n{body}", encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def test_sample_dumps_give_249_papers_and_288_sightings(
    library: Library, sample_copy: Path
) -> None:
    summary = library.import_paths([sample_copy])
    assert (summary.files_read, summary.papers_new, summary.papers_known) == (4, SAMPLE_PAPERS, 39)
    assert (summary.duplicates_hidden, summary.files_refused, summary.entries) == (
        0,
        0,
        SAMPLE_ENTRIES,
    )
    papers = library.list()
    assert len(papers) == SAMPLE_PAPERS
    assert sum(len(p.sightings) for p in papers) == SAMPLE_ENTRIES
    # "Second look" titles are two different papers: both stay visible.
    second_look = [p for p in papers if "second look" in p.title.lower()]
    assert len(second_look) == 2


def test_reimport_changes_nothing_and_says_so(sample_library: Library, sample_copy: Path) -> None:
    before = table_counts(sample_library.path)
    summary = sample_library.import_paths([sample_copy])
    assert summary.files_already_imported == 4
    assert summary.files_read == summary.papers_new == summary.papers_known == 0
    assert table_counts(sample_library.path) == before
    # The same bytes under another name are the same dump.
    renamed = sample_copy / "renamed.txt"
    shutil.copy(next(sample_copy.glob("000_*.txt")), renamed)
    assert sample_library.import_paths([renamed]).files_already_imported == 1
    assert table_counts(sample_library.path) == before


def test_bad_files_are_refused_and_good_ones_imported(
    library: Library, tmp_path: Path, sample_files: list[Path]
) -> None:
    bad = tmp_path / "photo.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    summary = library.import_paths([bad, sample_files[0], empty, tmp_path / "missing.txt"])
    assert summary.files_read == 1
    assert summary.files_refused == 3
    messages = [r.message for r in summary.refusals]
    assert any(m.startswith(str(bad)) for m in messages)
    assert any(m.startswith(str(empty)) for m in messages)
    assert any("missing.txt" in m and "no such file" in m for m in messages)
    assert all("\n" not in m for m in messages)
    assert len(library.list()) == 43


def test_a_run_that_only_refuses_files_leaves_no_trace(
    sample_library: Library, tmp_path: Path
) -> None:
    bad = tmp_path / "photo.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    before = table_counts(sample_library.path)
    summary = sample_library.import_paths([bad, tmp_path / "missing.txt"])
    assert summary.files_refused == 2 and summary.batch_id is None
    assert table_counts(sample_library.path) == before


def test_a_run_records_its_batch_with_its_counts(
    library: Library, sample_files: list[Path]
) -> None:
    summary = library.import_paths(sample_files[:2])
    with sqlite3.connect(library.path) as con:
        rows = con.execute(
            "SELECT id, files_read, papers_new, finished_at IS NOT NULL FROM import_batch"
        ).fetchall()
        batches = {b for (b,) in con.execute("SELECT DISTINCT batch_id FROM dump")}
    assert rows == [(summary.batch_id, 2, summary.papers_new, 1)]
    assert batches == {summary.batch_id}


def test_year_is_inferred_from_file_date_and_can_be_overridden(
    library: Library, tmp_path: Path
) -> None:
    # Modified on 10 January 2025: a "Dec 30" listing is from 2024, a "Jan 9" from 2025.
    jan_2025 = 1736500000.0
    a = write_dump(tmp_path / "a.txt", "Dec 30", [("Paper of December", ABSTRACT)], jan_2025)
    b = write_dump(
        tmp_path / "b.txt",
        "Jan 9",
        [("Paper of January", ABSTRACT.replace("web", "net"))],
        jan_2025,
    )
    library.import_paths([a, b])
    dates = {p.title: p.sightings[0] for p in library.list()}
    assert dates["Paper of December"].date.isoformat() == "2024-12-30"
    assert dates["Paper of January"].date.isoformat() == "2025-01-09"
    assert dates["Paper of January"].year_source == "file-date"
    c = write_dump(
        tmp_path / "c.txt", "Mar 3", [("Paper of March", ABSTRACT.replace("web", "sea"))]
    )
    library.import_paths([c], year=2019)
    [march] = [p for p in library.list() if p.title == "Paper of March"]
    assert march.sightings[0].date.isoformat() == "2019-03-03"
    assert march.sightings[0].year_source == "override"


def test_year_override_that_makes_a_date_impossible_refuses_the_file(
    library: Library, tmp_path: Path
) -> None:
    leap = write_dump(tmp_path / "leap.txt", "Feb 29", [("Leap Day Paper", ABSTRACT)])
    summary = library.import_paths([leap], year=2023)
    assert summary.files_refused == 1
    assert summary.refusals[0].message == (
        f"{leap}:5: the listing date 2/29 does not exist in 2023"  # the date's line, not a title's
    )
    assert library.list() == []


def test_variants_of_a_known_paper_are_hidden_not_new(library: Library, tmp_path: Path) -> None:
    title = "Scaling Laws for Neural Language Models: A Study"
    first = write_dump(tmp_path / "1.txt", "Mar 1", [(title, ABSTRACT)])
    library.import_paths([first])
    variants = [
        ("scaling laws for neural language models - a study.", ABSTRACT),  # case, dash, period
        (title, ABSTRACT[:110]),  # abstract cut short
    ]
    second = write_dump(tmp_path / "2.txt", "Mar 2", variants)
    summary = library.import_paths([second])
    assert (summary.papers_new, summary.duplicates_hidden) == (0, 2)
    [paper] = library.list()
    assert paper.abstract == ABSTRACT  # the most complete record is the one shown
    assert len(paper.sightings) == 3
    assert len(library.list(include_hidden=True)) == 3


def test_more_complete_record_is_shown_and_annotations_kept(
    library: Library, tmp_path: Path
) -> None:
    title = "Scaling Laws for Neural Language Models: A Study"
    library.import_paths([write_dump(tmp_path / "1.txt", "Mar 1", [(title, ABSTRACT[:110])])])
    [cut] = library.list()
    library.star([cut.id])
    library.tag([cut.id], ["scaling"])
    library.import_paths([write_dump(tmp_path / "2.txt", "Mar 2", [(title, ABSTRACT)])])
    [paper] = library.list()
    assert paper.abstract == ABSTRACT
    assert paper.hidden_ids == (cut.id,)
    assert paper.starred and paper.tags == ("scaling",)
    # Re-importing does not flip the choice back.
    library.import_paths([write_dump(tmp_path / "3.txt", "Mar 3", [(title, ABSTRACT[:110])])])
    assert [p.id for p in library.list()] == [paper.id]


def test_same_title_different_abstract_are_two_papers(library: Library, tmp_path: Path) -> None:
    other = (
        "Retrieval augmented generation is popular. We propose a new index structure that cuts "
        "latency in half while keeping recall, and we evaluate it on four open benchmarks."
    )
    dump = write_dump(tmp_path / "1.txt", "Mar 1", [("A Survey", ABSTRACT), ("A Survey", other)])
    summary = library.import_paths([dump])
    assert summary.papers_new == 2
    assert len(library.list()) == 2


OTHER_ABSTRACT = (
    "Retrieval augmented generation is popular. We propose a new index structure that cuts "
    "latency in half while keeping recall, and we evaluate it on four open benchmarks."
)
TWIN_TITLE = "Clustering Large Language Models on GPU Tensor Networks"


def groups_of(library: Library) -> dict[str, list[str]]:
    """Each visible paper's abstract (or "-" for none) -> the abstracts hidden under it."""
    records = {p.id: p for p in library.list(include_hidden=True)}
    return {
        p.abstract or "-": sorted(records[h].abstract or "-" for h in p.hidden_ids)
        for p in library.list()
    }


def import_each(library: Library, tmp_path: Path, listings: list[tuple[str, str]]) -> None:
    """Each (title, abstract) in a dump of its own, a day after the one before."""
    for day, listing in enumerate(listings, start=1):
        library.import_paths([write_dump(tmp_path / f"{day}.txt", f"Mar {day}", [listing])])


def assert_grouped_also_after_recheck(library: Library, expected: dict[str, list[str]]) -> None:
    assert groups_of(library) == expected
    library.recheck_duplicates()
    assert groups_of(library) == expected


def test_a_listing_without_abstract_never_bridges_two_papers(
    library: Library, tmp_path: Path
) -> None:
    """Paper X, then an abstract-less listing of the same title (taken as X), then paper Y
    with that title and an abstract of its own: Y is another paper, not X's through the bridge,
    and the listing, which could now be either, stands alone again."""
    import_each(library, tmp_path, [(TWIN_TITLE, ABSTRACT), (TWIN_TITLE, "")])
    assert groups_of(library) == {ABSTRACT: ["-"]}
    third = write_dump(tmp_path / "3.txt", "Mar 3", [(TWIN_TITLE, OTHER_ABSTRACT)])
    summary = library.import_paths([third])
    assert (summary.papers_new, summary.duplicates_hidden) == (1, 0)
    assert_grouped_also_after_recheck(library, {ABSTRACT: [], OTHER_ABSTRACT: [], "-": []})


def test_a_merge_by_the_user_is_never_undone_by_a_twin_title(
    library: Library, tmp_path: Path
) -> None:
    """The same, but the user merged the listing into X: that decision stays."""
    import_each(library, tmp_path, [(TWIN_TITLE, ABSTRACT), (TWIN_TITLE, "")])
    [paper] = library.list()
    [listing] = paper.hidden_ids
    library.split(listing)  # then merged back: the grouping is now the user's
    library.merge([paper.id, listing])
    library.import_paths([write_dump(tmp_path / "3.txt", "Mar 3", [(TWIN_TITLE, OTHER_ABSTRACT)])])
    assert_grouped_also_after_recheck(library, {ABSTRACT: ["-"], OTHER_ABSTRACT: []})


def test_a_title_naming_two_papers_joins_neither(library: Library, tmp_path: Path) -> None:
    """Two papers share a title; a listing of it without abstract could be either."""
    both = write_dump(tmp_path / "1.txt", "Mar 1", [(TWIN_TITLE, ABSTRACT),
                                                    (TWIN_TITLE, OTHER_ABSTRACT)])  # fmt: skip
    library.import_paths([both])
    summary = library.import_paths([write_dump(tmp_path / "2.txt", "Mar 2", [(TWIN_TITLE, "")])])
    assert (summary.papers_new, summary.duplicates_hidden) == (1, 0)
    assert_grouped_also_after_recheck(library, {ABSTRACT: [], OTHER_ABSTRACT: [], "-": []})


THIRD_ABSTRACT = (
    "A robot learns to fold laundry from human videos. We train diffusion policies on ten "
    "thousand demonstrations, and we open source the dataset for the research community."
)


@pytest.mark.parametrize("runs", ["an import per dump", "one import, a transaction per dump"])
def test_a_listing_without_abstract_stays_alone_once_its_title_names_several_papers(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runs: str
) -> None:
    """The abstract-less listing first joins X (which takes over as the shown record), is
    shown alone again when Y turns up with the same title, and a third paper Z of that title
    must not take it either: it could be any of the three. However the dumps arrive, the import
    groups as a recheck does."""
    listings = [(TWIN_TITLE, ""), (TWIN_TITLE, ABSTRACT), (TWIN_TITLE, OTHER_ABSTRACT),
                (TWIN_TITLE, THIRD_ABSTRACT)]  # fmt: skip
    if runs == "an import per dump":
        import_each(library, tmp_path, listings)
    else:
        monkeypatch.setattr(importer, "ENTRIES_PER_TRANSACTION", 1)
        dumps = [write_dump(tmp_path / f"{day}.txt", f"Mar {day}", [listing])
                 for day, listing in enumerate(listings, start=1)]  # fmt: skip
        library.import_paths(dumps)
    expected = {"-": [], ABSTRACT: [], OTHER_ABSTRACT: [], THIRD_ABSTRACT: []}
    assert_grouped_also_after_recheck(library, expected)


def test_listings_without_abstract_of_one_paper_still_join_it(
    library: Library, tmp_path: Path
) -> None:
    """The rules above take nothing from the ordinary case: one paper, some listings of it
    without its abstract, in any order, and after a recheck."""
    listings = [(TWIN_TITLE.lower(), ""), (TWIN_TITLE + ".", ""), (TWIN_TITLE, ABSTRACT),
                (TWIN_TITLE.upper(), "")]  # fmt: skip
    import_each(library, tmp_path, listings)
    assert_grouped_also_after_recheck(library, {ABSTRACT: ["-", "-", "-"]})


@pytest.mark.parametrize(("seconds", "sizes"), [(1e9, [20, 10]), (1e-9, [20] + [1] * 10)])
def test_transactions_shrink_when_they_take_long(
    library: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    seconds: float,
    sizes: list[int],
) -> None:
    """Other programs wait for the write lock while an import holds it: on a slow or busy
    machine, consecutive dumps share a transaction only as long as it stays short."""
    batches: list[int] = []
    write_batch = importer._write_batch

    def counted(db: object, batch: list[object], *args: object) -> None:
        if batch:
            batches.append(len(batch))
        write_batch(db, batch, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "_write_batch", counted)
    monkeypatch.setattr(importer, "TRANSACTION_SECONDS", seconds)
    summary = library.import_paths(make_dumps(tmp_path / "dumps", n_files=30, per_file=100))
    assert batches == sizes
    assert summary.files_read == 30 and len(library.list()) == 3000
