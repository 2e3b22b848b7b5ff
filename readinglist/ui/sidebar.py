"""The sidebar: the library's views (All, Unread, Starred, Hidden duplicates), tags and imports.

Each entry carries the `PaperFilter` it stands for; choosing one filters the list. The counts are
read off the GUI thread (at 100,000 papers they are a few SQL counts), and a refresh keeps the
chosen entry, falling back to All when it is gone (the last paper of a tag lost it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from readinglist.core.library import DumpInfo, Library
from readinglist.core.papers import PaperFilter
from readinglist.ui.paper_model import format_date
from readinglist.ui.tasks import TaskContext, TaskRunner

# Every item sets both roles (-1: none), and entries live in a Python list indexed by EntryRole:
# PySide6 6.12 drops a reference to None each time `QModelIndex.data()` finds no value, which
# crashes the interpreter once enough add up, so no code here ever reads an unset role.
EntryRole = Qt.ItemDataRole.UserRole + 1
CountRole = Qt.ItemDataRole.UserRole + 2
NONE = -1
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Entry:
    key: str  # "all", "unread", "starred", "hidden", "tag:NAME", "dump:ID"
    label: str
    where: PaperFilter
    count: int
    empty_text: str = "No papers here."


@dataclass(frozen=True)
class Counts:
    """Everything the sidebar shows, read in one go off the GUI thread."""

    all: int
    unread: int
    starred: int
    hidden: int
    tags: list[tuple[str, int]]
    dumps: list[DumpInfo]

    @property
    def empty_library(self) -> bool:
        return self.all == 0 and self.hidden == 0


def read_counts(lib: Library) -> Counts:
    return Counts(
        all=lib.count(PaperFilter()),
        unread=lib.count(PaperFilter(unread=True)),
        starred=lib.count(PaperFilter(starred=True)),
        hidden=lib.count(PaperFilter(only_hidden=True)),
        tags=lib.tags(),
        dumps=lib.dumps(),
    )


def dump_label(dump: DumpInfo) -> str:
    """The listing date first (what a reader remembers), then the file name."""
    first = format_date(dt.date.fromisoformat(dump.first_date))
    if dump.last_date != dump.first_date:
        first += " +"  # a file of several pages glued together
    stem = dump.file_name.rsplit(".", 1)[0]
    return first if stem == dump.first_date else f"{first}  ·  {stem}"


def build_sections(counts: Counts) -> list[tuple[str, list[Entry], str]]:
    """The sidebar's sections: (title, entries, what to say when there are none)."""
    library = [
        Entry("all", "All papers", PaperFilter(), counts.all),
        Entry(
            "unread",
            "Unread",
            PaperFilter(unread=True),
            counts.unread,
            "Nothing unread: you are all caught up.",
        ),
        Entry(
            "starred",
            "Starred",
            PaperFilter(starred=True),
            counts.starred,
            "No starred papers yet. Press S on a paper to star it.",
        ),
        Entry(
            "hidden",
            "Hidden duplicates",
            PaperFilter(only_hidden=True),
            counts.hidden,
            "No hidden duplicates: every listing is a paper of its own.",
        ),
    ]
    tags = [Entry(f"tag:{name}", name, PaperFilter(tag=name), n) for name, n in counts.tags]
    dumps = [
        Entry(f"dump:{d.id}", dump_label(d), PaperFilter(dump_id=d.id), d.entries)
        for d in counts.dumps
    ]
    return [
        ("Library", library, ""),
        ("Tags", tags, "No tags yet (press T)"),
        ("Imports", dumps, "Nothing imported yet"),
    ]


