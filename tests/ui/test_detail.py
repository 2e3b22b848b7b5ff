"""The detail pane: exact plain text, tags with completion, listings, and the selection view."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from readinglist.core.library import Library
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import Column
from readinglist.ui.settings import Settings
from readinglist.ui.tasks import TaskRunner
from tests.ui.conftest import FakePicker, open_window

TRICKY_TITLE = "Sorting <b>fast</b> & {\\it slow}: $O(n^2)$ vs 100\\% of #1"
TRICKY_ABSTRACT = (
    "We study how readers see abstracts that carry markup-like text. We show <i>no</i> markup:"
    " {\\it word}, \\times, $O(n^2)$, 50% & 5\\% of a_b #tags {unbalanced and"
    " <a href='x'>a link</a> &amp; &lt;. Our experiments on three benchmarks show that the"
    " text must read exactly as it was written, which we verify in every setting we consider."
)


def window_on_one_paper(
    qtbot: QtBot,
    library: Library,
    settings: Settings,
    runner: TaskRunner,
    picker: FakePicker,
    dump: Path,
    title: str,
    abstract: str,
) -> MainWindow:
    """A window on a library holding one paper, imported from a dump written to `dump`."""
    dump.write_text(f"Daily Papers\n\nMar 14\n\n{title}\n\n{abstract}\n", encoding="utf-8")
    summary = library.import_paths([dump], year=2024)
    assert summary.papers_new == 1, summary.refusals
    return open_window(qtbot, library, settings, runner, picker)


def test_titles_and_abstracts_are_shown_exactly_as_plain_text(
    qtbot: QtBot,
    library: Library,
    settings: Settings,
    runner: TaskRunner,
    picker: FakePicker,
    tmp_path: Path,
) -> None:
    dump = tmp_path / "tricky.txt"
    window = window_on_one_paper(
        qtbot, library, settings, runner, picker, dump, TRICKY_TITLE, TRICKY_ABSTRACT
    )
    detail = window.detail
    assert detail.title.toPlainText() == TRICKY_TITLE
    assert detail.abstract.toPlainText() == TRICKY_ABSTRACT
    assert not detail.abstract.acceptRichText() and detail.abstract.isReadOnly()
    assert window.model.data(window.model.index(0, Column.TITLE)) == TRICKY_TITLE
    window.grab()  # and the delegate paints it without interpreting it


def test_tag_editor_completes_from_existing_tags_and_removes(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    sample_library.tag([window.model.ids[9]], ["computer vision", "robotics"])
    window.sidebar.refresh()
    completer = window.detail.tags.input.completer()
    completer.setCompletionPrefix("VIS")  # anywhere in the name, any case
    assert completer.currentCompletion() == "computer vision"
    paper = window.view.current_id()
    assert paper is not None
    window.detail.tags.input.setFocus()
    window.detail.tags.input.setText("robotics")
    qtbot.keyClick(window.detail.tags.input, Qt.Key.Key_Return)
    assert sample_library.get(paper).tags == ("robotics",)
    [chip] = window.detail.tags._chips
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert sample_library.get(paper).tags == ()


def test_backspace_in_the_empty_tag_field_removes_the_last_tag(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    paper = window.view.current_id()
    assert paper is not None
    window.ops.add_tags([paper], ["alpha", "beta"])
    field = window.detail.tags.input
    field.setFocus()
    qtbot.keyClicks(field, "x")
    qtbot.keyClick(field, Qt.Key.Key_Backspace)  # deletes the letter typed, nothing else
    assert sample_library.get(paper).tags == ("alpha", "beta")
    qtbot.keyClick(field, Qt.Key.Key_Backspace)  # the field is empty: the last tag goes
    assert sample_library.get(paper).tags == ("alpha",)
    window.commands.undo()
    assert sample_library.get(paper).tags == ("alpha", "beta")


def test_every_listing_is_shown(qtbot: QtBot, window: MainWindow, sample_library: Library) -> None:
    seen_twice = next(p for p in sample_library.load(sample_library.ids()) if len(p.sightings) > 1)
    window.view.select_ids([seen_twice.id], seen_twice.id)
    lines = window.detail.listed.text().splitlines()
    assert len(lines) == len(seen_twice.sightings)
    assert all(s.file in line for s, line in zip(seen_twice.sightings, lines, strict=True))


def test_several_selected_offer_tags_for_all_and_merge(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    ids = window.model.ids[:3]
    window.view.select_ids(ids, ids[1])
    detail = window.detail
    assert detail.title.toPlainText() == "3 papers selected"
    field = detail.tags.input
    hint = field.placeholderText()
    assert hint == "Add a tag to all 3…  (T)"
    assert field.width() > field.fontMetrics().horizontalAdvance(hint)  # shown whole
    assert not detail.note.isVisibleTo(window) and detail.merge_button.isVisibleTo(window)
    assert f"#{ids[1]}" in detail.merge_button.text()  # the current paper is the one kept
    qtbot.mouseClick(detail.merge_button, Qt.MouseButton.LeftButton)
    assert set(sample_library.get(ids[1]).hidden_ids) == {ids[0], ids[2]}


def test_clicking_the_star_or_the_dot_toggles_it(
    qtbot: QtBot, window: MainWindow, sample_library: Library
) -> None:
    view = window.view
    paper = window.model.ids[3]
    for column, read in (
        (Column.STAR, lambda: sample_library.get(paper).starred),
        (Column.READ, lambda: sample_library.get(paper).read),
    ):
        rect = view.visualRect(window.model.index(3, column))
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert read()


def test_a_long_abstract_scrolls_with_the_reading_keys_and_the_wheel(
    qtbot: QtBot,
    library: Library,
    settings: Settings,
    runner: TaskRunner,
    picker: FakePicker,
    tmp_path: Path,
) -> None:
    long_abstract = " ".join([TRICKY_ABSTRACT] * 12)
    dump = tmp_path / "long.txt"
    window = window_on_one_paper(
        qtbot, library, settings, runner, picker, dump, "A Long Read", long_abstract
    )
    window.resize(1100, 640)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    abstract = window.detail.abstract
    assert abstract.hasFocus()
    bar = window.detail.paper_scroll_bar()
    assert bar.maximum() > bar.pageStep()  # the pane is taller than the window
    qtbot.keyClick(abstract, Qt.Key.Key_PageDown)
    assert bar.value() == bar.pageStep()
    qtbot.keyClick(abstract, Qt.Key.Key_Down)
    assert bar.value() == bar.pageStep() + bar.singleStep()
    qtbot.keyClick(abstract, Qt.Key.Key_End)
    assert bar.value() == bar.maximum()
    qtbot.keyClick(abstract, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert bar.value() == bar.maximum() - bar.pageStep()
    qtbot.keyClick(abstract, Qt.Key.Key_Home)
    assert bar.value() == 0
    # The wheel over the text scrolls the pane too.
    centre = abstract.rect().center()
    wheel = QWheelEvent(
        QPointF(centre), QPointF(abstract.mapToGlobal(centre)), QPoint(0, 0), QPoint(0, -120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
        False,
    )  # fmt: skip
    QApplication.sendEvent(abstract.viewport(), wheel)
    assert bar.value() > 0
    # However long the abstract, and wherever it is scrolled to, the note stays in sight.
    window.show()
    qtbot.waitExposed(window)
    for value in (0, bar.maximum()):
        bar.setValue(value)
        editor = window.detail.note.editor
        top_left = editor.mapTo(window.detail, QPoint(0, 0))
        assert editor.isVisible() and editor.height() > 60
        assert window.detail.rect().contains(top_left)
        assert top_left.y() + editor.height() <= window.detail.height()


def test_tab_goes_down_the_pane_as_it_reads(qtbot: QtBot, window: MainWindow) -> None:
    detail = window.detail
    detail.tags.input.setFocus()
    qtbot.keyClick(detail.tags.input, Qt.Key.Key_Tab)
    assert detail.abstract.hasFocus()
    qtbot.keyClick(detail.abstract, Qt.Key.Key_Tab)
    assert detail.note.editor.hasFocus()
