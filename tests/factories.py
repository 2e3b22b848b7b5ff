"""Helpers shared by the export tests: papers made in memory, and the real BibTeX tools."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from readinglist.core.records import Paper, Sighting

NOW = dt.datetime(2024, 6, 1, 12, 0)


def make_paper(
    pid: int,
    title: str,
    abstract: str,
    *,
    tags: tuple[str, ...] = (),
    note: str = "",
    listed: Sequence[tuple[str, dt.date]] = (),
) -> Paper:
    """A visible paper, starred when its id is a multiple of 3 and read when it is even."""
    sightings = tuple(
        Sighting(file=name, date=date, position=i + 1, year_source="file-date")
        for i, (name, date) in enumerate(listed)
    )
    return Paper(
        id=pid, title=title, abstract=abstract, starred=pid % 3 == 0, read=pid % 2 == 0,
        tags=tags, note=note, sightings=sightings, duplicate_of=None, created_at=NOW,
        updated_at=NOW,
    )  # fmt: skip


def tool(name: str) -> str:
    """The path of a real tool; a missing one fails the test (CI installs them, never skips)."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"`{name}` is not installed; the export tests run the real tool "
            "(Debian/Ubuntu: apt-get install texlive-binaries texlive-base biber, see tests/run.sh)"
        )
    return path


def run(args: list[str], cwd: Path) -> tuple[int, str]:
    result = subprocess.run(args, cwd=cwd, capture_output=True, timeout=300)
    return result.returncode, (result.stdout + result.stderr).decode("utf-8", "replace")


def run_bibtex(bib: Path, style: str = "plain") -> tuple[int, str, str, list[str]]:
    """Cite every entry of `bib` with a BibTeX style: (exit code, output, .bbl text, problems).

    Problems are "Warning--..." lines, error messages ("I was expecting a ...", "I'm ignoring
    ...", "(There were 2 error messages)") and capacity failures ("Sorry---you've exceeded").
    """
    folder, name = bib.parent, bib.stem
    (folder / f"{name}.aux").write_text(
        f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{{name}}}\n", encoding="ascii"
    )
    code, output = run([tool("bibtex"), name], folder)
    log = (folder / f"{name}.blg").read_text(encoding="utf-8", errors="replace")
    problems = re.findall(
        r"(?im)^.*(?:warning--|error|I was expecting|I'm ignoring|sorry).*$", output + log
    )
    if not re.search(r"(?m)^warning\$ -- 0$", log):
        problems.append("the style issued warnings (warning$ count is not 0)")
    bbl_path = folder / f"{name}.bbl"
    bbl = bbl_path.read_text(encoding="utf-8") if bbl_path.exists() else ""
    return code, output, bbl, problems


def run_biber_validation(bib: Path) -> tuple[int, str, list[str], Path]:
    """biber --tool --validate-datamodel on `bib`: (exit code, output, problems, checked file)."""
    out_dir = bib.parent / "biber"
    out_dir.mkdir(exist_ok=True)
    args = [tool("biber"), "--tool", "--validate-datamodel", "--output-directory", str(out_dir)]
    # The data source is named relative to the working directory: biber puts its log at
    # <output directory>/<data source>.blg, and an absolute data source makes that path invalid.
    code, output = run([*args, "--outfile", "checked.bib", bib.name], bib.parent)
    log_path = out_dir / f"{bib.name}.blg"
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    problems = [line for line in (output + log).splitlines() if re.match(r"\W*(ERROR|WARN)", line)]
    return code, output, problems, out_dir / "checked.bib"
