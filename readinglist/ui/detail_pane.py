"""The detail pane: the current paper in full, its tags, its note, where it was listed, and its
duplicate group with merge and split. With several papers selected it offers what applies to all
of them: tags and merge.

The paper scrolls; the note stays in sight below it, so that a note already written is seen
without scrolling past a long abstract, and there is always room to start one.

It shows what it is given and announces what the reader asks for; it never calls the library
itself (the window routes requests to `Operations`), so it is easy to test and to reuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.duplicates import DuplicateGroup, GroupMember
from readinglist.core.records import Paper
from readinglist.ui import theme
from readinglist.ui.note_editor import NoteEditor
from readinglist.ui.paper_model import format_date
from readinglist.ui.tag_editor import TagEditor
from readinglist.ui.text_view import TextView

MAX_LISTED_TITLES = 12


@dataclass(frozen=True)
class Detail:
    """What the pane shows: the selected papers, the current one first."""

    papers: tuple[Paper, ...] = ()
    group: DuplicateGroup | None = None  # the current paper's group, if it has hidden records
    terms: tuple[str, ...] = ()
    dark: bool = False
    selected_ids: tuple[int, ...] = field(default=())

    @property
    def current(self) -> Paper | None:
        return self.papers[0] if self.papers else None


def _label(text: str = "", name: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # titles and file names are never markup
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setIndent(0)  # styled and plain labels line up
    if name:
        label.setObjectName(name)
    return label


def member_reason(member: GroupMember) -> str:
    """Why a record is hidden, as a reader would say it: who decided, on what evidence."""
    reason = member.reason
    if member.by == "auto" and reason:
        reason = f"found automatically: {reason}"
    scores = [
        f"{name} {value:.0f}% alike"
        for name, value in (("title", member.title_score), ("abstract", member.abstract_score))
        if value is not None
    ]
    return reason + (f"  ({', '.join(scores)})" if scores else "")


def _clear(layout: QVBoxLayout) -> None:
    while (item := layout.takeAt(0)) is not None:
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()


class DetailPane(QWidget):
    tagsAdded = Signal(list, list)  # paper ids, tag names
    tagRemoved = Signal(list, str)  # paper ids, tag name
    noteSaved = Signal(int, str, str)  # paper id, text, the note it was typed over
    splitRequested = Signal(int)  # record id
    mergeRequested = Signal(list)  # paper ids, the one to show first
    leave = Signal()  # Escape: back to the list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPane")
        self.setMinimumWidth(260)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("DetailScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget(self.scroll)
        content.setObjectName("DetailContent")
        self.scroll.setWidget(content)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(20, 16, 20, 20)
        layout.setSpacing(8)
        self.note_footer = QWidget(self)
        self.note_footer.setObjectName("NoteFooter")
        footer = QVBoxLayout(self.note_footer)
        footer.setContentsMargins(20, 0, 20, 6)
        footer.setSpacing(4)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.scroll, 1)
        outer.addWidget(self.note_footer)

        self.meta = _label(name="MutedLabel")
        self.title = TextView(content)
        self.title.setObjectName("DetailTitle")
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(title_font)
        self.abstract = TextView(content)
        self.abstract.setObjectName("DetailAbstract")
        body_font = QFont(self.font())
        body_font.setPointSizeF(body_font.pointSizeF() * 1.05)
        self.abstract.setFont(body_font)
        self.abstract.line_height = 125
        self.selection_list = _label(name="MutedLabel")
        self.tags = TagEditor(content)
        self.note_label = _label("NOTE", "SectionLabel", self.note_footer)
        self.note = NoteEditor(self.note_footer)
        footer.addWidget(self.note_label)
        footer.addWidget(self.note)
        self.listed_label = _label("LISTED ON", "SectionLabel")
        self.listed = _label(name="")
        self.group_label = _label("DUPLICATES", "SectionLabel")
        self.group_box = QWidget(content)
        self.group_layout = QVBoxLayout(self.group_box)
        self.group_layout.setContentsMargins(0, 0, 0, 0)
        self.group_layout.setSpacing(6)
        self.merge_button = QPushButton("Merge into one paper", content)
        self.merge_button.setToolTip("Say the selected papers are the same paper (Ctrl+M)")
        self.merge_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.empty = _label("Select a paper to read it here.", "MutedLabel")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        for widget in (
            self.meta,
            self.title,
            self.tags,
            self.selection_list,
            self.abstract,
            self.listed_label,
            self.listed,
            self.group_label,
            self.group_box,
            self.merge_button,
            self.empty,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)
        # Tab goes down the pane as it reads: title, tags, abstract, note (the tag field was
        # made after the abstract, and Tab followed the order of making).
        for before, after in (
            (self.title, self.tags.input),
            (self.tags.input, self.abstract),
            (self.abstract, self.note.editor),
        ):
            QWidget.setTabOrder(before, after)

        self.detail = Detail()
        self.tags.tagsAdded.connect(lambda names: self.tagsAdded.emit(self._targets(), names))
        self.tags.tagRemoved.connect(lambda name: self.tagRemoved.emit(self._targets(), name))
        self.note.saveRequested.connect(self.noteSaved)
        self.merge_button.clicked.connect(lambda: self.mergeRequested.emit(self._targets()))
        self.show_detail(Detail())

    def _targets(self) -> list[int]:
        return list(self.detail.selected_ids) or [p.id for p in self.detail.papers]

    # -- showing -----------------------------------------------------------------------------------

    def show_detail(self, detail: Detail) -> None:
        previous = self.detail.current
        self.detail = detail
        paper = detail.current
        many = len(detail.selected_ids) > 1
        # A different paper: save the note being typed first (nothing lost), then show the next.
        self.note.show_note(
            paper.id if paper is not None and not many else None,
            paper.note if paper is not None and not many else "",
        )
        has = paper is not None
        self.empty.setVisible(not has)
        shown_for_one: tuple[QWidget, ...] = (
            self.meta,
            self.abstract,
            self.note_footer,
            self.listed_label,
            self.listed,
        )
        for widget in shown_for_one:
            widget.setVisible(has and not many)
        self.title.setVisible(has)
        self.tags.setVisible(has)
        self.selection_list.setVisible(many)
        self.merge_button.setVisible(many)
        if paper is None:
            self.group_label.hide()
            self.group_box.hide()
            return
        mark = QColor(theme.colors(detail.dark)["mark"])
        if many:
            self._show_many(detail)
        else:
            self._show_one(paper, detail, mark)
        self.tags.set_tags(self._union_tags(detail) if many else paper.tags, detail.dark)
        self._show_group(detail if not many else Detail())
        if previous is None or paper.id != previous.id:
            self.paper_scroll_bar().setValue(0)

    def paper_scroll_bar(self) -> QScrollBar:
        """The scroll bar of the paper (the note below it does not scroll)."""
        return self.scroll.verticalScrollBar()

    def _show_one(self, paper: Paper, detail: Detail, mark: QColor) -> None:
        state = [
            "★ Starred" if paper.starred else "",
            "Read" if paper.read else "Unread",
            f"#{paper.id}",
        ]
        if paper.duplicate_of is not None:
            state.append(f"hidden duplicate of #{paper.duplicate_of}")
        if paper.citation_key:
            state.append(paper.citation_key)
        self.meta.setText("  ·  ".join(s for s in state if s))
        self.title.show_text(paper.title, detail.terms, mark)
        abstract = paper.abstract or "(This listing had no abstract.)"
        self.abstract.show_text(abstract, detail.terms, mark)
        self.tags.set_hint("Add a tag…  (T)")
        lines = []
        for s in paper.sightings:
            source = "" if s.year_source == "file-date" else "  (year set by you)"
            lines.append(f"{format_date(s.date)}   {s.file}   entry {s.position}{source}")
        self.listed.setText("\n".join(lines) or "Not listed in any imported file.")

    def _show_many(self, detail: Detail) -> None:
        count = len(detail.selected_ids)
        self.meta.setText(f"{count:,} papers selected")
        self.title.show_text(f"{count:,} papers selected")
        titles = [f"•  {p.title}" for p in detail.papers[:MAX_LISTED_TITLES]]
        if count > len(titles):
            titles.append(f"…and {count - len(titles):,} more")
        self.selection_list.setText("\n".join(titles))
        self.tags.set_hint(f"Add a tag to all {count:,}…  (T)")
        first = detail.papers[0]
        self.merge_button.setText(f"Merge into one paper, shown as #{first.id}")

    @staticmethod
    def _union_tags(detail: Detail) -> list[str]:
        return sorted({t for p in detail.papers for t in p.tags}, key=str.casefold)

    def _show_group(self, detail: Detail) -> None:
        _clear(self.group_layout)
        paper, group = detail.current, detail.group
        if paper is None or group is None or not group.hidden:
            self.group_label.hide()
            self.group_box.hide()
            return
        self.group_label.show()
        self.group_box.show()
        if paper.duplicate_of is not None:
            self.group_label.setText("DUPLICATE OF")
            self.group_layout.addWidget(
                self._member_row(
                    GroupMember(
                        group.shown_id,
                        group.title,
                        "",
                        "the paper this record is hidden under",
                        None,
                        None,
                    ),
                    splittable=False,
                )
            )
            own = next((m for m in group.hidden if m.id == paper.id), None)
            if own is not None:
                self.group_layout.addWidget(self._member_row(own, splittable=True, own=True))
            return
        self.group_label.setText(f"DUPLICATES  ·  {len(group.hidden)} hidden")
        for member in group.hidden:
            self.group_layout.addWidget(self._member_row(member, splittable=True))

    def _member_row(self, member: GroupMember, splittable: bool, own: bool = False) -> QWidget:
        frame = QFrame(self.group_box)
        frame.setObjectName("GroupMember")
        row = QHBoxLayout(frame)
        row.setContentsMargins(10, 8, 8, 8)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(_label(f"#{member.id}  {member.title}", parent=frame))
        text.addWidget(_label(member_reason(member), "MutedLabel", frame))
        row.addLayout(text, 1)
        if splittable:
            button = QPushButton("Split" if not own else "Not the same paper", frame)
            button.setToolTip("This is a different paper: show it on its own (undo with Ctrl+Z)")
            button.clicked.connect(lambda: self.splitRequested.emit(member.id))
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        return frame

    # -- keyboard ----------------------------------------------------------------------------------

    def focus_reading(self) -> None:
        """Enter on a paper: move the keyboard here, to read (and scroll) the abstract."""
        self.abstract.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_tags(self) -> None:
        self.tags.focus_input()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.note.flush()
            self.leave.emit()
            return
        super().keyPressEvent(event)
