"""The one error type users see.

Anything caused by the user's environment or input (a bad file, a locked or corrupt database, a disk
that is full, an unknown paper id) is raised as a `UserError` subclass carrying a one-line message.
The CLI prints it as `error: <message>` and the window shows it in a dialog; everything else is a
bug and is allowed to surface loudly.
"""

from __future__ import annotations

from pathlib import Path


def one_line(text: str) -> str:
    """`text` with anything unprintable (a newline in a file name, a stray byte) escaped, so
    that a message stays one line whatever the names it quotes."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
        for c in text
    )


class UserError(Exception):
    """An error whose message is meant for the user: one line, no traceback."""

    def __init__(self, message: str) -> None:
        message = one_line(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadDumpError(UserError):
    """A file that is not a feed dump, or a damaged one. Names the file and, if known, the line."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {reason}")


class DatabaseError(UserError):
    """The database cannot be used: locked for too long, corrupt, not a database, disk full."""


class SchemaTooNewError(DatabaseError):
    """The database was written by a newer readinglist; opening it could destroy data."""


class UnknownPaperError(UserError):
    """An id that names no paper in the library."""

    def __init__(self, paper_id: int) -> None:
        self.paper_id = paper_id
        super().__init__(f"no paper with id {paper_id}")