class _Delegate(QStyledItemDelegate):
    """Name on the left, count on the right in a quieter colour; sections in small capitals."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + (10 if index.data(EntryRole) == NONE else 8))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        count = index.data(CountRole)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect: QRect = opt.rect.adjusted(4, 0, -10, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole
        painter.save()
        metrics = opt.fontMetrics
        count_text = f"{count:,}" if isinstance(count, int) and count >= 0 else ""
        count_width = metrics.horizontalAdvance(count_text) + 8 if count_text else 0
        align = Qt.AlignmentFlag.AlignVCenter
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(role.HighlightedText if selected else role.Text))
        if index.data(EntryRole) == NONE:
            painter.setPen(opt.palette.color(role.PlaceholderText))
        name_rect = rect.adjusted(0, 0, -count_width, 0)
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, name_rect.width())
        painter.drawText(name_rect, align | Qt.AlignmentFlag.AlignLeft, elided)
        if count_text:
            painter.setPen(
                opt.palette.color(role.HighlightedText if selected else role.PlaceholderText)
            )
            painter.drawText(rect, align | Qt.AlignmentFlag.AlignRight, count_text)
        painter.restore()


class Sidebar(QTreeView):
    entrySelected = Signal(object)  # Entry
    countsChanged = Signal(object)  # Counts

    def __init__(self, lib: Library, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.lib = lib
        self.runner = runner
        self.counts: Counts | None = None
        self._dumps: dict[str, DumpInfo] = {}  # imported files by entry key
        self._entries: list[Entry] = []
        self._model = QStandardItemModel(self)
        self.setModel(self._model)
        self.setItemDelegate(_Delegate(self))
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(10)
        self.setUniformRowHeights(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setExpandsOnDoubleClick(False)
        self.setMinimumWidth(170)
        self.current_key = "all"
        self._rebuilding = False
        self.selectionModel().currentChanged.connect(self._on_current)
        self._generation = 0

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """The keys go from entry to entry: section headers and hints are passed over."""
        index = super().moveCursor(action, modifiers)
        Move = QAbstractItemView.CursorAction
        upwards = action in (Move.MoveUp, Move.MovePrevious, Move.MovePageUp, Move.MoveEnd)
        while index.isValid() and self.entry_at(index) is None:
            index = self.indexAbove(index) if upwards else self.indexBelow(index)
        return index if index.isValid() else self.currentIndex()

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        lib = self.lib

        def fetch(_ctx: TaskContext) -> Counts:
            return read_counts(lib)

        self.runner.run(fetch, on_success=lambda counts: self._show(generation, counts))

    def entry_at(self, index: QModelIndex) -> Entry | None:
        if not index.isValid():
            return None
        number = index.data(EntryRole)
        return self._entries[number] if isinstance(number, int) and number >= 0 else None

    def current_entry(self) -> Entry | None:
        return self.entry_at(self.currentIndex())

    def select_key(self, key: str) -> bool:
        for row in range(self._model.rowCount()):
            section = self._model.item(row)
            for child in range(section.rowCount()):
                item = section.child(child)
                entry = self.entry_at(item.index())
                if entry is not None and entry.key == key:
                    self.setCurrentIndex(item.index())
                    return True
        return False

    def _show(self, generation: int, counts: Counts) -> None:
        if generation != self._generation:
            return
        self.counts = counts
        # By key: a tooltip per imported file, and a library may hold thousands of files.
        self._dumps = {f"dump:{d.id}": d for d in counts.dumps}
        sections = build_sections(counts)
        entries = [e for _, group, _ in sections for e in group]
        if [e.key for e in entries] == [e.key for e in self._entries]:
            self._update_counts(entries)  # same entries (a star, a note): no rebuild, no jump
        else:
            self._rebuild(sections)
        self.countsChanged.emit(counts)

    def _update_counts(self, entries: list[Entry]) -> None:
        self._entries = entries
        for row in range(self._model.rowCount()):
            section = self._model.item(row)
            for child in range(section.rowCount()):
                item = section.child(child)
                number = item.data(EntryRole)
                if isinstance(number, int) and number >= 0:
                    entry = entries[number]
                    if item.data(CountRole) != entry.count:  # each change repaints the item
                        item.setData(entry.count, CountRole)
                    tooltip = self._tooltip(entry)
                    if item.toolTip() != tooltip:
                        item.setToolTip(tooltip)

    def _rebuild(self, sections: list[tuple[str, list[Entry], str]]) -> None:
        expanded = {
            self._model.item(r).text(): self.isExpanded(self._model.item(r).index())
            for r in range(self._model.rowCount())
        }
        scroll = self.verticalScrollBar().value()
        self._rebuilding = True
        self._model.clear()
        self._entries = []
        for title, entries, empty in sections:
            self._section(title, entries, empty)
        for row in range(self._model.rowCount()):
            item = self._model.item(row)
            self.setExpanded(item.index(), expanded.get(item.text(), True))
        found = self.select_key(self.current_key)
        self.verticalScrollBar().setValue(scroll)
        self._rebuilding = False
        if not found:
            self.current_key = "all"
            self.select_key("all")
            self._emit()

    def _section(self, title: str, entries: list[Entry], empty: str = "") -> None:
        header = QStandardItem(title.upper())
        header.setFlags(Qt.ItemFlag.ItemIsEnabled)
        header.setData(NONE, EntryRole)
        header.setData(NONE, CountRole)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.82)
        font.setBold(True)
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
        header.setFont(font)
        for entry in entries:
            item = QStandardItem(entry.label)
            item.setData(len(self._entries), EntryRole)
            self._entries.append(entry)
            item.setData(entry.count, CountRole)
            item.setToolTip(self._tooltip(entry))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            header.appendRow(item)
        if not entries and empty:
            hint = QStandardItem(empty)
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            hint.setData(NONE, EntryRole)
            hint.setData(NONE, CountRole)
            header.appendRow(hint)
        self._model.appendRow(header)

    def _tooltip(self, entry: Entry) -> str:
        dump = self._dumps.get(entry.key)
        if dump is not None:
            dates = format_date_range(dump)
            return f"{dump.path}\nListed {dates}; {dump.entries} entries"
        return f"{entry.label}: {entry.count:,}"

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = self.entry_at(current)
        if entry is not None:
            self.current_key = entry.key
            if not self._rebuilding:
                self._emit()

    def _emit(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.entrySelected.emit(entry)


def format_date_range(dump: DumpInfo) -> str:
    first = format_date(dt.date.fromisoformat(dump.first_date))
    last = format_date(dt.date.fromisoformat(dump.last_date))
    return first if first == last else f"{first} to {last}"
