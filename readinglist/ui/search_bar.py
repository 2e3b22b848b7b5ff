"""The search field: searches as you type, after a short pause, and Escape clears it.

The pause (150 ms) lets a fast typist finish a word before the core is asked; each answer still
arrives while typing. Down or Enter hands the keyboard to the list, so searching and reading
never need the mouse.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

DEBOUNCE_MS = 150


class SearchBar(QLineEdit):
    queryChanged = Signal(str)  # after the pause, or at once on Escape / Enter
    leave = Signal()  # the user wants to go to the list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SearchBar")
        self.setPlaceholderText("Search titles, abstracts, tags and notes   Ctrl+F")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(260)
        self.setMaximumWidth(460)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self.textEdited.connect(lambda _text: self._timer.start())
        # The clear button changes the text without textEdited: search again at once.
        self.textChanged.connect(self._on_text_changed)
        self._sent = ""
        self.installEventFilter(self)

    def set_icon(self, icon: QIcon) -> None:
        for action in self.actions():
            if action.objectName() == "search-icon":
                self.removeAction(action)
        action = self.addAction(icon, QLineEdit.ActionPosition.LeadingPosition)
        action.setObjectName("search-icon")

    def _on_text_changed(self, text: str) -> None:
        if not text:
            self._emit()

    def _emit(self) -> None:
        self._timer.stop()
        text = self.text()
        if text != self._sent:
            self._sent = text
            self.queryChanged.emit(text)

    def clear_search(self) -> None:
        self.clear()
        self._emit()

    def focus_search(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Escape must reach us even when a window-wide shortcut would otherwise take it.
        if (
            watched is self
            and event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            event.accept()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if self.text():
                self.clear_search()
            else:
                self.leave.emit()
            return
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._emit()
            self.leave.emit()
            return
        super().keyPressEvent(event)
