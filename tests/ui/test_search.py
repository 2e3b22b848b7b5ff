"""Search as you type: debounced, ranked, highlighted, combined with the sidebar, Escape clears."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.ui import paper_list
from readinglist.ui.highlight import match_spans, query_terms
from readinglist.ui.main_window import MainWindow
from readinglist.ui.search_bar import DEBOUNCE_MS
from tests.ui.conftest import FakePicker

QUANTIZATION = "Low-Bit Quantization Favors Undertrained LLMs"


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.search.setFocus()
    window.search.selectAll()
    qtbot.keyClicks(window.search, text)
    qtbot.waitUntil(lambda: window.papers.query == text.strip(), timeout=DEBOUNCE_MS * 10)
    qtbot.waitUntil(lambda: window.model.terms == query_terms(text))


def titles(window: MainWindow) -> list[str]:
    return [p.title for p in window.model.papers(window.model.ids)]


def test_typing_searches_after_a_pause_ranked_and_highlighted(
    qtbot: QtBot, window: MainWindow
) -> None:
    asked: list[str] = []
    window.search.queryChanged.connect(asked.append)
    search(qtbot, window, "quantizaton llm")  # a typo
    assert asked == ["quantizaton llm"]  # one search for the whole burst of keys
    found = titles(window)
    assert 0 < len(found) < 249
    assert any(QUANTIZATION in t for t in found[:5])
    assert window.view.current_id() == window.model.ids[0]  # the best match is current
    first = found[0]
    assert match_spans(first, window.model.terms)  # the title column marks the match
    assert window.detail.title.extraSelections()  # and so does the detail pane
    assert "matching “quantizaton llm”" in window.status.count.text()
    header = window.view.horizontalHeader()
    assert header.sortIndicatorSection() == -1  # ranked by relevance, no column sort


def test_search_combines_with_the_sidebar_filter(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    search(qtbot, window, "quantization")
    everywhere = set(window.model.ids)
    starred = sorted(everywhere)[:2]
    sample_library.star(starred)
    window.sidebar.refresh()
    assert window.sidebar.select_key("starred")
    qtbot.waitUntil(lambda: set(window.model.ids) == set(starred))


def test_escape_clears_the_search_and_restores_the_list(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "quantization")
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    qtbot.waitUntil(lambda: window.model.rowCount() == 249)
    assert window.model.terms == ()
    assert window.view.horizontalHeader().sortIndicatorSection() != -1
    # From the list, Escape also clears a search.
    search(qtbot, window, "quantization")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.model.rowCount() == 249)


def test_escape_from_the_paper_keeps_the_search_and_a_second_clears_it_keeping_the_paper(
    qtbot: QtBot, window: MainWindow
) -> None:
    search(qtbot, window, "quantization")
    results = list(window.model.ids)
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    chosen = window.view.current_id()
    assert chosen == results[1]
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert window.detail.abstract.hasFocus()
    qtbot.keyClick(window.detail.abstract, Qt.Key.Key_Escape)  # back from reading: all kept
    assert window.view.hasFocus() and window.search.text() == "quantization"
    assert window.model.ids == results and window.view.current_id() == chosen
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)  # in the list: the search goes
    qtbot.waitUntil(lambda: window.model.rowCount() == 249)
    assert window.search.text() == "" and window.view.current_id() == chosen
    assert window.view.selected_ids() == [chosen]


def test_down_goes_from_the_search_to_the_results(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "quantization")
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert window.view.hasFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Down)
    assert window.view.current_id() == window.model.ids[1]


def test_sorting_search_results_by_a_column(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "quantization")
    ranked = list(window.model.ids)
    window.view.horizontalHeader().setSortIndicator(2, Qt.SortOrder.AscendingOrder)  # title
    qtbot.waitUntil(lambda: window.model.ids != ranked)
    assert sorted(ranked) == sorted(window.model.ids)
    shown = titles(window)
    assert shown == sorted(shown, key=str.casefold)


def test_no_match_says_so(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "zzyzx qwxv")
    assert window.model.rowCount() == 0
    assert "No paper matches" in window.view.placeholder


def test_highlight_spans() -> None:
    terms = query_terms("Transfomer atten")
    spans = match_spans("Attention Is All You Need: Transformers", terms)
    assert [("Attention Is All You Need: Transformers")[a:b] for a, b in spans] == [
        "Attention",
        "Transformers",
    ]
    assert match_spans("anything", ()) == []
    assert query_terms("a b cd") == ("cd",)


def test_a_search_does_not_wait_for_bulk_tags_being_re_read(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    """Tags changed on many papers are re-read by the index in the background; a search typed
    meanwhile answers from the index as it is rather than waiting for that (40 s at 100k)."""
    sample_library.tag(sample_library.ids(), ["everything"])  # made outside: nothing re-read yet

    def stale() -> int:
        with sample_library.db.read() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM search_stale").scalar_one())

    assert stale() == len(sample_library.ids())
    search(qtbot, window, "quantizaton llm")
    assert any(QUANTIZATION in t for t in titles(window)[:5])
    assert stale() == len(sample_library.ids())  # the search did not re-read them
    assert sample_library.search("everything", limit=None)  # the command line's search does
    assert stale() == 0


def test_a_search_finding_more_than_the_list_shows_says_so_and_exports_the_list(
    qtbot: QtBot,
    window: MainWindow,
    sample_library: Library,
    picker: FakePicker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(paper_list, "SEARCH_LIMIT", 5)
    assert len(sample_library.search("language", limit=None)) > 5
    search(qtbot, window, "language")
    assert window.model.rowCount() == 5
    assert window.status.count.text().startswith("the best 5 papers  ·  All papers, matching")
    picker.target = tmp_path / "found.csv"
    window.commands.export_view()
    qtbot.waitUntil(picker.target.exists)
    with picker.target.open(encoding="utf-8-sig", newline="") as f:
        exported = {int(row["id"]) for row in csv.DictReader(f)}
    assert exported == set(window.model.ids)  # what is listed, as the message says
    assert "Exported 5 papers (the best 5 of All papers matching “language”)" in (
        window.status.message.text()
    )
    search(qtbot, window, "Undertrained")  # a search the list holds whole: counted plainly
    assert window.status.count.text().startswith(f"{window.model.rowCount()} papers")
