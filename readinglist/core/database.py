"""The one entry point to a library file: open, check, back up, migrate, and run transactions.

Several programs may use one library at once (the window and a command line): SQLite in WAL mode
lets readers go on while one writer writes, every write transaction starts with BEGIN IMMEDIATE so
two writers queue for the lock instead of failing halfway, and a generous busy timeout makes the
second writer wait rather than report "database is locked".
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc

from readinglist.core.errors import DatabaseError, SchemaTooNewError
from readinglist.core.migrations import (
    APPLICATION_ID,
    CURRENT_VERSION,
    STEPS,
    needs_repair,
    repair_schema,
)
from readinglist.core.texts import tag_key

BUSY_TIMEOUT_SECONDS = 60
_SQLITE_HEADER = b"SQLite format 3\x00"


class Database:
    """A library file. Use `read()` and `write()` for transactions."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        # Noticing other programs' writes (`changed_elsewhere`): a connection of its own, whose
        # PRAGMA data_version moves at every commit made through any other connection.
        self._watch_lock = threading.Lock()
        self._watcher: sqlite3.Connection | None = None
        self._seen_version = -1
        self._changed_before_own_write = False  # seen as an own write began (see `write`)

    @classmethod
    def open(cls, path: Path | str) -> Database:
        """Open (creating if needed) and upgrade the library at `path`.

        Raises `DatabaseError` for anything that is not a readinglist library and
        `SchemaTooNewError` for a library written by a newer version.
        """
        path = Path(path).expanduser()
        _check_is_sqlite(path)
        _check_is_ours(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"{path}: cannot create its folder: {exc.strerror}") from None
        engine = create_engine(
            f"sqlite:///{path}",
            connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        _install_connection_hooks(engine)
        db = cls(path, engine)
        try:
            db._upgrade()
        except BaseException:
            engine.dispose()
            raise
        return db

    def close(self) -> None:
        with self._watch_lock:
            if self._watcher is not None:
                self._watcher.close()
                self._watcher = None
        self.engine.dispose()

    def changed_elsewhere(self) -> bool:
        """Whether another program (or another `Database` on this file) has committed since
        the last call. This one's own writes do not count. The first call only starts watching.
        (A write of another program committed in the instant between one of ours committing and
        this noting it may go unnoticed, until the next write made elsewhere.)"""
        with self._watch_lock, translate_errors(self.path):
            if self._watcher is None:
                self._watcher = sqlite3.connect(  # read-only: it never creates or changes
                    f"{self.path.resolve().as_uri()}?mode=ro",
                    uri=True,
                    timeout=BUSY_TIMEOUT_SECONDS,
                    check_same_thread=False,
                )
            version = self._watched_version()
            changed = self._changed_before_own_write or self._unseen(version)
            self._seen_version, self._changed_before_own_write = version, False
            return changed

    def _look_before_own_write(self) -> None:
        with self._watch_lock:
            if self._watcher is not None and self._unseen(self._watched_version()):
                self._changed_before_own_write = True

    def _seen_own_write(self) -> None:
        with self._watch_lock:
            if self._watcher is not None:
                self._seen_version = self._watched_version()

    def _watched_version(self) -> int:
        """The watching connection's data_version (with `_watch_lock` held, once watching)."""
        assert self._watcher is not None
        return int(self._watcher.execute("PRAGMA data_version").fetchone()[0])

    def _unseen(self, version: int) -> bool:
        """Whether `version` tells of commits since the last one seen (once watching)."""
        return self._seen_version not in (-1, version)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: a consistent snapshot, never blocking the writer."""
        with translate_errors(self.path), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: all or nothing, and one writer at a time across processes."""
        with translate_errors(self.path), self.engine.connect() as conn:
            conn.info["begin_immediate"] = True
            try:
                with conn.begin():
                    # We hold the write lock: whatever the watcher sees committed by now was
                    # written elsewhere, and must not pass for part of our own write.
                    self._look_before_own_write()
                    yield conn
            finally:
                conn.info.pop("begin_immediate", None)
        self._seen_own_write()  # committed: not a change made elsewhere

    # -- schema ------------------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self.read() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())

    def _upgrade(self) -> None:
        with self.read() as conn:
            cur = raw_cursor(conn)
            version, tables = _refuse_unless_ours(self.path, cur)
            repair = version == CURRENT_VERSION and needs_repair(cur)
        if version == CURRENT_VERSION and not repair:
            return
        if tables:
            self._backup_before_upgrade(version)
        with self.write() as conn:
            # Another process may have upgraded the file while we waited for the write lock.
            version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
            for step in STEPS:
                if step.version <= version:
                    continue
                for statement in _statements(step.sql):
                    conn.exec_driver_sql(statement)
                if step.backfill is not None:
                    step.backfill(conn)
                conn.exec_driver_sql(f"PRAGMA user_version = {step.version}")
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            if needs_repair(raw_cursor(conn)):
                repair_schema(conn)

    def backup(self, target: Path) -> Path:
        """Copy the whole library, consistently, to `target` (SQLite's online backup). Raises
        `sqlite3.Error` or `OSError`.

        The copy is written beside `target` under a temporary name and only then takes its
        name, so `target` is never a half-written file (a full disk, a crash); a file already
        at `target` is never replaced (`FileExistsError`)."""
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            source = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS)
            try:
                dest = sqlite3.connect(partial)
                try:
                    source.backup(dest)
                finally:
                    dest.close()
            finally:
                source.close()
            _link_new(partial, target)
        finally:
            for leftover in (partial, Path(f"{partial}-journal")):
                with suppress(OSError):
                    leftover.unlink()
        return target

    def _backup_before_upgrade(self, version: int) -> Path:
        """Back up a library about to be upgraded, under a name no other file has."""
        name = self.path.name
        if len(name.encode()) > 200:  # room for the suffix within a file name's 255 bytes
            name = "library.sqlite"
        _remove_abandoned_backups(self.path.parent, name)
        base = f"{name}.schema-v{version}.{_stamp()}"
        for attempt in range(1, 100):
            target = self.path.with_name(f"{base}.bak" if attempt == 1 else f"{base}-{attempt}.bak")
            try:
                return self.backup(target)
            except FileExistsError:
                continue
            except (sqlite3.Error, OSError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                raise DatabaseError(
                    f"{self.path}: not upgraded: its backup {target} could not be written"
                    f" ({reason}); nothing was changed"
                ) from None
        raise DatabaseError(f"{self.path}: not upgraded: too many backups named {base}")


# A backup being written is younger than this; an older partial one was abandoned (killed).
_ABANDONED_AFTER_SECONDS = 600


def _remove_abandoned_backups(folder: Path, name: str) -> None:
    """Delete the hidden partial copies that a backup killed midway left (see `backup`)."""
    now = time.time()
    for leftover in folder.glob(f".{glob.escape(name)}.schema-v*.partial*"):
        with suppress(OSError):
            if now - leftover.stat().st_mtime > _ABANDONED_AFTER_SECONDS:
                leftover.unlink()


def _link_new(source: Path, target: Path) -> None:
    """Give `source` the name `target`, never replacing a file there (`FileExistsError`)."""
    try:
        os.link(source, target)  # fails if `target` exists, atomically
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if target.exists() or target.is_symlink():
            raise FileExistsError(target) from None
        os.rename(source, target)


def raw_cursor(conn: Connection | sqlite3.Cursor) -> sqlite3.Cursor:
    """The sqlite3 cursor under a SQLAlchemy connection, for the hot paths (bulk import, search)."""
    if isinstance(conn, sqlite3.Cursor):
        return conn
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver.cursor()


T = TypeVar("T")


LARGEST_ID = 2**63 - 1  # SQLite's largest integer: no record id lies outside 1..LARGEST_ID


def possible_id(paper_id: int) -> bool:
    """Whether a record could have this id (asking SQLite about others fails, not finds none)."""
    return 0 < paper_id <= LARGEST_ID


def in_chunks(values: Sequence[T], size: int = 500) -> Iterable[tuple[str, Sequence[T]]]:
    """`values` in slices small enough for one statement, each with its "?,?,..." placeholders."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield ",".join("?" * len(chunk)), chunk


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _check_is_sqlite(path: Path) -> None:
    """Refuse a file that exists but is not SQLite, before SQLite gets a chance to touch it."""
    if path.exists() and not path.is_dir() and not path.is_file():
        # A pipe would hang the open below; a device (/dev/null) would take a journal beside it.
        raise DatabaseError(f"{path}: not a library file (a device or a pipe)")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise DatabaseError(f"{path}: is a folder, not a library file") from None
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot read: {exc.strerror}") from None
    if header and header != _SQLITE_HEADER:
        raise DatabaseError(f"{path}: not a readinglist library (not a SQLite database)")


def _check_is_ours(path: Path) -> None:
    """Refuse another program's SQLite database, or a newer library, before opening it for
    writing: the connection settings (WAL journal) would change the file even to refuse it."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            _refuse_unless_ours(path, con.cursor())
        finally:
            con.close()
    except sqlite3.Error:
        # Checked again once open: a read-only look may need files it cannot make (a library's
        # -shm in a read-only folder). But a rollback journal left by a crashed writer means a
        # database that is not ours (libraries use WAL), and opening it would replay the journal.
        if Path(f"{path}-journal").exists():
            raise DatabaseError(
                f"{path}: not a readinglist library (a SQLite database with another program's"
                " unfinished transaction; it was left as it is)"
            ) from None


def _refuse_unless_ours(path: Path, cur: sqlite3.Cursor) -> tuple[int, int]:
    """Raise unless the database is a library this version can open (or empty); return its
    schema version and how many tables it has."""
    app_id = int(cur.execute("PRAGMA application_id").fetchone()[0])
    version = int(cur.execute("PRAGMA user_version").fetchone()[0])
    tables = int(cur.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    if app_id != APPLICATION_ID and tables:
        raise DatabaseError(f"{path}: a SQLite database, but not a readinglist library")
    if version > CURRENT_VERSION:
        raise SchemaTooNewError(
            f"{path}: this library was written by a newer readinglist (schema {version}; "
            f"this version knows up to {CURRENT_VERSION}); upgrade readinglist to open it"
        )
    return version, tables


def _install_connection_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let us issue BEGIN ourselves (the driver's implicit BEGIN is always DEFERRED).
        dbapi_conn.isolation_level = None
        dbapi_conn.create_function("tag_key", 1, tag_key, deterministic=True)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL never corrupts the file; a power cut may only lose the last commits.
        cursor.execute("PRAGMA synchronous = NORMAL")
        # With NORMAL, the only fsyncs are at checkpoints, which SQLite starts every 1,000 pages
        # by default: a dozen per 10,000 imported papers, more than half of the import's time.
        # Checkpointing every 16,000 pages (64 MB of WAL) makes them rare.
        cursor.execute("PRAGMA wal_autocheckpoint = 16000")
        # The default page cache is 2 MB; the indexes an import probes at 100,000 papers (text
        # hashes, blocking keys) are several times that.
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("begin_immediate") else "BEGIN")


@contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """Turn environment failures (locked, corrupt, full, read-only) into one-line errors."""
    try:
        yield
    except (sa_exc.OperationalError, sa_exc.DatabaseError, sqlite3.OperationalError,
            sqlite3.DatabaseError) as exc:  # fmt: skip
        original = getattr(exc, "orig", exc)
        text = str(original).lower()
        if "locked" in text or "busy" in text:
            reason = (
                f"the library is busy: another program held it for over {BUSY_TIMEOUT_SECONDS}s"
            )
        elif "not a database" in text or "malformed" in text or "corrupt" in text:
            reason = "the library file is damaged (not a usable SQLite database)"
        elif "full" in text:
            reason = "the disk is full"
        elif "readonly" in text or "read-only" in text:
            reason = "the library file is read-only"
        elif "unable to open" in text:
            reason = "cannot open the library file"
        elif "disk i/o" in text:
            reason = "a disk error occurred while using the library"
        elif "no such table" in text or "no such column" in text:
            reason = f"the library is damaged ({original})"
        else:
            raise
        raise DatabaseError(f"{path}: {reason}") from None
