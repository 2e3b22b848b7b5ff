"""`Library`: the services of readinglist in one object, for the CLI, the window and scripts.

    with Library.open("papers.sqlite") as lib:
        summary = lib.import_paths(["dumps/"])
        lib.star([12, 40])
        for paper in lib.list(starred=True):
            print(paper.id, paper.title)

Every method runs in its own transaction and returns plain objects (`records.Paper`, `Change`,
`ImportSummary`); nothing returned holds a database handle. It is safe to call from a worker thread
(each call takes its own connection).
"""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import TextIO, TypeVar

from readinglist.core import (
    annotating,
    duplicates,
    exporting,
    importer,
    papers,
    recheck,
    search,
    searchindex,
    vocabulary,
)
from readinglist.core.database import Database, in_chunks, raw_cursor
from readinglist.core.errors import UnknownPaperError, UserError
from readinglist.core.importer import CancelCheck, ImportSummary, ProgressCallback
from readinglist.core.papers import PaperFilter
from readinglist.core.paths import default_db_path
from readinglist.core.records import Change, Paper

T = TypeVar("T")


@dataclass(frozen=True)
class DumpInfo:
    id: int
    file_name: str
    path: str
    first_date: str
    last_date: str
    entries: int
    imported_at: str


class Library:
    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: Path | str | None = None) -> Library:
        """Open the library at `path` (default: the user's library), creating or upgrading it."""
        return cls(Database.open(path if path is not None else default_db_path()))

    @property
    def path(self) -> Path:
        return self.db.path

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def changed_elsewhere(self) -> bool:
        """Whether another program has written to the library since the last call (this
        library's own writes do not count): what a window polls to stay current."""
        return self.db.changed_elsewhere()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Cursor]:
        with self.db.read() as conn:
            yield raw_cursor(conn)

    def _write(self, operation: Callable[[sqlite3.Cursor], T]) -> T:
        with self.db.write() as conn:
            return operation(raw_cursor(conn))

    # -- importing ---------------------------------------------------------------------------------

    def import_paths(
        self,
        paths: Iterable[Path | str],
        *,
        year: int | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
    ) -> ImportSummary:
        return importer.import_paths(self.db, paths, year=year, progress=progress, cancel=cancel)

    def update_search_index(
        self, progress: Callable[[int, int], None] | None = None, stale_too: bool = True
    ) -> int:
        """Index the records added since the index last caught up and (unless `stale_too` is
        False) re-read those whose tags or notes changed in bulk (see `searchindex`)."""
        with self._reading() as cur:
            if not searchindex.pending(cur, stale_too):
                return 0  # the common case, without taking the write lock
        return searchindex.catch_up_in_steps(self._write, progress, stale_too)

    def dumps(self) -> builtins.list[DumpInfo]:
        with self._reading() as cur:
            rows = cur.execute(
                "SELECT d.id, d.file_name, d.path, min(s.listing_date), max(s.listing_date),"
                " d.entry_count, d.imported_at FROM dump d JOIN sighting s ON s.dump_id = d.id"
                " GROUP BY d.id ORDER BY min(s.listing_date) DESC, d.id DESC"
            ).fetchall()
        return [DumpInfo(*r) for r in rows]

    # -- reading -----------------------------------------------------------------------------------

    def ids(self, where: PaperFilter = PaperFilter(), sort: str = "id", descending: bool = False
            ) -> builtins.list[int]:  # fmt: skip
        with self._reading() as cur:
            return papers.select_ids(cur, where, sort, descending)

    def count(self, where: PaperFilter = PaperFilter()) -> int:
        with self._reading() as cur:
            return papers.count(cur, where)

    def load(self, ids: Iterable[int]) -> builtins.list[Paper]:
        with self._reading() as cur:
            return papers.load(cur, list(ids))

    def list(
        self,
        *,
        starred: bool = False,
        unread: bool = False,
        tag: str | None = None,
        include_hidden: bool = False,
        sort: str = "id",
    ) -> builtins.list[Paper]:
        where = PaperFilter(starred=starred, unread=unread, tag=tag, include_hidden=include_hidden)
        with self._reading() as cur:
            return papers.load(cur, papers.select_ids(cur, where, sort))

    def get(self, paper_id: int) -> Paper:
        with self._reading() as cur:
            found = papers.load(cur, [paper_id])
        if not found:
            raise UnknownPaperError(paper_id)
        return found[0]

    def tags(self) -> builtins.list[tuple[str, int]]:
        """Every tag with the number of visible papers carrying it, by name. Spellings of one
        tag (`tag_key`) are one entry, under the first one made: a library from before tags
        were matched beyond ASCII case may hold "Ökonomie" and "ökonomie" as two rows."""
        with self._reading() as cur:
            return [
                (name, int(n))
                for name, n in cur.execute(
                    "SELECT (SELECT f.name FROM tag f WHERE tag_key(f.name) = tag_key(t.name)"
                    " ORDER BY f.id LIMIT 1), count(DISTINCT coalesce(p.duplicate_of, p.id))"
                    " FROM tag t JOIN paper_tag pt ON pt.tag_id = t.id"
                    " JOIN paper p ON p.id = pt.paper_id"
                    " GROUP BY tag_key(t.name) ORDER BY 1 COLLATE NOCASE"
                )
            ]

    # -- annotating --------------------------------------------------------------------------------

    def all_flagged(self, ids: Iterable[int], flag: str) -> bool:
        """Whether the papers of these records are all starred (`flag` "starred") or all read
        ("read"): what a toggle does next. A hidden record stands for its paper, as in `star`."""
        if flag not in ("starred", "read"):
            raise ValueError(f"not a flag: {flag!r}")
        is_set = papers.STARRED if flag == "starred" else papers.READ
        # One paper without it answers: most toggles (star a selection) stop in the first chunk.
        with self._reading() as cur:
            return not any(
                cur.execute(
                    "SELECT 1 FROM paper r JOIN paper p ON p.id = coalesce(r.duplicate_of, r.id)"
                    f" WHERE r.id IN ({marks}) AND NOT {is_set} LIMIT 1",
                    chunk,
                ).fetchone()
                for marks, chunk in in_chunks(list(ids))
            )

    def star(self, ids: Iterable[int]) -> Change:
        return self._write(lambda cur: annotating.set_flag(cur, ids, "starred", True))

    def unstar(self, ids: Iterable[int]) -> Change:
        return self._write(lambda cur: annotating.set_flag(cur, ids, "starred", False))

    def mark_read(self, ids: Iterable[int]) -> Change:
        return self._write(lambda cur: annotating.set_flag(cur, ids, "read", True))

    def mark_unread(self, ids: Iterable[int]) -> Change:
        return self._write(lambda cur: annotating.set_flag(cur, ids, "read", False))

    def tag(self, ids: Iterable[int], tags: Iterable[str] | str) -> Change:
        """Add tags (a list of names; one name alone is one tag, not its letters)."""
        names = [tags] if isinstance(tags, str) else list(tags)
        return self._write(lambda cur: annotating.add_tags(cur, ids, names))

    def untag(self, ids: Iterable[int], tags: Iterable[str] | str) -> Change:
        names = [tags] if isinstance(tags, str) else list(tags)
        return self._write(lambda cur: annotating.remove_tags(cur, ids, names))

    def set_note(self, paper_id: int, text: str, base: str | None = None) -> Change:
        """Set the note shown for a paper; `base`: the note the text was typed over (see
        `annotating.set_note`: what was written meanwhile elsewhere is then kept)."""
        return self._write(lambda cur: annotating.set_note(cur, paper_id, text, base))

    def snapshot(self, ids: Iterable[int]) -> annotating.Snapshot:
        with self._reading() as cur:
            return annotating.snapshot(cur, ids)

    def restore(
        self,
        snap: annotating.Snapshot,
        aspect: str | None = None,
        tags: Sequence[str] = (),
        expect: annotating.Snapshot | None = None,
    ) -> Change:
        """Put annotations back as `snapshot` captured them: all, or one aspect ("starred",
        "read", "note", "tags", and for tags only those named): see `annotating.restore`."""
        return self._write(lambda cur: annotating.restore(cur, snap, aspect, tags, expect))

    # -- duplicates --------------------------------------------------------------------------------

    def duplicate_groups(
        self, paper_id: int | None = None
    ) -> builtins.list[duplicates.DuplicateGroup]:
        with self._reading() as cur:
            group = duplicates.group_of(cur, paper_id) if paper_id is not None else None
            return duplicates.list_groups(cur, group)

    def merge(self, ids: Sequence[int]) -> Change:
        return self._write(lambda cur: duplicates.merge(cur, ids))

    def split(self, paper_id: int) -> Change:
        return self._write(lambda cur: duplicates.split(cur, paper_id))

    def merge_with_undo(self, ids: Sequence[int]) -> tuple[Change, duplicates.GroupingUndo]:
        """`merge`, with what `undo_regroup` needs to put the earlier grouping back."""
        return self._write(
            lambda cur: duplicates.with_undo(cur, ids, lambda c: duplicates.merge(c, ids))
        )

    def split_with_undo(self, paper_id: int) -> tuple[Change, duplicates.GroupingUndo]:
        """`split`, with what `undo_regroup` needs to put the earlier grouping back."""

        def split(cur: sqlite3.Cursor) -> Change:
            return duplicates.split(cur, paper_id)

        return self._write(lambda cur: duplicates.with_undo(cur, [paper_id], split))

    def undo_regroup(self, undo: duplicates.GroupingUndo) -> Change:
        return self._write(lambda cur: duplicates.undo_regroup(cur, undo))

    def recheck_duplicates(self) -> Change:
        changed = self._write(recheck.recheck)
        return Change(structure=changed > 0, message=f"{changed} records regrouped")

    # -- searching ---------------------------------------------------------------------------------

    def warm_up_search(self) -> None:
        """Load what the first search of a session needs (a second at 100k papers), ahead of it."""
        self.update_search_index()
        with self._reading() as cur:
            vocabulary.warm_up(cur)

    def search(
        self,
        text: str,
        limit: int | None = 10,
        where: PaperFilter = PaperFilter(),
        stale_tags_ok: bool = False,
    ) -> builtins.list[Paper]:
        """Papers matching `text` (fuzzy: typos, prefixes, any order), best first, with `score`.

        New papers are indexed first. So are tags and notes changed in bulk, unless
        `stale_tags_ok`: the window re-reads those in the background and does not make a
        search wait for them (40 s after tagging 100,000 papers)."""
        return self.search_page(text, limit, where, stale_tags_ok)[0]

    def search_page(
        self,
        text: str,
        limit: int | None = 10,
        where: PaperFilter = PaperFilter(),
        stale_tags_ok: bool = False,
    ) -> tuple[builtins.list[Paper], bool]:
        """`search`, and whether it found more papers than it returns (a list of the best)."""
        self.update_search_index(stale_too=not stale_tags_ok)
        with self._reading() as cur:
            hits, more = search.search_page(cur, text, limit=limit, where=where)
            found = {p.id: p for p in papers.load(cur, [pid for pid, _ in hits])}
        return [replace(found[pid], score=score) for pid, score in hits if pid in found], more

    # -- exporting ---------------------------------------------------------------------------------

    def export(
        self,
        fmt: str,
        output: Path | TextIO | None = None,
        *,
        where: PaperFilter = PaperFilter(),
        query: str | None = None,
        ascii_only: bool = False,
        bom: bool = True,
    ) -> int:
        """Export the papers the filter (and the search `query`, if any) selects; return the count.

        `output` is a file path (written atomically), a text stream, or None for standard output.
        Papers are read without the write lock (the window stays free to write meanwhile);
        citation keys are made and stored at first export in a short write transaction that
        reads every key again, so two exports can never hand out the same key.
        """
        if fmt not in exporting.FORMATS:
            raise UserError(f"unknown export format {fmt!r} (choose bibtex or csv)")
        if isinstance(output, Path):
            exporting.output_file(output)  # refused before any key is pinned
        if query is not None:
            self.update_search_index()

        def selected(cur: sqlite3.Cursor) -> builtins.list[Paper]:
            if query is not None:
                ids = [pid for pid, _ in search.search_ids(cur, query, limit=None, where=where)]
            else:
                ids = papers.select_ids(cur, where, "id")
            return papers.load(cur, ids)

        with self._reading() as cur:
            loaded = selected(cur)
        if all(p.citation_key for p in loaded):
            keyed = [(p, p.citation_key) for p in loaded if p.citation_key]
        else:
            try:
                keyed = self._write(lambda cur: exporting.pin_citation_keys(cur, loaded))
            except exporting.StalePapersError:  # merged elsewhere meanwhile: read again, locked
                keyed = self._write(lambda cur: exporting.pin_citation_keys(cur, selected(cur)))
        return exporting.write_output(fmt, keyed, output, ascii_only=ascii_only, bom=bom)
