"""Running the command line in-process, on a library file."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.cli.main import main


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def imported(capsys: pytest.CaptureFixture[str], db_path: Path, sample_copy: Path) -> Path:
    """A library file holding the sample dumps."""
    code, _, err = run(capsys, db_path, "import", str(sample_copy))
    assert code == 0, err
    return db_path
