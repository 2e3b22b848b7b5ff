"""The user's duplicate decisions stick, and annotations survive every merge and split."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.core import matching
from readinglist.core.errors import UserError
from readinglist.core.papers import PaperFilter
from tests.core.test_import import write_dump

ABSTRACT_X = (
    "We study how models scale with data. Our results show a power law in the number of "
    "parameters, and we release code and checkpoints for every model we trained on the web."
)
ABSTRACT_Y = (
    "Retrieval augmented generation is popular. We propose a new index structure that cuts "
    "latency in half while keeping recall, and we evaluate it on four open benchmarks."
)
TITLE_X = "Scaling Laws for Neural Language Models: A Study"
TITLE_Y = "Fast Indexes for Retrieval Augmented Generation"


@pytest.fixture
def two_papers(library: Library, tmp_path: Path) -> tuple[Library, int, int]:
    library.import_paths(
        [write_dump(tmp_path / "a.txt", "Mar 1", [(TITLE_X, ABSTRACT_X), (TITLE_Y, ABSTRACT_Y)])]
    )
    x, y = library.ids()
    return library, x, y


def test_detected_group_is_listed_with_reason_and_scores(library: Library, tmp_path: Path) -> None:
    library.import_paths([write_dump(tmp_path / "a.txt", "Mar 1", [(TITLE_X, ABSTRACT_X)])])
    library.import_paths(
        [write_dump(tmp_path / "b.txt", "Mar 2", [(TITLE_X.upper(), ABSTRACT_X[:120])])]
    )
    [group] = library.duplicate_groups()
    [member] = group.hidden
    assert member.by == "auto"
    assert member.reason
    assert member.title_score is not None and member.title_score > 90
    assert member.abstract_score is not None and member.abstract_score > 90


def test_merge_combines_annotations_and_split_restores_them(
    two_papers: tuple[Library, int, int],
) -> None:
    lib, x, y = two_papers
    lib.star([x])
    lib.tag([x], ["alpha"])
    lib.set_note(x, "note on x")
    lib.mark_read([y])
    lib.tag([y], ["beta"])
    lib.set_note(y, "note on y")
    lib.merge([x, y])
    [paper] = lib.list()
    assert paper.id == x and paper.hidden_ids == (y,)
    assert paper.starred and paper.read
    assert paper.tags == ("alpha", "beta")
    assert paper.note == "note on x\n\nnote on y"
    assert len(paper.sightings) == 2
    assert lib.get(y).duplicate_of == x
    assert [p.id for p in lib.list(tag="beta")] == [x]
    lib.split(y)
    px, py = lib.get(x), lib.get(y)
    assert (px.starred, px.read, px.tags, px.note) == (True, False, ("alpha",), "note on x")
    assert (py.starred, py.read, py.tags, py.note) == (False, True, ("beta",), "note on y")
    assert py.duplicate_of is None


def test_merge_survives_recheck_and_reimport(
    two_papers: tuple[Library, int, int], tmp_path: Path
) -> None:
    lib, x, y = two_papers
    lib.merge([y, x])  # the first id is the one shown
    lib.recheck_duplicates()
    lib.import_paths(
        [
            write_dump(
                tmp_path / "again.txt", "Mar 5", [(TITLE_X, ABSTRACT_X), (TITLE_Y, ABSTRACT_Y)]
            )
        ]
    )
    assert lib.ids() == [y]
    assert lib.get(x).duplicate_of == y
    [group] = lib.duplicate_groups()
    assert group.hidden[0].by == "user"


def test_split_survives_recheck_reimport_and_a_record_resembling_both(
    library: Library, tmp_path: Path
) -> None:
    library.import_paths([write_dump(tmp_path / "a.txt", "Mar 1", [(TITLE_X, ABSTRACT_X)])])
    library.import_paths(
        [write_dump(tmp_path / "b.txt", "Mar 2", [(TITLE_X + ".", ABSTRACT_X[:130])])]
    )
    [shown] = library.ids()
    [hidden] = library.get(shown).hidden_ids
    library.split(hidden)
    assert sorted(library.ids()) == sorted([shown, hidden])
    library.recheck_duplicates()
    assert sorted(library.ids()) == sorted([shown, hidden])
    # A third record resembling both joins one of them, never both together.
    library.import_paths(
        [write_dump(tmp_path / "c.txt", "Mar 3", [(TITLE_X.lower(), ABSTRACT_X[:125])])]
    )
    library.recheck_duplicates()
    visible = library.list()
    assert len(visible) == 2
    assert {shown, hidden} <= {p.id for p in visible} | {h for p in visible for h in p.hidden_ids}
    assert library.get(shown).duplicate_of is None and library.get(hidden).duplicate_of is None


def test_split_of_the_shown_record_keeps_the_rest_together(
    library: Library, tmp_path: Path
) -> None:
    library.import_paths([write_dump(tmp_path / "a.txt", "Mar 1", [(TITLE_X, ABSTRACT_X)])])
    library.import_paths(
        [write_dump(tmp_path / "b.txt", "Mar 2", [(TITLE_X + ".", ABSTRACT_X[:130])])]
    )
    library.import_paths(
        [write_dump(tmp_path / "c.txt", "Mar 3", [(TITLE_X.lower(), ABSTRACT_X[:120])])]
    )
    [shown] = library.ids()
    rest = library.get(shown).hidden_ids
    assert len(rest) == 2
    library.split(shown)
    visible = library.list()
    assert len(visible) == 2
    [others] = [p for p in visible if p.id != shown]
    assert sorted((others.id, *others.hidden_ids)) == sorted(rest)
    [group] = library.duplicate_groups(others.id)
    [member] = group.hidden
    assert member.reason.startswith(f"matches #{others.id}: ")  # not the record split off


def test_merging_under_a_hidden_record_shows_it(library: Library, tmp_path: Path) -> None:
    library.import_paths(
        [write_dump(tmp_path / "a.txt", "Mar 1", [(TITLE_X, ABSTRACT_X), (TITLE_Y, ABSTRACT_Y)])]
    )
    library.import_paths(
        [write_dump(tmp_path / "b.txt", "Mar 2", [(TITLE_X + ".", ABSTRACT_X[:130])])]
    )
    x, y = library.ids()
    [cut] = library.get(x).hidden_ids
    library.merge([cut, y])
    assert library.ids() == [cut]
    assert set(library.get(cut).hidden_ids) == {x, y}


def test_decisions_on_bad_ids_are_refused(two_papers: tuple[Library, int, int]) -> None:
    lib, x, _ = two_papers
    with pytest.raises(UserError, match="not grouped"):
        lib.split(x)
    with pytest.raises(UserError, match="at least two"):
        lib.merge([x])
    with pytest.raises(UserError, match="no paper with id 999"):
        lib.merge([x, 999])
    assert len(lib.list()) == 2


def test_unstar_and_untag_on_a_merged_paper_clear_the_whole_group(
    two_papers: tuple[Library, int, int],
) -> None:
    lib, x, y = two_papers
    lib.star([y])
    lib.tag([y], ["beta"])
    lib.merge([x, y])
    assert lib.get(x).starred
    lib.unstar([x])
    lib.untag([x], ["beta"])
    assert not lib.get(x).starred and lib.get(x).tags == ()
    assert lib.tags() == []


def test_untag_of_a_tag_no_paper_has_says_so_and_changes_nothing(
    two_papers: tuple[Library, int, int],
) -> None:
    lib, x, y = two_papers
    lib.tag([y], ["beta"])
    before = lib.get(x)
    change = lib.untag([x], ["betta"])  # a typo: x never had it
    assert change.message == "nothing untagged: no tag betta on 1 paper"
    assert not change.papers and not change.tags
    assert lib.get(x) == before and lib.get(y).tags == ("beta",)
    lib.merge([x, y])
    change = lib.untag([x], ["beta"])  # carried by the hidden record: the paper loses it
    assert change.message == "untagged 1 paper beta" and x in change.papers
    assert lib.get(x).tags == () and lib.tags() == []


def test_a_hidden_record_stands_for_its_paper_in_a_toggle(
    two_papers: tuple[Library, int, int],
) -> None:
    lib, x, y = two_papers
    lib.merge([x, y])
    lib.star([x])  # the paper: y's own row stays unstarred
    assert lib.all_flagged([y], "starred") and lib.all_flagged([x, y], "starred")
    assert not lib.all_flagged([y], "read")
    lib.mark_read([y])  # through the hidden record: the paper is read
    assert lib.all_flagged([x], "read")
    lib.split(y)
    assert not lib.all_flagged([x, y], "starred") and lib.all_flagged([x], "starred")


def test_one_tag_name_alone_is_one_tag(two_papers: tuple[Library, int, int]) -> None:
    lib, x, _ = two_papers
    lib.tag([x], "ml")  # a script's slip: a name, not a list of names
    assert lib.get(x).tags == ("ml",)
    lib.untag([x], "ml")
    assert lib.get(x).tags == ()


def test_a_tag_is_one_tag_in_any_case_and_unicode_form(
    two_papers: tuple[Library, int, int],
) -> None:
    lib, x, y = two_papers
    lib.tag([x], "Ökonomie")
    lib.tag([y], "ÖKONOMIE")  # case beyond ASCII, which SQLite's NOCASE leaves alone
    lib.tag([y], "e\u0301tude")  # "étude" decomposed...
    lib.tag([x], "\u00e9tude")  # ...and composed
    assert lib.tags() == [("e\u0301tude", 2), ("Ökonomie", 2)]
    assert lib.get(y).tags == ("e\u0301tude", "Ökonomie")  # as it was first written
    assert {p.id for p in lib.list(tag="öKONOMIE")} == {x, y}
    assert {p.id for p in lib.list(tag="ÉTUDE")} == {x, y}
    lib.untag([x, y], "ökonomie")
    assert lib.tags() == [("e\u0301tude", 2)]


def test_spellings_of_a_tag_stored_apart_by_an_older_version_are_one_tag(
    two_papers: tuple[Library, int, int],
) -> None:
    lib, x, y = two_papers
    lib.tag([x], "Ökonomie")
    with sqlite3.connect(lib.path) as con:  # as SQLite's ASCII-only NOCASE let it be stored
        tag = con.execute("INSERT INTO tag (name) VALUES ('ökonomie') RETURNING id").fetchone()[0]
        con.execute("INSERT INTO paper_tag (paper_id, tag_id) VALUES (?, ?)", (y, tag))
    con.close()
    assert lib.tags() == [("Ökonomie", 2)]
    assert {p.id for p in lib.list(tag="ÖKONOMIE")} == {x, y}
    title = lib.get(y).title
    assert [p.id for p in lib.search(title, where=PaperFilter(tag="ökonomie"))][:1] == [y]


def test_snapshot_restore_puts_back_exactly(two_papers: tuple[Library, int, int]) -> None:
    lib, x, y = two_papers
    lib.tag([x], ["alpha"])
    lib.set_note(x, "before")
    snap = lib.snapshot([x, y])
    lib.star([x, y])
    lib.untag([x], ["alpha"])
    lib.set_note(x, "after")
    lib.restore(snap)
    assert (lib.get(x).starred, lib.get(x).tags, lib.get(x).note) == (False, ("alpha",), "before")
    assert not lib.get(y).starred


def test_recheck_never_joins_two_groups_the_user_merged_separately(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An earlier detection missed that a and b are one paper; the user merged a under u1 and
    b under u2. Today's detection sees a and b alike, but each group shows what its user chose."""
    texts = {
        "u1": (TITLE_X, ABSTRACT_X),
        "a": (TITLE_Y, ABSTRACT_Y),
        "u2": ("Folding Laundry From Human Videos", ABSTRACT_X[::-1]),
        "b": (TITLE_Y.upper(), ABSTRACT_Y[:-1]),
    }
    with monkeypatch.context() as m:  # an older detection: it finds nothing
        m.setattr(matching.Matcher, "find", lambda self, record: matching.Search(None, ()))
        library.import_paths([write_dump(tmp_path / "a.txt", "Mar 1", list(texts.values()))])
    id_of_title = {p.title: p.id for p in library.list()}
    ids = {name: id_of_title[title] for name, (title, _) in texts.items()}
    library.merge([ids["u1"], ids["a"]])
    library.merge([ids["u2"], ids["b"]])
    before = {p.id: p.duplicate_of for p in library.list(include_hidden=True)}

    change = library.recheck_duplicates()

    assert {p.id: p.duplicate_of for p in library.list(include_hidden=True)} == before
    assert before[ids["a"]] == ids["u1"] and before[ids["b"]] == ids["u2"]
    assert change.message == "0 records regrouped"


