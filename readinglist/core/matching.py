"""Finding, at import, the record already in the library that a new record is another text of.

Candidates come from the blocking keys stored in `dedup_key` (see `dedup.blocking_keys`); the
verdict is `dedup.compare`'s. One `Matcher` serves a whole import, across its transactions, and
keeps in memory what it learnt of the library: the keys' postings, each known record's title
reduced for the cheap title check, and its group. So the second half of a large import does not
read back, transaction after transaction, what the first half wrote.

What it keeps is only valid while nobody else writes to the library: at the start of every
transaction it asks SQLite whether another connection has committed since its last one
(`PRAGMA data_version`), or whether its own connection has written since (the connection pool
lends it to others between the import's transactions: the window's merge during an import), and
if so forgets everything and reads the library again.

Two ways to know a key's postings:
- complete: every key of the library is in memory (the library was empty, or small next to the
  import and read whole at the start); a key not in memory has no records.
- lookup: keys are read from the database per transaction, the first time they are needed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from readinglist.core import dedup
from readinglist.core.database import in_chunks
from readinglist.core.duplicates import (
    MAX_KEY_POSTINGS,
    Candidate,
    Found,
    contradicts,
    strength,
    user_merged,
)

# Beyond this many keys in memory (about 100 bytes each) the matcher forgets them and looks keys
# up in the database instead: memory stays bounded at any import size.
MAX_KEYS_IN_MEMORY = 1_500_000
# A library with up to this many records per record expected from the import is read whole at
# the start (one scan of its keys) rather than looked up key by key.
READ_WHOLE_RATIO = 1.0


class NewRecord(NamedTuple):
    """A record about to be added, with what matching needs of it (a tuple: an import makes
    one per new record, and a frozen dataclass costs several times more to make)."""

    id: int
    title: str
    abstract: str
    bare_title: str  # dedup.bare_title(title)
    keys: tuple[int, ...]  # dedup.blocking_keys(title, abstract)


class Search(NamedTuple):
    found: Found | None  # the record of the same paper, if any
    ambiguous: tuple[int, ...]  # records the search showed to be hidden on too little evidence


class Matcher:
    """Finds, for records about to be added, the existing record of the same paper, if any.

    Per transaction: `begin`, then `prepare` with the transaction's new records, then `find`
    and `add` for each in order (so that each is a candidate for the ones after it), `moved`
    whenever a group's visible record changes, and `end` (which writes the new keys) before the
    commit. `forget` after a transaction that did not commit.
    """

    def __init__(self, expected_records: int = 0) -> None:
        self._expected = expected_records  # reading the whole library is for the first start
        self._connection: sqlite3.Connection | None = None
        self._data_version = -1
        self._changes = -1  # the connection's total_changes when this matcher last wrote
        self._complete = False
        # Tuples of ints, not lists: the garbage collector stops scanning them once it has seen
        # them (hundreds of thousands of lists made every collection crawl).
        self._postings: dict[int, tuple[int, ...]] = {}
        self._common: set[int] = set()  # keys shared by too many records to tell anything
        self._looked_up: set[int] = set()  # lookup mode: keys whose postings are in memory
        self._bare: dict[int, str] = {}  # record -> bare title
        self._group: dict[int, int] = {}  # record -> its group's visible record, when read
        self._moved: dict[int, int] = {}  # a group's former visible record -> its new one
        self._texts: dict[int, tuple[str, str]] = {}  # this transaction's (title, abstract)
        self._pending: list[tuple[int, int]] = []  # (key, record) rows to write
        self._cur: sqlite3.Cursor | None = None

    # -- transactions ---------------------------------------------------------------------------

    def begin(self, cur: sqlite3.Cursor) -> None:
        """Start a transaction's work; forget what another connection may have changed."""
        version = int(cur.execute("PRAGMA data_version").fetchone()[0])
        connection = cur.connection
        # data_version only tells of other connections' commits; total_changes of this one's.
        if (
            connection is not self._connection
            or version != self._data_version
            or connection.total_changes != self._changes
        ):
            self.forget()
            self._connection, self._data_version = cur.connection, version
            self._start(cur)
            self._expected = 0
        self._cur = cur

    def end(self) -> None:
        """Write the keys of the records added in this transaction (call before committing)."""
        cur = self._require_cursor()
        self._pending.sort()  # neighbouring keys land on the same pages
        cur.executemany("INSERT OR IGNORE INTO dedup_key (key, paper_id) VALUES (?, ?)",
                        self._pending)  # fmt: skip
        self._pending.clear()
        self._texts.clear()
        self._changes = cur.connection.total_changes
        self._cur = None
        if len(self._postings) > MAX_KEYS_IN_MEMORY:
            self.forget()  # the next transaction looks keys up in the database

    def forget(self) -> None:
        """Drop everything learnt: the next `begin` reads the library afresh."""
        self._connection, self._data_version, self._changes = None, -1, -1
        self._complete = False
        for memo in (self._postings, self._common, self._looked_up, self._bare, self._group,
                     self._moved, self._texts):  # fmt: skip
            memo.clear()
        self._pending.clear()
        self._cur = None

    def _start(self, cur: sqlite3.Cursor) -> None:
        """Choose how to know postings: in memory from the start, or looked up as needed."""
        records = int(cur.execute("SELECT coalesce(max(id), 0) FROM paper").fetchone()[0])
        if records == 0:
            self._complete = True
        elif records <= self._expected * READ_WHOLE_RATIO:
            keys = cur.execute("SELECT key, paper_id FROM dedup_key").fetchall()
            if len(keys) <= MAX_KEYS_IN_MEMORY:
                self._merge(_postings_of(keys))
                self._complete = True

    def _require_cursor(self) -> sqlite3.Cursor:
        if self._cur is None:
            raise RuntimeError("Matcher used outside begin() ... end()")
        return self._cur

    # -- per transaction ------------------------------------------------------------------------

    def prepare(self, records: Sequence[NewRecord]) -> None:
        """Read what finding these records' matches needs: postings, titles, texts."""
        cur = self._require_cursor()
        if not self._complete:
            self._look_up({k for r in records for k in r.keys} - self._looked_up - self._common)
        wanted: set[int] = set()
        for record in records:
            for key in record.keys:
                for paper_id in self._postings.get(key, ()):
                    bare = self._bare.get(paper_id)
                    if bare is None or (
                        paper_id not in self._texts
                        and dedup.bare_titles_may_match(record.bare_title, bare)
                    ):
                        wanted.add(paper_id)
        for marks, chunk in in_chunks(sorted(wanted)):
            for paper_id, title, abstract, group in cur.execute(
                "SELECT id, title, abstract, coalesce(duplicate_of, id) FROM paper"
                f" WHERE id IN ({marks})",
                chunk,
            ):
                self._texts[paper_id] = (title, abstract)
                if paper_id not in self._bare:
                    self._bare[paper_id] = dedup.bare_title(title)
                    self._group[paper_id] = group

    def _look_up(self, keys: set[int]) -> None:
        cur = self._require_cursor()
        rows: list[tuple[int, int]] = []
        for marks, chunk in in_chunks(sorted(keys)):
            query = f"SELECT key, paper_id FROM dedup_key WHERE key IN ({marks})"
            rows += cur.execute(query, chunk)
        self._merge(_postings_of(rows))
        self._looked_up |= keys

    def _merge(self, found: dict[int, list[int]]) -> None:
        """Add postings read from the database (records this import added earlier may be in
        both); a key shared by too many records becomes common and is no longer used."""
        for key, posting in found.items():
            merged = tuple(sorted({*self._postings.get(key, ()), *posting}))
            if len(merged) > MAX_KEY_POSTINGS:
                self._postings.pop(key, None)
                self._common.add(key)
            else:
                self._postings[key] = merged

    def find(self, record: NewRecord) -> Search:
        """The best matching record among those sharing a key (after `prepare`).

        A match on the title alone (an abstract missing) must fit the group it joins: the new
        record must not contradict the group's shown record, and the title must not name
        several papers (groups with abstracts of their own): which one it is, nobody can tell.
        That holds from both sides, as `recheck.recheck` sees it: an abstract-less record
        does not join papers of its title, and a new paper does not take an abstract-less
        listing whose title other papers have too. An abstract-less record that a
        contradiction shows to be ambiguous is named in `ambiguous`: it had joined a group on
        its title alone (the importer shows it again).
        """
        seen: set[int] = set()
        matches: list[tuple[Found, bool]] = []  # in the order met, and whether to check it
        verdicts: dict[int, dedup.Match] = {}  # candidate -> compare(record, candidate)
        title_only: dict[int, bool] = {}  # group -> whether it has an abstract
        other_papers: set[int] = set()  # groups of other papers with this very title
        ambiguous: list[int] = []
        for key in record.keys:
            for paper_id in self._postings.get(key, ()):
                if paper_id in seen:
                    continue
                seen.add(paper_id)
                bare, texts = self._bare.get(paper_id), self._texts.get(paper_id)
                if bare is None or not dedup.bare_titles_may_match(record.bare_title, bare):
                    continue
                if texts is None:  # a key whose record is gone (a damaged library): no evidence
                    continue
                title, abstract = texts
                match = dedup.compare(record.title, record.abstract, title, abstract)
                verdicts[paper_id] = match
                if not match.same:
                    if (
                        dedup.same_title(record.title, title)
                        and dedup.has_abstract(abstract)
                        and dedup.has_abstract(record.abstract)
                    ):
                        other_papers.add(self.group(paper_id))
                    continue
                group = self.group(paper_id)
                if match.abstract_score is None:
                    shown_title, shown_abstract = self._text_of(group)
                    if contradicts(record.title, record.abstract, shown_title, shown_abstract):
                        if group != paper_id and not dedup.has_abstract(abstract):
                            ambiguous.append(paper_id)
                        continue
                    title_only[group] = dedup.has_abstract(shown_abstract)
                found = Found(Candidate(paper_id, title, abstract, group), match)
                matches.append((found, match.abstract_score is not None and group != paper_id))
        # The strongest match, the first met among equals. A match with a hidden record (a
        # cut-short listing) must fit the group's shown record too: another paper than that
        # one would bring two papers together. Checked only for the match that would win.
        best: Found | None = None
        for found, check in sorted(matches, key=lambda m: strength(m[0].match), reverse=True):
            if not check or self._fits(record, found.record.group, verdicts):
                best = found
                break
        if (
            best is not None
            and best.match.abstract_score is None
            and (sum(title_only.values()) > 1 or other_papers - {best.record.group})
        ):
            best = None
        return Search(best, tuple(ambiguous))

    def _fits(self, record: NewRecord, group: int, verdicts: dict[int, dedup.Match]) -> bool:
        verdict = verdicts.get(group)
        if verdict is None:
            shown_title, shown_abstract = self._text_of(group)
            verdict = dedup.compare(record.title, record.abstract, shown_title, shown_abstract)
        # A group the user merged is theirs: it takes any variant of its records.
        return not verdict.conflict or user_merged(self._require_cursor(), group)

    def released(self, paper_id: int) -> None:
        """A hidden record was shown again: it is a group of its own.

        If it had been a group's shown record before a more complete one took over, the records
        of that group live under the new one: they stop going through this record (rare: a
        scan of what is remembered)."""
        successor = self._moved.pop(paper_id, None)
        if successor is not None:
            for record, group in self._group.items():
                if group == paper_id:
                    self._group[record] = successor
            for old, shown in self._moved.items():
                if shown == paper_id:
                    self._moved[old] = successor
        self._group[paper_id] = paper_id

    def _text_of(self, paper_id: int) -> tuple[str, str]:
        if paper_id not in self._texts:
            row = (
                self._require_cursor()
                .execute("SELECT title, abstract FROM paper WHERE id = ?", (paper_id,))
                .fetchone()
            )
            self._texts[paper_id] = (row[0], row[1])
        return self._texts[paper_id]

    def add(self, record: NewRecord, group: int) -> None:
        """Make a record added in this transaction a candidate for the ones after it."""
        self._texts[record.id] = (record.title, record.abstract)
        self._bare[record.id] = record.bare_title
        self._group[record.id] = group
        for key in record.keys:
            self._pending.append((key, record.id))
            if key in self._common:
                continue
            posting = (*self._postings.get(key, ()), record.id)
            if len(posting) > MAX_KEY_POSTINGS:
                del self._postings[key]
                self._common.add(key)
            else:
                self._postings[key] = posting

    def moved(self, old_group: int, new_group: int) -> None:
        """The group shown as `old_group` is now shown as `new_group`."""
        self._moved[old_group] = new_group
        self._group[new_group] = new_group

    def group(self, paper_id: int) -> int:
        group = self._group[paper_id]
        while group in self._moved:
            group = self._moved[group]
        return group


def _postings_of(rows: list[tuple[int, int]]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for key, paper_id in rows:
        found.setdefault(key, []).append(paper_id)
    return found
