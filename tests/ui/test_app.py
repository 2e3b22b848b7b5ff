"""The real `readinglist gui` command: screenshots offscreen, and a library it cannot open."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from readinglist.core.library import Library
from tests.conftest import ROOT


def run_gui(*args: str, tmp_path: Path, display: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "READINGLIST_SETTINGS": str(tmp_path / "settings.ini"),
    }
    if not display:  # as over ssh: no display, and no Qt platform chosen
        for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
            env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "readinglist", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_screenshot_of_the_loaded_library(tmp_path: Path, sample_library: Library) -> None:
    shot = tmp_path / "shots" / "window.png"
    result = run_gui(
        "--db", str(sample_library.path), "gui", "--screenshot", str(shot), tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1440, 880)
    # Rows were drawn: the list area is not a single flat colour.
    colours = {image.pixel(600, y) for y in range(120, 600, 7)}
    assert len(colours) > 2
    assert not (tmp_path / "settings.ini").exists()  # a screenshot leaves no settings behind


@pytest.mark.slow
def test_screenshot_of_an_empty_library_and_a_bad_one(tmp_path: Path) -> None:
    shot = tmp_path / "empty.png"
    result = run_gui(
        "--db", str(tmp_path / "new.sqlite"), "gui", "--screenshot", str(shot), tmp_path=tmp_path
    )
    assert result.returncode == 0 and shot.exists(), result.stderr
    bad = tmp_path / "not-a-library.sqlite"
    bad.write_text("hello", encoding="utf-8")
    result = run_gui(
        "--db", str(bad), "gui", "--screenshot", str(tmp_path / "x.png"), tmp_path=tmp_path
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_screenshot_that_cannot_be_written_is_one_error_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    shot = blocker / "inside" / "x.png"  # its folder would have to be made inside a file
    started = time.monotonic()
    result = run_gui(
        "--db", str(tmp_path / "new.sqlite"), "gui", "--screenshot", str(shot), tmp_path=tmp_path
    )
    assert result.returncode == 1
    # (Qt's offscreen platform may say something of its own first.)
    assert result.stderr.splitlines()[-1].startswith(f"error: cannot write {shot}")
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 30  # not the 60 s of waiting for a library to load


def test_qt_bindings_do_not_drop_references_to_none() -> None:
    """PySide6 6.12 on Python 3.11 loses a reference to None per void call and soon aborts the
    interpreter; pyproject.toml keeps it away. This fails if such bindings get installed."""
    from PySide6.QtCore import QPointF

    point = QPointF()
    before = sys.getrefcount(None)
    for _ in range(10_000):
        point.setX(1.0)
    assert sys.getrefcount(None) >= before - 10


@pytest.mark.slow
def test_without_a_display_the_window_says_so_in_one_line(tmp_path: Path) -> None:
    library = tmp_path / "new.sqlite"
    result = run_gui("--db", str(library), tmp_path=tmp_path, display=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: no display to open the window on")
    assert result.stderr.count("\n") == 1 and not library.exists()
    # A screenshot needs no display: it is rendered offscreen.
    shot = tmp_path / "shot.png"
    result = run_gui(
        "--db", str(library), "gui", "--screenshot", str(shot), tmp_path=tmp_path, display=False
    )
    assert result.returncode == 0 and QImage(str(shot)).width() > 0, result.stderr
