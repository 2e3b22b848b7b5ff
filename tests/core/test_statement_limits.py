"""Every operation on many papers works in statements of bounded size.

SQLite refuses a statement with more than SQLITE_LIMIT_VARIABLE_NUMBER parameters (32,766 by
default, 999 in builds before 3.32): selecting all 100,000 papers and starring, tagging or
merging them must never meet that limit. Here the limit is lowered to 999 and the library holds
more papers than that, so any statement that puts every id in one statement fails.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event

from readinglist import Library
from readinglist.core.papers import PaperFilter
from tests.conftest import make_dumps

LOW_LIMIT = 999


def test_operations_on_more_ids_than_a_statement_takes(library: Library, tmp_path: Path) -> None:
    engine = library.db.engine

    def lower_limit(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, LOW_LIMIT)

    event.listen(engine, "connect", lower_limit)
    engine.dispose()  # the connections already made are made again, with the low limit
    library.import_paths(make_dumps(tmp_path / "dumps", n_files=12, per_file=100))
    ids = library.ids()
    assert len(ids) == 1200 > LOW_LIMIT

    library.star(ids)
    library.mark_read(ids)
    library.tag(ids, ["many"])
    assert library.count(PaperFilter(starred=True, tag="many")) == len(ids)
    assert library.all_flagged(ids, "read")
    snapshot = library.snapshot(ids)
    library.untag(ids, ["many"])
    library.unstar(ids)
    library.restore(snapshot)
    assert library.count(PaperFilter(starred=True, tag="many")) == len(ids)

    _, undo = library.merge_with_undo(ids)
    assert library.ids() == [ids[0]]
    assert len(library.get(ids[0]).hidden_ids) == len(ids) - 1
    library.undo_regroup(undo)
    assert library.ids() == ids
    library.merge(ids)
    library.recheck_duplicates()  # the merge is the user's: it stands
    assert library.ids() == [ids[0]]
    library.set_note(ids[0], "one note for the group of them all")
    assert library.get(ids[0]).note == "one note for the group of them all"
    assert len(library.load(ids)) == len(ids)
    assert len(library.duplicate_groups()[0].hidden) == len(ids) - 1
    library.split(ids[-1])
    assert len(library.ids()) == 2

    out = io.StringIO()
    assert library.export("csv", out, where=PaperFilter(include_hidden=True)) == len(ids)
    assert library.export("bibtex", io.StringIO(), where=PaperFilter(ids=tuple(ids))) == 2
    assert library.search("study", limit=None)
