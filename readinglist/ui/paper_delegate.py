"""Draws the paper list's cells: the star, the unread dot, titles with search matches, tag chips.

Painting reads the one `Paper` of the row from the model instead of asking it role by role,
which keeps a repaint of a full screen to a few hundred Python calls. Clicking the star or the
read dot toggles it (`toggleRequested`), like a mail client's flag.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from readinglist.core.records import Paper
from readinglist.ui import theme
from readinglist.ui.highlight import match_spans
from readinglist.ui.paper_model import Column, PaperTableModel, format_date

Index = QModelIndex | QPersistentModelIndex
PADDING = 8
CHIP_GAP = 4


def paper_of(index: Index) -> Paper | None:
    """The row's paper, straight from our model.

    Not `index.data(PaperRole)`: PySide6 6.12 drops a reference to None each time
    `QModelIndex.data()` returns no value, which crashes the interpreter once enough add up.
    """
    model = index.model()
    return model.paper_at(index.row()) if isinstance(model, PaperTableModel) else None


@lru_cache(maxsize=16)
def _star_at_origin(radius: float) -> QPainterPath:
    return star_path(QPointF(0, 0), radius)


def star_path(center: QPointF, radius: float) -> QPainterPath:
    """A five-pointed star, drawn as a path so it is crisp in any font and at any scale."""
    path = QPainterPath()
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        point = QPointF(center.x() + r * math.cos(angle), center.y() + r * math.sin(angle))
        if i == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    path.closeSubpath()
    return path


def paint_chip(
    painter: QPainter, rect: QRectF, tag: str, font: QFont, dark: bool, text: bool = True
) -> None:
    """A tag as a rounded chip in its own colour (the same in the list and the detail pane)."""
    background, foreground = theme.tag_colors(tag, dark)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(background)
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.setPen(foreground)
    if text:
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, tag)


def fit_tags(tags: Sequence[str], metrics: QFontMetrics, room: float) -> tuple[list[str], int]:
    """The tag chips that fit in `room` pixels, and how many tags are left for a "+N": the
    first tag cut short ("a-very-lo…") rather than nothing but a count."""
    chips: list[str] = []
    x = 0.0
    for i, tag in enumerate(tags):
        width = metrics.horizontalAdvance(tag) + 12
        rest = len(tags) - i - 1
        more_width = metrics.horizontalAdvance(f"+{rest}") + 6 if rest else 0
        if x + width + more_width > room:
            space = int(room - x - more_width - 12)
            if i == 0 and space >= metrics.horizontalAdvance("ab…"):
                chips.append(metrics.elidedText(tag, Qt.TextElideMode.ElideRight, space))
                return chips, rest
            return chips, len(tags) - i
        chips.append(tag)
        x += width + CHIP_GAP
    return chips, 0


class PaperDelegate(QStyledItemDelegate):
    toggleRequested = Signal(int, int)  # paper id, Column.STAR or Column.READ

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dark = False

    def _text_color(self, option: QStyleOptionViewItem, muted: bool = False) -> QColor:
        if option.state & QStyle.StateFlag.State_Selected:
            return option.palette.color(QPalette.ColorRole.HighlightedText)
        if muted:
            return option.palette.color(QPalette.ColorRole.PlaceholderText)
        return option.palette.color(QPalette.ColorRole.Text)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        paper = paper_of(index)
        if not isinstance(paper, Paper):
            super().paint(painter, option, index)
            return
        # The row background (selection, hover, alternate colour) as the style draws it.
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect)
        column = index.column()  # an int: comparing with the IntEnum costs nothing
        if column == Column.STAR:
            self._paint_star(painter, rect, paper, option)
        elif column == Column.READ:
            self._paint_read(painter, rect, paper, option)
        elif column == Column.TITLE:
            self._paint_title(painter, rect, paper, option, index)
        elif column == Column.TAGS:
            self._paint_tags(painter, rect, paper, option)
        else:
            painter.setFont(option.font)
            painter.setPen(self._text_color(option, muted=paper.read))
            painter.drawText(
                rect.adjusted(PADDING, 0, -PADDING, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                format_date(paper.last_date),
            )
        painter.restore()

    def _paint_star(
        self, painter: QPainter, rect: QRectF, paper: Paper, option: QStyleOptionViewItem
    ) -> None:
        radius = round(min(rect.height(), rect.width()) * 0.27, 1)
        path = _star_at_origin(radius).translated(rect.center())
        if paper.starred:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.star_color(self.dark))
        else:
            # A faint outline tells where to click without adding noise to every row.
            color = self._text_color(option, muted=True)
            color.setAlphaF(0.35)
            painter.setPen(color)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

    def _paint_read(
        self, painter: QPainter, rect: QRectF, paper: Paper, option: QStyleOptionViewItem
    ) -> None:
        if paper.read:
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        color = (
            option.palette.color(QPalette.ColorRole.HighlightedText)
            if selected
            else QColor(theme.colors(self.dark)["accent"])
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        radius = 4.0
        painter.drawEllipse(rect.center(), radius, radius)

    def _paint_title(
        self,
        painter: QPainter,
        rect: QRectF,
        paper: Paper,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> None:
        font = QFont(option.font)
        font.setBold(not paper.read)
        metrics = QFontMetrics(font)
        area = rect.adjusted(PADDING, 0, -PADDING, 0)
        text = metrics.elidedText(paper.title, Qt.TextElideMode.ElideRight, int(area.width()))
        terms = getattr(index.model(), "terms", ())
        if terms:
            mark = QColor(theme.colors(self.dark)["mark"])
            if option.state & QStyle.StateFlag.State_Selected:
                mark.setAlphaF(0.45)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(mark)
            top = area.center().y() - metrics.height() / 2
            shown = len(text.rstrip("…"))
            for start, end in match_spans(paper.title, terms):
                if start >= shown:
                    break
                x = area.left() + metrics.horizontalAdvance(text[:start])
                width = metrics.horizontalAdvance(text[start : min(end, shown)])
                painter.drawRoundedRect(QRectF(x - 1, top, width + 2, metrics.height()), 3, 3)
        painter.setFont(font)
        painter.setPen(self._text_color(option))
        painter.drawText(area, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    def _paint_tags(
        self, painter: QPainter, rect: QRectF, paper: Paper, option: QStyleOptionViewItem
    ) -> None:
        if not paper.tags:
            return
        font = QFont(option.font)
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        metrics = QFontMetrics(font)
        height = metrics.height() + 2
        top = rect.center().y() - height / 2
        x = rect.left() + PADDING / 2
        right = rect.right() - PADDING / 2
        chips, hidden = fit_tags(paper.tags, metrics, right - x)
        for label in chips:
            width = metrics.horizontalAdvance(label) + 12
            paint_chip(painter, QRectF(x, top, width, height), label, font, self.dark)
            x += width + CHIP_GAP
        if hidden:
            painter.setFont(font)
            painter.setPen(self._text_color(option, muted=True))
            painter.drawText(
                QRectF(x, top, right - x, height),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                f"+{hidden}",
            )

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        column = index.column()
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and column in (Column.STAR, Column.READ)
            and not event.modifiers()
        ):
            paper = paper_of(index)
            if isinstance(paper, Paper):
                self.toggleRequested.emit(paper.id, column)
                return True
        return super().editorEvent(event, model, option, index)
