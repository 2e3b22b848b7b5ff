"""How the command line prints papers: a compact table for people, JSON for programs.

The JSON objects are a stable contract (README, "Machine-readable output"): `id`, `title`,
`abstract`, `starred`, `read`, `tags`, `note`, `sightings` ([{"file", "date", "year_source"}]),
`duplicate_of`, plus `citation_key` and, from search, `score`.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from readinglist.core.records import Paper


def paper_json(paper: Paper) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "starred": paper.starred,
        "read": paper.read,
        "tags": list(paper.tags),
        "note": paper.note,
        "sightings": [
            {"file": s.file, "date": s.date.isoformat(), "year_source": s.year_source}
            for s in paper.sightings
        ],
        "duplicate_of": paper.duplicate_of,
        "hidden_ids": list(paper.hidden_ids),
        "citation_key": paper.citation_key,
    }
    if paper.score is not None:
        data["score"] = round(paper.score, 4)
    return data


def print_json(value: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    # One write: json.dump writes piece by piece, a million small writes for 100,000 papers.
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def print_table(papers: Iterable[Paper], out: TextIO | None = None) -> int:
    """One line per paper: id, flags, last listing date, title (cut to the terminal), tags."""
    out = out or sys.stdout
    width = shutil.get_terminal_size((120, 24)).columns
    shown = 0
    for paper in papers:
        flags = ("*" if paper.starred else " ") + (" " if paper.read else "u")
        date = paper.last_date.isoformat() if paper.last_date else "          "
        tags = f"  [{', '.join(paper.tags)}]" if paper.tags else ""
        hidden = f"  (duplicate of {paper.duplicate_of})" if paper.duplicate_of else ""
        head = f"{paper.id:>6} {flags} {date}  "
        room = max(20, width - len(head) - len(tags) - len(hidden))
        title = paper.title if len(paper.title) <= room else paper.title[: room - 1] + "…"
        out.write(f"{head}{title}{tags}{hidden}\n")
        shown += 1
    return shown


def print_paper(paper: Paper, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    out.write(f"#{paper.id}  {paper.title}\n")
    state = ["starred" if paper.starred else "not starred", "read" if paper.read else "unread"]
    out.write(f"  {', '.join(state)}\n")
    if paper.tags:
        out.write(f"  tags: {', '.join(paper.tags)}\n")
    if paper.duplicate_of is not None:
        out.write(f"  hidden as a duplicate of #{paper.duplicate_of}\n")
    if paper.hidden_ids:
        out.write(f"  also listed as: {', '.join(f'#{i}' for i in paper.hidden_ids)}\n")
    for s in paper.sightings:
        out.write(f"  listed {s.date.isoformat()} in {s.file} (entry {s.position})\n")
    out.write("\n" + (paper.abstract or "(no abstract)") + "\n")
    if paper.note:
        out.write("\nNote:\n" + paper.note + "\n")