def merged_with_notes(lib: Library, x: int, y: int, note_x: str, note_y: str) -> None:
    """Give x and y their own notes ("" for none), then merge y under x."""
    for paper, note in ((x, note_x), (y, note_y)):
        if note:
            lib.set_note(paper, note)
    lib.merge([x, y])


def test_a_note_written_on_a_merged_paper_is_kept_as_typed_and_a_split_loses_nothing(
    two_papers: tuple[Library, int, int],
) -> None:
    lib, x, y = two_papers
    merged_with_notes(lib, x, y, "note on x", "note on y")
    typed = "note on x\n\nnote on y\n\nadded on the merged paper"
    lib.set_note(x, typed)
    assert lib.get(x).note == typed  # shown as typed, nothing moved
    lib.split(y)
    assert lib.get(y).note == "note on y"  # its own note back
    assert lib.get(x).note == typed  # the text as typed, whole


def test_a_split_never_takes_text_the_visible_record_had(
    two_papers: tuple[Library, int, int],
) -> None:
    """Both records had the same note before the merge: the split leaves each its own."""
    lib, x, y = two_papers
    merged_with_notes(lib, x, y, "TODO: read", "TODO: read")
    assert lib.get(x).note == "TODO: read"  # shown once
    lib.split(y)
    assert (lib.get(x).note, lib.get(y).note) == ("TODO: read", "TODO: read")


