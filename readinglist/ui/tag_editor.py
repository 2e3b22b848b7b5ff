"""The tag editor: the paper's tags as chips (click × to remove) and a field to add more.

The field completes from the library's existing tags (anywhere in the name, ignoring case), so
"vis" offers "computer vision"; Enter adds what was typed, and a comma separates several tags.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QSizePolicy, QWidget

from readinglist.ui.flow_layout import FlowLayout
from readinglist.ui.paper_delegate import paint_chip
from readinglist.ui.theme import tag_colors


class TagChip(QWidget):
    """One tag, drawn like the list's chips, with a × that removes it."""

    removeClicked = Signal(str)

    def __init__(self, name: str, dark: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.dark = dark
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"Remove the tag “{name}”")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(metrics.horizontalAdvance(self.name + "  ×") + 18, metrics.height() + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        paint_chip(painter, rect, self.name, self.font(), self.dark, text=False)
        painter.setFont(self.font())
        _, foreground = tag_colors(self.name, self.dark)
        painter.setPen(foreground)
        painter.drawText(
            rect.adjusted(9, 0, -9, 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            self.name,
        )
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(
            rect.adjusted(0, 0, -9, 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            "×",
        )
        painter.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.removeClicked.emit(self.name)


class TagEditor(QWidget):
    """Chips, then the field to add one, flowing on as many lines as they need."""

    tagsAdded = Signal(list)  # names
    tagRemoved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dark = False
        self.flow = FlowLayout(self, spacing=5)
        self.input = QLineEdit(self)
        self.input.setObjectName("TagInput")
        self.set_hint("Add a tag…  (T)")
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.input.setCompleter(completer)
        self.input.returnPressed.connect(self._add_typed)
        self.input.installEventFilter(self)  # Backspace in the empty field: see eventFilter
        self.flow.addWidget(self.input)
        self._chips: list[TagChip] = []
        self._tags: tuple[str, ...] = ()

    def set_hint(self, text: str) -> None:
        """The field's placeholder; the field is wide enough to show it whole."""
        self.input.setPlaceholderText(text)
        self.input.setFixedWidth(max(140, self.input.fontMetrics().horizontalAdvance(text) + 28))

    def set_known_tags(self, names: Sequence[str]) -> None:
        self._names.setStringList(list(names))

    def known_tags(self) -> list[str]:
        return self._names.stringList()

    @property
    def tags(self) -> tuple[str, ...]:
        return self._tags

    def set_tags(self, tags: Sequence[str], dark: bool) -> None:
        if tuple(tags) == self._tags and dark == self.dark:
            return
        self._tags, self.dark = tuple(tags), dark
        for chip in self._chips:
            self.flow.removeWidget(chip)
            chip.deleteLater()
        self._chips = []
        self.flow.removeWidget(self.input)
        for name in tags:
            chip = TagChip(name, dark, self)
            chip.removeClicked.connect(self.tagRemoved)
            self.flow.addWidget(chip)
            self._chips.append(chip)
        self.flow.addWidget(self.input)  # the field comes last, after the chips
        self.updateGeometry()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Backspace in the empty field removes the last tag, as in a mail program's address
        # field: tags can be taken off without the mouse (undo with Ctrl+Z).
        if (
            watched is self.input
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Backspace
            and not self.input.text()
            and self._tags
        ):
            self.tagRemoved.emit(self._tags[-1])
            return True
        return super().eventFilter(watched, event)

    def focus_input(self) -> None:
        self.input.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _add_typed(self) -> None:
        # A completion picked from the popup is already in the field; take it as typed.
        names = [" ".join(part.split()) for part in self.input.text().split(",")]
        names = [n for n in names if n]
        self.input.clear()
        if names:
            self.tagsAdded.emit(names)
