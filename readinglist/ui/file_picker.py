"""The file dialogs the window opens, in one object that tests replace with canned answers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

DUMP_FILTER = "Feed dumps (*.txt);;All files (*)"


class FilePicker:
    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def import_files(self, folder: str) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(
            self.parent, "Import feed dumps", folder, DUMP_FILTER
        )
        return [Path(n) for n in names]

    def import_folder(self, folder: str) -> list[Path]:
        name = QFileDialog.getExistingDirectory(
            self.parent, "Import a folder of feed dumps", folder
        )
        return [Path(name)] if name else []

    def export_target(self, suggested: str, filters: str) -> tuple[Path | None, str]:
        """Where to export, and the file type chosen in the dialog."""
        name, chosen = QFileDialog.getSaveFileName(self.parent, "Export", suggested, filters)
        return (Path(name) if name else None), chosen