def test_undoing_a_merge_leaves_a_note_written_since(
    two_papers: tuple[Library, int, int], db_path: Path
) -> None:
    lib, x, y = two_papers
    _, undo = lib.merge_with_undo([x, y])
    with Library.open(db_path) as other:
        other.set_note(x, "written elsewhere")
    lib.undo_regroup(undo)
    assert lib.get(x).note == "written elsewhere"


def test_a_note_part_edited_on_the_merged_paper_stays_with_it(
    two_papers: tuple[Library, int, int],
) -> None:
    lib, x, y = two_papers
    merged_with_notes(lib, x, y, "", "note on y")
    lib.set_note(x, "note on y, corrected")
    lib.split(y)
    assert (lib.get(x).note, lib.get(y).note) == ("note on y, corrected", "")


def test_editing_a_hidden_records_note_changes_only_that_record(
    two_papers: tuple[Library, int, int],
) -> None:
    lib, x, y = two_papers
    merged_with_notes(lib, x, y, "note on x", "note on y")
    lib.set_note(y, "note on y, and more")  # the hidden record's own note, as it shows it
    assert lib.get(y).note == "note on y, and more"
    assert lib.get(x).note == "note on x\n\nnote on y, and more"
    lib.split(y)
    assert (lib.get(x).note, lib.get(y).note) == ("note on x", "note on y, and more")


