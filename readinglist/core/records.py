"""Plain result objects returned by the core services to the CLI, the window and scripts.

They are frozen dataclasses with no database handle inside, so they can cross threads and be
compared in tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Sighting:
    """One listing of a paper: which dump file and on which day (and where in the file)."""

    file: str  # base name of the dump file
    date: dt.date
    position: int  # 1-based position of the entry in its dump
    year_source: str  # "file-date" (inferred from the file's modification time) or "override"


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper as the user sees it.

    For a visible paper, `starred`, `read`, `tags` and `note` combine the annotations of every
    record hidden under it, and `sightings` lists every dump and date any of them was listed on.
    For a hidden duplicate record (`duplicate_of` set) they are the record's own.
    """

    id: int
    title: str
    abstract: str
    starred: bool
    read: bool
    tags: tuple[str, ...]
    note: str
    sightings: tuple[Sighting, ...]
    duplicate_of: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    citation_key: str | None = None
    score: float | None = None  # set by search: higher is better
    hidden_ids: tuple[int, ...] = field(default=())  # records hidden under this paper

    @property
    def first_date(self) -> dt.date | None:
        return min((s.date for s in self.sightings), default=None)

    @property
    def last_date(self) -> dt.date | None:
        return max((s.date for s in self.sightings), default=None)

    @property
    def files(self) -> tuple[str, ...]:
        """Dump file names in the order first seen, without repeats."""
        return tuple(dict.fromkeys(s.file for s in self.sightings))


@dataclass(frozen=True, slots=True)
class Change:
    """What a service changed, so a UI can refresh only that."""

    papers: frozenset[int] = frozenset()  # visible papers whose row content changed
    structure: bool = False  # papers appeared, disappeared or regrouped: reload lists and counts
    tags: bool = False  # the set of tags or their counts changed
    message: str = ""  # a one-line human summary for a status bar

    def __or__(self, other: Change) -> Change:
        return Change(
            papers=self.papers | other.papers,
            structure=self.structure or other.structure,
            tags=self.tags or other.tags,
            message="; ".join(m for m in (self.message, other.message) if m),
        )
