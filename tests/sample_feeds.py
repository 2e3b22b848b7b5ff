"""Where the four real sample dumps are: one answer for the tests, the benchmarks and the
installer smoke test (`python3 tests/sample_feeds.py` prints it).

`READINGLIST_SAMPLE_FEEDS` if set; else `../shared/feeds` beside this checkout; else beside the
checkout this one was cloned from (a clean clone in a temporary folder, as CI makes).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sample_dir() -> Path:
    override = os.environ.get("READINGLIST_SAMPLE_FEEDS")
    if override:
        return Path(override)
    beside = ROOT.parent / "shared" / "feeds"
    if beside.is_dir():
        return beside
    origin = subprocess.run(
        ["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if origin and Path(origin).is_dir():
        cloned_from = Path(origin).resolve().parent / "shared" / "feeds"
        if cloned_from.is_dir():
            return cloned_from
    return beside  # missing: the tests that need it say where they looked


if __name__ == "__main__":
    print(sample_dir())
