"""The command line, driven in-process (fast) and through the real `readinglist` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from readinglist import Library
from readinglist._version import __version__
from readinglist.cli.main import main
from readinglist.core.paths import cache_dir
from tests.cli.conftest import run
from tests.conftest import ROOT, SAMPLE_ENTRIES, SAMPLE_PAPERS


def run_json(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> object:
    code, out, err = run(capsys, db, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_version_from_the_real_command_and_python_m() -> None:
    for command in (["readinglist"], [sys.executable, "-m", "readinglist"]):
        if command == ["readinglist"]:
            command = [str(Path(sys.executable).with_name("readinglist"))]
        result = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True)
        assert result.stdout.strip() == f"readinglist {__version__}"


def test_import_prints_summary(
    capsys: pytest.CaptureFixture[str], db_path: Path, sample_copy: Path
) -> None:
    code, out, err = run(capsys, db_path, "import", str(sample_copy))
    assert code == 0 and err == ""
    assert out.strip() == (
        f"files read: 4, papers new: {SAMPLE_PAPERS}, papers already known: 39,"
        " duplicates hidden: 0, files refused: 0"
    )
    # A folder imported again (a daily habit) is one line, not one per file...
    code, out, _ = run(capsys, db_path, "import", str(sample_copy))
    assert code == 0
    assert out.splitlines()[0] == "4 files already imported, nothing changed for them"
    # ...while a file or two are named.
    one = sorted(sample_copy.iterdir())[0]
    code, out, _ = run(capsys, db_path, "import", str(one))
    assert out.splitlines()[0] == f"{one}: already imported, nothing changed"


def test_an_empty_result_says_so(capsys: pytest.CaptureFixture[str], imported: Path) -> None:
    assert run(capsys, imported, "list", "--starred") == (0, "no papers match these filters\n", "")
    assert run(capsys, imported, "search", "zzzqqqxxy") == (0, "no papers found\n", "")
    assert run(capsys, imported, "list", "--json", "--starred")[1] == "[]\n"


def test_import_leaves_the_library_ready_for_a_quick_search(
    capsys: pytest.CaptureFixture[str], imported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index caught up and its vocabulary saved: the next command's search reads neither."""
    from readinglist.core import searchindex, vocabulary

    assert list((cache_dir() / "search").glob("*.vocabulary"))
    vocabulary._cache.clear()  # as the next command, a new process, would start

    def never(*_: object) -> None:
        raise AssertionError("work that the import should have done")

    monkeypatch.setattr(vocabulary, "_build", never)
    monkeypatch.setattr(searchindex, "catch_up_chunk", never)
    found = run_json(capsys, imported, "search", "vqgan codebok")
    assert isinstance(found, list) and found[0]["title"].startswith("Scaling the Codebook")


def test_import_json(capsys: pytest.CaptureFixture[str], db_path: Path, sample_copy: Path) -> None:
    summary = run_json(capsys, db_path, "import", str(sample_copy))
    assert isinstance(summary, dict)
    assert summary["files_read"] == 4
    assert summary["papers_new"] == SAMPLE_PAPERS
    assert summary["papers_known"] == SAMPLE_ENTRIES - SAMPLE_PAPERS
    assert summary["duplicates_hidden"] == 0
    assert summary["files_refused"] == 0


def test_list_json_contract(capsys: pytest.CaptureFixture[str], imported: Path) -> None:
    papers = run_json(capsys, imported, "list")
    assert isinstance(papers, list) and len(papers) == SAMPLE_PAPERS
    for paper in papers:
        assert isinstance(paper["id"], int)
        assert isinstance(paper["title"], str) and paper["title"]
        assert isinstance(paper["abstract"], str)
        assert paper["starred"] is False and paper["read"] is False
        assert paper["tags"] == [] and paper["note"] == ""
        assert paper["duplicate_of"] is None
        for s in paper["sightings"]:
            assert set(s) >= {"file", "date"}
            assert "/" not in s["file"]
            assert len(s["date"]) == 10 and s["date"][4] == "-"
    assert sum(len(p["sightings"]) for p in papers) == SAMPLE_ENTRIES


