"""The paper list's table view: fixed row heights, no grid, and selection by paper id.

Fixed row heights and fixed-size sections matter at 100,000 rows: the view then never asks for a
size hint row by row. Selections are read as ranges (not 100,000 indexes after Ctrl+A), and put
back by id after the rows are reloaded, so a refresh never loses the reader's place.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from readinglist.ui.paper_delegate import PaperDelegate
from readinglist.ui.paper_model import COLUMN_OF_SORT, SORT_KEYS, Column, PaperTableModel

DEFAULT_WIDTHS = {Column.STAR: 32, Column.READ: 24, Column.TAGS: 160, Column.DATE: 100}
# When the list is narrow the Tags column gives way, down to this, so that titles keep at least
# MIN_TITLE_WIDTH: a title is what a reader scans.
MIN_TAGS_WIDTH = 56
MIN_TITLE_WIDTH = 220


class PaperView(QTableView):
    selectedIdsChanged = Signal()

    def __init__(self, model: PaperTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PaperView")
        self.paper_model = model
        self.setModel(model)
        self.delegate = PaperDelegate(self)
        self.setItemDelegate(self.delegate)
        self.placeholder = ""
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setMouseTracking(True)
        self.setTabKeyNavigation(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.horizontalHeader()
        # To draw a section, the header asks whether the columns beside it are selected, and
        # the view's selection model answers by walking every row: after Ctrl+A on 100,000
        # papers each repaint froze the window for seconds. Rows are what gets selected here,
        # never columns, so the header gets a selection model of its own that stays empty.
        header.setSelectionModel(QItemSelectionModel(model, header))
        header.setHighlightSections(False)
        header.setSectionsMovable(False)
        header.setMinimumSectionSize(24)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in DEFAULT_WIDTHS.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.STAR, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Column.READ, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        self._indicator: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self.tags_width = DEFAULT_WIDTHS[Column.TAGS]  # as wide as the user wants it, room allowing
        self._fitting = False
        header.sectionResized.connect(self._on_section_resized)
        self.selectionModel().selectionChanged.connect(self._selection_changed)
        self.selectionModel().currentRowChanged.connect(self._selection_changed)

    # -- titles keep their room -------------------------------------------------------------------

    def _on_section_resized(self, column: int, _old: int, new: int) -> None:
        header = self.horizontalHeader()
        if (
            column == Column.TAGS
            and not self._fitting
            and not header.isSectionHidden(Column.TAGS)
            and new >= MIN_TAGS_WIDTH  # (hiding reports 0, later)
        ):
            self.tags_width = new  # the user's choice (or a restored layout's)
            self._fit_columns()

    def _fit_columns(self) -> None:
        header = self.horizontalHeader()
        others = sum(header.sectionSize(c) for c in (Column.STAR, Column.READ, Column.DATE))
        room = self.viewport().width() - others - MIN_TITLE_WIDTH
        self._fitting = True
        # Too narrow for even a cut tag: the column goes, and the titles keep what is left.
        header.setSectionHidden(Column.TAGS, room < MIN_TAGS_WIDTH)
        width = max(MIN_TAGS_WIDTH, min(self.tags_width, room))
        if header.sectionSize(Column.TAGS) != width:
            header.resizeSection(Column.TAGS, width)
        self._fitting = False

    def header_state(self) -> QByteArray:
        """The header's state to remember, with the Tags width the user chose (not the one a
        narrow window gave it)."""
        header = self.horizontalHeader()
        self._fitting = True
        header.setSectionHidden(Column.TAGS, False)
        header.resizeSection(Column.TAGS, self.tags_width)
        state = header.saveState()
        self._fitting = False
        self._fit_columns()
        return state

    def restore_header_state(self, state: QByteArray) -> None:
        header = self.horizontalHeader()
        if header.restoreState(state):  # it resizes sections without telling: read them back
            header.setSectionHidden(Column.TAGS, False)
            self.tags_width = max(MIN_TAGS_WIDTH, header.sectionSize(Column.TAGS))
            self._fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def keyboardSearch(self, search: str) -> None:
        """Letters are the window's shortcuts (S star, R read, T tag): never jump to a title."""

    def _selection_changed(self, *_args: object) -> None:
        self.selectedIdsChanged.emit()

    def enable_sorting(self, key: str, descending: bool) -> None:
        """Show the sort indicator for `key` and let header clicks sort (through the model)."""
        header = self.horizontalHeader()
        self.show_sort(key if key in COLUMN_OF_SORT else "date", descending)
        # Connected after the indicator is set: enabling sorting sorts once, which we do not need.
        header.sortIndicatorChanged.connect(self._on_sort_indicator)

    def show_sort(self, key: str | None, descending: bool = False) -> None:
        """Move the indicator without sorting; None clears it (search results: by relevance)."""
        header = self.horizontalHeader()
        header.blockSignals(True)
        if key is None:
            self._indicator = (-1, Qt.SortOrder.AscendingOrder)
        else:
            self._indicator = (COLUMN_OF_SORT[key], self._order(descending))
        header.setSortIndicator(*self._indicator)
        header.blockSignals(False)
        header.viewport().update()

    @staticmethod
    def _order(descending: bool) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder

    def _on_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        if column in SORT_KEYS:
            self._indicator = (column, order)
            self.paper_model.sort(column, order)
        else:
            # Tags have no order in the core: put the indicator back where it was.
            header = self.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self._indicator)
            header.blockSignals(False)

    # -- selection by id ---------------------------------------------------------------------------

    def _ranges(self) -> list[tuple[int, int]]:
        """The selected rows as (top, bottom) ranges: one range after Ctrl+A, not 100,000 rows."""
        selection = self.selectionModel().selection()
        return [(selection.at(i).top(), selection.at(i).bottom()) for i in range(selection.count())]

    def selected_ids(self) -> list[int]:
        ids = self.paper_model.ids
        rows = sorted({r for top, bottom in self._ranges() for r in range(top, bottom + 1)})
        return [ids[r] for r in rows if r < len(ids)]

    def selection_key(self) -> tuple[object, ...]:
        """What is selected, cheaply comparable: the current paper and the selected ranges."""
        return (self.current_id(), tuple(self._ranges()), id(self.paper_model.ids))

    def selected_count(self) -> int:
        return len({r for top, bottom in self._ranges() for r in range(top, bottom + 1)})

    def current_id(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid() or index.row() >= len(self.paper_model.ids):
            return None
        return self.paper_model.ids[index.row()]

    def select_ids(self, ids: Sequence[int], current: int | None) -> None:
        """Select these papers (those still listed) and make `current` the current row."""
        model = self.paper_model
        rows = sorted(r for r in (model.row_of(i) for i in ids) if r is not None)
        selection = QItemSelection()
        last = model.columnCount() - 1
        start = 0
        # Contiguous rows as one range: after Ctrl+A that is one range, not 100,000.
        for i, row in enumerate(rows):
            if i + 1 == len(rows) or rows[i + 1] != row + 1:
                selection.select(model.index(rows[start], 0), model.index(row, last))
                start = i + 1
        flags = QItemSelectionModel.SelectionFlag
        current_row = model.row_of(current) if current is not None else None
        chooser = self.selectionModel()
        if current_row is not None:
            chooser.setCurrentIndex(model.index(current_row, Column.TITLE), flags.NoUpdate)
            self.scrollTo(model.index(current_row, Column.TITLE))
        chooser.select(selection, flags.ClearAndSelect)

    def select_row(self, row: int) -> None:
        if 0 <= row < self.paper_model.rowCount():
            index = self.paper_model.index(row, Column.TITLE)
            flags = QItemSelectionModel.SelectionFlag
            self.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
            self.scrollTo(index)

    # -- an empty list says why --------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.paper_model.rowCount() == 0 and self.placeholder:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            rect = self.viewport().rect().adjusted(24, 24, -24, -24)
            painter.drawText(
                rect,
                Qt.AlignmentFlag.AlignHCenter
                | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                self.placeholder,
            )
            painter.end()

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        self.viewport().update()

    def first_index(self) -> QModelIndex:
        return self.paper_model.index(0, Column.TITLE)
