"""Duplicate groups in the database: joining them at import, merging and splitting, and undoing
a merge or split (regrouping everything again is `recheck.py`'s).

The decisions (which records are one paper) live in `paper.duplicate_of`: NULL for the visible
record of a group, the visible record's id for each hidden one. `dup_by` says who decided:
"auto" (detection, which a recheck may revise) or "user" (a merge, which nothing undoes). A split
records a cannot-link pair, which detection and rechecks respect forever.

The evidence (titles and abstracts compared) is the pure `dedup` module's job, and finding a new
record's candidates at import is `matching`'s; this module applies the verdicts.
Annotations are never moved: each record keeps its own stars, tags and notes, and the visible
paper shows them combined (see `papers.py`), so a split gives a record back exactly what it had.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from readinglist.core import dedup
from readinglist.core.clock import now_iso
from readinglist.core.database import in_chunks, possible_id
from readinglist.core.errors import UnknownPaperError, UserError
from readinglist.core.records import Change

# A blocking key shared by more records than this is too common to say anything (a stock opening
# sentence, a generic title): it is not used to find candidates, which keeps import time linear.
# Identical texts are one record, so even a paper listed on a hundred days has only a few.
MAX_KEY_POSTINGS = 16

AUTO = "auto"
USER = "user"


@dataclass(frozen=True)
class Candidate:
    id: int
    title: str
    abstract: str
    group: int  # id of the visible record of its group


@dataclass(frozen=True)
class Found:
    """A new record's best match in the library."""

    record: Candidate
    match: dedup.Match


def strength(match: dedup.Match) -> tuple[float, float]:
    """How strongly a match holds: the best of several candidates is the one kept."""
    return (match.abstract_score or 0.0, match.title_score)


def contradicts(title: str, abstract: str, shown_title: str, shown_abstract: str) -> bool:
    """Whether a record matched on its title alone (one of the two abstracts missing) would join
    a group whose shown record it contradicts: both have abstracts, of different papers.

    An abstract-less listing otherwise bridges two papers that share a title: "A" (with its
    abstract) joins the group of the abstract-less "A", which was joined to another paper "A".
    """
    return (
        dedup.has_abstract(abstract)
        and dedup.has_abstract(shown_abstract)
        and not dedup.compare(title, abstract, shown_title, shown_abstract).same
    )


def completeness(title: str, abstract: str, paper_id: int) -> tuple[int, int, int]:
    """Which record of a group is shown: the fullest abstract, then the longer title, then the
    oldest record. It depends only on the texts, so re-importing never changes the choice."""
    return (len(abstract), len(title), -paper_id)


def user_merged(cur: sqlite3.Cursor, group: int) -> bool:
    """A group whose visible record the user chose by merging keeps it."""
    return (
        cur.execute(
            "SELECT 1 FROM paper WHERE duplicate_of = ? AND dup_by = 'user' LIMIT 1", (group,)
        ).fetchone()
        is not None
    )


def attach(cur: sqlite3.Cursor, paper_id: int, found: Found, title: str, abstract: str) -> int:
    """Hide a new record under its paper, or show it instead if it is more complete.

    Returns the id of the group's visible record afterwards.
    """
    group = found.record.group
    shown_title, shown_abstract = cur.execute(
        "SELECT title, abstract FROM paper WHERE id = ?", (group,)
    ).fetchone()
    reason = f"matches #{found.record.id}: {found.match.reason}"
    more_complete = completeness(title, abstract, paper_id) > completeness(
        shown_title, shown_abstract, group
    )
    if more_complete and not user_merged(cur, group):
        back = dedup.compare(shown_title, shown_abstract, title, abstract)
        cur.execute("UPDATE paper SET duplicate_of = ? WHERE duplicate_of = ?", (paper_id, group))
        hide(cur, group, paper_id, AUTO, back, f"matches #{paper_id}: {back.reason}")
        return paper_id
    hide(cur, paper_id, group, AUTO, found.match, reason)
    return group


def hide(
    cur: sqlite3.Cursor, paper_id: int, under: int, by: str, match: dedup.Match | None, reason: str
) -> None:
    cur.execute(
        "UPDATE paper SET duplicate_of = ?, dup_by = ?, dup_reason = ?, dup_title_score = ?,"
        " dup_abstract_score = ?, updated_at = ? WHERE id = ?",
        (under, by, reason, match.title_score if match else None,
         match.abstract_score if match else None, now_iso(), paper_id),
    )  # fmt: skip


