"""Where things live. Every default can be overridden.

The library file: `--db PATH` on the command line, else the `READINGLIST_DB` environment variable,
else `library.sqlite` in the user data folder (platformdirs; for example
`~/.local/share/readinglist/` on Linux). `READINGLIST_DATA_DIR` moves the whole data folder (the
frozen smoke test and portable installs use it). Caches go to the user cache folder
(`~/.cache/readinglist/`), or `READINGLIST_CACHE_DIR`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "readinglist"
# The reverse-DNS id of the desktop app: the .desktop file, the AppStream metainfo and the icon
# are named after it, and the window announces it so desktops match windows to the launcher.
APP_ID = "io.github.readinglist.ReadingList"
DB_ENV = "READINGLIST_DB"
DATA_DIR_ENV = "READINGLIST_DATA_DIR"
CACHE_DIR_ENV = "READINGLIST_CACHE_DIR"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Files that only save time (the search vocabulary) and may be deleted at any moment."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    return data_dir() / "library.sqlite"


def resource_path(name: str) -> Path:
    """A file under `resources/`, from a checkout, an installed wheel or a frozen bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = [
        Path(bundle) / "resources" if bundle else None,
        Path(__file__).resolve().parents[2] / "resources",  # a source checkout
        Path(__file__).resolve().parents[1] / "resources",  # installed: readinglist/resources
    ]
    for folder in candidates:
        if folder is not None and (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"resource not found: {name}")