def test_undoing_a_split_regroups_and_keeps_the_notes(
    two_papers: tuple[Library, int, int],
) -> None:
    lib, x, y = two_papers
    merged_with_notes(lib, x, y, "", "note on y")
    lib.set_note(x, "note on y\n\nmine")
    _, undo = lib.split_with_undo(y)
    lib.undo_regroup(undo)
    assert (lib.get(x).note, lib.get(y).duplicate_of) == ("note on y\n\nmine", x)


def test_undoing_a_merge_keeps_a_split_another_program_made_since(
    library: Library, tmp_path: Path, db_path: Path
) -> None:
    """Undo puts back only what the change itself did: a split made elsewhere meanwhile, of a
    record in the same group, stands (record shown, "different papers" marks kept)."""
    listings = [(TITLE_X, ABSTRACT_X), (TITLE_Y, ABSTRACT_Y), (TITLE_X + ".", ABSTRACT_X[:130])]
    library.import_paths([write_dump(tmp_path / "a.txt", "Mar 1", listings)])
    x, y = sorted(library.ids())
    [b] = library.get(x).hidden_ids  # found by detection
    _, undo = library.merge_with_undo([x, y])
    assert library.ids() == [x] and sorted(library.get(x).hidden_ids) == sorted([b, y])
    with Library.open(db_path) as other:
        other.split(b)  # meanwhile, elsewhere: b is a different paper
    library.undo_regroup(undo)
    assert sorted(library.ids()) == sorted([b, x, y])
    library.recheck_duplicates()
    assert sorted(library.ids()) == sorted([b, x, y])  # the split's marks stand too
    assert library.duplicate_groups() == []


