"""Regrouping every record from scratch (`readinglist duplicates --recheck`, and upgrades).

Detection may have improved since records were imported, so a recheck re-decides every grouping
detection made, under the rules the import follows (`matching.Matcher.find`): candidates from
the blocking keys, `dedup.compare` as the judge, no group holding two records with evidence of
being two papers, and no title-only match where a title names several papers. The user's
decisions stand: a merge stays (with the record the user chose shown), a split keeps its records
apart, and two groups the user merged separately are never joined.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection

from readinglist.core import dedup
from readinglist.core.database import raw_cursor
from readinglist.core.duplicates import (
    AUTO,
    MAX_KEY_POSTINGS,
    USER,
    completeness,
    contradicts,
    hide,
    show,
    strength,
)


def rebuild_keys(conn: Connection) -> None:
    """Recompute every record's blocking keys (after an upgrade changes how keys are made)."""
    cur = raw_cursor(conn)
    cur.execute("DELETE FROM dedup_key")
    rows = cur.execute("SELECT id, title, abstract FROM paper").fetchall()
    cur.executemany(
        "INSERT OR IGNORE INTO dedup_key (key, paper_id) VALUES (?, ?)",
        (
            (key, pid)
            for pid, title, abstract in rows
            for key in dedup.blocking_keys(title, abstract)
        ),
    )


class _Clusters:
    """Union-find over records that refuses to join two sets containing a cannot-link pair, or
    two sets that each hold a merge by the user: each shows the record its user chose."""

    def __init__(self, ids: Iterable[int], cannot: set[tuple[int, int]]) -> None:
        self.parent = {i: i for i in ids}
        self.members: dict[int, set[int]] = {i: {i} for i in self.parent}
        self.cannot: dict[int, set[int]] = defaultdict(set)
        for a, b in cannot:
            self.cannot[a].add(b)
            self.cannot[b].add(a)
        self.pinned: set[int] = set()  # roots of the sets that hold a merge by the user
        self.conflicts: dict[int, set[int]] = defaultdict(set)  # see `forbid`

    def forbid(self, a: int, b: int) -> None:
        """Keep a and b apart: detection's evidence of two papers. Unlike a user's split, it
        does not hold against a set the user merged (the user's decision is theirs)."""
        self.conflicts[a].add(b)
        self.conflicts[b].add(a)

    def pin(self, i: int) -> None:
        """Mark i's set as holding a merge by the user."""
        self.pinned.add(self.find(i))

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if ra in self.pinned and rb in self.pinned:
            return False
        small, large = sorted((self.members[ra], self.members[rb]), key=len)
        if any(self.cannot[m] & large for m in small if m in self.cannot):
            return False
        if (
            ra not in self.pinned
            and rb not in self.pinned
            and any(self.conflicts[m] & large for m in small if m in self.conflicts)
        ):
            return False
        keep, gone = (ra, rb) if len(self.members[ra]) >= len(self.members[rb]) else (rb, ra)
        self.parent[gone] = keep
        self.members[keep] |= self.members.pop(gone)
        if gone in self.pinned:
            self.pinned.discard(gone)
            self.pinned.add(keep)
        return True


