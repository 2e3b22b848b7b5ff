"""The database schema, as the sequence of steps that builds it.

The steps are the single source of truth: a new library runs all of them, an older library runs the
ones it lacks (after a backup), so a new and an upgraded library always end up identical
(tests/core/test_database.py checks it). `PRAGMA user_version` holds the number of steps applied.

Never edit a released step; add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

# Identifies a readinglist library among other SQLite files ("RdLs").
APPLICATION_ID = 0x52644C73


@dataclass(frozen=True)
class Step:
    version: int
    summary: str
    sql: str
    # Runs after the SQL, in the same transaction: fills new columns or tables from existing rows.
    backfill: Callable[[Connection], None] | None = None


_V1 = """
CREATE TABLE import_batch (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    files_read INTEGER NOT NULL DEFAULT 0,
    papers_new INTEGER NOT NULL DEFAULT 0,
    papers_known INTEGER NOT NULL DEFAULT 0,
    duplicates_hidden INTEGER NOT NULL DEFAULT 0,
    files_refused INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE dump (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER REFERENCES import_batch(id),
    file_name TEXT NOT NULL,
    path TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    encoding TEXT NOT NULL,
    entry_count INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE paper (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    abstract TEXT NOT NULL DEFAULT '',
    text_hash TEXT NOT NULL UNIQUE,
    starred INTEGER NOT NULL DEFAULT 0,
    read INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    duplicate_of INTEGER REFERENCES paper(id)
);
CREATE INDEX ix_paper_duplicate_of ON paper(duplicate_of);
CREATE TABLE sighting (
    id INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES paper(id),
    dump_id INTEGER NOT NULL REFERENCES dump(id),
    listing_date TEXT NOT NULL,
    year_source TEXT NOT NULL,
    position INTEGER NOT NULL,
    line INTEGER NOT NULL,
    UNIQUE (dump_id, position)
);
CREATE INDEX ix_sighting_paper ON sighting(paper_id);
CREATE TABLE tag (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE paper_tag (
    paper_id INTEGER NOT NULL REFERENCES paper(id),
    tag_id INTEGER NOT NULL REFERENCES tag(id),
    PRIMARY KEY (paper_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX ix_paper_tag_tag ON paper_tag(tag_id);
"""

# Duplicate decisions that persist, pinned citation keys and the search index.
_V2 = """
ALTER TABLE paper ADD COLUMN dup_by TEXT;
ALTER TABLE paper ADD COLUMN dup_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE paper ADD COLUMN dup_title_score REAL;
ALTER TABLE paper ADD COLUMN dup_abstract_score REAL;
ALTER TABLE paper ADD COLUMN citation_key TEXT COLLATE NOCASE;
CREATE UNIQUE INDEX ix_paper_citation_key ON paper(citation_key);
CREATE INDEX ix_paper_starred ON paper(starred) WHERE starred;
CREATE TABLE dedup_key (
    key INTEGER NOT NULL,
    paper_id INTEGER NOT NULL REFERENCES paper(id),
    PRIMARY KEY (key, paper_id)
) WITHOUT ROWID;
CREATE TABLE cannot_link (
    paper_a INTEGER NOT NULL REFERENCES paper(id),
    paper_b INTEGER NOT NULL REFERENCES paper(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (paper_a, paper_b),
    CHECK (paper_a < paper_b)
) WITHOUT ROWID;
CREATE TABLE search_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_up_to INTEGER NOT NULL
);
INSERT INTO search_state (id, indexed_up_to) VALUES (1, 0);
CREATE VIRTUAL TABLE paper_fts USING fts5(
    title, abstract, tags, note,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
"""


def _backfill_v2(conn: Connection) -> None:
    # Imported here: the steps module must stay importable without the services it feeds.
    from readinglist.core import recheck, searchindex

    # Schema 1 hid records without saying who decided: whoever did, the grouping is kept as a
    # decision (a recheck revises only what detection decided) under the record shown. The
    # user can still split any of them.
    conn.exec_driver_sql(
        "UPDATE paper SET dup_by = 'user', dup_reason = 'grouped by an earlier version'"
        " WHERE duplicate_of IS NOT NULL"
    )
    recheck.rebuild_keys(conn)
    recheck.recheck(conn)
    searchindex.catch_up(conn)


# Records whose tags or notes changed in bulk: the search index re-reads them in the background
# (re-indexing a record tokenizes its whole abstract again: 40 s for 100,000 tagged papers).
# And a random stamp renewed at every write to the index: what a saved copy of the index's
# vocabulary is checked against (a library restored from a backup then changed differently
# could otherwise look like the state the copy was made from).
_V3 = """
CREATE TABLE search_stale (
    paper_id INTEGER PRIMARY KEY
);
ALTER TABLE search_state ADD COLUMN stamp TEXT NOT NULL DEFAULT '';
UPDATE search_state SET stamp = lower(hex(randomblob(8)));
"""


def _backfill_v4(conn: Connection) -> None:
    from readinglist.core import recheck

    recheck.rebuild_keys(conn)


STEPS: tuple[Step, ...] = (
    Step(1, "papers, sightings, dumps, import batches and tags", _V1),
    Step(2, "duplicate decisions, citation keys and the search index", _V2, _backfill_v2),
    Step(3, "bulk tag and note changes re-indexed in the background", _V3),
    # No table changes: the blocking keys are made anew (dedup.KEY_VERSION 2: titles spell
    # Greek letters out and read × as x, so "α-Net" and "$\\alpha$-Net" are found together).
    Step(4, "duplicate blocking keys made anew", "", _backfill_v4),
)

CURRENT_VERSION = STEPS[-1].version


# Early builds of schema 3 wrote the stale list without the search stamp (the step gained it
# later, against the rule above). Such a library says it is up to date: it is repaired in place
# when opened, rather than failing at its first search or tag.
def needs_repair(cur: sqlite3.Cursor) -> bool:
    columns = {row[1] for row in cur.execute("PRAGMA table_info(search_state)")}
    return bool(columns) and "stamp" not in columns


def repair_schema(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE search_state ADD COLUMN stamp TEXT NOT NULL DEFAULT ''")
    conn.exec_driver_sql("UPDATE search_state SET stamp = lower(hex(randomblob(8)))")
