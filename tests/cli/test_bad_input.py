"""Bad input through the command line: one `error:` line, exit status 1, nothing changed.

Some cases are POSIX ones (file names and arguments as bytes, named pipes, links and modes):
the tests run where CI runs, on Linux, and none of them is skipped there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.core import prepare
from readinglist.core.feedparse import ParsedDump
from tests.cli.conftest import run
from tests.core.test_import import ABSTRACT, write_dump


def one_error_line(err: str) -> bool:
    return err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("paper_id", ["0", "-1", str(2**63 - 1), str(2**64)])
def test_an_id_no_paper_can_have_is_an_unknown_id(
    capsys: pytest.CaptureFixture[str], imported: Path, paper_id: str
) -> None:
    for command in (["show"], ["star"], ["tag"], ["note"], ["split"], ["merge", "1"]):
        extra = {"note": ["text"], "tag": ["x"]}.get(command[0], [])
        code, _, err = run(capsys, imported, *command, paper_id, *extra)
        assert code == 1 and err == f"error: no paper with id {paper_id}\n", command


def test_a_file_name_that_is_not_utf8_imports(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dumps"
    folder.mkdir()
    odd = os.fsdecode(bytes(folder) + b"/n\xffame.txt")
    write_dump(Path(odd), "Mar 1", [("A Paper With an Odd File Name", ABSTRACT)])
    code, _, err = run(capsys, db_path, "import", str(folder))
    assert code == 0, err
    with Library.open(db_path) as lib:
        [paper] = lib.list()
        assert paper.sightings[0].file == "n\ufffdame.txt"
    code, _, err = run(capsys, db_path, "note", str(paper.id), os.fsdecode(b"caf\xe9"))
    assert code == 0, err


def test_a_bad_file_whose_name_has_a_newline_is_still_one_line(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "two\nlines.txt"
    bad.write_text("not a feed dump at all\n", encoding="utf-8")
    code, _, err = run(capsys, db_path, "import", str(bad))
    assert code == 1 and one_error_line(err), err
    assert err.startswith(f"error: {tmp_path}/two\\nlines.txt")


def test_a_folder_that_cannot_be_read_is_refused(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    locked = tmp_path / "locked"
    locked.mkdir()
    write_dump(locked / "a.txt", "Mar 1", [("A Paper", ABSTRACT)])
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:  # as a folder without read permission answers
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    code, _, err = run(capsys, db_path, "import", str(locked))
    assert code == 1 and one_error_line(err)
    assert f"{locked}: cannot read the folder: Permission denied" in err


def test_a_named_pipe_in_a_folder_is_refused_not_waited_for(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dumps"
    folder.mkdir()
    write_dump(folder / "a.txt", "Mar 1", [("A Paper", ABSTRACT)])
    os.mkfifo(folder / "pipe.txt")
    code, out, err = run(capsys, db_path, "import", str(folder))
    assert code == 1 and one_error_line(err) and "pipe.txt: not a regular file" in err
    assert "files read: 1" in out


def test_an_impossible_date_line_refuses_the_file_naming_the_line(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "feb.txt"
    dump.write_text(f"Feb 28\n\nFirst Paper Title\n\n{ABSTRACT}\n\nFeb 30\n\nSecond Paper Title\n\n"
                    f"{ABSTRACT[::-1]}\n", encoding="utf-8")  # fmt: skip
    code, _, err = run(capsys, db_path, "import", str(dump))
    assert code == 1 and one_error_line(err)
    assert "feb.txt:7: 'Feb 30' is not a date" in err
    # A one-page dump dated Feb 30 is told the same, not "no listing date line".
    one_page = tmp_path / "one.txt"
    one_page.write_text(f"Subscribe\n\nFeb 30\n\nFirst Paper Title\n\n{ABSTRACT}\n", "utf-8")
    code, _, err = run(capsys, db_path, "import", str(one_page))
    assert code == 1 and one_error_line(err)
    assert "one.txt:3: 'Feb 30' is not a date" in err
    with Library.open(db_path) as lib:
        assert lib.list() == []


def test_a_file_dated_outside_the_calendar_is_refused_and_the_rest_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A modification time past the year 9999 (some file systems hold one): no year to infer."""
    good = write_dump(tmp_path / "good.txt", "Mar 1", [("A Good Paper", ABSTRACT)])
    odd = write_dump(tmp_path / "odd.txt", "Mar 2", [("An Oddly Dated Paper", ABSTRACT[::-1])])
    real_read = prepare.read_dump

    def far_future(path: Path) -> ParsedDump:
        parsed = real_read(path)
        return dataclasses.replace(parsed, mtime=1e12) if path.name == "odd.txt" else parsed

    monkeypatch.setattr(prepare, "read_dump", far_future)
    with Library.open(tmp_path / "lib.sqlite") as lib:
        summary = lib.import_paths([good, odd])
        assert summary.files_read == 1
        [refusal] = summary.refusals
        assert refusal.path == odd and "--year" in refusal.message
        assert lib.import_paths([odd], year=2024).files_read == 1


def test_another_programs_database_is_refused_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.commit()
    con.close()
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    code, _, err = run(capsys, other, "list")
    assert code == 1 and one_error_line(err) and "not a readinglist library" in err
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before
    assert not Path(f"{other}-wal").exists()


def test_export_of_an_unknown_id_is_an_error(
    capsys: pytest.CaptureFixture[str], imported: Path
) -> None:
    code, _, err = run(capsys, imported, "export", "--format", "csv", "--ids", "99999")
    assert code == 1 and one_error_line(err) and "99999" in err


def test_export_writes_through_a_link_with_the_usual_mode(
    capsys: pytest.CaptureFixture[str], imported: Path, tmp_path: Path
) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    code, _, err = run(capsys, imported, "export", "--format", "csv", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and real.read_text(encoding="utf-8-sig").startswith("id,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.csv"
    code, _, err = run(capsys, imported, "export", "--format", "csv", "-o", str(fresh))
    assert code == 0, err
    assert stat.S_IMODE(fresh.stat().st_mode) & 0o044  # readable by others, as the umask says


def test_a_tag_with_bytes_that_are_not_utf8_filters_as_it_was_stored(
    capsys: pytest.CaptureFixture[str], imported: Path
) -> None:
    odd = os.fsdecode(b"caf\xe9")
    code, _, err = run(capsys, imported, "tag", "1", odd)
    assert code == 0, err
    code, out, err = run(capsys, imported, "list", "--tag", odd, "--json")
    assert code == 0, err
    assert [p["id"] for p in json.loads(out)] == [1]
