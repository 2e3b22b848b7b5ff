"""SQLModel classes mirroring the tables that `migrations.py` creates.

The migrations own the schema (they create and upgrade it); these classes give typed access for
the simple queries. tests/core/test_migrations.py checks that both describe the same columns.
The hot paths (import, list, search) use SQL directly, for speed.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ImportBatch(SQLModel, table=True):
    """One run of `import`: its summary counts."""

    __tablename__ = "import_batch"
    id: int | None = Field(default=None, primary_key=True)
    started_at: str
    finished_at: str | None = None
    files_read: int = 0
    papers_new: int = 0
    papers_known: int = 0
    duplicates_hidden: int = 0
    files_refused: int = 0


class Dump(SQLModel, table=True):
    """One imported dump file, identified by the hash of its bytes."""

    __tablename__ = "dump"
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    file_name: str
    path: str
    content_hash: str = Field(unique=True)
    size: int
    mtime: float
    encoding: str
    entry_count: int
    imported_at: str


class Paper(SQLModel, table=True):
    """A record: one distinct text of a paper. Duplicates are hidden, never deleted."""

    __tablename__ = "paper"
    id: int | None = Field(default=None, primary_key=True)
    title: str
    abstract: str = ""
    text_hash: str = Field(unique=True)
    starred: bool = False
    read: bool = False
    note: str = ""
    created_at: str
    updated_at: str
    duplicate_of: int | None = Field(default=None, foreign_key="paper.id")
    dup_by: str | None = None  # "auto" (detected) or "user" (merged by hand: never undone)
    dup_reason: str = ""
    dup_title_score: float | None = None
    dup_abstract_score: float | None = None
    citation_key: str | None = None  # pinned at first export


class Sighting(SQLModel, table=True):
    """One listing of a record in a dump, with the date it was listed on."""

    __tablename__ = "sighting"
    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id")
    dump_id: int = Field(foreign_key="dump.id")
    listing_date: str  # ISO date
    year_source: str  # "file-date" or "override"
    position: int
    line: int


class Tag(SQLModel, table=True):
    __tablename__ = "tag"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


class PaperTag(SQLModel, table=True):
    __tablename__ = "paper_tag"
    paper_id: int = Field(foreign_key="paper.id", primary_key=True)
    tag_id: int = Field(foreign_key="tag.id", primary_key=True)


class DedupKey(SQLModel, table=True):
    """Blocking keys: records sharing a key are compared as possible duplicates."""

    __tablename__ = "dedup_key"
    key: int = Field(primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", primary_key=True)


class CannotLink(SQLModel, table=True):
    """The user said these two records are different papers: clustering never joins them."""

    __tablename__ = "cannot_link"
    paper_a: int = Field(foreign_key="paper.id", primary_key=True)
    paper_b: int = Field(foreign_key="paper.id", primary_key=True)
    created_at: str


class SearchState(SQLModel, table=True):
    """How far the full-text index has caught up with the records (ids are never reused)."""

    __tablename__ = "search_state"
    id: int = Field(default=1, primary_key=True)
    indexed_up_to: int = 0
    stamp: str = ""  # random, renewed at every write to the index (see `vocabulary`)


class SearchStale(SQLModel, table=True):
    """Records whose tags or notes changed in bulk, for the search index to re-read."""

    __tablename__ = "search_stale"
    paper_id: int = Field(primary_key=True)
