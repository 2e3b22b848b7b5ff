"""What the user says about papers: stars, read state, tags and notes.

Every operation names papers by id; an id of a hidden duplicate record means the paper it is hidden
under, but for a note: a hidden record shows its own note, and that is what editing it changes.
Setting a flag or adding a tag writes it on the visible record; clearing a flag or removing a tag
clears it on every record of the group, because the visible paper shows them combined. Each record
keeps its own values, which is what lets a split give a record back exactly its own.

`snapshot` and `restore` capture and put back the annotations of whole groups: the window's undo.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from readinglist.core import duplicates, notes, searchindex
from readinglist.core.clock import now_iso
from readinglist.core.database import in_chunks
from readinglist.core.errors import UserError
from readinglist.core.records import Change
from readinglist.core.texts import storable, tag_key

MAX_TAG_LENGTH = 100


def clean_tag(name: str) -> str:
    """Tags are single-line, trimmed and non-empty; case is kept but ignored when matching."""
    tag = " ".join(storable(name).split())
    if not tag:
        raise UserError("a tag cannot be empty")
    if len(tag) > MAX_TAG_LENGTH:
        raise UserError(f"a tag can be at most {MAX_TAG_LENGTH} characters long")
    return tag


def _touch(cur: sqlite3.Cursor, ids: Sequence[int]) -> None:
    cur.executemany("UPDATE paper SET updated_at = ? WHERE id = ?", [(now_iso(), i) for i in ids])


def set_flag(cur: sqlite3.Cursor, ids: Iterable[int], flag: str, value: bool) -> Change:
    """Star/unstar (flag "starred") or mark read/unread (flag "read")."""
    if flag not in ("starred", "read"):
        raise ValueError(flag)
    groups = duplicates.groups_of(cur, ids)
    targets = groups if value else duplicates.members_of_groups(cur, groups)
    cur.executemany(
        f"UPDATE paper SET {flag} = ?, updated_at = ? WHERE id = ?",
        [(int(value), now_iso(), i) for i in targets],
    )
    word = {
        ("starred", True): "starred",
        ("starred", False): "unstarred",
        ("read", True): "marked read",
        ("read", False): "marked unread",
    }[(flag, value)]
    return Change(papers=frozenset(groups) | set(targets), message=f"{word} {_count(groups)}")


def _count(groups: Sequence[int]) -> str:
    return "1 paper" if len(groups) == 1 else f"{len(groups):,} papers"


def add_tags(cur: sqlite3.Cursor, ids: Iterable[int], names: Iterable[str]) -> Change:
    groups = duplicates.groups_of(cur, ids)
    tags = [clean_tag(n) for n in names]
    tag_ids = [_tag_id(cur, t) for t in tags]
    cur.executemany(
        "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) VALUES (?, ?)",
        [(g, t) for g in groups for t in tag_ids],
    )
    _touch(cur, groups)
    searchindex.refresh_annotations(cur, groups)
    return Change(
        papers=frozenset(groups), tags=True, message=f"tagged {_count(groups)} {', '.join(tags)}"
    )


def remove_tags(cur: sqlite3.Cursor, ids: Iterable[int], names: Iterable[str]) -> Change:
    groups = duplicates.groups_of(cur, ids)
    members = duplicates.members_of_groups(cur, groups)
    tags = [clean_tag(n) for n in names]
    tag_ids = [t for (t,) in cur.execute(
        f"SELECT id FROM tag WHERE tag_key(name) IN ({','.join('?' * len(tags))})",
        [tag_key(t) for t in tags],
    )]  # fmt: skip
    carrying = _records_carrying(cur, members, tag_ids)  # record -> its group
    if not carrying:  # said plainly: a typo in a tag's name must not look like success
        return Change(message=f"nothing untagged: no tag {', '.join(tags)} on {_count(groups)}")
    cur.executemany(
        "DELETE FROM paper_tag WHERE paper_id = ? AND tag_id = ?",
        [(m, t) for m in carrying for t in tag_ids],
    )
    # A tag no paper carries any more is forgotten, so the sidebar and completion stay tidy.
    cur.execute("DELETE FROM tag WHERE id NOT IN (SELECT tag_id FROM paper_tag)")
    changed = sorted(set(carrying.values()))
    _touch(cur, changed)
    searchindex.refresh_annotations(cur, list(carrying))
    return Change(
        papers=frozenset(changed) | set(carrying),
        tags=True,
        message=f"untagged {_count(changed)} {', '.join(tags)}",
    )


def _records_carrying(
    cur: sqlite3.Cursor, records: Sequence[int], tag_ids: Sequence[int]
) -> dict[int, int]:
    """The records among these carrying any of these tags, each with its group."""
    found: dict[int, int] = {}
    if not tag_ids:
        return found
    tag_marks = ",".join("?" * len(tag_ids))
    for marks, chunk in in_chunks(list(records)):
        found.update(cur.execute(
            "SELECT DISTINCT p.id, coalesce(p.duplicate_of, p.id) FROM paper_tag pt"
            f" JOIN paper p ON p.id = pt.paper_id WHERE pt.tag_id IN ({tag_marks})"
            f" AND pt.paper_id IN ({marks})",
            [*tag_ids, *chunk],
        ))  # fmt: skip
    return found


def _tag_id(cur: sqlite3.Cursor, name: str) -> int:
    row = cur.execute(
        "SELECT id FROM tag WHERE tag_key(name) = ? ORDER BY id LIMIT 1", (tag_key(name),)
    ).fetchone()
    if row is not None:
        return int(row[0])
    return int(cur.execute("INSERT INTO tag (name) VALUES (?) RETURNING id", (name,)).fetchone()[0])


def set_note(cur: sqlite3.Cursor, paper_id: int, text: str, base: str | None = None) -> Change:
    """Replace the note shown for a record ("" clears it).

    A hidden record shows its own note, and only that is replaced. A visible paper shows the
    note of its whole group (see `notes`): the new text is stored on the visible record as
    typed, and each hidden record keeps its own note while the text holds it whole (for a split
    to give back); one the user edited or deleted is cleared.

    `base` is the note the text was typed over (the window's editor), if known. Whatever was
    written meanwhile elsewhere (another program's note, a merge that brought a record's note
    along) was never seen, so it cannot have been deleted: it is kept, after the text typed.
    """
    text = storable(text)
    group = duplicates.group_of(cur, paper_id)
    members = [paper_id] if group != paper_id else duplicates.members_of(cur, group)
    old = {
        record: note
        for marks, chunk in in_chunks(members)
        for record, note in cur.execute(f"SELECT id, note FROM paper WHERE id IN ({marks})", chunk)
    }
    unseen: set[int] = set()  # hidden records whose note the typist never saw
    if base is not None:
        base = storable(base)
        unseen = {m for m in members[1:] if old[m] and not notes.holds(base, old[m])}
        if old[paper_id] != base and not notes.holds(base, old[paper_id]):
            # The record's own note changed meanwhile: its paragraphs that are new are kept.
            added = [
                part
                for part in old[paper_id].split(notes.SEPARATOR)
                if part and not notes.holds(base, part) and not notes.holds(text, part)
            ]
            text = notes.SEPARATOR.join([t for t in (text, *added) if t])
    new = {m: old[m] if m in unseen or notes.holds(text, old[m]) else "" for m in members[1:]}
    new[paper_id] = text
    changed = [m for m in members if new[m] != old[m]]
    now = now_iso()
    rows = [(new[m], now, m) for m in changed]
    cur.executemany("UPDATE paper SET note = ?, updated_at = ? WHERE id = ?", rows)
    searchindex.refresh_annotations(cur, changed)
    return Change(
        papers=frozenset({group, paper_id}), message="note saved" if text else "note cleared"
    )


_Row = tuple[int, bool, bool, str, tuple[str, ...]]


def _restored(before: _Row, now: _Row, aspect: str | None, tags: Sequence[str]) -> _Row:
    """A record's annotations with `aspect` (all, if None) put back as they were `before`."""
    if aspect is None:
        return before
    index = ASPECTS.index(aspect) + 1
    if aspect != "tags" or not tags:
        return (*now[:index], before[index], *now[index + 1 :])  # type: ignore[return-value]
    named = {tag_key(t) for t in tags}
    kept = [t for t in now[4] if tag_key(t) not in named]
    back = [t for t in before[4] if tag_key(t) in named]
    return (*now[:4], tuple(sorted(kept + back, key=str.casefold)))


@dataclass(frozen=True)
class Snapshot:
    """The annotations of some records, exactly: (id, starred, read, note, tag names)."""

    rows: tuple[tuple[int, bool, bool, str, tuple[str, ...]], ...]


def _annotations(cur: sqlite3.Cursor, members: Sequence[int]) -> Snapshot:
    """The annotations of these records as they are now, in their order."""
    flags: dict[int, tuple[bool, bool, str]] = {}
    names: dict[int, list[str]] = defaultdict(list)
    for marks, chunk in in_chunks(members):
        for paper_id, starred, read, note in cur.execute(
            f"SELECT id, starred, read, note FROM paper WHERE id IN ({marks})", chunk
        ):
            flags[paper_id] = (bool(starred), bool(read), note)
        for paper_id, name in cur.execute(
            "SELECT pt.paper_id, t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id"
            f" WHERE pt.paper_id IN ({marks}) ORDER BY t.name",
            chunk,
        ):
            names[paper_id].append(name)
    return Snapshot(tuple((m, *flags[m], tuple(names[m])) for m in members))


def snapshot(cur: sqlite3.Cursor, ids: Iterable[int]) -> Snapshot:
    """Capture the annotations of every record in the groups of these papers."""
    return _annotations(cur, duplicates.members_of_groups(cur, duplicates.groups_of(cur, ids)))


ASPECTS = ("starred", "read", "note", "tags")


def restore(
    cur: sqlite3.Cursor,
    snap: Snapshot,
    aspect: str | None = None,
    tags: Sequence[str] = (),
    expect: Snapshot | None = None,
) -> Change:
    """Put annotations back as captured (only the records that differ are written).

    With an `aspect`, only that one goes back (an undo of a star puts back the stars, and
    leaves alone a note or tag written meanwhile, by another program say); for "tags", only
    the `tags` named, if any. `expect`: the records as the change being undone left them; if
    their notes have changed since (another program wrote one), a "note" undo is refused
    rather than write over what was written since.
    """
    if aspect is not None and aspect not in ASPECTS:
        raise ValueError(aspect)
    ids = [r[0] for r in snap.rows]
    now_rows = dict(zip(ids, _annotations(cur, ids).rows, strict=True))
    changed_since = expect is not None and any(
        now_rows.get(row[0], row)[3] != row[3] for row in expect.rows
    )
    if aspect == "note" and changed_since:
        raise UserError("the note was changed elsewhere since; it is left as it is")
    wanted = [_restored(row, now_rows[row[0]], aspect, tags) for row in snap.rows]
    differ = [row for row in wanted if now_rows[row[0]] != row]
    now = now_iso()
    cur.executemany(
        "UPDATE paper SET starred = ?, read = ?, note = ?, updated_at = ? WHERE id = ?",
        [(int(starred), int(read), note, now, paper_id)
         for paper_id, starred, read, note, _ in differ],
    )  # fmt: skip
    retagged = [row for row in differ if now_rows[row[0]][4] != row[4]]
    cur.executemany("DELETE FROM paper_tag WHERE paper_id = ?", [(r[0],) for r in retagged])
    tag_ids = {n: _tag_id(cur, n) for n in {n for r in retagged for n in r[4]}}
    cur.executemany(
        "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) VALUES (?, ?)",
        [(r[0], tag_ids[n]) for r in retagged for n in r[4]],
    )
    cur.execute("DELETE FROM tag WHERE id NOT IN (SELECT tag_id FROM paper_tag)")
    # The index holds tags and notes, not stars: an undo of a star re-indexes nothing.
    searchindex.refresh_annotations(cur, [r[0] for r in differ if now_rows[r[0]][3:] != r[3:]])
    groups = duplicates.groups_of(cur, ids)
    return Change(papers=frozenset(groups) | set(ids), tags=True, message="restored")
