"""Shared fixtures: the real sample dumps and fresh library files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.sample_feeds import sample_dir

if TYPE_CHECKING:
    from readinglist import Library

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = sample_dir()
SAMPLE_FILES = sorted(SAMPLE_DIR.glob("*.txt"))
SAMPLE_ENTRIES = 288
SAMPLE_PAPERS = 249


@pytest.fixture(autouse=True)
def _own_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Caches (the search vocabulary) of each test in a folder of its own, never the user's."""
    monkeypatch.setenv("READINGLIST_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def sample_files() -> list[Path]:
    assert len(SAMPLE_FILES) == 4, f"the four sample dumps are expected in {SAMPLE_DIR}"
    return SAMPLE_FILES


@pytest.fixture
def sample_copy(tmp_path: Path, sample_files: list[Path]) -> Path:
    """The sample dumps copied (with their modification times) to a folder of the test's own."""
    folder = tmp_path / "feeds"
    folder.mkdir()
    for f in sample_files:
        shutil.copy2(f, folder / f.name)
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "library.sqlite"


@pytest.fixture
def library(db_path: Path) -> Iterator[Library]:
    from readinglist import Library

    with Library.open(db_path) as lib:
        yield lib


@pytest.fixture
def sample_library(db_path: Path, sample_copy: Path) -> Iterator[Library]:
    from readinglist import Library

    with Library.open(db_path) as lib:
        summary = lib.import_paths([sample_copy])
        assert summary.refusals == []
        yield lib


def make_dumps(folder: Path, n_files: int, per_file: int, seed: int = 0) -> list[Path]:
    """Distinct synthetic dumps built from the sample's text (each entry a different paper)."""
    from readinglist.core.feedparse import read_dump

    entries = [e for f in SAMPLE_FILES for e in read_dump(f).entries]
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n_files):
        parts = ["new\n\nSubscribe\n\nMar 14\n\n"]
        for j in range(per_file):
            e = entries[(i * per_file + j + seed) % len(entries)]
            tag = f"{seed}x{i}x{j}"
            parts.append(f"{e.title} ({tag})\n\nStudy {tag}. {e.abstract}\n\n")
        path = folder / f"dump-{seed}-{i:04d}.txt"
        path.write_text("".join(parts), encoding="utf-8")
        files.append(path)
    return files
