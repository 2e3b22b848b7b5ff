"""How the notes of a group's records make the one note its visible paper shows.

Each record keeps its own note, so that a split can give a record back exactly its own. The
visible paper shows its own note, then the notes of its hidden records that it does not already
hold: once the user edits the paper's note, the text as typed is stored on the visible record,
and a hidden record's note that the text still holds whole (as paragraphs of its own) stays on
that record too, for a split to give back, without being shown twice. No note is ever shown
twice, whichever record of the group holds it. A split takes nothing out of the visible
record's note: the text as the user typed it stays whole (a paragraph there may be the user's
own words, equal to the leaving record's note by chance), so no word is ever lost.
"""

from __future__ import annotations

from collections.abc import Iterable

SEPARATOR = "\n\n"  # between the notes shown together


def paragraph_at(text: str, part: str) -> int:
    """Where `part` stands in `text` as whole paragraphs, or -1."""
    if not part:
        return -1
    at = text.find(part)
    while at >= 0:
        end = at + len(part)
        if (at == 0 or text.endswith(SEPARATOR, 0, at)) and (
            end == len(text) or text.startswith(SEPARATOR, end)
        ):
            return at
        at = text.find(part, at + 1)
    return -1


def holds(text: str, part: str) -> bool:
    return paragraph_at(text, part) >= 0


def shown(own: str, hidden: Iterable[str]) -> str:
    """The note a visible paper shows: its own, then its hidden records', each once, leaving
    out any that another record's note holds (the record that holds them may have been the
    visible one when the user typed them)."""
    parts = [n for n in (own, *hidden) if n]
    kept: list[str] = []
    for note in parts:
        held = any(len(other) > len(note) and holds(other, note) for other in parts)
        if not held and note not in kept:
            kept.append(note)
    return SEPARATOR.join(kept)
