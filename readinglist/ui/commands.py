"""What each action does: the handlers that the action registry (`actions.py`) names.

Each handler reads the window's state (selection, current paper, filter), then calls a
controller or `Operations`; none of them touches the library directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from readinglist.ui.help_dialogs import ShortcutsDialog, show_about

if TYPE_CHECKING:
    from readinglist.ui.main_window import MainWindow


class Commands:
    def __init__(self, window: MainWindow) -> None:
        self.w = window

    def _selected(self) -> list[int]:
        """The selected papers, the current one first (it is the one shown after a merge)."""
        ids = self.w.view.selected_ids()
        current = self.w.view.current_id()
        if current is not None and current in ids:
            ids.remove(current)
            ids.insert(0, current)
        elif not ids and current is not None:
            ids = [current]
        return ids

    # -- file ------------------------------------------------------------------------------------

    def import_files(self) -> None:
        self._import(self.w.picker.import_files(self.w.settings.folder("import")))

    def import_folder(self) -> None:
        self._import(self.w.picker.import_folder(self.w.settings.folder("import")))

    def _import(self, paths: list[Path]) -> None:
        if paths:
            first = paths[0]
            self.w.settings.set_folder("import", first if first.is_dir() else first.parent)
            self.w.importer.start(paths)

    def export(self) -> None:
        """Export the selection when several papers are selected, else the whole list."""
        selected = self.w.view.selected_ids()
        if len(selected) > 1:
            self.w.exporter.export(
                self.w.papers.where, len(selected), f"{len(selected):,} selected", selected
            )
        else:
            self.export_view()

    def export_view(self) -> None:
        entry = self.w.sidebar.current_entry()
        what = entry.label if entry is not None else "the list"
        papers, listed = self.w.papers, self.w.model.rowCount()
        if papers.searching:
            what += f" matching “{papers.query}”"
            if papers.more:  # what is listed goes out, and the message says which those are
                what = f"the best {listed:,} of {what}"
        self.w.exporter.export(papers.view_filter(), listed, what)

    def quit(self) -> None:
        self.w.close()

    # -- edit ------------------------------------------------------------------------------------

    def undo(self) -> None:
        self.w.detail.note.flush()  # a note being typed is a change too: save it, then undo
        if not self.w.ops.declined_while_busy():
            self.w.undo_stack.undo()

    def redo(self) -> None:
        self.w.detail.note.flush()
        if not self.w.ops.declined_while_busy():
            self.w.undo_stack.redo()

    def focus_search(self) -> None:
        self.w.search.focus_search()

    def back_to_list(self) -> None:
        """Escape: from the paper being read, back to the list as it was (the search and the
        place kept); in the list, a second Escape clears the search."""
        self.w.detail.note.flush()
        focus = QApplication.focusWidget()
        reading = focus is not None and self.w.detail.isAncestorOf(focus)
        if self.w.search.text() and not reading:
            self.w.search.clear_search()
        self.w.view.setFocus()

    # -- paper -----------------------------------------------------------------------------------

    def open_paper(self) -> None:
        if self.w.view.current_id() is not None:
            self.w.detail.focus_reading()

    def toggle_star(self) -> None:
        """Star the selection, or unstar it when every paper in it is starred already."""
        ids = self._selected()
        if ids:
            self.w.ops.set_starred(ids, not self.w.ops.all_flagged(ids, "starred"))

    def toggle_read(self) -> None:
        ids = self._selected()
        if ids:
            self.w.ops.set_read(ids, not self.w.ops.all_flagged(ids, "read"))

    def tag(self) -> None:
        if self._selected():
            self.w.detail.focus_tags()

    def merge(self) -> None:
        ids = self._selected()
        if len(ids) < 2:
            self.w.show_error("Select two or more papers to merge (Shift or Ctrl + click).")
            return
        self.w.merge_papers(ids)

    def split(self) -> None:
        ids = self._selected()
        papers = self.w.model.papers(ids[:1])
        if not papers:
            return
        paper = papers[0]
        if paper.duplicate_of is not None:
            self.w.split_record(paper.id)
        elif len(paper.hidden_ids) == 1:
            self.w.split_record(paper.hidden_ids[0])
        elif paper.hidden_ids:
            self.w.show_error(
                "This paper has several hidden records: use Split next to the one "
                "that is a different paper, in the detail pane."
            )
        else:
            self.w.show_error(f"Paper {paper.id} is not grouped with any other.")

    # -- help ------------------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self.w)
        dialog.setObjectName("ShortcutsDialog")
        dialog.open()

    def show_about(self) -> None:
        show_about(self.w)
