"""The search vocabulary's copy on disk: used when it is this library's, rebuilt otherwise."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.core import vocabulary
from readinglist.core.database import raw_cursor
from readinglist.core.paths import cache_dir
from tests.core.test_search import FILLER, VQGAN, write_dump


def saved_copies() -> list[Path]:
    return sorted((cache_dir() / "search").glob("*.vocabulary"))


def read_vocabulary(lib: Library) -> vocabulary.Vocabulary:
    lib.update_search_index()
    with lib.db.read() as conn:
        return vocabulary.vocabulary(raw_cursor(conn))


def never_from_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> None:
        raise AssertionError("the vocabulary was read from the index")

    monkeypatch.setattr(vocabulary, "_build", fail)


def test_a_new_session_reads_the_copy_saved_by_the_last(
    sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    vocabulary._cache.clear()
    first = read_vocabulary(sample_library)
    [copy] = saved_copies()
    written = (copy.stat().st_ino, copy.stat().st_mtime_ns)
    vocabulary._cache.clear()  # as a new process would start
    never_from_the_index(monkeypatch)
    again = read_vocabulary(sample_library)
    assert again.terms == first.terms and again.docs == first.docs
    assert again.backwards == first.backwards and again.cumulative == first.cumulative
    assert again.signature == first.signature and again.max_rowid == first.max_rowid
    assert sample_library.search("vqgan codebok", limit=1)[0].title == VQGAN
    assert saved_copies() == [copy]
    assert (copy.stat().st_ino, copy.stat().st_mtime_ns) == written  # not written again


def test_a_copy_older_than_the_index_is_patched_and_saved_again(
    sample_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vocabulary._cache.clear()
    read_vocabulary(sample_library)
    vocabulary._cache.clear()
    new = write_dump(tmp_path / "new", "new.txt", [("Glossolalic Transducers", FILLER)])
    sample_library.import_paths([new])
    never_from_the_index(monkeypatch)  # a few new records: patched, not read afresh
    patched = read_vocabulary(sample_library)
    assert patched.doc_count("glossolalic") == 1
    assert [p.title for p in sample_library.search("glosolalic", limit=1)] == [
        "Glossolalic Transducers"
    ]
    vocabulary._cache.clear()
    assert read_vocabulary(sample_library).doc_count("glossolalic") == 1  # the patch was saved


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"",
        lambda data: data.replace(b"readinglist-vocabulary", b"something-else", 1),
        lambda data: data[:200] + b"\xff\xfe" * 50 + data[300:],
        lambda data: data + b"more",
        lambda data: re.sub(rb'"signature": "[0-9a-f]*"', b'"signature": "zz"', data, count=1),
        lambda data: re.sub(rb'"max_rowid": [0-9]+', b'"max_rowid": [1]', data, count=1),
        lambda data: re.sub(rb'"from_records": [{][}]', b'"from_records": 7', data, count=1),
    ],
    ids=["cut", "empty", "foreign", "garbled", "trailing", "signature", "max-rowid", "counts"],
)
def test_a_damaged_copy_is_read_afresh_and_replaced(sample_library: Library, damage) -> None:
    vocabulary._cache.clear()
    good = read_vocabulary(sample_library)
    [copy] = saved_copies()
    damaged = damage(copy.read_bytes())
    assert damaged != copy.read_bytes()
    copy.write_bytes(damaged)
    vocabulary._cache.clear()
    rebuilt = read_vocabulary(sample_library)
    assert rebuilt.terms == good.terms and rebuilt.docs == good.docs
    assert sample_library.search("vqgan codebok", limit=1)[0].title == VQGAN
    vocabulary._cache.clear()
    assert read_vocabulary(sample_library).terms == good.terms  # a sound copy again


def test_another_library_at_the_same_path_never_uses_the_copy(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_dump(tmp_path / "a", "a.txt", [("Quincunx Orchards", FILLER)])
    second = write_dump(tmp_path / "b", "b.txt", [("Zeugmatic Parsers", FILLER)])
    vocabulary._cache.clear()
    with Library.open(db_path) as lib:
        lib.import_paths([first])
        assert read_vocabulary(lib).doc_count("quincunx") == 1
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    vocabulary._cache.clear()
    with Library.open(db_path) as lib:  # a new library where the old one was
        lib.import_paths([second])
        vocab = read_vocabulary(lib)
        assert vocab.doc_count("quincunx") == 0 and vocab.doc_count("zeugmatic") == 1
        assert [p.title for p in lib.search("zeugmatik", limit=1)] == ["Zeugmatic Parsers"]


def test_a_cache_path_that_is_a_file_only_costs_time(
    sample_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("in the way")
    monkeypatch.setenv("READINGLIST_CACHE_DIR", str(blocker))
    vocabulary._cache.clear()
    assert sample_library.search("vqgan codebok", limit=1)[0].title == VQGAN
    assert blocker.read_text() == "in the way"


def test_tag_and_note_edits_never_inflate_word_counts(sample_library: Library) -> None:
    """Each edit counts the words of all tags and notes afresh; over many sessions (each one
    loading the copy the last one saved) a word on one paper stays counted about once."""
    first, second = sample_library.ids()[:2]
    sample_library.tag([first], ["zyxtag"])
    for session in range(12):
        vocabulary._cache.clear()
        sample_library.set_note(second, f"session {session}")
        assert sample_library.search("zyxtag", limit=None)[0].id == first
    assert read_vocabulary(sample_library).doc_count("zyxtag") <= 2


def test_a_restored_backup_changed_otherwise_never_uses_the_copy(
    sample_library: Library, tmp_path: Path
) -> None:
    """A backup put back, then changed differently from the state the copy was saved for (here
    a note of as many words), has an index of its own: the copy must not be trusted."""
    lib, paper = sample_library, sample_library.ids()[4]
    path = lib.path
    read_vocabulary(lib)
    lib.db.backup(tmp_path / "backup.sqlite")
    lib.set_note(paper, "thoughts on quasicrystal lattices")
    read_vocabulary(lib)  # saved for this state
    lib.close()
    vocabulary._cache.clear()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(tmp_path / "backup.sqlite", path)
    with Library.open(path) as restored:
        restored.set_note(paper, "thoughts on holography entanglement")
        assert read_vocabulary(restored).doc_count("holography") >= 1
        assert [p.id for p in restored.search("holograpy", limit=1)] == [paper]


def test_a_tag_added_before_an_import_is_found_by_prefix_and_typo(
    sample_library: Library, tmp_path: Path
) -> None:
    """Tags (or notes) changed and records added between two searches: both are counted."""
    lib, paper = sample_library, sample_library.ids()[4]
    read_vocabulary(lib)
    lib.tag([paper], ["xylophonic"])
    lib.import_paths([write_dump(tmp_path / "new", "new.txt", [("Fresh Paper Title", FILLER)])])
    assert read_vocabulary(lib).doc_count("xylophonic") >= 1
    assert paper in [p.id for p in lib.search("xylo", limit=5)]
    assert paper in [p.id for p in lib.search("xylophonik", limit=5)]


def test_a_restored_backup_imported_into_never_uses_the_copy(
    tmp_path: Path, sample_files: list[Path]
) -> None:
    """The copy was saved for records that, after a backup was put back and other dumps were
    imported, stand at the same ids with other texts: it must be read afresh."""
    first, second, *_ = sample_files
    with Library.open(tmp_path / "count.sqlite") as scratch:
        scratch.import_paths([first])
        before = len(scratch.ids())
        scratch.import_paths([second])
        added = len(scratch.ids()) - before  # the ids the second dump takes after the first
    path = tmp_path / "lib.sqlite"
    with Library.open(path) as lib:
        lib.import_paths([first])
        lib.db.backup(tmp_path / "backup.sqlite")
        # A few fewer than the second dump adds: so few new ids that a patch would be tried.
        others = [(f"Unrelated Paper Number {n}", FILLER) for n in range(added - 3)]
        lib.import_paths([write_dump(tmp_path / "adv", "adv.txt", others)])
        read_vocabulary(lib)  # saved up to the adv records
    vocabulary._cache.clear()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(tmp_path / "backup.sqlite", path)
    with Library.open(path) as restored:
        restored.import_paths([second])  # its records take the ids the others had, and more
        vocab = read_vocabulary(restored)
        with restored.db.read() as conn:
            fresh = vocabulary._build(raw_cursor(conn), b"", 0)
        assert vocab.terms == fresh.terms and list(vocab.docs) == list(fresh.docs)
        assert not vocab.extra  # read afresh, not patched onto the other records' words
