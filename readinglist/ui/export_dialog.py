"""Exporting from the window: BibTeX or CSV, of the current view or of the selection.

The format follows the file type chosen in the save dialog (or the file's extension). The
export itself is the core's (`Library.export`: citation keys, escaping, atomic write) and runs in
the task runner, so exporting 100,000 papers never freezes the window.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from readinglist.core.library import Library
from readinglist.core.papers import PaperFilter
from readinglist.ui.file_picker import FilePicker
from readinglist.ui.settings import Settings
from readinglist.ui.tasks import TaskContext, TaskRunner

BIBTEX_FILTER = "BibTeX (*.bib)"
CSV_FILTER = "CSV spreadsheet (*.csv)"
FILTERS = f"{BIBTEX_FILTER};;{CSV_FILTER}"


def format_for(path: Path, chosen_filter: str) -> str:
    """The export format: the file's extension decides, else the chosen file type."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".bib", ".bibtex"):
        return "bibtex"
    return "csv" if chosen_filter == CSV_FILTER else "bibtex"


class ExportController(QObject):
    done = Signal(str)  # a status message
    failed = Signal(str)

    def __init__(
        self,
        lib: Library,
        runner: TaskRunner,
        picker: FilePicker,
        settings: Settings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.lib = lib
        self.runner = runner
        self.picker = picker
        self.settings = settings

    def export(
        self,
        where: PaperFilter,
        count: int,
        what: str,
        selected: list[int] | None = None,
    ) -> None:
        """Ask where to, then export `count` papers (`what` names them: "3 selected papers")."""
        if count == 0:
            self.failed.emit("Nothing to export: the list is empty.")
            return
        if selected:
            where = replace(where, ids=tuple(selected))
        folder = Path(self.settings.folder("export"))
        target, chosen = self.picker.export_target(str(folder / "papers.bib"), FILTERS)
        if target is None:
            return
        fmt = format_for(target, chosen)
        if not target.suffix:
            target = target.with_suffix(".csv" if fmt == "csv" else ".bib")
        self.settings.set_folder("export", target.parent)
        lib = self.lib

        def work(_ctx: TaskContext) -> int:
            return lib.export(fmt, target, where=where, query=None, ascii_only=False, bom=True)

        label = "BibTeX" if fmt == "bibtex" else "CSV"
        self.runner.run(
            work,
            on_success=lambda n: self.done.emit(
                f"Exported {n:,} papers ({what}) as {label} to {target}"
            ),
            on_failure=lambda error: self.failed.emit(f"Export failed: {error.message}"),
        )
