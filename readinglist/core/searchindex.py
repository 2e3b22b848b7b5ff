"""The full-text index behind search: an SQLite FTS5 table that catches up with the library.

One row per record (visible or hidden), rowid = paper id, with the title, the abstract read as
plain text, the record's tags and its note. It lives in the library file, so opening a library of
100,000 papers costs nothing.

Importing does not index: tokenizing full abstracts costs several times more than the rest of an
import, and a bulk import should not hold the write lock for it. Instead the index records how far
it has got (`search_state.indexed_up_to`; record ids only grow) and `catch_up` indexes the records
added since, in small transactions: search calls it first, the window runs it in the background
after an import. Tag and note changes of indexed records are re-indexed at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from sqlalchemy import Connection

from readinglist.core.database import raw_cursor
from readinglist.core.latex import latex_to_text

CATCH_UP_CHUNK = 2000  # records per transaction: short enough not to keep other writers waiting

_ROWS = (
    "SELECT p.id, p.title, p.abstract, p.note,"
    " (SELECT group_concat(t.name, ' ') FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id"
    "  WHERE pt.paper_id = p.id)"
    " FROM paper p"
)


def indexed_up_to(cur: sqlite3.Cursor) -> int:
    return int(cur.execute("SELECT indexed_up_to FROM search_state WHERE id = 1").fetchone()[0])


def pending(cur: sqlite3.Cursor) -> int:
    """How many records the index has not caught up with (ids only grow, so a range count)."""
    return int(
        cur.execute("SELECT count(*) FROM paper WHERE id > ?", (indexed_up_to(cur),)).fetchone()[0]
    )


def _insert(cur: sqlite3.Cursor, rows: Iterable[tuple[int, str, str, str, str | None]]) -> None:
    cur.executemany(
        "INSERT INTO paper_fts (rowid, title, abstract, tags, note) VALUES (?, ?, ?, ?, ?)",
        ((pid, title, latex_to_text(abstract), tags or "", note)
         for pid, title, abstract, note, tags in rows),
    )  # fmt: skip


def catch_up_chunk(cur: sqlite3.Cursor, limit: int = CATCH_UP_CHUNK) -> int:
    """Index up to `limit` records not indexed yet; returns how many it indexed."""
    start = indexed_up_to(cur)
    rows = cur.execute(f"{_ROWS} WHERE p.id > ? ORDER BY p.id LIMIT ?", (start, limit)).fetchall()
    if rows:
        _insert(cur, rows)
        cur.execute("UPDATE search_state SET indexed_up_to = ? WHERE id = 1", (rows[-1][0],))
    return len(rows)


def catch_up(conn: Connection | sqlite3.Cursor) -> int:
    """Index every record not indexed yet, inside the caller's transaction."""
    cur = raw_cursor(conn)
    total = 0
    while n := catch_up_chunk(cur):
        total += n
    return total


def catch_up_in_steps(
    write: Callable[[Callable[[sqlite3.Cursor], int]], int],
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Index every record not indexed yet, one short write transaction per chunk.

    `write(operation)` runs `operation(cursor)` in a write transaction (see `Library`).
    """
    total = 0
    remaining = write(pending)
    while n := write(catch_up_chunk):
        total += n
        if progress is not None:
            progress(total, remaining)
    return total


def refresh_annotations(cur: sqlite3.Cursor, paper_ids: Iterable[int]) -> None:
    """Re-index the tags and note of these records after the user changed them.

    Records the index has not reached yet are left for `catch_up`, which reads their current tags
    and notes anyway.
    """
    limit = indexed_up_to(cur)
    ids = sorted({i for i in paper_ids if i <= limit})
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        cur.execute(f"DELETE FROM paper_fts WHERE rowid IN ({marks})", chunk)
        _insert(cur, cur.execute(f"{_ROWS} WHERE p.id IN ({marks})", chunk).fetchall())


def rebuild(conn: Connection | sqlite3.Cursor) -> int:
    """Index every record from scratch (inside the caller's transaction)."""
    cur = raw_cursor(conn)
    cur.execute("DELETE FROM paper_fts")
    cur.execute("UPDATE search_state SET indexed_up_to = 0 WHERE id = 1")
    return catch_up(cur)
