"""The status bar: what the last operation did on the left; import progress, the number of
papers listed and the number selected on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from readinglist.ui.eliding_label import ElidingLabel
from readinglist.ui.import_dialog import ImportProgress


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.message = ElidingLabel("", self)
        self.progress = ImportProgress(self)
        self.count = QLabel("", self)
        self.count.setObjectName("StatusCount")
        self.selection = QLabel("", self)
        self.selection.setObjectName("StatusCount")
        self.addWidget(self.message, 1)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.selection)
        self.addPermanentWidget(self.count)

    def show_message(self, text: str) -> None:
        """The last operation's message (a `Change.message`); it stays until the next one."""
        if text:
            self.message.set_text(text)  # elided to the room there is; whole in its tooltip

    def show_counts(self, listed: int, where: str, selected: int, best_of_more: bool) -> None:
        """`best_of_more`: a search found more papers than the list shows (the best of them)."""
        papers = f"the best {listed:,} papers" if best_of_more else f"{listed:,} papers"
        self.count.setText(f"{papers}  ·  {where}")
        self.count.setToolTip(
            "The search found more: the best are listed, and exported by “Export the Whole"
            " List” (refine the search to see the others; the command line's export --query"
            " takes every paper with the query's words)"
            if best_of_more
            else ""
        )
        self.selection.setText(f"{selected:,} selected" if selected else "")
