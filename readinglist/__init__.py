"""readinglist: a fast reading-list manager for research papers collected from daily feed dumps.

Scripts and notebooks use the same services as the command line and the window::

    from readinglist import Library
    with Library.open("papers.sqlite") as lib:
        lib.import_paths(["dumps/"])
        for paper in lib.list(starred=True):
            print(paper.id, paper.title)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from readinglist._version import __version__

if TYPE_CHECKING:
    from readinglist.core.library import Library

__all__ = ["Library", "__version__"]


def __getattr__(name: str) -> Any:
    # Imported on first use so that `readinglist --version` does not load the database layer.
    if name == "Library":
        from readinglist.core.library import Library

        return Library
    raise AttributeError(name)