def test_keeping_the_list(capsys: pytest.CaptureFixture[str], imported: Path) -> None:
    ids = [p["id"] for p in run_json(capsys, imported, "list")][:3]
    assert run(capsys, imported, "star", str(ids[0]), str(ids[1]))[0] == 0
    assert run(capsys, imported, "read", str(ids[1]))[0] == 0
    assert run(capsys, imported, "tag", str(ids[0]), "to read", "LLM")[0] == 0
    assert run(capsys, imported, "note", str(ids[2]), "compare with #1")[0] == 0
    assert [p["id"] for p in run_json(capsys, imported, "list", "--starred")] == ids[:2]
    assert ids[1] not in [p["id"] for p in run_json(capsys, imported, "list", "--unread")]
    assert [p["id"] for p in run_json(capsys, imported, "list", "--tag", "llm")] == [ids[0]]
    [shown] = run_json(capsys, imported, "show", str(ids[0]))
    assert shown["starred"] and shown["tags"] == ["LLM", "to read"]
    [noted] = run_json(capsys, imported, "show", str(ids[2]))
    assert noted["note"] == "compare with #1"
    assert run(capsys, imported, "note", str(ids[2]), "")[0] == 0
    assert run_json(capsys, imported, "show", str(ids[2]))[0]["note"] == ""  # type: ignore[index]
    assert run(capsys, imported, "untag", str(ids[0]), "LLM")[0] == 0
    assert run(capsys, imported, "unstar", str(ids[0]))[0] == 0
    assert run(capsys, imported, "unread", str(ids[1]))[0] == 0
    [after] = run_json(capsys, imported, "show", str(ids[0]))
    assert not after["starred"] and after["tags"] == ["to read"]
    code, out, _ = run(capsys, imported, "show", str(ids[0]))
    assert code == 0 and out.startswith(f"#{ids[0]}  ")


@pytest.mark.parametrize("command", [["star", "99999"], ["show", "99999"], ["note", "99999", "x"],
                                     ["tag", "99999", "x"], ["split", "99999"]])  # fmt: skip
def test_unknown_id_is_one_line_error(
    capsys: pytest.CaptureFixture[str], imported: Path, command: list[str]
) -> None:
    code, _, err = run(capsys, imported, *command)
    assert code == 1
    assert err == "error: no paper with id 99999\n"


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["show", "abc"], "error: argument ID: not a paper id: 'abc' (see: readinglist show"),
        (["import", "--year", "2O24", "x.txt"], "error: argument --year: not a year: '2O24'"),
        (["tag", "1"], "error: the following arguments are required: TAG"),
        (["frobnicate"], "error: argument COMMAND: invalid choice: 'frobnicate'"),
        (["merge", "1"], "error: the following arguments are required: ID (see: readinglist merge"),
        (["list", "--db", "x"], "error: unrecognized arguments: --db x (--db goes before the"),
        (["list", "--db=x"], "error: unrecognized arguments: --db=x (--db goes before the"),
    ],
)
def test_a_command_line_that_cannot_be_understood_is_one_line(
    capsys: pytest.CaptureFixture[str], db_path: Path, command: list[str], said: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(db_path), *command])
    out, err = capsys.readouterr()
    assert exited.value.code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(said), err
    assert not db_path.exists()  # nothing was opened, let alone changed


