"""What the window remembers between runs: geometry, splitter, columns, sort, last folders.

Stored with QSettings in an INI file so it is readable and portable. Every location is
overridable: `READINGLIST_SETTINGS` names the file, a portable install
(`READINGLIST_DATA_DIR`) keeps it next to the library, and tests pass a `QSettings` of their own.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from readinglist.core.paths import APP_NAME, DATA_DIR_ENV

SETTINGS_ENV = "READINGLIST_SETTINGS"


def default_qsettings() -> QSettings:
    override = os.environ.get(SETTINGS_ENV)
    if override:
        return QSettings(str(Path(override).expanduser()), QSettings.Format.IniFormat)
    data_dir = os.environ.get(DATA_DIR_ENV)
    if data_dir:
        path = Path(data_dir).expanduser() / "settings.ini"
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME)


class Settings:
    """Typed access to the stored values. `persist=False` reads but never writes (screenshots)."""

    def __init__(self, store: QSettings | None = None, *, persist: bool = True) -> None:
        self.store = store if store is not None else default_qsettings()
        self.persist = persist

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.store.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _set(self, key: str, value: object) -> None:
        if self.persist:
            self.store.setValue(key, value)

    # Window, toolbar and splitter layout, and the table header (column widths, order, sort).
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def set_geometry(self, value: QByteArray) -> None:
        self._set("window/geometry", value)

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def set_window_state(self, value: QByteArray) -> None:
        self._set("window/state", value)

    def splitter(self) -> QByteArray | None:
        return self._bytes("window/splitter")

    def set_splitter(self, value: QByteArray) -> None:
        self._set("window/splitter", value)

    def header(self) -> QByteArray | None:
        return self._bytes("list/header")

    def set_header(self, value: QByteArray) -> None:
        self._set("list/header", value)

    def sort(self) -> tuple[str, bool]:
        """The list's sort key and direction (the default: latest listing first)."""
        key = str(self.store.value("list/sort", "date"))
        descending = str(self.store.value("list/descending", "true")).lower() == "true"
        return key, descending

    def set_sort(self, key: str, descending: bool) -> None:
        self._set("list/sort", key)
        self._set("list/descending", "true" if descending else "false")

    def folder(self, purpose: str) -> str:
        """The folder last used to import from or export to."""
        return str(self.store.value(f"folders/{purpose}", str(Path.home())))

    def set_folder(self, purpose: str, folder: Path) -> None:
        self._set(f"folders/{purpose}", str(folder))

    def sync(self) -> None:
        if self.persist:
            self.store.sync()
