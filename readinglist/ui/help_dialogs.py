"""Help > Keyboard Shortcuts (printed from the action registry) and Help > About."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from readinglist._version import __version__
from readinglist.ui.actions import shortcut_rows

EXTRA_KEYS = [
    ("Move in the list", "Up / Down, Page Up / Page Down, Home / End"),
    ("Extend the selection", "Shift + Up / Down, Ctrl + click"),
    ("Select every paper", "Ctrl+A"),
    ("Go from the search to the list", "Down or Enter"),
    ("Scroll the paper being read", "Up / Down, Page Up / Page Down, Space / Shift+Space"),
    ("Take off the last tag", "Backspace in the empty tag field"),
]


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        rows = shortcut_rows() + EXTRA_KEYS
        table = QTableWidget(len(rows), 2, self)
        table.setHorizontalHeaderLabels(["Action", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setShowGrid(False)
        for row, (what, keys) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(what))
            item = QTableWidgetItem(keys)
            item.setTextAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
            table.setItem(row, 1, item)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        # Tall enough for every row without scrolling, as far as the screen allows.
        chrome = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        wanted = table.verticalHeader().length() + chrome + buttons.sizeHint().height() + 40
        screen = self.screen().availableGeometry().height() if self.screen() else wanted
        self.resize(600, min(wanted, screen - 40))


def show_about(parent: QWidget) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle("About readinglist")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"readinglist {__version__}")
    box.setInformativeText(
        "A reading list of research papers from daily feed dumps: each paper once, "
        "starred, tagged, annotated and found in a keystroke."
    )
    box.open()