_SHOW = (
    "UPDATE paper SET duplicate_of = NULL, dup_by = NULL, dup_reason = '',"
    " dup_title_score = NULL, dup_abstract_score = NULL"
)


def show(cur: sqlite3.Cursor, paper_id: int, updated_at: str | None = None) -> None:
    """Make a record visible, forgetting why it was hidden."""
    if updated_at is None:
        cur.execute(f"{_SHOW} WHERE id = ?", (paper_id,))
    else:
        cur.execute(f"{_SHOW}, updated_at = ? WHERE id = ?", (updated_at, paper_id))


def release(cur: sqlite3.Cursor, paper_id: int) -> bool:
    """Show again a record that detection hid on its title alone, now that its title turned
    out to name two papers (see `matching.Matcher.find`). A merge by the user stays."""
    cur.execute(
        f"{_SHOW}, updated_at = ? WHERE id = ? AND dup_by = ? AND duplicate_of IS NOT NULL",
        (now_iso(), paper_id, AUTO),
    )
    return cur.rowcount == 1


def groups_of(cur: sqlite3.Cursor, ids: Iterable[int]) -> list[int]:
    """The visible records of these records' groups (a visible record stands for itself), in
    order, without repeats; one statement per 500 ids (Ctrl+A at 100,000 papers)."""
    ids = list(dict.fromkeys(ids))
    impossible = next((i for i in ids if not possible_id(i)), None)
    if impossible is not None:
        raise UnknownPaperError(impossible)
    group: dict[int, int] = {}
    for marks, chunk in in_chunks(ids):
        group.update(cur.execute(
            f"SELECT id, coalesce(duplicate_of, id) FROM paper WHERE id IN ({marks})", chunk
        ).fetchall())  # fmt: skip
    unknown = next((i for i in ids if i not in group), None)
    if unknown is not None:
        raise UnknownPaperError(unknown)
    return list(dict.fromkeys(group[i] for i in ids))


def group_of(cur: sqlite3.Cursor, paper_id: int) -> int:
    """The visible record of a record's group (itself when it is visible)."""
    return groups_of(cur, [paper_id])[0]


def members_of_groups(cur: sqlite3.Cursor, groups: Sequence[int]) -> list[int]:
    """Every record of these groups: each visible record, then those hidden under it by id."""
    hidden: dict[int, list[int]] = defaultdict(list)
    for marks, chunk in in_chunks(groups):
        for paper_id, under in cur.execute(
            f"SELECT id, duplicate_of FROM paper WHERE duplicate_of IN ({marks}) ORDER BY id", chunk
        ):
            hidden[under].append(paper_id)
    return [m for g in groups for m in (g, *hidden[g])]


def members_of(cur: sqlite3.Cursor, group: int) -> list[int]:
    return members_of_groups(cur, [group])


def merge(cur: sqlite3.Cursor, ids: Sequence[int]) -> Change:
    """Make the papers named one paper, shown as the first record named.

    Every record of every group involved goes under it and is marked as the user's decision, which
    no recheck or import undoes (merging a group that detection found makes it the user's). An
    earlier split between records named is forgotten; a record not named that was split from
    one of the others is not taken along: it is shown on its own.
    """
    if len(ids) < 2:
        raise UserError("merge needs at least two paper ids")
    shown = ids[0]
    groups = list(dict.fromkeys(group_of(cur, i) for i in ids))
    everyone = sorted({m for g in groups for m in members_of(cur, g)})
    if groups == [shown] and _all_merged_by_user(cur, everyone, shown):
        raise UserError(f"papers {', '.join(map(str, ids))} are already one paper")
    named = set(ids)
    members = set(everyone)
    split_pairs = [
        (a, b)
        for marks, chunk in in_chunks(everyone)
        for a, b in cur.execute(
            f"SELECT paper_a, paper_b FROM cannot_link WHERE paper_a IN ({marks})", chunk
        )
        if b in members
    ]
    cur.executemany(
        "DELETE FROM cannot_link WHERE paper_a = ? AND paper_b = ?",
        [(a, b) for a, b in split_pairs if a in named and b in named],
    )
    left_out = {m for a, b in split_pairs if not (a in named and b in named)
                for m in (a, b) if m not in named}  # fmt: skip
    now = now_iso()
    for paper_id in left_out:
        show(cur, paper_id, now)
    everyone = [m for m in everyone if m not in left_out]
    show(cur, shown, now)
    title, abstract = cur.execute(
        "SELECT title, abstract FROM paper WHERE id = ?", (shown,)
    ).fetchone()
    for paper_id in everyone:
        if paper_id == shown:
            continue
        other_title, other_abstract = cur.execute(
            "SELECT title, abstract FROM paper WHERE id = ?", (paper_id,)
        ).fetchone()
        match = dedup.compare(other_title, other_abstract, title, abstract)
        hide(cur, paper_id, shown, USER, match, f"merged by you with #{shown}")
    return Change(
        papers=frozenset(everyone),
        structure=True,
        tags=True,
        message=f"merged {len(everyone)} records into paper {shown}",
    )


