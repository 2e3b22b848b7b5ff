"""What a new user sees instead of an empty list: what readinglist wants, and one click to it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from readinglist.ui.icons import app_icon

EXPLANATION = (
    "readinglist collects the papers of the daily paper listings you follow.\n\n"
    "Save a listing page as text (Ctrl+A, Ctrl+C in the browser, paste into a .txt file), "
    "one file per day, then import the files or the folder holding them. "
    "You can also drop files or folders onto this window.\n\n"
    "Each paper is shown once, however often it was listed; the listing dates carry no year, "
    "so it is taken from each file's date."
)


class EmptyState(QWidget):
    importFilesClicked = Signal()
    importFolderClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EmptyState")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(64, 64))
        title = QLabel("Your reading list is empty", self)
        title.setObjectName("EmptyTitle")
        text = QLabel(EXPLANATION, self)
        text.setObjectName("EmptyText")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setMaximumWidth(520)
        self.import_files = QPushButton("Import Files…", self)
        self.import_files.setObjectName("PrimaryButton")
        self.import_files.setDefault(True)
        self.import_folder = QPushButton("Import a Folder…", self)
        self.import_files.clicked.connect(self.importFilesClicked)
        self.import_folder.clicked.connect(self.importFolderClicked)
        buttons = QHBoxLayout()
        buttons.setSpacing(10)
        buttons.addWidget(self.import_files)
        buttons.addWidget(self.import_folder)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.setSpacing(14)
        column.addWidget(logo)
        column.addWidget(title)
        column.addWidget(text)
        column.addLayout(buttons)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column)
        outer.addStretch(1)
        outer.setContentsMargins(32, 32, 32, 32)
        self._center(column)

    def _center(self, column: QVBoxLayout) -> None:
        column.insertStretch(0, 2)
        column.addStretch(3)
