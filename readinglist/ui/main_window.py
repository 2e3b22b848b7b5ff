"""The main window: layout and wiring, nothing else.

    toolbar:  actions ........................................ search field
    sidebar | paper list (or the first-run explanation) | detail pane
    status:   last operation ............... import progress · selected · listed

Each pane, controller and dialog lives in its own module; what the actions do is in
`commands.py`. Every change to the library arrives here as a core `Change` (from `Operations`,
an import or an undo) and is routed once, in `apply_change`, to the parts it names.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QStackedWidget, QToolBar, QWidget

from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.core.records import Change
from readinglist.ui import actions as registry
from readinglist.ui import theme
from readinglist.ui.commands import Commands
from readinglist.ui.detail_pane import MAX_LISTED_TITLES, Detail, DetailPane
from readinglist.ui.empty_state import EmptyState
from readinglist.ui.export_dialog import ExportController
from readinglist.ui.file_picker import FilePicker
from readinglist.ui.icons import app_icon, icon
from readinglist.ui.import_dialog import ImportController
from readinglist.ui.operations import Operations, unsaved_notes_file
from readinglist.ui.paper_delegate import PaperDelegate
from readinglist.ui.paper_list import PaperListController
from readinglist.ui.paper_model import Column, PaperTableModel
from readinglist.ui.paper_view import PaperView
from readinglist.ui.search_bar import SearchBar
from readinglist.ui.settings import Settings
from readinglist.ui.sidebar import Counts, Entry, Sidebar
from readinglist.ui.status_bar import StatusBar
from readinglist.ui.tasks import TaskRunner

DEFAULT_SIZE = (1360, 840)
DEFAULT_SPLIT = [220, 760, 420]
MAX_QUERY_SHOWN = 40  # characters of the search query the status bar's count repeats
WATCH_INTERVAL_MS = 2000  # how often the window looks for changes made by other programs


def dropped_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders of a drop (web links and text are not ours)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class MainWindow(QMainWindow):
    ready = Signal()  # the list and the sidebar have their first contents

    def __init__(
        self, lib: Library, settings: Settings, runner: TaskRunner, picker: FilePicker | None = None
    ) -> None:
        super().__init__()
        self.lib = lib
        self.settings = settings
        self.runner = runner
        self.picker = picker or FilePicker(self)
        self.dark = theme.is_dark()
        self.setWindowTitle(f"readinglist — {lib.path.name}")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        # No parent: the stack must outlive the window's widgets, or clearing it while they are
        # destroyed would update actions that are already gone.
        self.undo_stack = QUndoStack()
        self._last_selection: tuple[object, ...] = ()

        # -- the panes -----------------------------------------------------------------------------
        self.model = PaperTableModel(lib.load, self)
        self.view = PaperView(self.model, self)
        self.delegate: PaperDelegate = self.view.delegate
        self.delegate.dark = self.dark
        self.sidebar = Sidebar(lib, runner, self)
        self.detail = DetailPane(self)
        self.empty = EmptyState(self)
        self.search = SearchBar(self)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self._reselect: list[int] = []  # see `_reselect_after_reload`
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("MainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.stack.setMinimumWidth(320)  # titles stay readable however narrow the window
        for widget in (self.sidebar, self.stack, self.detail):
            self.splitter.addWidget(widget)
        # A narrower window takes from the list and the paper alike (the list more), never the
        # sidebar: at 1024 px the titles would otherwise be cut to a few letters.
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes(DEFAULT_SPLIT)
        self.setCentralWidget(self.splitter)
        for editor in (self.search, self.detail.tags.input, self.detail.note.editor):
            editor.setAcceptDrops(False)  # a dropped file is an import, wherever it lands

        # -- services and controllers --------------------------------------------------------------
        self._restore_layout()
        self.ops = Operations(lib, self.undo_stack, runner, self)
        self.papers = PaperListController(lib, self.view, runner, settings.sort())
        self.importer = ImportController(lib, runner, self.status.progress, self)
        self.exporter = ExportController(lib, runner, self.picker, settings, self)
        self.commands = Commands(self)

        # -- actions, menus, toolbar ---------------------------------------------------------------
        self.actions_by_id = registry.build_actions(
            self, self.commands, self.view, self._icon_color()
        )
        registry.build_menus(self, self.actions_by_id)
        self.toolbar = QToolBar("Main", self)
        self.toolbar.setObjectName("MainToolBar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        registry.build_toolbar(self.toolbar, self.actions_by_id)
        spacer = QWidget(self.toolbar)
        spacer.setSizePolicy(
            spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred
        )
        self.toolbar.addWidget(spacer)
        self.toolbar.addWidget(self.search)
        self.search.set_icon(icon("search", theme.colors(self.dark)["muted"]))
        self.addToolBar(self.toolbar)
        self._wire()
        self._restore_window()
        self._seen = {"list": False, "sidebar": False}
        self.papers.refresh()  # the sidebar's counts follow the first rows: the list comes first
        self.view.setFocus()

    def _wire(self) -> None:
        self.sidebar.entrySelected.connect(self._on_entry)
        self.sidebar.countsChanged.connect(self._on_counts)
        self.search.queryChanged.connect(self.papers.set_query)
        self.search.leave.connect(self.view.setFocus)
        self.papers.loaded.connect(self._on_list_loaded)
        self.papers.failed.connect(self.show_error)
        self.view.selectedIdsChanged.connect(self._on_selection)
        self.view.doubleClicked.connect(lambda _index: self.commands.open_paper())
        self.delegate.toggleRequested.connect(self._on_cell_toggle)
        self.detail.tagsAdded.connect(self.ops.add_tags)
        self.detail.tagRemoved.connect(lambda ids, name: self.ops.remove_tags(ids, [name]))
        self.detail.noteSaved.connect(self.ops.set_note)
        self.detail.splitRequested.connect(self.split_record)
        self.detail.mergeRequested.connect(self.merge_papers)
        self.detail.leave.connect(self.view.setFocus)
        self.empty.importFilesClicked.connect(lambda: self.commands.import_files())
        self.empty.importFolderClicked.connect(lambda: self.commands.import_folder())
        for source in (self.ops, self.importer):
            source.changed.connect(self.apply_change)
            source.failed.connect(self.show_error)
        self.ops.notice.connect(self.status.show_message)
        self.ops.noteNotSaved.connect(self.detail.note.show_unsaved)
        self.ops.noteSavedLater.connect(self.detail.note.saved_later)
        self.ops.reselect.connect(self._reselect_after_reload)
        self.detail.note.editor.focusGained.connect(self._new_note_session)
        self.ops.busyChanged.connect(self._on_busy)
        self.exporter.done.connect(self.status.show_message)
        self.exporter.failed.connect(self.show_error)
        self.undo_stack.indexChanged.connect(self._update_undo_actions)
        self._update_undo_actions()
        # Another program (the command line, a script, a second window) may write to the
        # library: every couple of seconds the window looks, and shows what it changed, so
        # that nobody acts on a stale star or count.
        self.lib.changed_elsewhere()  # starts watching
        self._watch = QTimer(self, interval=WATCH_INTERVAL_MS)
        self._watch.timeout.connect(self.catch_up_with_elsewhere)
        self._watch.start()
        kept = unsaved_notes_file(self.lib.path)
        if kept.exists():  # from an earlier run that could not save them: say so at every start
            self.show_error(
                f"Notes that could not be saved when the window last closed are kept in {kept}"
                " (add them again, then delete that file)."
            )

    # -- the one place a change is routed ----------------------------------------------------------

    def apply_change(self, change: Change) -> None:
        self.model.refresh(change.papers)
        if change.structure:
            self.model.forget_all()
            self.papers.refresh()
        elif change.papers and self._list_depends_on_annotations():
            # Starred, Unread or a tag: a paper unstarred, read or untagged leaves the list (the
            # next one becomes current), as the sidebar's count already says.
            self.papers.refresh()
        self.sidebar.refresh()  # starred, unread and tag counts follow every change
        self.update_detail()
        self.status.show_message(change.message)
        if change.tags:  # tags changed in bulk are re-read by the search index: now, in the back
            self.importer.prepare_search()

    def catch_up_with_elsewhere(self) -> None:
        """Show what another program changed in the library, if anything (see `_watch`)."""
        if self.ops.busy_with is not None or self.importer.running:
            return  # our own big change or import is writing: look again afterwards
        try:
            changed = self.lib.changed_elsewhere()
        except UserError:
            return  # the file cannot be read just now: the next look will tell
        if changed:
            self.apply_change(
                Change(structure=True, tags=True, message="the library was changed elsewhere")
            )

    def _new_note_session(self) -> None:
        self.ops.note_session += 1  # a return to the note: its next saves are a new undo step

    def _list_depends_on_annotations(self) -> bool:
        where = self.papers.where
        return where.starred or where.unread or where.tag is not None

    def split_record(self, record: int) -> None:
        self.detail.note.flush()  # the note as typed belongs to the group before the split
        self.ops.split(record)

    def merge_papers(self, ids: list[int]) -> None:
        self.detail.note.flush()  # the note as typed belongs to the papers before the merge
        self.ops.merge(ids)

    def _on_busy(self, busy: bool) -> None:
        """While a big change runs on a worker, the pane's editors wait (see `operations`)."""
        if busy:
            self.detail.note.flush()  # saved now, before the big change takes its snapshot
        self.detail.note.editor.setReadOnly(busy)
        self.detail.tags.input.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        self.status.show_message(message)
        box = QMessageBox(
            QMessageBox.Icon.Warning, "readinglist", message, QMessageBox.StandardButton.Ok, self
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("ErrorMessage")
        box.open()

    # -- panes talking to each other ---------------------------------------------------------------

    def _on_selection(self) -> None:
        # A move with the arrow keys changes both the selection and the current row: show once.
        if self.view.selection_key() != self._last_selection:
            self.update_detail()

    def update_detail(self) -> None:
        ids = self.view.selected_ids()
        current = self.view.current_id()
        if current is None or (ids and current not in ids):
            current = ids[0] if ids else None
        first = [current] if current is not None else []
        others = [i for i in ids if i != current]
        shown = first + others[: MAX_LISTED_TITLES - 1]
        papers = tuple(self.model.papers(shown))
        group = None
        if len(ids) <= 1 and papers and (papers[0].duplicate_of or papers[0].hidden_ids):
            groups = self.lib.duplicate_groups(papers[0].id)
            group = groups[0] if groups else None
        self.detail.show_detail(
            # The current paper first: a merge from the pane shows it, as its button says.
            Detail(
                papers, group, self.model.terms, self.dark, tuple(first + others) if others else ()
            )
        )
        unsaved = self.ops.unsaved_note(current) if current is not None else None
        if unsaved is not None and current is not None:
            self.detail.note.show_unsaved(current, unsaved)  # newer than what the library has
        self._update_counts()
        self._last_selection = self.view.selection_key()
        enabled = bool(papers)
        for action_id in ("star", "read", "tag", "open", "export"):
            self.actions_by_id[action_id].setEnabled(enabled or action_id == "export")
        self.actions_by_id["merge"].setEnabled(len(ids) > 1)
        self.actions_by_id["split"].setEnabled(group is not None)

    def _update_counts(self) -> None:
        entry = self.sidebar.current_entry()
        where = entry.label if entry is not None else "All papers"
        if self.papers.searching:
            query = self.papers.query
            # A long query is cut: the count stays short and never widens the window.
            shown = query if len(query) <= MAX_QUERY_SHOWN else query[: MAX_QUERY_SHOWN - 1] + "…"
            where += f", matching “{shown}”"
        best_of_more = self.papers.searching and self.papers.more
        self.status.show_counts(
            self.model.rowCount(), where, self.view.selected_count(), best_of_more
        )

    def _on_entry(self, entry: Entry) -> None:
        self.papers.set_filter(entry.where)
        self.view.set_placeholder(entry.empty_text)

    def _on_counts(self, counts: Counts) -> None:
        self.detail.tags.set_known_tags([name for name, _ in counts.tags])
        empty = counts.empty_library
        self.stack.setCurrentWidget(self.empty if empty else self.view)
        self.detail.setVisible(not empty)  # nothing to read yet: give the explanation room
        for action_id in ("export", "export_view"):
            self.actions_by_id[action_id].setEnabled(not empty)
        if not self._seen["sidebar"]:
            self.importer.prepare_search()  # papers imported elsewhere (the CLI) get indexed
        self._mark_seen("sidebar")

    def _keep_unsaved_notes(self, notes: dict[int, str]) -> None:
        """Notes the library would still not take as the window closes: into a text file
        beside it, said on the way out and again at the next start (never lost)."""
        if not notes:
            return
        target = unsaved_notes_file(self.lib.path)
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        parts = [f"# {stamp}: notes that could not be saved in {self.lib.path.name}\n"]
        parts += [f"\n## paper {paper_id}\n{text}\n" for paper_id, text in notes.items()]
        try:
            with target.open("a", encoding="utf-8") as out:
                out.write("".join(parts))
            said = f"they are kept in {target}"
        except OSError as exc:  # the last place left: the terminal, if any
            said = f"and {target} cannot be written ({exc.strerror}): " + repr(notes)
        print(f"error: the notes of {len(notes)} papers could not be saved; {said}",
              file=sys.stderr)  # fmt: skip

    def _reselect_after_reload(self, ids: list[int]) -> None:
        self._reselect = ids

    def _on_list_loaded(self) -> None:
        if self._reselect:
            ids, self._reselect = self._reselect, []
            listed = [i for i in ids if self.model.row_of(i) is not None]
            if listed:
                self.view.select_ids(listed, listed[0])
        if self.papers.searching:
            self.view.set_placeholder(f"No paper matches “{self.papers.query}”.")
        else:
            entry = self.sidebar.current_entry()
            self.view.set_placeholder(entry.empty_text if entry else "")
        self.update_detail()
        if not self._seen["list"]:
            self.sidebar.refresh()
        self._mark_seen("list")

    def _mark_seen(self, part: str) -> None:
        if not all(self._seen.values()):
            self._seen[part] = True
            if all(self._seen.values()):
                self.ready.emit()

    def _on_cell_toggle(self, paper_id: int, column: int) -> None:
        paper = self.model.papers([paper_id])
        if paper and column == Column.STAR:
            self.ops.set_starred([paper_id], not paper[0].starred)
        elif paper:
            self.ops.set_read([paper_id], not paper[0].read)

    def _update_undo_actions(self, *_args: object) -> None:
        for action_id, can, text in (
            ("undo", self.undo_stack.canUndo(), self.undo_stack.undoText()),
            ("redo", self.undo_stack.canRedo(), self.undo_stack.redoText()),
        ):
            action = self.actions_by_id[action_id]
            action.setEnabled(can)
            label = "&Undo" if action_id == "undo" else "&Redo"
            action.setText(f"{label} {text}" if can else label)

    # -- look --------------------------------------------------------------------------------------

    def _icon_color(self) -> str:
        return theme.colors(self.dark)["text"]

    def set_dark(self, dark: bool) -> None:
        """The system switched between light and dark (theme.Theme.changed)."""
        self.dark = dark
        self.delegate.dark = dark
        registry.refresh_icons(self.actions_by_id, self._icon_color())
        self.search.set_icon(icon("search", theme.colors(dark)["muted"]))
        self.view.viewport().update()
        self.update_detail()

    # -- drag and drop -----------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.importer.start(paths)

    # -- remembering the layout --------------------------------------------------------------------

    def _restore_layout(self) -> None:
        header = self.settings.header()
        if header is not None:
            self.view.restore_header_state(header)
        splitter = self.settings.splitter()
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def _restore_window(self) -> None:
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def save_layout(self) -> None:
        s = self.settings
        s.set_geometry(self.saveGeometry())
        s.set_window_state(self.saveState())
        s.set_splitter(self.splitter.saveState())
        s.set_header(self.view.header_state())
        s.set_sort(self.papers.sort_key, self.papers.descending)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.detail.note.flush()  # the note being typed is saved before anything else
        self.save_layout()
        self.hide()  # gone at once for the user, while workers stop at their next checkpoint
        self.importer.cancel()
        self.runner.shutdown()
        self.ops.save_held_notes()  # a big change was still running: its worker has finished now
        self.ops.retry_unsaved_notes()  # a last try
        self._keep_unsaved_notes(self.ops.shutdown())
        self.undo_stack.blockSignals(True)
        event.accept()
