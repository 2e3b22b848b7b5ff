"""Text from outside (file names, command-line arguments) made fit to store.

On POSIX a file name or an argument is bytes, and bytes that are not UTF-8 reach Python as lone
surrogates, which SQLite cannot store: such a byte is stored as U+FFFD instead.
"""

from __future__ import annotations


def storable(text: str) -> str:
    """`text` with any undecodable byte replaced by U+FFFD (unchanged in the usual case)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text