def _all_merged_by_user(cur: sqlite3.Cursor, records: list[int], shown: int) -> bool:
    """Whether every record but `shown` is hidden under it by the user's decision."""
    return not any(
        cur.execute(
            f"SELECT 1 FROM paper WHERE id IN ({marks}) AND id != ?"
            " AND (duplicate_of IS NOT ? OR dup_by IS NOT ?) LIMIT 1",
            [*chunk, shown, shown, USER],
        ).fetchone()
        for marks, chunk in in_chunks(records)
    )


def split(cur: sqlite3.Cursor, paper_id: int) -> Change:
    """Say a record is a different paper from the rest of its group, for good.

    It is shown again with its own stars, tags and notes; the others stay one paper (shown as
    the user's choice or the most complete of them), and a cannot-link keeps them apart forever.
    """
    group = group_of(cur, paper_id)
    members = members_of(cur, group)
    if len(members) < 2:
        raise UserError(f"paper {paper_id} is not grouped with any other")
    rest = [m for m in members if m != paper_id]
    now = now_iso()
    cur.executemany(
        "INSERT OR IGNORE INTO cannot_link (paper_a, paper_b, created_at) VALUES (?, ?, ?)",
        [(min(paper_id, m), max(paper_id, m), now) for m in rest],
    )
    show(cur, paper_id, now)
    if group == paper_id:
        # The visible record left: the rest need a new visible record of their own.
        rows = {
            r[0]: r
            for r in cur.execute(
                "SELECT id, title, abstract, duplicate_of, dup_by FROM paper"
                " WHERE duplicate_of = ?",
                (paper_id,),
            )
        }
        new_shown = max(rows, key=lambda i: completeness(rows[i][1], rows[i][2], i))
        show(cur, new_shown)
        # Each now hidden under the new shown record, with the reason against that one (the
        # old reason named the record just split off).
        shown_title, shown_abstract = rows[new_shown][1], rows[new_shown][2]
        for member, (_, title, abstract, _, by) in rows.items():
            if member == new_shown:
                continue
            if by == USER:
                hide(cur, member, new_shown, USER, None, f"merged by you with #{new_shown}")
                continue
            match = dedup.compare(title, abstract, shown_title, shown_abstract)
            why = match.reason if match.same else f"grouped with it before #{paper_id} left"
            hide(cur, member, new_shown, AUTO, match, f"matches #{new_shown}: {why}")
    return Change(
        papers=frozenset(members),
        structure=True,
        tags=True,
        message=f"paper {paper_id} is now a paper of its own",
    )


@dataclass(frozen=True)
class GroupMember:
    id: int
    title: str
    by: str  # "auto" or "user"
    reason: str
    title_score: float | None
    abstract_score: float | None


@dataclass(frozen=True)
class DuplicateGroup:
    shown_id: int
    title: str
    hidden: tuple[GroupMember, ...]


def list_groups(cur: sqlite3.Cursor, group: int | None = None) -> list[DuplicateGroup]:
    """Every group with hidden records (or just one group), with why each record is hidden."""
    where = "h.duplicate_of = ?" if group is not None else "h.duplicate_of IS NOT NULL"
    params = (group,) if group is not None else ()
    grouped: dict[int, list[GroupMember]] = defaultdict(list)
    titles: dict[int, str] = {}
    for row in cur.execute(
        "SELECT h.duplicate_of, s.title, h.id, h.title, h.dup_by, h.dup_reason,"
        " h.dup_title_score, h.dup_abstract_score"
        f" FROM paper h JOIN paper s ON s.id = h.duplicate_of WHERE {where}"
        " ORDER BY h.duplicate_of, h.id",
        params,
    ):
        titles[row[0]] = row[1]
        grouped[row[0]].append(GroupMember(*row[2:]))
    return [DuplicateGroup(g, titles[g], tuple(m)) for g, m in grouped.items()]


