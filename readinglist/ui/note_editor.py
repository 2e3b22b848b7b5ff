"""The note editor: saves as you type, a moment after you stop, and never loses a word.

A save goes out 600 ms after the last keystroke, and at once when the paper changes, when the
window closes and before an undo (`flush`). `saveRequested` carries the paper id with the text,
so a save that is flushed while another paper is being shown still reaches the right paper, and
the note it was typed over: a note written meanwhile by another program is then kept, not
overwritten (see `annotating.set_note`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

SAVE_DELAY_MS = 600


class _Editor(QPlainTextEdit):
    focusLost = Signal()
    focusGained = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.focusLost.emit()
        super().focusOutEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.focusGained.emit()
        super().focusInEvent(event)


class NoteEditor(QWidget):
    saveRequested = Signal(int, str, str)  # paper id, text, the note it was typed over

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = _Editor(self)
        self.editor.setObjectName("NoteEditor")
        self.editor.setPlaceholderText("Your notes on this paper. Saved as you type.")
        self.editor.setTabChangesFocus(True)
        # About six lines: room to write, without pushing the rest of the pane out of sight.
        self.editor.setFixedHeight(self.editor.fontMetrics().lineSpacing() * 6 + 16)
        self.state = QLabel("", self)
        self.state.setObjectName("MutedLabel")
        self.state.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.editor)
        layout.addWidget(self.state)
        self.paper_id: int | None = None
        self._saved_text: str | None = ""  # None: what is shown could not be saved yet
        self._base = ""  # the note as the library had it when typing over it began
        self._timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._on_edit)
        self.editor.focusLost.connect(self.flush)
        self._loading = False

    @property
    def dirty(self) -> bool:
        return self.paper_id is not None and self.editor.toPlainText() != self._saved_text

    def show_note(self, paper_id: int | None, text: str) -> None:
        """Show a paper's note (saving the one being edited first)."""
        same = paper_id == self.paper_id
        if not same:
            self.flush()
        elif self.dirty:
            return  # the reader is typing: our own save echoed back; keep their text
        self._loading = True
        cursor = self.editor.textCursor().position()
        self.paper_id = paper_id
        self._saved_text = text
        self._base = text
        if self.editor.toPlainText() != text:
            self.editor.setPlainText(text)
            if same:
                moved = self.editor.textCursor()
                moved.setPosition(min(cursor, len(text)))
                self.editor.setTextCursor(moved)
        if not same:  # the editor's own Ctrl+Z must not bring one paper's text to another
            self.editor.document().clearUndoRedoStacks()
        self.editor.setEnabled(paper_id is not None)
        if not same:
            self.state.setText("")
        self._loading = False

    def flush(self) -> None:
        """Save now if there is anything unsaved."""
        self._timer.stop()
        if self.dirty and self.paper_id is not None:
            text = self.editor.toPlainText()
            self._saved_text = text
            self.state.setText("Saved")
            base, self._base = self._base, text
            self.saveRequested.emit(self.paper_id, text, base)

    def show_unsaved(self, paper_id: int, text: str) -> None:
        """This paper's note could not be saved: keep showing it as not saved (the window
        tries again). Shown as typed, also when the reader comes back to the paper later."""
        if paper_id != self.paper_id:
            return
        if self.editor.toPlainText() != text and not self.dirty:
            self._loading = True
            self.editor.setPlainText(text)
            self._loading = False
        if self.editor.toPlainText() == text:
            self._saved_text = None
            self.state.setText("Not saved yet: trying again")

    def saved_later(self, paper_id: int, text: str) -> None:
        """A note that could not be saved is saved now."""
        if paper_id == self.paper_id and self.editor.toPlainText() == text:
            self._saved_text = text
            self.state.setText("Saved")

    def _on_edit(self) -> None:
        if self._loading:
            return
        self.state.setText("Editing…" if self.dirty else "")
        self._timer.start()
