"""The sidebar's views, tags and imports, with counts; choosing one filters the list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.ui.main_window import MainWindow
from readinglist.ui.sidebar import Sidebar


def entries(sidebar: Sidebar) -> dict[str, tuple[str, int]]:
    return {e.key: (e.label, e.count) for e in sidebar._entries}


def test_views_tags_and_imports_with_counts(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    shown = entries(window.sidebar)
    assert shown["all"] == ("All papers", 249)
    assert shown["unread"] == ("Unread", 249)
    assert shown["starred"] == ("Starred", 0)
    assert shown["hidden"] == ("Hidden duplicates", 0)
    dumps = {k: v for k, v in shown.items() if k.startswith("dump:")}
    assert len(dumps) == 4 and sum(n for _, n in dumps.values()) == 288  # entries per file
    assert all("·" in label for label, _ in dumps.values())  # date first, then the file
    sample_library.tag(window.model.ids[:3], ["vision"])
    window.sidebar.refresh()
    assert entries(window.sidebar)["tag:vision"] == ("vision", 3)


def test_choosing_an_entry_filters_the_list(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    a, b, c = window.model.ids[:3]
    window.ops.set_starred([a, b], True)
    window.ops.add_tags([c], ["later"])
    window.ops.merge([a, c])
    sidebar = window.sidebar
    for key, expected in (
        ("starred", {a, b}),
        ("tag:later", {a}),  # c is hidden under a, and its tag shows on a
        ("hidden", {c}),
        ("all", set(sample_library.ids())),
    ):
        assert sidebar.select_key(key)
        qtbot.waitUntil(lambda expected=expected: set(window.model.ids) == expected)
    dump = next(k for k in entries(sidebar) if k.startswith("dump:"))
    assert sidebar.select_key(dump)
    wanted = set(sample_library.ids(next(e.where for e in sidebar._entries if e.key == dump)))
    qtbot.waitUntil(lambda: set(window.model.ids) == wanted)
    assert 0 < len(wanted) < 248
    assert window.status.count.text().endswith(entries(sidebar)[dump][0])


def test_a_hidden_record_shows_its_group_and_can_split(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    a, c = window.model.ids[0], window.model.ids[2]
    window.ops.merge([a, c])
    assert window.sidebar.select_key("hidden")
    qtbot.waitUntil(lambda: window.model.ids == [c])
    detail = window.detail
    assert detail.group_label.text() == "DUPLICATE OF" and detail.group_box.isVisibleTo(window)
    seen: list[int] = []
    detail.splitRequested.connect(seen.append)
    window.commands.split()
    assert sample_library.get(c).duplicate_of is None
    qtbot.waitUntil(lambda: window.model.ids == [])
    assert "No hidden duplicates" in window.view.placeholder


def test_the_chosen_entry_survives_a_refresh_or_falls_back_to_all(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.model.ids[0]
    window.ops.add_tags([paper], ["fleeting"])
    assert window.sidebar.select_key("tag:fleeting")
    qtbot.waitUntil(lambda: window.model.ids == [paper])
    window.ops.remove_tags([paper], ["fleeting"])  # the tag is gone with its last paper
    assert window.sidebar.current_key == "all"
    qtbot.waitUntil(lambda: window.model.rowCount() == 249)


def test_the_arrow_keys_go_from_entry_to_entry_over_the_section_headers(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    sample_library.tag(window.model.ids[:2], ["vision"])
    sidebar = window.sidebar
    sidebar.refresh()
    qtbot.waitUntil(lambda: "tag:vision" in entries(sidebar))
    assert sidebar.select_key("hidden")  # the last entry of the first section
    sidebar.setFocus()
    qtbot.keyClick(sidebar, Qt.Key.Key_Down)
    assert sidebar.current_entry() is not None and sidebar.current_entry().key == "tag:vision"  # type: ignore[union-attr]
    qtbot.keyClick(sidebar, Qt.Key.Key_Up)
    assert sidebar.current_entry().key == "hidden"  # type: ignore[union-attr]
    assert sidebar.select_key("all")
    qtbot.keyClick(sidebar, Qt.Key.Key_Up)  # nothing above: it stays
    assert sidebar.current_entry().key == "all"  # type: ignore[union-attr]
    qtbot.keyClick(sidebar, Qt.Key.Key_End)
    last = sidebar.current_entry()
    assert last is not None and last.key.startswith("dump:")


def test_a_paper_that_no_longer_matches_the_chosen_view_leaves_it(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    a, b, c = window.model.ids[:3]
    window.ops.add_tags([a, b, c], ["survey"])
    sidebar = window.sidebar
    assert sidebar.select_key("tag:survey")
    qtbot.waitUntil(lambda: window.model.ids == [a, b, c])
    window.view.select_ids([b], b)
    window.ops.remove_tags([b], ["survey"])
    qtbot.waitUntil(lambda: window.model.ids == [a, c])
    assert window.view.current_id() == c  # the next one, where the reader was
    qtbot.waitUntil(lambda: entries(sidebar)["tag:survey"] == ("survey", 2))
    assert window.status.count.text() == "2 papers  ·  survey"
    window.commands.undo()  # and back it comes
    qtbot.waitUntil(lambda: window.model.ids == [a, b, c])
    assert sidebar.select_key("unread")
    qtbot.waitUntil(lambda: len(window.model.ids) == 249)
    first, second = window.model.ids[:2]
    window.view.select_ids([first], first)
    window.commands.toggle_read()  # read: it leaves the Unread view, the next is current
    qtbot.waitUntil(lambda: len(window.model.ids) == 248)
    assert window.view.current_id() == second
