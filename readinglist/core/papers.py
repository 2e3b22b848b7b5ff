"""Selecting papers and loading them as `records.Paper` objects.

A visible paper combines its group: it is starred or read if any record of the group is, it has
every record's tags, the notes of all of them, and every sighting. Filters and sorting run in SQL,
so the window can ask for 100,000 ids in display order and load only the rows it draws.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from readinglist.core import notes
from readinglist.core.clock import parse_iso
from readinglist.core.database import in_chunks, possible_id
from readinglist.core.gcpause import cyclic_gc_paused
from readinglist.core.records import Paper, Sighting
from readinglist.core.texts import tag_key

# A record's group-wide flags: its own, or any record hidden under it.
STARRED = "(p.starred OR EXISTS (SELECT 1 FROM paper h WHERE h.duplicate_of = p.id AND h.starred))"
READ = "(p.read OR EXISTS (SELECT 1 FROM paper h WHERE h.duplicate_of = p.id AND h.read))"
LAST_DATE = (
    "(SELECT max(s.listing_date) FROM sighting s WHERE s.paper_id = p.id"
    " OR s.paper_id IN (SELECT h.id FROM paper h WHERE h.duplicate_of = p.id))"
)
SORT_COLUMNS = {
    "id": "p.id",
    "title": "p.title COLLATE NOCASE",
    "date": LAST_DATE,
    "starred": STARRED,
    "read": READ,
}


@dataclass(frozen=True)
class PaperFilter:
    """Which papers a list, a search or an export covers. The default: every visible paper."""

    starred: bool = False
    unread: bool = False
    tag: str | None = None
    include_hidden: bool = False  # hidden duplicate records as rows of their own, too
    only_hidden: bool = False  # nothing but hidden duplicate records
    dump_id: int | None = None  # papers listed in one imported file
    ids: tuple[int, ...] | None = None

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.only_hidden:
            clauses.append("p.duplicate_of IS NOT NULL")
        elif not self.include_hidden:
            clauses.append("p.duplicate_of IS NULL")
        if self.starred:
            clauses.append(STARRED)
        if self.unread:
            clauses.append(f"NOT {READ}")
        if self.tag is not None:
            clauses.append(
                "(p.id IN (SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id"
                " WHERE tag_key(t.name) = ?) OR p.id IN (SELECT m.duplicate_of FROM paper m"
                " JOIN paper_tag pt ON pt.paper_id = m.id JOIN tag t ON t.id = pt.tag_id"
                " WHERE tag_key(t.name) = ? AND m.duplicate_of IS NOT NULL))"
            )
            params += [tag_key(self.tag)] * 2
        if self.dump_id is not None:
            clauses.append(
                "(p.id IN (SELECT s.paper_id FROM sighting s WHERE s.dump_id = ?) OR p.id IN"
                " (SELECT m.duplicate_of FROM paper m JOIN sighting s ON s.paper_id = m.id"
                " WHERE s.dump_id = ? AND m.duplicate_of IS NOT NULL))"
            )
            params += [self.dump_id, self.dump_id]
        if self.ids is not None:
            clauses.append(f"p.id IN ({','.join(str(int(i)) for i in self.ids) or 'NULL'})")
        return " AND ".join(clauses) or "1", params


def select_ids(
    cur: sqlite3.Cursor,
    where: PaperFilter = PaperFilter(),
    sort: str = "id",
    descending: bool = False,
) -> list[int]:
    """The ids of the papers the filter covers, in display order."""
    clause, params = where.where()
    order = SORT_COLUMNS[sort]
    direction = "DESC" if descending else "ASC"
    return [
        r[0]
        for r in cur.execute(
            f"SELECT p.id FROM paper p WHERE {clause}"
            f" ORDER BY {order} {direction}, p.id {direction}",
            params,
        )
    ]


def count(cur: sqlite3.Cursor, where: PaperFilter = PaperFilter()) -> int:
    clause, params = where.where()
    return int(cur.execute(f"SELECT count(*) FROM paper p WHERE {clause}", params).fetchone()[0])


def load(cur: sqlite3.Cursor, ids: Sequence[int]) -> list[Paper]:
    """Load papers by id, in the order given. Visible papers come with their group combined.

    The cyclic garbage collector is paused meanwhile: loading 100,000 papers (an export, `list`)
    made its full passes rescan everything loaded so far, for more than half of the time."""
    loaded: dict[int, Paper] = {}
    with cyclic_gc_paused():
        for _, chunk in in_chunks([i for i in dict.fromkeys(ids) if possible_id(i)]):
            loaded.update(_load_chunk(cur, chunk))
    return [loaded[i] for i in ids if i in loaded]


def _load_chunk(cur: sqlite3.Cursor, ids: Sequence[int]) -> dict[int, Paper]:
    marks = ",".join("?" * len(ids))
    rows = cur.execute(
        "SELECT id, title, abstract, starred, read, note, created_at, updated_at, duplicate_of,"
        f" citation_key FROM paper WHERE id IN ({marks})",
        ids,
    ).fetchall()
    visible = [r[0] for r in rows if r[8] is None]
    # Hidden records of the visible papers, whose annotations and sightings join their group's.
    hidden: dict[int, list[tuple[int, bool, bool, str, str | None]]] = defaultdict(list)
    if visible:
        for hid, under, starred, read, note, key in cur.execute(
            "SELECT id, duplicate_of, starred, read, note, citation_key FROM paper"
            f" WHERE duplicate_of IN ({','.join('?' * len(visible))}) ORDER BY id",
            visible,
        ):
            hidden[under].append((hid, bool(starred), bool(read), note, key))
    # Which loaded papers each record's tags and sightings count for: itself, and its group's
    # visible paper (a hidden record can be loaded as a row of its own and within its group).
    owners: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        owners[row[0]].append(row[0])
    for group, members in hidden.items():
        for hid, *_ in members:
            owners[hid].append(group)
    member_ids = list(owners)
    tags: dict[int, set[str]] = defaultdict(set)
    sightings: dict[int, list[Sighting]] = defaultdict(list)
    for sub_marks, sub in in_chunks(member_ids, 900):
        for paper_id, name in cur.execute(
            "SELECT pt.paper_id, t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id"
            f" WHERE pt.paper_id IN ({sub_marks})",
            sub,
        ):
            for owner in owners[paper_id]:
                tags[owner].add(name)
        for paper_id, file_name, date, position, source in cur.execute(
            "SELECT s.paper_id, d.file_name, s.listing_date, s.position, s.year_source"
            f" FROM sighting s JOIN dump d ON d.id = s.dump_id WHERE s.paper_id IN ({sub_marks})",
            sub,
        ):
            sighting = Sighting(file_name, dt.date.fromisoformat(date), position, source)
            for owner in owners[paper_id]:
                sightings[owner].append(sighting)
    result: dict[int, Paper] = {}
    for pid, title, abstract, starred, read, note, created, updated, under, key in rows:
        members = hidden.get(pid, [])

        result[pid] = Paper(
            id=pid,
            title=title,
            abstract=abstract,
            starred=bool(starred) or any(m[1] for m in members),
            read=bool(read) or any(m[2] for m in members),
            tags=tuple(sorted(tags.get(pid, ()), key=str.casefold)),
            note=notes.shown(note, (m[3] for m in members)),
            sightings=tuple(sorted(sightings.get(pid, ()), key=lambda s: (s.date, s.file))),
            duplicate_of=under,
            created_at=parse_iso(created),
            updated_at=parse_iso(updated),
            # A key given to any record of the group stays the paper's key (pinned at export).
            citation_key=key or next((m[4] for m in members if m[4]), None),
            hidden_ids=tuple(m[0] for m in members),
        )
    return result