def test_undoing_a_merge_brings_back_the_split_it_forgot(library: Library, tmp_path: Path) -> None:
    listings = [(TITLE_X, ABSTRACT_X), (TITLE_X + ".", ABSTRACT_X[:130])]
    library.import_paths([write_dump(tmp_path / "a.txt", "Mar 1", listings)])
    [x] = library.ids()
    [b] = library.get(x).hidden_ids
    library.split(b)
    _, undo = library.merge_with_undo([x, b])  # the user changes their mind: the split goes
    library.recheck_duplicates()
    assert library.ids() == [x]
    library.undo_regroup(undo)  # ... and back: the split is a decision again
    library.recheck_duplicates()
    assert sorted(library.ids()) == sorted([x, b])


def test_merging_a_group_detection_found_makes_it_the_users(
    library: Library, tmp_path: Path
) -> None:
    """The abstract-less listing joined X on its title; the user confirms it. A later paper
    with the same title would have made it ambiguous, but the user's decision stands."""
    library.import_paths([write_dump(tmp_path / "a.txt", "Mar 1", [(TITLE_X, ABSTRACT_X)])])
    library.import_paths([write_dump(tmp_path / "b.txt", "Mar 2", [(TITLE_X, "")])])
    [x] = library.ids()
    [listing] = library.get(x).hidden_ids
    library.merge([x, listing])
    assert [m.by for m in library.duplicate_groups()[0].hidden] == ["user"]
    with pytest.raises(UserError, match="already one paper"):
        library.merge([x, listing])
    library.import_paths([write_dump(tmp_path / "c.txt", "Mar 3", [(TITLE_X, ABSTRACT_Y)])])
    library.recheck_duplicates()
    assert library.get(listing).duplicate_of == x


def test_a_merge_leaves_out_a_record_split_from_one_named(library: Library, tmp_path: Path) -> None:
    """b was split from a; c then joined b automatically. Merging a and c takes c, not b."""
    typo = ABSTRACT_X.replace("power law", "powerlaw")
    library.import_paths([write_dump(tmp_path / "a.txt", "Mar 1", [(TITLE_X + ".", ABSTRACT_X)])])
    library.import_paths([write_dump(tmp_path / "b.txt", "Mar 2", [(TITLE_X, typo)])])
    [a] = library.ids()
    [b] = library.get(a).hidden_ids
    library.split(b)
    library.import_paths([write_dump(tmp_path / "c.txt", "Mar 3", [(TITLE_X.upper(), typo)])])
    [c] = library.get(b).hidden_ids
    library.merge([a, c])
    assert library.get(c).duplicate_of == a
    assert library.get(b).duplicate_of is None
    library.recheck_duplicates()
    assert (library.get(b).duplicate_of, library.get(c).duplicate_of) == (None, a)


def test_undoing_a_merge_after_an_import_hides_nothing_under_a_hidden_record(
    library: Library, tmp_path: Path
) -> None:
    """The window's undo may come after an import added records to the merged group."""
    library.import_paths(
        [write_dump(tmp_path / "a.txt", "Mar 1", [(TITLE_X, ABSTRACT_X), (TITLE_Y, ABSTRACT_Y)])]
    )
    library.import_paths(
        [write_dump(tmp_path / "b.txt", "Mar 2", [(TITLE_X + ".", ABSTRACT_X[:130])])]
    )
    x, y = sorted(library.ids())
    [b] = library.get(x).hidden_ids
    _, undo = library.merge_with_undo([b, y])  # b, hidden under x, is now shown for all three
    library.import_paths(
        [write_dump(tmp_path / "c.txt", "Mar 3", [(TITLE_X.lower(), ABSTRACT_X[:125])])]
    )
    library.undo_regroup(undo)
    records = library.list(include_hidden=True)
    under = {p.id: p.duplicate_of for p in records}
    assert all(under[h] is None for h in under.values() if h is not None)
    assert sorted(library.ids()) == [x, y]
    assert len(library.get(x).hidden_ids) == 2
