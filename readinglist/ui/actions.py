"""Every user action, declared once: id, label, default shortcuts, handler, icon, where it shows.

The registry builds the QActions, the menus, the toolbar and the shortcuts from this one table,
and the Help > Keyboard Shortcuts list is printed from it too, so a shortcut can never be
documented in one place and differ in another. A handler is the name of a method of
`commands.Commands`; building fails loudly if it is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

from readinglist.ui.icons import icon

MENUS = ("&File", "&Edit", "&Paper", "&Help")


@dataclass(frozen=True)
class ActionSpec:
    id: str
    label: str
    shortcuts: tuple[str, ...] = ()
    icon: str | None = None
    menu: str | None = None
    group: int = 0  # a separator goes between groups, in menus and on the toolbar
    toolbar: bool = False
    tip: str = ""
    # "list": only while the paper list has the keyboard (Enter would otherwise steal the
    # Enter of every line edit in the window).
    context: Literal["window", "list"] = "window"
    handler: str = ""  # a method of the window's `Commands`; the id when not given

    @property
    def method(self) -> str:
        return self.handler or self.id


A = ActionSpec
# fmt: off
ACTIONS: tuple[ActionSpec, ...] = (
    A("import_files", "&Import Files…", ("Ctrl+O",), "import", "&File", 0, True,
      "Import feed dump files (or drop them on the window)"),
    A("import_folder", "Import F&older…", ("Ctrl+Shift+O",), "import-folder", "&File", 0,
      tip="Import every dump in a folder and below"),
    A("export", "&Export…", ("Ctrl+E",), "export", "&File", 1, True,
      "Export the selected papers (or the whole list) as BibTeX or CSV"),
    A("export_view", "Export the &Whole List…", ("Ctrl+Alt+E",), None, "&File", 1,
      tip="Export every paper in the list as BibTeX or CSV"),
    A("quit", "&Quit", ("Ctrl+Q",), "quit", "&File", 2),
    A("undo", "&Undo", ("Ctrl+Z",), "undo", "&Edit", 0, True),
    A("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "redo", "&Edit", 0, True),
    A("find", "&Find", ("Ctrl+F", "/"), "search", "&Edit", 1,
      tip="Search titles, abstracts, tags and notes", handler="focus_search"),
    A("back", "Back to the &List", ("Escape",), None, "&Edit", 1,
      tip="Return to the list; in the list, clear the search", handler="back_to_list"),
    A("open", "&Open", ("Return", "Enter"), "open", "&Paper", 0,
      tip="Read the paper: move the keyboard to its abstract", context="list",
      handler="open_paper"),
    A("star", "&Star", ("S",), "star", "&Paper", 1, True,
      "Star or unstar the selected papers", handler="toggle_star"),
    A("read", "Mark &Read", ("R",), "read", "&Paper", 1, True,
      "Mark the selected papers read, or unread again", handler="toggle_read"),
    A("tag", "&Tag…", ("T",), "tag", "&Paper", 1, True, "Add a tag to the selected papers"),
    A("merge", "&Merge Selected", ("Ctrl+M",), "merge", "&Paper", 2,
      tip="The selected papers are one paper: show the current one, hide the others"),
    A("split", "S&plit from Group", ("Ctrl+Shift+M",), "split", "&Paper", 2,
      tip="This record is a different paper: show it on its own"),
    A("shortcuts", "&Keyboard Shortcuts", ("F1",), "keyboard", "&Help", 0,
      handler="show_shortcuts"),
    A("about", "&About readinglist", (), None, "&Help", 0, handler="show_about"),
)
# fmt: on


def _native(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def _handler(owner: object, spec: ActionSpec) -> Callable[[], object]:
    handler: object = getattr(owner, spec.method, None)
    if not callable(handler):
        raise TypeError(f"action {spec.id!r}: {type(owner).__name__} has no {spec.method}()")
    return handler


def build_actions(
    window: QMainWindow,
    owner: object,
    list_widget: QWidget,
    icon_color: str,
    specs: Iterable[ActionSpec] = ACTIONS,
) -> dict[str, QAction]:
    """Make the QActions, with their shortcuts, and attach them where they listen."""
    actions: dict[str, QAction] = {}
    for spec in specs:
        action = QAction(spec.label, window)
        action.setObjectName(spec.id)
        action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        tip = spec.tip or spec.label.replace("&", "").rstrip("…")
        if spec.shortcuts:
            tip += f"  ({_native(spec.shortcuts[0])})"
        action.setToolTip(tip)
        action.setStatusTip(spec.tip)
        if spec.icon:
            action.setIcon(icon(spec.icon, icon_color))
        handler = _handler(owner, spec)
        action.triggered.connect(lambda _checked=False, h=handler: h())
        if spec.context == "list":
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            list_widget.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(action)
        actions[spec.id] = action
    return actions


def build_menus(
    window: QMainWindow, actions: dict[str, QAction], specs: Iterable[ActionSpec] = ACTIONS
) -> dict[str, QMenu]:
    menus = {title: window.menuBar().addMenu(title) for title in MENUS}
    last_group: dict[str, int] = {}
    for spec in specs:
        if spec.menu is None:
            continue
        menu = menus[spec.menu]
        if spec.menu in last_group and last_group[spec.menu] != spec.group:
            menu.addSeparator()
        last_group[spec.menu] = spec.group
        menu.addAction(actions[spec.id])
    return menus


def build_toolbar(
    toolbar: QToolBar, actions: dict[str, QAction], specs: Iterable[ActionSpec] = ACTIONS
) -> None:
    previous: tuple[str | None, int] | None = None
    for spec in specs:
        if not spec.toolbar:
            continue
        if previous is not None and previous != (spec.menu, spec.group):
            toolbar.addSeparator()
        previous = (spec.menu, spec.group)
        toolbar.addAction(actions[spec.id])


def refresh_icons(
    actions: dict[str, QAction], icon_color: str, specs: Iterable[ActionSpec] = ACTIONS
) -> None:
    for spec in specs:
        if spec.icon:
            actions[spec.id].setIcon(icon(spec.icon, icon_color))


def shortcut_rows(specs: Iterable[ActionSpec] = ACTIONS) -> list[tuple[str, str]]:
    """(what, keys) for every action with a shortcut, for the Help list."""
    native = QKeySequence.SequenceFormat.NativeText
    return [
        (
            spec.label.replace("&", "").rstrip("…"),
            "  or  ".join(QKeySequence(s).toString(native) for s in spec.shortcuts),
        )
        for spec in specs
        if spec.shortcuts
    ]
