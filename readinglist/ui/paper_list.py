"""Which papers the list shows: the sidebar's filter, the sort, and the search query, combined.

Every change of those asks the core, off the GUI thread, for the ids in display order
(`Library.ids`) or for the ranked search results (`Library.search`); the answer replaces the
model's rows, with the selection put back by id. Answers that arrive after a newer question are
dropped, so typing fast never shows stale results.

While a query is active the rows are ranked by relevance and the header shows no sort; clicking
a column sorts the results by it (in SQL, over the result ids); clearing the query brings back
the list's own sort.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, QTimer, Signal

from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.core.papers import PaperFilter
from readinglist.core.records import Paper
from readinglist.ui.highlight import query_terms
from readinglist.ui.paper_view import PaperView
from readinglist.ui.tasks import TaskContext, TaskRunner

SEARCH_LIMIT = 500  # ranked results shown; past a few hundred a reader refines the query


@dataclass(frozen=True)
class Rows:
    ids: list[int]
    papers: list[Paper]  # already loaded (search results), to seed the model's cache
    more: bool = False  # a search found more than SEARCH_LIMIT: these are the best of them


class PaperListController(QObject):
    loaded = Signal()  # the rows of the current question are in the model
    failed = Signal(str)

    def __init__(
        self, lib: Library, view: PaperView, runner: TaskRunner, sort: tuple[str, bool]
    ) -> None:
        super().__init__(view)
        self.lib = lib
        self.view = view
        self.model = view.paper_model
        self.runner = runner
        self.where = PaperFilter()
        self.sort_key, self.descending = sort
        self.query = ""
        self.result_sort: tuple[str, bool] | None = None  # a column sort of search results
        self._generation = 0
        self._last_asked: tuple[PaperFilter, str] | None = None
        self.ready = False  # the first answer has arrived
        self.more = False  # the rows are the best SEARCH_LIMIT of more search results
        self._keep_current = False  # the next new list keeps the current paper (see set_query)
        # Several changes in one event-loop turn (filter + sort at start-up) make one question.
        self._pending = QTimer(self, singleShot=True, interval=0)
        self._pending.timeout.connect(self._ask)
        self.model.sortRequested.connect(self.set_sort)
        view.enable_sorting(self.sort_key, self.descending)

    @property
    def searching(self) -> bool:
        return bool(self.query)

    def set_filter(self, where: PaperFilter) -> None:
        self.where = where
        self.refresh()

    def set_sort(self, key: str, descending: bool) -> None:
        if self.searching:
            self.result_sort = (key, descending)
        else:
            self.sort_key, self.descending = key, descending
        self.refresh()

    def set_query(self, text: str) -> None:
        text = text.strip()
        if text == self.query:
            return
        # Clearing a search keeps the paper it found current, now among all the others.
        self._keep_current = bool(self.query) and not text
        self.query = text
        self.result_sort = None
        self.view.show_sort(None if text else self.sort_key, self.descending)
        self.refresh()

    def view_filter(self) -> PaperFilter:
        """The papers on screen as a filter (export of the current view)."""
        if self.searching:
            return replace(self.where, ids=tuple(self.model.ids))
        return self.where

    def refresh(self) -> None:
        """Ask again (soon), keeping the selection: after a filter, a sort or a structure change."""
        self._pending.start()

    def refresh_now(self) -> None:
        self._pending.stop()
        self._ask()

    def _ask(self) -> None:
        self._generation += 1
        generation = self._generation
        where, query = self.where, self.query
        sort = (self.sort_key, self.descending) if not query else self.result_sort
        lib = self.lib

        def fetch(_ctx: TaskContext) -> Rows:
            if not query:
                assert sort is not None
                return Rows(lib.ids(where, sort[0], sort[1]), [])
            # Tags changed in bulk are being re-read in the background (see `apply_change`).
            found, more = lib.search_page(query, SEARCH_LIMIT, where, stale_tags_ok=True)
            if sort is None:
                return Rows([p.id for p in found], found, more)
            ranked = replace(where, ids=tuple(p.id for p in found))
            return Rows(lib.ids(ranked, sort[0], sort[1]), found, more)

        self.runner.run(
            fetch,
            on_success=lambda rows: self._show(generation, rows, query),
            on_failure=lambda error: self._failed(generation, error),
        )

    def _show(self, generation: int, rows: Rows, query: str) -> None:
        if generation != self._generation:
            return  # a newer question is on its way
        view = self.view
        selected, current = view.selected_ids(), view.current_id()
        old_row, scroll = view.currentIndex().row(), view.verticalScrollBar().value()
        asked = (self.where, query)
        same_question = asked == self._last_asked
        self._last_asked = asked
        self.model.terms = query_terms(query)
        self.more = rows.more
        self.model.set_rows(rows.ids, rows.papers)
        keep_current, self._keep_current = self._keep_current, False
        still_listed = current is not None and self.model.row_of(current) is not None
        if not same_question and not (keep_current and still_listed):
            view.select_row(0)  # a new filter or query: start at the first (best) paper
        elif still_listed and current is not None:
            # The same list reloaded, or a search cleared: keep the reader's place.
            view.select_ids(selected if same_question else [current], current)
        elif old_row >= 0:
            # The current paper left (merged, or no longer matching): stay where the reader was.
            view.verticalScrollBar().setValue(scroll)
            view.select_row(min(old_row, self.model.rowCount() - 1))
        else:
            view.select_row(0)  # nothing was current (the first import into an empty library)
        self.ready = True
        self.loaded.emit()

    def _failed(self, generation: int, error: UserError) -> None:
        if generation == self._generation:
            self.failed.emit(error.message)