def test_duplicates_merge_and_split_through_the_command(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    from tests.core.test_duplicate_decisions import ABSTRACT_X, ABSTRACT_Y, TITLE_X, TITLE_Y
    from tests.core.test_import import write_dump

    listings = [(TITLE_X, ABSTRACT_X), (TITLE_Y, ABSTRACT_Y), (TITLE_X + ".", ABSTRACT_X[:130])]
    assert (
        run(capsys, db_path, "import", str(write_dump(tmp_path / "a.txt", "Mar 1", listings)))[0]
        == 0
    )
    [group] = run_json(capsys, db_path, "duplicates")  # type: ignore[misc]
    [hidden] = group["hidden"]
    assert hidden["decided_by"] == "auto" and hidden["abstract_score"] >= 90
    x, b = group["id"], hidden["id"]
    code, out, _ = run(capsys, db_path, "duplicates")
    assert code == 0 and out.startswith(f"#{x}  {TITLE_X}\n    #{b}  {TITLE_X}.\n")
    assert "        detected: " in out and "(title 100, abstract " in out
    [y] = [p["id"] for p in run_json(capsys, db_path, "list") if p["id"] != x]  # type: ignore[index]
    code, out, _ = run(capsys, db_path, "merge", str(x), str(y))
    assert code == 0 and [p["id"] for p in run_json(capsys, db_path, "list")] == [x]  # type: ignore[index]
    code, out, _ = run(capsys, db_path, "duplicates", "--recheck")
    assert f"    #{y}  {TITLE_Y}\n        merged by you with #{x} (title " in out
    code, out, _ = run(capsys, db_path, "split", str(y))
    assert code == 0 and sorted(p["id"] for p in run_json(capsys, db_path, "list")) == sorted(
        [x, y]
    )  # type: ignore[index]


def test_unknown_id_changes_nothing(capsys: pytest.CaptureFixture[str], imported: Path) -> None:
    first = run_json(capsys, imported, "list")[0]["id"]  # type: ignore[index]
    assert run(capsys, imported, "star", str(first), "99999")[0] == 1
    assert run_json(capsys, imported, "list", "--starred") == []


def test_bad_file_through_the_real_command(tmp_path: Path, sample_files: list[Path]) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text('{"not": "a dump"}')
    db = tmp_path / "lib.sqlite"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "readinglist",
            "--db",
            str(db),
            "import",
            str(bad),
            str(sample_files[0]),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {bad}: not a feed dump: no listing date line (such as 'Mar 14') found"
    ]
    assert "Traceback" not in result.stderr
    assert "files read: 1, papers new: 43" in result.stdout


def test_database_location_env_and_option(tmp_path: Path, sample_files: list[Path]) -> None:
    env = {**os.environ, "READINGLIST_DB": str(tmp_path / "env.sqlite"),
           "READINGLIST_DATA_DIR": str(tmp_path / "data")}  # fmt: skip
    cmd = [sys.executable, "-m", "readinglist"]
    subprocess.run([*cmd, "import", str(sample_files[0])], env=env, check=True, capture_output=True)
    assert (tmp_path / "env.sqlite").exists()
    subprocess.run([*cmd, "--db", str(tmp_path / "opt.sqlite"), "import", str(sample_files[0])],
                   env=env, check=True, capture_output=True)  # fmt: skip
    assert (tmp_path / "opt.sqlite").exists()
    del env["READINGLIST_DB"]
    subprocess.run([*cmd, "import", str(sample_files[0])], env=env, check=True, capture_output=True)
    assert (tmp_path / "data" / "library.sqlite").exists()
    subprocess.run([*cmd, "list"], env=env, check=True, capture_output=True)


def test_only_an_import_starts_a_library(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    typo = tmp_path / "typo" / "lib.sqlite"
    for command in (["list"], ["search", "x"], ["star", "1"], ["export", "--format", "csv"]):
        code, out, err = run(capsys, typo, *command)
        assert (code, out) == (1, "")
        assert err == f"error: {typo}: no library there yet (import feed dumps to start one)\n"
    assert not (tmp_path / "typo").exists()
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    code, _, err = run(capsys, empty, "list")
    assert code == 1 and "no library there yet" in err and empty.stat().st_size == 0


def test_newer_library_is_refused_by_the_command(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "lib.sqlite"
    Library.open(db).close()
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA user_version = 999")
    result = subprocess.run([sys.executable, "-m", "readinglist", "--db", str(db), "list"],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert "newer readinglist" in result.stderr
