"""The full-text index behind search: an SQLite FTS5 table that catches up with the library.

One row per record (visible or hidden), rowid = paper id, with the title, the abstract read as
plain text, the record's tags and its note. It lives in the library file, so opening a library of
100,000 papers costs nothing.

Importing does not index: tokenizing full abstracts costs several times more than the rest of an
import, and a bulk import should not hold the write lock for it. Instead the index records how far
it has got (`search_state.indexed_up_to`; record ids only grow) and `catch_up` indexes the records
added since, in small transactions: search calls it first, the window runs it in the background
after an import. Tag and note changes of indexed records are re-indexed at once when they touch a
few records; a bulk change (tagging thousands of papers) only lists them in `search_stale`, and the
same catch-up re-reads them afterwards, so that the change itself takes a moment.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from sqlalchemy import Connection

from readinglist.core.database import in_chunks, raw_cursor
from readinglist.core.latex import latex_to_text

CATCH_UP_CHUNK = 2000  # records per transaction: short enough not to keep other writers waiting
REINDEX_AT_ONCE = 200  # records re-indexed within the change itself (some 0.4 ms each)

_ROWS = (
    "SELECT p.id, p.title, p.abstract, p.note,"
    " (SELECT group_concat(t.name, ' ') FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id"
    "  WHERE pt.paper_id = p.id)"
    " FROM paper p"
)


def indexed_up_to(cur: sqlite3.Cursor) -> int:
    return int(cur.execute("SELECT indexed_up_to FROM search_state WHERE id = 1").fetchone()[0])


def pending(cur: sqlite3.Cursor, stale_too: bool = True) -> int:
    """How many records the index has not caught up with: new ones (ids only grow, so a range
    count) and, unless `stale_too` is False, those whose tags or notes changed in bulk."""
    start = indexed_up_to(cur)
    new = cur.execute("SELECT count(*) FROM paper WHERE id > ?", (start,)).fetchone()[0]
    if not stale_too:
        return int(new)
    stale = cur.execute("SELECT count(*) FROM search_stale").fetchone()[0]
    return int(new) + int(stale)


def _insert(cur: sqlite3.Cursor, rows: Iterable[tuple[int, str, str, str, str | None]]) -> None:
    cur.executemany(
        "INSERT INTO paper_fts (rowid, title, abstract, tags, note) VALUES (?, ?, ?, ?, ?)",
        ((pid, title, latex_to_text(abstract), tags or "", note)
         for pid, title, abstract, note, tags in rows),
    )  # fmt: skip


def _stamp(cur: sqlite3.Cursor) -> None:
    """Mark a write to the index (schema 3 on: a schema 2 upgrade's backfill writes unstamped)."""
    cur.execute("UPDATE search_state SET stamp = lower(hex(randomblob(8))) WHERE id = 1")


def stamp(cur: sqlite3.Cursor) -> str:
    return str(cur.execute("SELECT stamp FROM search_state WHERE id = 1").fetchone()[0])


def _index_new(cur: sqlite3.Cursor, limit: int) -> int:
    start = indexed_up_to(cur)
    rows = cur.execute(f"{_ROWS} WHERE p.id > ? ORDER BY p.id LIMIT ?", (start, limit)).fetchall()
    if rows:
        _insert(cur, rows)
        cur.execute("UPDATE search_state SET indexed_up_to = ? WHERE id = 1", (rows[-1][0],))
    return len(rows)


def catch_up_chunk(cur: sqlite3.Cursor, limit: int = CATCH_UP_CHUNK, stale_too: bool = True
                   ) -> int:  # fmt: skip
    """Index up to `limit` records: new ones first, then stale ones; returns how many."""
    done = _index_new(cur, limit)
    if done < limit and stale_too:
        stale = [r[0] for r in cur.execute(
            "SELECT paper_id FROM search_stale ORDER BY paper_id LIMIT ?", (limit - done,)
        )]  # fmt: skip
        _reindex(cur, stale)
        cur.executemany("DELETE FROM search_stale WHERE paper_id = ?", [(i,) for i in stale])
        done += len(stale)
    if done:
        _stamp(cur)
    return done


def catch_up(conn: Connection | sqlite3.Cursor) -> int:
    """Index every new record, inside the caller's transaction (a schema upgrade's backfill)."""
    cur = raw_cursor(conn)
    total = 0
    while n := _index_new(cur, CATCH_UP_CHUNK):
        total += n
    return total


def catch_up_in_steps(
    write: Callable[[Callable[[sqlite3.Cursor], int]], int],
    progress: Callable[[int, int], None] | None = None,
    stale_too: bool = True,
) -> int:
    """Index every record not indexed yet, one short write transaction per chunk.

    `write(operation)` runs `operation(cursor)` in a write transaction (see `Library`).
    """
    total = 0
    remaining = write(lambda cur: pending(cur, stale_too))
    while n := write(lambda cur: catch_up_chunk(cur, CATCH_UP_CHUNK, stale_too)):
        total += n
        if progress is not None:
            progress(total, remaining)
    return total


def refresh_annotations(cur: sqlite3.Cursor, paper_ids: Iterable[int]) -> None:
    """Re-index the tags and note of these records after the user changed them: now if they are
    few, else by the next catch-up (listed in `search_stale`, in the same transaction).

    Records the index has not reached yet are left for `catch_up`, which reads their current tags
    and notes anyway.
    """
    limit = indexed_up_to(cur)
    ids = sorted({i for i in paper_ids if i <= limit})
    if len(ids) <= REINDEX_AT_ONCE:
        if _reindex(cur, ids):
            _stamp(cur)
    else:
        cur.executemany("INSERT OR IGNORE INTO search_stale (paper_id) VALUES (?)",
                        [(i,) for i in ids])  # fmt: skip


def _reindex(cur: sqlite3.Cursor, ids: list[int]) -> int:
    """Index these records again, those whose tags or note differ from what the index holds
    (an undo of a star puts back the same tags: nothing to do); returns how many it wrote."""
    written = 0
    for marks, chunk in in_chunks(ids):
        held = {
            rowid: (tags or "", note or "")
            for rowid, tags, note in cur.execute(
                f"SELECT rowid, tags, note FROM paper_fts WHERE rowid IN ({marks})", chunk
            )
        }
        rows = [
            row
            for row in cur.execute(f"{_ROWS} WHERE p.id IN ({marks})", chunk).fetchall()
            if held.get(row[0]) != (row[4] or "", row[3] or "")
        ]
        if rows:
            cur.executemany("DELETE FROM paper_fts WHERE rowid = ?", [(row[0],) for row in rows])
            _insert(cur, rows)
            written += len(rows)
    return written


def rebuild(conn: Connection | sqlite3.Cursor) -> int:
    """Index every record from scratch (inside the caller's transaction)."""
    cur = raw_cursor(conn)
    cur.execute("DELETE FROM paper_fts")
    cur.execute("DELETE FROM search_stale")
    cur.execute("UPDATE search_state SET indexed_up_to = 0 WHERE id = 1")
    _stamp(cur)
    return catch_up(cur)
