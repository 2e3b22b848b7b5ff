"""Data is sacred: a killed import leaves whole dumps only, and two programs can share a library."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.core.papers import PaperFilter
from tests.conftest import ROOT, make_dumps

IMPORT_SCRIPT = """
import sys
from readinglist import Library
from readinglist.core.papers import PaperFilter
with Library.open(sys.argv[1]) as lib:
    lib.import_paths(sys.argv[2:])
"""

STAR_SCRIPT = """
import sys
from readinglist import Library
from readinglist.core.papers import PaperFilter
with Library.open(sys.argv[1]) as lib:
    ids = lib.ids()
    for i in range(int(sys.argv[2])):
        lib.star([ids[i % len(ids)]])
        lib.tag([ids[i % len(ids)]], ["busy"])
        lib.unstar([ids[i % len(ids)]])
print("done")
"""


def check_consistent(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        # Every dump is complete: as many sightings as entries it listed.
        for dump_id, entries, seen in con.execute(
            "SELECT d.id, d.entry_count, (SELECT count(*) FROM sighting s WHERE s.dump_id = d.id)"
            " FROM dump d"
        ):
            assert entries == seen, f"dump {dump_id} half imported"
        # The search index holds exactly the records up to its mark, and every record has keys.
        [mark] = con.execute("SELECT indexed_up_to FROM search_state").fetchone()
        indexed = con.execute("SELECT count(*) FROM paper WHERE id <= ?", (mark,)).fetchone()[0]
        assert con.execute("SELECT count(*) FROM paper_fts").fetchone()[0] == indexed
        assert (
            con.execute(
                "SELECT count(*) FROM paper WHERE id NOT IN (SELECT paper_id FROM dedup_key)"
            ).fetchone()[0]
            == 0
        )
        assert (
            con.execute(
                "SELECT count(*) FROM paper WHERE id NOT IN (SELECT paper_id FROM sighting)"
            ).fetchone()[0]
            == 0
        )
    finally:
        con.close()


@pytest.mark.slow
def test_killing_an_import_at_any_moment_loses_nothing(
    tmp_path: Path, sample_files: list[Path]
) -> None:
    db = tmp_path / "lib.sqlite"
    with Library.open(db) as lib:
        lib.import_paths(sample_files)
        starred = lib.ids()[:10]
        lib.star(starred)
        lib.tag(starred[:5], ["keep"])
        lib.set_note(starred[0], "a note that must survive")
    # Bulk imports commit a few files at a time (ENTRIES_PER_TRANSACTION): enough files that
    # every kill below lands with several transactions still to come.
    n_files, per_file = 300, 30
    files = make_dumps(tmp_path / "dumps", n_files=n_files, per_file=per_file)
    rng = random.Random(7)
    targets = sorted(rng.sample(range(5, n_files - 120), 6))
    for target in targets:
        proc = subprocess.Popen(
            [sys.executable, "-c", IMPORT_SCRIPT, str(db), *map(str, files)], cwd=ROOT
        )
        # Kill it while it works: once `target` dumps are in, after a random extra moment.
        while dumps_imported(db) < target and proc.poll() is None:
            time.sleep(0.005)
        time.sleep(rng.random() * 0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert dumps_imported(db) < 4 + n_files, "the import finished before it was killed"
        check_consistent(db)
        with Library.open(db) as lib:
            assert set(lib.ids(PaperFilter(starred=True))) == set(starred)
            assert {p.id for p in lib.list(tag="keep")} == set(starred[:5])
            assert lib.get(starred[0]).note == "a note that must survive"
    # Finishing the import afterwards brings in exactly the rest.
    with Library.open(db) as lib:
        lib.import_paths(files)
        assert len(lib.list()) == 249 + n_files * per_file
    check_consistent(db)


def dumps_imported(db: Path) -> int:
    con = sqlite3.connect(db, timeout=30)
    try:
        return int(con.execute("SELECT count(*) FROM dump").fetchone()[0])
    finally:
        con.close()


@pytest.mark.slow
def test_window_and_command_line_can_write_at_the_same_time(
    tmp_path: Path, sample_files: list[Path]
) -> None:
    db = tmp_path / "lib.sqlite"
    with Library.open(db) as lib:
        lib.import_paths(sample_files)
    files = make_dumps(tmp_path / "dumps", n_files=30, per_file=80, seed=3)
    importer = subprocess.Popen(
        [sys.executable, "-c", IMPORT_SCRIPT, str(db), *map(str, files)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    starrer = subprocess.run(
        [sys.executable, "-c", STAR_SCRIPT, str(db), "150"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    _, import_errors = importer.communicate(timeout=300)
    assert starrer.returncode == 0, starrer.stderr
    assert starrer.stdout.strip() == "done"
    assert importer.returncode == 0, import_errors
    check_consistent(db)
    with Library.open(db) as lib:
        assert len(lib.list()) == 249 + 30 * 80
