"""Writes tests/data/library-v1.sqlite: a library as schema version 1 (the first release) left it.

It is committed as a frozen file so the upgrade test keeps testing what real version-1 libraries
hold, even if someone edits the migration steps by mistake. Run once; never regenerate casually.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from readinglist.core.migrations import APPLICATION_ID, STEPS

OUT = Path(__file__).with_name("library-v1.sqlite")
NOW = "2024-03-20T10:00:00+00:00"
ABSTRACT = (
    "We study how models scale with data. Our results show a power law in the number of "
    "parameters, and we release code and checkpoints for every model we trained."
)


def main() -> None:
    OUT.unlink(missing_ok=True)
    db = sqlite3.connect(OUT)
    db.executescript(STEPS[0].sql)
    db.execute("INSERT INTO import_batch VALUES (1, ?, ?, 1, 3, 0, 0, 0)", (NOW, NOW))
    db.execute(
        "INSERT INTO dump VALUES (1, 1, 'old.txt', '/data/old.txt', 'abc123', 1000, 1710900000.0,"
        " 'utf-8', 3, ?)",
        (NOW,),
    )
    papers = [
        (1, "Scaling Laws for Old Models", ABSTRACT, "h1", 1, 0, "my first note"),
        (2, "A Survey of Surveys", ABSTRACT.replace("scale", "survey"), "h2", 0, 1, ""),
        (3, "Scaling laws for old models.", ABSTRACT[:120], "h3", 0, 0, ""),
    ]
    for pid, title, abstract, digest, starred, read, note in papers:
        db.execute(
            "INSERT INTO paper VALUES (?,?,?,?,?,?,?,?,?,NULL)",
            (pid, title, abstract, digest, starred, read, note, NOW, NOW),
        )
        db.execute(
            "INSERT INTO sighting VALUES (?,?,1,'2024-03-14','file-date',?,?)",
            (pid, pid, pid, 10 + 4 * pid),
        )
    db.execute("INSERT INTO tag VALUES (1, 'to-read')")
    db.execute("INSERT INTO paper_tag VALUES (1, 1)")
    db.execute("INSERT INTO paper_tag VALUES (3, 1)")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.execute("VACUUM")
    db.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