@dataclass(frozen=True)
class GroupingUndo:
    """What undoing one merge or split needs: the grouping of its groups before it, and the
    cannot-links it added and removed. Only those: one another program added or removed since
    is left as it is (it is that program's user's decision), as is a record whose grouping
    changed since (split elsewhere)."""

    # (id, duplicate_of, dup_by, dup_reason, dup_title_score, dup_abstract_score)
    rows: tuple[tuple[int, int | None, str | None, str, float | None, float | None], ...]
    rows_after: tuple[tuple[object, ...], ...]  # the same records as the change left them
    added: tuple[tuple[int, int], ...]  # cannot-link pairs the change made
    removed: tuple[tuple[int, int, str], ...]  # cannot-link rows the change deleted


_GROUPING = "id, duplicate_of, dup_by, dup_reason, dup_title_score, dup_abstract_score"


def with_undo(
    cur: sqlite3.Cursor, ids: Iterable[int], regroup: Callable[[sqlite3.Cursor], Change]
) -> tuple[Change, GroupingUndo]:
    """Run a merge or split of these papers, and capture in the same transaction how to undo it."""
    members = sorted(members_of_groups(cur, groups_of(cur, ids)))
    rows = _grouping_rows(cur, members)
    links = _cannot_links(cur)  # a few rows: one per pair of records the user split
    change = regroup(cur)
    after = _cannot_links(cur)
    undo = GroupingUndo(
        rows=tuple(rows),
        rows_after=tuple(_grouping_rows(cur, members)),
        added=tuple(sorted(after.keys() - links.keys())),
        removed=tuple((*pair, links[pair]) for pair in sorted(links.keys() - after.keys())),
    )
    return change, undo


def _grouping_rows(
    cur: sqlite3.Cursor, ids: Sequence[int]
) -> list[tuple[int, int | None, str | None, str, float | None, float | None]]:
    """These records' grouping columns (`_GROUPING`), in chunks: a merge may name thousands."""
    rows = []
    for marks, chunk in in_chunks(list(ids)):
        query = f"SELECT {_GROUPING} FROM paper WHERE id IN ({marks})"
        rows += [tuple(r) for r in cur.execute(query, chunk)]
    return rows


def _cannot_links(cur: sqlite3.Cursor) -> dict[tuple[int, int], str]:
    query = "SELECT paper_a, paper_b, created_at FROM cannot_link"
    return {(a, b): created for a, b, created in cur.execute(query)}


def undo_regroup(cur: sqlite3.Cursor, undo: GroupingUndo) -> Change:
    """Put back the grouping a merge or split changed (records, reasons and its cannot-links)."""
    ids = [r[0] for r in undo.rows]
    # A record whose grouping changed since the change (split or merged elsewhere) stays as it is.
    now = set(_grouping_rows(cur, ids))
    unchanged = {r[0] for r in undo.rows_after if r in now}
    cur.executemany(
        "UPDATE paper SET duplicate_of = ?, dup_by = ?, dup_reason = ?, dup_title_score = ?,"
        " dup_abstract_score = ? WHERE id = ?",
        [(*r[1:], r[0]) for r in undo.rows if r[0] in unchanged],
    )
    cur.executemany("DELETE FROM cannot_link WHERE paper_a = ? AND paper_b = ?", undo.added)
    cur.executemany(
        "INSERT OR IGNORE INTO cannot_link (paper_a, paper_b, created_at) VALUES (?, ?, ?)",
        undo.removed,
    )
    # Records an import hid under one of these since the change follow it if it is hidden
    # again: nothing is ever hidden under a hidden record.
    moved: list[int] = []
    for marks, chunk in in_chunks(ids):
        moved += (m for (m,) in cur.execute(
            "SELECT h.id FROM paper h JOIN paper s ON s.id = h.duplicate_of"
            f" WHERE h.duplicate_of IN ({marks}) AND s.duplicate_of IS NOT NULL",
            chunk,
        ))  # fmt: skip
        cur.execute(
            "UPDATE paper SET duplicate_of = (SELECT s.duplicate_of FROM paper s"
            f" WHERE s.id = paper.duplicate_of) WHERE duplicate_of IN ({marks})"
            " AND duplicate_of IN (SELECT id FROM paper WHERE duplicate_of IS NOT NULL)",
            chunk,
        )
    touched = frozenset(ids) | frozenset(moved)
    return Change(papers=touched, structure=True, tags=True, message="grouping restored")
