"""Opening, upgrading and refusing library files; the schema is versioned from the first release."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from readinglist import Library
from readinglist.core import models  # noqa: F401  (registers the tables in SQLModel.metadata)
from readinglist.core.database import Database
from readinglist.core.errors import DatabaseError, SchemaTooNewError
from readinglist.core.migrations import APPLICATION_ID, CURRENT_VERSION

V1_LIBRARY = Path(__file__).resolve().parents[1] / "data" / "library-v1.sqlite"


def test_new_library_has_current_schema_and_pragmas(db_path: Path) -> None:
    db = Database.open(db_path)
    try:
        assert db.schema_version() == CURRENT_VERSION
        with db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 30_000
            assert conn.exec_driver_sql("PRAGMA application_id").scalar_one() == APPLICATION_ID
    finally:
        db.close()


def test_models_describe_the_migrated_tables(db_path: Path) -> None:
    """The SQLModel classes and the migration steps agree on every table and column."""
    Database.open(db_path).close()
    con = sqlite3.connect(db_path)
    for table in SQLModel.metadata.sorted_tables:
        columns = {r[1] for r in con.execute(f"PRAGMA table_info({table.name})")}
        assert columns == {c.name for c in table.columns}, table.name
    con.close()


def test_upgrade_from_version_1_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(V1_LIBRARY, path)
    with Library.open(path) as lib:
        assert lib.db.schema_version() == CURRENT_VERSION
        # The cut-short copy of paper 1 is now hidden under it, and its tag shows there.
        visible = {p.id: p for p in lib.list()}
        assert set(visible) == {1, 2}
        assert visible[1].starred and visible[1].note == "my first note"
        assert visible[1].tags == ("to-read",)
        assert visible[1].hidden_ids == (3,)
        assert visible[2].read
        assert [p.id for p in lib.list(tag="to-read")] == [1]
        # The search index was built for the old papers.
        assert lib.get(3).duplicate_of == 1
    backups = list(tmp_path.glob("old.sqlite.schema-v1.*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM paper").fetchone()[0] == 3


def test_upgrade_from_version_1_keeps_its_groupings_as_decisions(tmp_path: Path) -> None:
    """Schema 1 hid records without saying who decided: detection must not undo any of them."""
    path = tmp_path / "old.sqlite"
    shutil.copy(V1_LIBRARY, path)
    with sqlite3.connect(path) as con:  # the user hid 1 and 3 under 2 (2 shown, a choice)
        con.execute("UPDATE paper SET duplicate_of = 2 WHERE id IN (1, 3)")
    con.close()
    with Library.open(path) as lib:
        assert lib.ids() == [2]
        assert sorted(lib.get(2).hidden_ids) == [1, 3]
        assert lib.get(2).starred and lib.get(2).note == "my first note"  # 1's, on its paper
        [group] = lib.duplicate_groups()
        kept = ("user", "grouped by an earlier version")
        assert {(m.by, m.reason) for m in group.hidden} == {kept}
        lib.recheck_duplicates()
        assert lib.ids() == [2] and sorted(lib.get(2).hidden_ids) == [1, 3]
        lib.split(1)  # and each stays the user's to undo
        assert sorted(lib.ids()) == [1, 2]


def schema_of(path: Path) -> list[tuple[str, str, list[tuple[object, ...]]]]:
    """Every table, index and trigger with its columns, as SQLite describes them."""
    with sqlite3.connect(path) as con:
        names = con.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        found = [(kind, name, con.execute(f"PRAGMA table_xinfo('{name}')").fetchall())
                 for kind, name in names]  # fmt: skip
    con.close()
    return found


def test_an_upgraded_library_is_identical_to_a_new_one(tmp_path: Path) -> None:
    shutil.copy(V1_LIBRARY, tmp_path / "old.sqlite")
    Database.open(tmp_path / "old.sqlite").close()
    Database.open(tmp_path / "new.sqlite").close()
    assert schema_of(tmp_path / "old.sqlite") == schema_of(tmp_path / "new.sqlite")


def test_a_library_from_an_early_schema_3_build_is_repaired(db_path: Path) -> None:
    """Early builds of schema 3 lacked the search stamp (the upgrade from 3 then repairs it),
    and so may a library that says it is current."""
    for version in (3, CURRENT_VERSION):
        with Library.open(db_path) as lib:
            lib.import_paths([])
        with sqlite3.connect(db_path) as con:
            con.execute("ALTER TABLE search_state DROP COLUMN stamp")
            con.execute(f"PRAGMA user_version = {version}")
        con.close()
        with Library.open(db_path) as lib:
            assert lib.search("anything") == []
    with Library.open(db_path) as lib:
        lib_path = lib.path
    assert schema_of(lib_path) == schema_of_new(db_path.parent)


def schema_of_new(folder: Path) -> list[tuple[str, str, list[tuple[object, ...]]]]:
    Database.open(folder / "fresh.sqlite").close()
    return schema_of(folder / "fresh.sqlite")


def test_a_library_missing_a_table_is_one_line_error(db_path: Path) -> None:
    Database.open(db_path).close()
    with sqlite3.connect(db_path) as con:
        con.execute("DROP TABLE dedup_key")
    con.close()
    with Library.open(db_path) as lib, pytest.raises(DatabaseError) as refused:
        lib.recheck_duplicates()
    assert str(refused.value) == f"{db_path}: the library is damaged (no such table: dedup_key)"


def test_a_backup_killed_midway_leaves_nothing_behind_after_the_next_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(V1_LIBRARY, path)
    abandoned = tmp_path / ".old.sqlite.schema-v1.20260101-120000.bak.4242.partial"
    journal = Path(f"{abandoned}-journal")
    in_progress = tmp_path / ".old.sqlite.schema-v1.20260101-120000.bak.4343.partial"
    for leftover in (abandoned, journal, in_progress):
        leftover.write_bytes(b"half a copy")
    an_hour_ago = abandoned.stat().st_mtime - 3600
    for leftover in (abandoned, journal):
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    other = tmp_path / ".other.sqlite.schema-v1.20260101-120000.bak.4242.partial"
    shutil.copy(abandoned, other)  # another library's: not ours to judge
    os.utime(other, (an_hour_ago, an_hour_ago))
    with Library.open(path) as lib:
        assert lib.get(1).note == "my first note"
    assert not abandoned.exists() and not journal.exists()
    assert in_progress.exists()  # being written by another process just now
    assert other.exists()


def test_an_upgrade_backup_never_replaces_a_file_and_is_never_left_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readinglist.core import database

    path = tmp_path / "old.sqlite"
    shutil.copy(V1_LIBRARY, path)
    monkeypatch.setattr(database, "_stamp", lambda: "20260101-120000")
    taken = tmp_path / "old.sqlite.schema-v1.20260101-120000.bak"
    taken.write_bytes(b"someone else's file")
    (tmp_path / "old.sqlite.schema-v1.20260101-120000-2.bak").mkdir()

    real_link_new = database._link_new

    def disk_full(source: Path, target: Path) -> None:  # once past the names taken
        if target.exists():
            real_link_new(source, target)
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as failing:
        failing.setattr(database, "_link_new", disk_full)
        with pytest.raises(DatabaseError) as refused:
            Database.open(path)
    third = tmp_path / "old.sqlite.schema-v1.20260101-120000-3.bak"
    assert str(refused.value) == (
        f"{path}: not upgraded: its backup {third} could not be written"
        " (No space left on device); nothing was changed"
    )
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []
    with Library.open(path) as lib:
        assert lib.get(1).note == "my first note"
    assert taken.read_bytes() == b"someone else's file"
    with sqlite3.connect(third) as con:  # the backup took the first free name, whole
        assert con.execute("SELECT count(*) FROM paper").fetchone()[0] == 3
    con.close()


def test_a_library_with_a_very_long_name_is_still_backed_up(tmp_path: Path) -> None:
    path = tmp_path / ("a" * 230 + ".sqlite")
    shutil.copy(V1_LIBRARY, path)
    Database.open(path).close()
    [backup] = tmp_path.glob("library.sqlite.schema-v1.*.bak")
    with sqlite3.connect(backup) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    con.close()


def test_a_pipe_or_a_device_is_refused_at_once(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.sqlite"
    os.mkfifo(pipe)
    for path in (pipe, Path("/dev/null")):
        with pytest.raises(DatabaseError) as refused:
            Database.open(path)  # a pipe would hang here
        assert str(refused.value) == f"{path}: not a library file (a device or a pipe)"
    assert not Path("/dev/null-journal").exists()


def test_another_programs_database_with_a_crashed_transaction_is_left_as_it_is(
    tmp_path: Path,
) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
        con.execute("INSERT INTO t VALUES (1)")
    con.close()
    crash = (
        "import os, signal, sqlite3\n"
        f"con = sqlite3.connect({str(other)!r}, isolation_level=None)\n"
        "con.execute('PRAGMA cache_size = 1')\n"
        "con.execute('BEGIN')\n"
        "con.executemany('INSERT INTO t VALUES (?)', [(i,) for i in range(5000)])\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", crash], check=False)
    journal = Path(f"{other}-journal")
    assert journal.exists()  # a hot journal: SQLite would replay it on the next write
    before = (other.read_bytes(), journal.read_bytes())
    with pytest.raises(DatabaseError) as refused:
        Database.open(other)
    assert "not a readinglist library" in str(refused.value)
    assert (other.read_bytes(), journal.read_bytes()) == before


def test_upgrade_from_version_2_adds_the_stale_list(sample_library: Library) -> None:
    """A library of schema 2 (before bulk tag changes were re-indexed in the background and the
    index's writes stamped)."""
    path = sample_library.path
    sample_library.tag(sample_library.ids()[:3], ["kept"])
    sample_library.close()
    with sqlite3.connect(path) as con:
        con.execute("DROP TABLE search_stale")
        con.execute("ALTER TABLE search_state DROP COLUMN stamp")
        con.execute("PRAGMA user_version = 2")
    with Library.open(path) as lib:
        assert lib.db.schema_version() == CURRENT_VERSION
        with lib.db.read() as conn:
            stamp = conn.exec_driver_sql("SELECT stamp FROM search_state").scalar_one()
        assert len(stamp) == 16
        assert len(lib.list(tag="kept")) == 3
        lib.tag(lib.ids(), ["everything"])  # uses the new table
        assert len(lib.search("everything", limit=None)) == len(lib.ids())
    assert len(list(path.parent.glob(f"{path.name}.schema-v2.*.bak"))) == 1


def test_upgrade_from_version_3_makes_the_blocking_keys_anew(sample_library: Library) -> None:
    """Schema 4: keys of another KEY_VERSION (titles with Greek letters or × read otherwise)."""
    path = sample_library.path
    with sample_library.db.read() as conn:
        keys = set(conn.exec_driver_sql("SELECT key, paper_id FROM dedup_key"))
    sample_library.close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE dedup_key SET key = key + 1")  # as an older KEY_VERSION made them
        con.execute("PRAGMA user_version = 3")
    con.close()
    with Library.open(path) as lib:
        assert lib.db.schema_version() == CURRENT_VERSION
        with lib.db.read() as conn:
            assert set(conn.exec_driver_sql("SELECT key, paper_id FROM dedup_key")) == keys
    assert len(list(path.parent.glob(f"{path.name}.schema-v3.*.bak"))) == 1


def test_newer_schema_is_refused_and_left_alone(db_path: Path) -> None:
    Database.open(db_path).close()
    with sqlite3.connect(db_path) as con:
        con.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    before = db_path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="newer readinglist"):
        Database.open(db_path)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a database at all" * 100, "not a SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "damaged"),
    ],
)
def test_not_a_library_is_refused(db_path: Path, content: bytes, message: str) -> None:
    db_path.write_bytes(content)
    with pytest.raises(DatabaseError, match=message):
        Database.open(db_path)
    assert db_path.read_bytes() == content


def test_other_sqlite_database_is_refused(db_path: Path) -> None:
    with sqlite3.connect(db_path) as con:
        con.execute("CREATE TABLE contacts (name TEXT)")
    with pytest.raises(DatabaseError, match="not a readinglist library"):
        Database.open(db_path)


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="folder"):
        Database.open(tmp_path)
