"""The ID-backed lazy model: checked by qtmodeltester, pages fetched only for rows drawn."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.core.records import Paper
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_delegate import fit_tags
from readinglist.ui.paper_model import (
    CACHE_LIMIT,
    PAGE_SIZE,
    Column,
    IdRole,
    PaperRole,
    PaperTableModel,
)
from readinglist.ui.paper_view import PaperView


class CountingLoader:
    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self.calls: list[list[int]] = []

    def __call__(self, ids: list[int]) -> list[Paper]:
        self.calls.append(list(ids))
        return self.lib.load(ids)


def test_model_passes_the_model_tester(qtmodeltester: ModelTester, sample_library: Library) -> None:
    model = PaperTableModel(sample_library.load)
    model.set_rows(sample_library.ids(sort="title"))
    qtmodeltester.check(model)
    model.set_rows([])
    qtmodeltester.check(model)


def test_rows_are_ids_and_papers_load_a_page_at_a_time(sample_library: Library) -> None:
    loader = CountingLoader(sample_library)
    model = PaperTableModel(loader)
    ids = sample_library.ids(sort="date", descending=True)
    model.set_rows(ids)
    assert model.rowCount() == 249 and loader.calls == []  # nothing loaded until asked
    assert model.data(model.index(3, Column.TITLE), IdRole) == ids[3]
    paper = model.data(model.index(3, Column.TITLE), PaperRole)
    assert isinstance(paper, Paper) and paper.id == ids[3]
    assert loader.calls == [ids[:PAGE_SIZE]]
    model.data(model.index(150, Column.TITLE))
    assert len(loader.calls) == 1  # same page, from the cache
    model.data(model.index(PAGE_SIZE + 1, Column.TITLE))
    assert loader.calls[-1] == ids[PAGE_SIZE : 2 * PAGE_SIZE]


def test_display_roles(sample_library: Library) -> None:
    model = PaperTableModel(sample_library.load)
    [first] = sample_library.ids(sort="title")[:1]
    sample_library.star([first])
    sample_library.tag([first], ["b-tag", "a-tag"])
    model.set_rows([first])
    paper = sample_library.get(first)
    assert model.data(model.index(0, Column.TITLE)) == paper.title
    assert model.data(model.index(0, Column.TAGS)) == "a-tag, b-tag"
    assert model.data(model.index(0, Column.STAR)) == "★"
    assert model.data(model.index(0, Column.READ)) == "●"  # unread
    assert model.data(model.index(0, Column.TITLE), Qt.ItemDataRole.FontRole).bold()
    sample_library.mark_read([first])
    model.refresh([first])
    assert model.data(model.index(0, Column.TITLE), Qt.ItemDataRole.FontRole) is None
    assert model.headerData(Column.TITLE, Qt.Orientation.Horizontal) == "Title"


def test_refresh_forgets_and_redraws_only_changed_rows(
    qtbot: QtBot, sample_library: Library
) -> None:
    model = PaperTableModel(sample_library.load)
    ids = sample_library.ids()
    model.set_rows(ids)
    model.data(model.index(10, Column.TITLE))
    sample_library.star([ids[10]])
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.refresh([ids[10], 999_999])  # an id not listed is ignored
    top, bottom = changed.args[0], changed.args[1]
    assert (top.row(), bottom.row()) == (10, 10)
    assert model.paper_at(10).starred  # type: ignore[union-attr]


def test_cache_is_bounded() -> None:
    model = PaperTableModel(lambda ids: [_fake(i) for i in ids])
    model.set_rows(list(range(1, 20_001)))
    for row in range(0, 20_000, PAGE_SIZE):
        assert model.paper_at(row) is not None
    assert len(model._cache) <= CACHE_LIMIT


def test_sort_asks_the_owner_instead_of_sorting(qtbot: QtBot, sample_library: Library) -> None:
    model = PaperTableModel(sample_library.load)
    model.set_rows([1, 2, 3])
    with qtbot.waitSignal(model.sortRequested) as asked:
        model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    assert asked.args == ["title", True]
    assert model.ids == [1, 2, 3]
    with qtbot.assertNotEmitted(model.sortRequested):
        model.sort(Column.TAGS)  # tags have no order in the core


def test_a_hundred_thousand_rows_load_only_what_is_drawn(qtbot: QtBot) -> None:
    """The view draws a screenful: the loader sees one or two pages, never 100,000 ids."""
    asked: list[int] = []

    def loader(ids: list[int]) -> list[Paper]:
        asked.extend(ids)
        return [_fake(i) for i in ids]

    model = PaperTableModel(loader)
    view = PaperView(model)
    qtbot.addWidget(view)
    model.set_rows(list(range(1, 100_001)))
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.grab()
    assert 0 < len(asked) <= 2 * PAGE_SIZE
    view.scrollToBottom()
    view.grab()
    assert len(asked) <= 4 * PAGE_SIZE
    assert view.selected_ids() == []
    view.selectAll()
    assert view.selected_count() == 100_000 and len(view.selected_ids()) == 100_000


def _fake(i: int) -> Paper:
    import datetime as dt

    now = dt.datetime(2025, 1, 1)
    return Paper(i, f"Paper {i}", "", i % 3 == 0, i % 2 == 0, (), "", (), None, now, now)


def test_no_proxy_model_between_the_view_and_the_ids(window: MainWindow) -> None:
    assert window.view.model() is window.model
    assert window.model.rowCount(QModelIndex()) == 249


def test_tags_that_do_not_fit_show_the_first_cut_short_then_a_count(qtbot: QtBot) -> None:
    metrics = QFontMetrics(QApplication.font())
    tags = ["a-very-long-tag-name-for-testing", "llm", "reinforcement-learning", "to read"]
    chips, hidden = fit_tags(tags, metrics, 120)
    assert len(chips) == 1 and chips[0].startswith("a-very") and chips[0].endswith("…")
    assert hidden == 3
    assert fit_tags(["llm", "rl"], metrics, 400) == (["llm", "rl"], 0)
    chips, hidden = fit_tags(tags, metrics, 10)  # no room even for a cut tag: the count only
    assert (chips, hidden) == ([], 4)
