"""Importing from the window: first run, the dialogs, drag and drop, bad files, and Cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from readinglist.core.importer import ImportSummary
from readinglist.core.library import Library
from readinglist.ui.import_dialog import ImportSummaryDialog
from readinglist.ui.main_window import MainWindow
from readinglist.ui.settings import Settings
from readinglist.ui.tasks import TaskRunner
from tests.conftest import make_dumps
from tests.ui.conftest import FakePicker, close_dialogs, open_window


def drop(window: MainWindow, paths: list[Path]) -> QDropEvent:
    """Drop files on the window as a file manager would: a drag enter, then the drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    where = QPoint(window.width() // 2, window.height() // 2)
    enter = QDragEnterEvent(
        where,  # QDragEnterEvent takes a QPoint, QDropEvent a QPointF
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(where),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    return event


def test_first_run_explains_and_offers_import(
    qtbot: QtBot, empty_window: MainWindow, picker: FakePicker, sample_copy: Path
) -> None:
    window = empty_window
    assert window.stack.currentWidget() is window.empty
    assert "empty" in window.empty.findChild(QLabel, "EmptyTitle").text()
    picker.folder = [sample_copy]
    qtbot.mouseClick(window.empty.import_folder, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.view
    qtbot.waitUntil(lambda: window.model.rowCount() == 249)
    dialog = window.importer.dialog
    assert isinstance(dialog, ImportSummaryDialog) and dialog.isVisible()
    assert dialog.summary.papers_new == 249
    assert "249 new" in window.status.message.text()
    # The first paper is ready to read, and the keys that act on it work.
    assert window.view.current_id() == window.model.ids[0]
    assert window.detail.title.toPlainText() == window.model.paper_at(0).title  # type: ignore[union-attr]
    assert window.actions_by_id["star"].isEnabled()
    close_dialogs(window)


def test_dropping_files_imports_them(
    qtbot: QtBot, empty_window: MainWindow, sample_copy: Path
) -> None:
    files = sorted(sample_copy.iterdir())
    event = drop(empty_window, files[:2])
    assert event.isAccepted()
    summary = empty_window.importer.dialog.summary  # type: ignore[union-attr]
    assert summary.files_read == 2
    qtbot.waitUntil(lambda: empty_window.model.rowCount() == empty_window.lib.count() > 0)
    imports = [e for e in empty_window.sidebar._entries if e.key.startswith("dump:")]
    assert len(imports) == 2
    close_dialogs(empty_window)


def test_a_drop_of_text_is_not_an_import(qtbot: QtBot, empty_window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("just some text")
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(empty_window, enter)
    assert not enter.isAccepted()


def test_bad_files_are_refused_with_a_readable_reason(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    prose = tmp_path / "notes.txt"
    prose.write_text("Just some prose without any listing date.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    drop(window, [image, prose, empty, tmp_path / "missing.txt"])
    dialog = window.importer.dialog
    assert dialog is not None
    assert dialog.summary.files_refused == 4
    details = dialog.details.toPlainText().splitlines()
    assert len(details) == 4
    assert all(
        any(name in line for name in ("photo.png", "notes.txt", "empty.txt", "missing"))
        for line in details
    )
    assert window.findChild(QMessageBox) is None  # a summary, not an error box
    assert window.model.rowCount() == 249  # nothing changed
    close_dialogs(window)


def test_a_second_import_while_one_runs_is_refused(
    qtbot: QtBot, window: MainWindow, sample_copy: Path
) -> None:
    window.importer.task = object()  # type: ignore[assignment]  # pretend one is running
    assert not window.importer.start([sample_copy])
    assert "already running" in window.status.message.text()
    window.importer.task = None
    close_dialogs(window)


def test_cancel_stops_between_files_and_keeps_what_was_read(
    qtbot: QtBot, library: Library, settings: Settings, picker: FakePicker, tmp_path: Path
) -> None:
    files = make_dumps(tmp_path / "many", n_files=40, per_file=30)
    runner = TaskRunner()
    window = open_window(qtbot, library, settings, runner, picker)
    finished: list[ImportSummary] = []
    window.importer.finished.connect(finished.append)
    progress = window.status.progress
    assert window.importer.start([tmp_path / "many"])
    qtbot.waitUntil(lambda: progress.isVisible())
    qtbot.waitUntil(
        lambda: window.importer.task is not None and progress.bar.value() >= 1, timeout=10_000
    )
    progress.cancel.click()
    assert not progress.cancel.isEnabled()
    qtbot.waitUntil(lambda: bool(finished), timeout=20_000)
    summary = finished[0]
    assert summary.cancelled and 1 <= summary.files_read < len(files)
    assert library.count() == summary.papers_new == 30 * summary.files_read
    assert not progress.isVisible()
    assert window.importer.dialog is not None
    assert window.importer.dialog.windowTitle() == "Import cancelled"
    close_dialogs(window)
    qtbot.waitUntil(lambda: window.model.rowCount() == library.count())
    runner.shutdown()


def test_a_bug_in_an_import_or_in_preparing_search_leaves_both_possible_again(
    qtbot: QtBot,
    window: MainWindow,
    sample_library: Library,
    sample_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug is raised on the GUI thread (loud), but must not leave the window believing an
    import or the search preparation is still running for the rest of the session."""
    with monkeypatch.context() as patch:
        patch.setattr(sample_library, "import_paths", lambda *a, **k: 1 / 0)
        patch.setattr(sample_library, "warm_up_search", lambda: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            window.importer.start([sample_copy])
        assert window.importer.task is None and not window.status.progress.isVisible()
        with pytest.raises(ZeroDivisionError):
            window.importer.prepare_search()
        assert window.importer.indexing is None
    assert window.importer.start([sample_copy])  # the real ones, now
    close_dialogs(window)
    warmed: list[bool] = []
    monkeypatch.setattr(sample_library, "warm_up_search", lambda: warmed.append(True))
    window.importer.prepare_search()
    assert warmed == [True] and window.importer.indexing is None