def recheck(conn: Connection | sqlite3.Cursor) -> int:
    """Regroup every record from scratch, keeping the user's merges and splits.

    Detection may have improved since a record was imported, so this re-decides every automatic
    grouping. It never undoes a merge by the user (those records stay together under the record
    the user chose), never joins two groups the user merged separately (each keeps the record
    its user chose), nor joins records the user split apart. Returns how many records changed.
    """
    cur = raw_cursor(conn)
    rows = cur.execute(
        "SELECT id, title, abstract, duplicate_of, dup_by FROM paper ORDER BY id"
    ).fetchall()
    records = {r[0]: r for r in rows}
    cannot = set(cur.execute("SELECT paper_a, paper_b FROM cannot_link"))
    clusters = _Clusters(records, cannot)
    merged_by_user = [(paper_id, under) for paper_id, _, _, under, by in rows
                   if by == USER and under is not None]  # fmt: skip
    for paper_id, under in merged_by_user:
        clusters.union(paper_id, under)
    for paper_id, _ in merged_by_user:  # after the unions: they join what the user joined
        clusters.pin(paper_id)

    edges: list[_Edge] = []
    seen_pairs: set[tuple[int, int]] = set()
    for (members,) in cur.execute(
        "SELECT group_concat(paper_id) FROM dedup_key GROUP BY key"
        f" HAVING count(*) BETWEEN 2 AND {MAX_KEY_POSTINGS}"
    ):
        # A key whose record is gone (a damaged library) is no evidence.
        ids = sorted(i for i in map(int, members.split(",")) if i in records)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if (a, b) in seen_pairs:
                    continue
                seen_pairs.add((a, b))
                if not dedup.titles_may_match(records[a][1], records[b][1]):
                    continue
                match = dedup.compare(records[a][1], records[a][2], records[b][1], records[b][2])
                if match.same:
                    edges.append((strength(match), a, b, match))
                elif match.conflict:  # two papers: no third record may bring them together
                    clusters.forbid(a, b)
    edges.sort(key=lambda e: (e[0], -e[1], -e[2]), reverse=True)
    linked_by: dict[int, tuple[int, dedup.Match]] = {}

    # Matches with abstracts as evidence first, then those on the title alone, under the rules
    # the import follows (see `matching.Matcher.find`): a title naming several papers joins none
    # of them, and a join never puts two papers' abstracts in one group.
    fullest: dict[int, int] = {}  # a set's root -> its most complete record (shown, usually)

    def shown_of(root: int) -> int:
        return fullest.get(root, root)

    def join(a: int, b: int, match: dedup.Match) -> None:
        ra, rb = clusters.find(a), clusters.find(b)
        if ra == rb:
            return
        # As the import does: a record joins a group only if it is not another paper than
        # the group's shown record, so a cut-short listing never bridges two papers whose own
        # texts share no key (and were never compared).
        sa, sb = shown_of(ra), shown_of(rb)
        if (sa, sb) not in ((a, b), (b, a)) and not (
            ra in clusters.pinned or rb in clusters.pinned
        ):
            verdict = dedup.compare(records[sa][1], records[sa][2], records[sb][1], records[sb][2])
            if verdict.conflict:
                clusters.forbid(sa, sb)
                return
        if clusters.union(a, b):
            root = clusters.find(a)
            fullest[root] = max(
                (sa, sb), key=lambda i: completeness(records[i][1], records[i][2], i)
            )
            linked_by.setdefault(b, (a, match))
            linked_by.setdefault(a, (b, match))

    for _, a, b, match in edges:
        if match.abstract_score is not None:
            join(a, b, match)
    title_only = [e for e in edges if e[3].abstract_score is None]
    for _, a, b, match in _unambiguous(title_only, clusters, records):
        if not _clusters_contradict(clusters, a, b, records):
            join(a, b, match)

    changed = 0
    for members in clusters.members.values():
        shown = _choose_shown(members, records)
        for paper_id in members:
            _, title, abstract, under, by = records[paper_id]
            if paper_id == shown:
                if under is not None:
                    show(cur, paper_id)
                    changed += 1
                continue
            if under == shown:
                continue
            changed += 1
            if by == USER:
                cur.execute("UPDATE paper SET duplicate_of = ? WHERE id = ?", (shown, paper_id))
                continue
            match = dedup.compare(title, abstract, records[shown][1], records[shown][2])
            if match.same:
                hide(cur, paper_id, shown, AUTO, match, f"matches #{shown}: {match.reason}")
            else:
                other, link = linked_by[paper_id]
                hide(cur, paper_id, shown, AUTO, link, f"matches #{other}: {link.reason}")
    return changed


_Record = tuple[int, str, str, int | None, str | None]  # id, title, abstract, under, by
_Edge = tuple[tuple[float, float], int, int, dedup.Match]


def _unambiguous(
    edges: list[_Edge], clusters: _Clusters, records: dict[int, _Record]
) -> list[_Edge]:
    """Title-only matches, without those of a record whose title matches several papers: several
    groups that have abstracts (of different papers, or they would be one group by now)."""
    partners: dict[int, set[int]] = defaultdict(set)
    for _, a, b, _ in edges:
        partners[a].add(clusters.find(b))
        partners[b].add(clusters.find(a))
    ambiguous = {
        r
        for r, groups in partners.items()
        if sum(_has_abstract(clusters, g, records) for g in groups - {clusters.find(r)}) > 1
    }
    return [e for e in edges if e[1] not in ambiguous and e[2] not in ambiguous]


def _shown_of(clusters: _Clusters, x: int, records: dict[int, _Record]) -> _Record:
    """The most complete record of x's cluster (the one a group shows)."""
    members = clusters.members[clusters.find(x)]
    return records[max(members, key=lambda i: completeness(records[i][1], records[i][2], i))]


def _has_abstract(clusters: _Clusters, x: int, records: dict[int, _Record]) -> bool:
    return dedup.has_abstract(_shown_of(clusters, x, records)[2])


def _clusters_contradict(clusters: _Clusters, a: int, b: int, records: dict[int, _Record]) -> bool:
    """Whether the most complete records of the two clusters are different papers."""
    _, title_a, abstract_a, _, _ = _shown_of(clusters, a, records)
    _, title_b, abstract_b, _, _ = _shown_of(clusters, b, records)
    return contradicts(title_a, abstract_a, title_b, abstract_b)


def _choose_shown(members: set[int], records: dict[int, _Record]) -> int:
    """The user's choice if they merged this group, else the most complete record."""
    for paper_id in members:
        _, _, _, under, by = records[paper_id]
        if by == USER and under in members and records[under][4] != USER:
            return under
    return max(members, key=lambda i: completeness(records[i][1], records[i][2], i))
