"""Text from outside (file names, command-line arguments, tags) made fit to store and match.

On POSIX a file name or an argument is bytes, and bytes that are not UTF-8 reach Python as lone
surrogates, which SQLite cannot store: such a byte is stored as U+FFFD instead.
"""

from __future__ import annotations

import unicodedata


def storable(text: str) -> str:
    """`text` with any undecodable byte replaced by U+FFFD (unchanged in the usual case)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text


def tag_key(name: str) -> str:
    """What two spellings of one tag share: "ML" and "ml", "Ökonomie" and "ökonomie", an accent
    composed or not. SQLite's NOCASE folds ASCII letters only, so every connection registers
    this as the SQL function `tag_key()`, and tags are looked up by name through it."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
