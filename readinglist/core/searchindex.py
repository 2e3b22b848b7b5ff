"""The full-text index behind search: an SQLite FTS5 table kept current as the library changes.

One row per record (visible or hidden), rowid = paper id, with the title, the abstract read as
plain text, the record's tags and its note. It lives in the library file, so opening a library of
100,000 papers costs nothing, and every import, tag and note updates it in the same transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from sqlalchemy import Connection

from readinglist.core.database import raw_cursor
from readinglist.core.latex import latex_to_text



def add_records(cur: sqlite3.Cursor, rows: Iterable[tuple[int, str, str]]) -> None:
    """Index new records: (paper id, title, abstract). They have no tags or note yet."""
    cur.executemany(
        "INSERT INTO paper_fts (rowid, title, abstract, tags, note) VALUES (?, ?, ?, '', '')",
        ((pid, title, latex_to_text(abstract)) for pid, title, abstract in rows),
    )


def refresh_annotations(cur: sqlite3.Cursor, paper_ids: Iterable[int]) -> None:
    """Re-index the tags and note of these records after the user changed them."""
    for paper_id in paper_ids:
        row = cur.execute(
            "SELECT p.title, p.abstract, p.note,"
            " (SELECT group_concat(t.name, ' ') FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id"
            "  WHERE pt.paper_id = p.id)"
            " FROM paper p WHERE p.id = ?",
            (paper_id,),
        ).fetchone()
        if row is None:
            continue
        title, abstract, note, tags = row
        cur.execute("DELETE FROM paper_fts WHERE rowid = ?", (paper_id,))
        cur.execute(
            "INSERT INTO paper_fts (rowid, title, abstract, tags, note) VALUES (?, ?, ?, ?, ?)",
            (paper_id, title, latex_to_text(abstract), tags or "", note),
        )


def rebuild(conn: Connection | sqlite3.Cursor) -> None:
    """Index every record from scratch."""
    cur = raw_cursor(conn)
    cur.execute("DELETE FROM paper_fts")
    ids = [r[0] for r in cur.execute("SELECT id FROM paper")]
    refresh_annotations(cur, ids)
