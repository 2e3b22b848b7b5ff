"""The paper list's model: row ids in display order, papers fetched in pages on demand.

The core decides which papers are listed and in what order (`Library.ids`, `Library.search`);
this model only holds the ids and loads the `Paper` objects of the rows the view actually draws,
a page at a time, into a bounded cache. So a
library of 100,000 papers costs one list of ints plus a few pages, and sorting or filtering never
calls `data()` for rows that are not on screen. There is no QSortFilterProxyModel: `sort()` asks
the owner for new ids (the `sortRequested` signal) instead of sorting here.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from readinglist.core.records import Paper

PAGE_SIZE = 200
CACHE_LIMIT = 5_000  # papers kept; a screen shows ~50, so this is many pages of scrolling back

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class Column(IntEnum):
    STAR = 0
    READ = 1
    TITLE = 2
    TAGS = 3
    DATE = 4


HEADERS = {
    Column.STAR: "★",
    Column.READ: "●",
    Column.TITLE: "Title",
    Column.TAGS: "Tags",
    Column.DATE: "Listed",
}
TOOLTIPS = {
    Column.STAR: "Starred",
    Column.READ: "Unread",
    Column.TITLE: "Title",
    Column.TAGS: "Tags",
    Column.DATE: "Latest listing date",
}
# The core sort key of each sortable column (papers.SORT_COLUMNS); tags are not sortable.
SORT_KEYS = {
    Column.STAR: "starred",
    Column.READ: "read",
    Column.TITLE: "title",
    Column.DATE: "date",
}
COLUMN_OF_SORT = {key: column for column, key in SORT_KEYS.items()}

# Computed once: the view asks for every cell's flags on every repaint.
ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
PaperRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2


def format_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


class PaperTableModel(QAbstractTableModel):
    sortRequested = Signal(str, bool)  # core sort key, descending

    def __init__(
        self, loader: Callable[[list[int]], list[Paper]], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._load = loader
        self._ids: list[int] = []
        self._rows: dict[int, int] | None = None  # id -> row, built when first needed
        self._cache: OrderedDict[int, Paper] = OrderedDict()
        self._bold = QFont()
        self._bold.setBold(True)
        self.terms: tuple[str, ...] = ()  # search terms to highlight in titles

    # -- the rows --------------------------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        return self._ids

    def set_rows(self, ids: Sequence[int], papers: Iterable[Paper] = ()) -> None:
        """Show these ids in this order; `papers` already loaded (search results) seed the cache."""
        self.beginResetModel()
        self._ids = list(ids)
        self._rows = None
        for paper in papers:
            self._remember(paper)
        self.endResetModel()

    def row_of(self, paper_id: int) -> int | None:
        if self._rows is None:
            self._rows = {pid: row for row, pid in enumerate(self._ids)}
        return self._rows.get(paper_id)

    def paper_at(self, row: int) -> Paper | None:
        if not 0 <= row < len(self._ids):
            return None
        paper_id = self._ids[row]
        paper = self._cache.get(paper_id)
        if paper is None:
            self._fetch_page(row)
            paper = self._cache.get(paper_id)
        else:
            self._cache.move_to_end(paper_id)
        return paper

    def papers(self, ids: Iterable[int]) -> list[Paper]:
        """Papers by id, from the cache where possible (for the detail pane and the actions)."""
        wanted = list(ids)
        missing = [i for i in wanted if i not in self._cache]
        for paper in self._load(missing) if missing else ():
            self._remember(paper)
        return [self._cache[i] for i in wanted if i in self._cache]

    def refresh(self, paper_ids: Iterable[int]) -> None:
        """These papers changed: forget them and redraw their rows (they reload when drawn)."""
        changed = list(paper_ids)
        if len(changed) >= CACHE_LIMIT:  # (starring 100,000) looking each one up costs more
            self.forget_all()
            return
        rows = []
        for paper_id in changed:
            self._cache.pop(paper_id, None)
            row = self.row_of(paper_id)
            if row is not None:
                rows.append(row)
        if rows:
            last = len(Column) - 1
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last))

    def forget_all(self) -> None:
        """Everything may have changed (an import, a merge): reload rows as they are drawn."""
        self._cache.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(Column) - 1))

    def _fetch_page(self, row: int) -> None:
        # On the GUI thread, on purpose: a page is a few milliseconds of SQL, and loading pages
        # ahead in a worker was measured to slow scrolling down (the two threads share the GIL).
        start = row - row % PAGE_SIZE
        page = [i for i in self._ids[start : start + PAGE_SIZE] if i not in self._cache]
        for paper in self._load(page):
            self._remember(paper)

    def _remember(self, paper: Paper) -> None:
        self._cache[paper.id] = paper
        self._cache.move_to_end(paper.id)
        while len(self._cache) > CACHE_LIMIT:
            self._cache.popitem(last=False)

    # -- QAbstractTableModel ---------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.STAR, Column.READ):
            return Qt.AlignmentFlag.AlignCenter
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == IdRole:
            return self._ids[index.row()]
        paper = self.paper_at(index.row())
        if paper is None:
            return None
        if role == PaperRole:
            return paper
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(paper, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(paper, column)
        if role == Qt.ItemDataRole.FontRole and not paper.read:
            return self._bold  # unread papers stand out
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (Column.STAR, Column.READ):
                return Qt.AlignmentFlag.AlignCenter
            return Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        return None

    @staticmethod
    def _text(paper: Paper, column: Column) -> str:
        if column == Column.TITLE:
            return paper.title
        if column == Column.DATE:
            return format_date(paper.last_date)
        if column == Column.TAGS:
            return ", ".join(paper.tags)
        if column == Column.STAR:
            return "★" if paper.starred else ""
        return "" if paper.read else "●"

    @staticmethod
    def _tooltip(paper: Paper, column: Column) -> str:
        if column == Column.STAR:
            return "Starred (S)" if paper.starred else "Not starred (S)"
        if column == Column.READ:
            return "Read (R)" if paper.read else "Unread (R)"
        if column == Column.DATE:
            dates = sorted({s.date for s in paper.sightings})
            return "Listed " + ", ".join(format_date(d) for d in dates) if dates else "Never listed"
        return paper.title if column == Column.TITLE else ", ".join(paper.tags)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(Column(column)) if 0 <= column < len(Column) else None
        if key is not None:
            self.sortRequested.emit(key, order == Qt.SortOrder.DescendingOrder)
