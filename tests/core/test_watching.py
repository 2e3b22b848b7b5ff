"""A library notices what other programs write to it, and not its own writes."""

from __future__ import annotations

from pathlib import Path

from readinglist.core.library import Library


def test_an_external_change_followed_by_an_own_write_is_noticed(
    sample_library: Library, db_path: Path
) -> None:
    lib = sample_library
    assert lib.changed_elsewhere() is False  # starts watching
    paper = lib.ids()[0]
    with Library.open(db_path) as other:  # the command line
        other.tag([paper], "from-cli")
    lib.star([lib.ids()[1]])  # the window stars something a second later
    assert lib.changed_elsewhere() is True  # the CLI's tag is news to the window


def test_own_writes_are_not_news(sample_library: Library) -> None:
    lib = sample_library
    lib.changed_elsewhere()
    lib.star([lib.ids()[1]])
    lib.set_note(lib.ids()[2], "x")
    assert lib.changed_elsewhere() is False
