"""Read-only, selectable text that is as tall as its content, with search matches marked.

Titles and abstracts are shown as plain text, always: they carry LaTeX (`$O(n^2)$`, `{\\it x}`,
`\\%`) and stray `<`, `&`, `#`, which must read exactly as written and never be interpreted as
markup. Matches are marked with extra selections, which colour the text without touching it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractSlider,
    QApplication,
    QFrame,
    QScrollArea,
    QScrollBar,
    QSizePolicy,
    QTextEdit,
    QWidget,
)

from readinglist.ui.highlight import match_spans

_Step = QAbstractSlider.SliderAction
# Reading keys scroll the pane the text sits in (it is as tall as its text: it has nothing of its
# own to scroll). With Shift, the arrows and Home/End extend a selection as usual.
_SCROLL_KEYS = {
    Qt.Key.Key_Down: _Step.SliderSingleStepAdd,
    Qt.Key.Key_Up: _Step.SliderSingleStepSub,
    Qt.Key.Key_PageDown: _Step.SliderPageStepAdd,
    Qt.Key.Key_PageUp: _Step.SliderPageStepSub,
    Qt.Key.Key_Space: _Step.SliderPageStepAdd,
    Qt.Key.Key_Home: _Step.SliderToMinimum,
    Qt.Key.Key_End: _Step.SliderToMaximum,
}


class TextView(QTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.document().setDocumentMargin(0)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self.setTabChangesFocus(True)
        self._mark = QColor("#ffe58a")
        self.line_height = 100  # percent; long abstracts read better with a little air

    def _space_lines(self) -> None:
        if self.line_height == 100:
            return
        block = QTextBlockFormat()
        block.setLineHeight(
            self.line_height, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        )
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(block)

    def show_text(self, text: str, terms: Sequence[str] = (), mark: QColor | None = None) -> None:
        if mark is not None:
            self._mark = mark
        if text != self.toPlainText():
            self.setPlainText(text)  # plain text: never parsed as markup
            self._space_lines()
        self._highlight(terms)
        self._fit()

    def _highlight(self, terms: Sequence[str]) -> None:
        selections = []
        fmt = QTextCharFormat()
        fmt.setBackground(self._mark)
        for start, end in match_spans(self.toPlainText(), terms):
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.setExtraSelections(selections)

    def _fit(self) -> None:
        width = self.viewport().width()
        if width <= 0:
            return
        self.document().setTextWidth(width)
        height = int(self.document().size().height()) + 2 * self.frameWidth() + 2
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def sizeHint(self) -> QSize:
        return QSize(300, self.height())

    # -- scrolling the pane around it --------------------------------------------------------------

    def _pane_scroll_bar(self) -> QScrollBar | None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        return parent.verticalScrollBar() if parent is not None else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = _SCROLL_KEYS.get(Qt.Key(event.key()))
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        bar = self._pane_scroll_bar()
        if action is not None and bar is not None:
            if event.key() == Qt.Key.Key_Space and shift:
                action = _Step.SliderPageStepSub  # Shift+Space: a page back, as in a browser
            elif shift:
                super().keyPressEvent(event)
                return
            bar.triggerAction(action)
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        # The text never scrolls itself: the wheel scrolls the pane (handed over explicitly: Qt
        # passes an ignored wheel event to the parents only when it came from the system).
        bar = self._pane_scroll_bar()
        if bar is None:
            event.ignore()
            return
        QApplication.sendEvent(bar, event)
