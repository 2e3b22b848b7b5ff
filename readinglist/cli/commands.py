"""One function per subcommand, each a thin call into the `Library` services."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from readinglist.cli.output import paper_json, print_json, print_paper, print_table
from readinglist.core.errors import UserError
from readinglist.core.importer import ImportSummary
from readinglist.core.library import Library
from readinglist.core.papers import PaperFilter
from readinglist.core.paths import default_db_path
from readinglist.core.records import Change
from readinglist.core.texts import storable


def run(args: argparse.Namespace) -> int:
    handler = _HANDLERS[args.command]
    path = (args.db if args.db is not None else default_db_path()).expanduser()
    if args.command != "import" and (not path.exists() or _empty_file(path)):
        # Only an import starts a library: a mistyped --db must not leave an empty one behind.
        raise UserError(f"{path}: no library there yet (import feed dumps to start one)")
    with Library.open(path) as lib:
        return handler(lib, args)


def _empty_file(path: Path) -> bool:
    """An empty file is no library yet either (SQLite would make one of it)."""
    try:
        return path.is_file() and path.stat().st_size == 0
    except OSError:
        return False


def _import(lib: Library, args: argparse.Namespace) -> int:
    summary = lib.import_paths(args.paths, year=args.year)
    # Ready for `search` straight away, its vocabulary saved too (the window does this in the
    # background instead).
    lib.warm_up_search()
    for refusal in summary.refusals:
        print(f"error: {refusal.message}", file=sys.stderr)
    if args.json:
        print_json(summary.as_dict())
    else:
        _print_summary(summary)
    return 1 if summary.refusals else 0


# Up to this many files already imported are named one per line; more (re-importing a whole
# folder, as a daily habit) are one line, which --json lists in full.
_NAMED_ALREADY_IMPORTED = 3


def _print_summary(s: ImportSummary) -> None:
    if len(s.already_imported) <= _NAMED_ALREADY_IMPORTED:
        for path in s.already_imported:
            print(f"{path}: already imported, nothing changed")
    else:
        print(f"{len(s.already_imported)} files already imported, nothing changed for them")
    print(
        f"files read: {s.files_read}, papers new: {s.papers_new}, papers already known:"
        f" {s.papers_known}, duplicates hidden: {s.duplicates_hidden},"
        f" files refused: {s.files_refused}"
        + (f", files already imported: {s.files_already_imported}" if s.already_imported else "")
    )


def _tag_argument(tag: str | None) -> str | None:
    """A tag named on the command line, as `tag` stored it (bytes that are not UTF-8 as U+FFFD)."""
    return None if tag is None else storable(tag)


def _filter(args: argparse.Namespace) -> PaperFilter:
    return PaperFilter(
        starred=args.starred,
        unread=args.unread,
        tag=_tag_argument(args.tag),
        include_hidden=getattr(args, "all", False),
    )


def _list(lib: Library, args: argparse.Namespace) -> int:
    papers = lib.load(lib.ids(_filter(args), sort=args.sort))
    if args.json:
        print_json([paper_json(p) for p in papers])
    elif not print_table(papers):
        narrowed = args.starred or args.unread or args.tag is not None
        print("no papers match these filters" if narrowed else "no papers")
    return 0


def _show(lib: Library, args: argparse.Namespace) -> int:
    papers = [lib.get(i) for i in args.ids]
    if args.json:
        print_json([paper_json(p) for p in papers])
        return 0
    for i, paper in enumerate(papers):
        if i:
            print("\n" + "-" * 60 + "\n")
        print_paper(paper)
    return 0


def _flag(
    method: Callable[[Library, list[int]], Change],
) -> Callable[[Library, argparse.Namespace], int]:
    def handler(lib: Library, args: argparse.Namespace) -> int:
        print(method(lib, args.ids).message)
        return 0

    return handler


def _tag(lib: Library, args: argparse.Namespace) -> int:
    print(lib.tag([args.id], args.tags).message)
    return 0


def _untag(lib: Library, args: argparse.Namespace) -> int:
    print(lib.untag([args.id], args.tags).message)
    return 0


def _note(lib: Library, args: argparse.Namespace) -> int:
    print(lib.set_note(args.id, args.text).message)
    return 0


def _duplicates(lib: Library, args: argparse.Namespace) -> int:
    if args.recheck:
        print(lib.recheck_duplicates().message, file=sys.stderr if args.json else sys.stdout)
    groups = lib.duplicate_groups()
    if args.json:
        print_json(
            [
                {
                    "id": g.shown_id,
                    "title": g.title,
                    "hidden": [
                        {
                            "id": m.id,
                            "title": m.title,
                            "decided_by": m.by,
                            "reason": m.reason,
                            "title_score": m.title_score,
                            "abstract_score": m.abstract_score,
                        }
                        for m in g.hidden
                    ],
                }
                for g in groups
            ]
        )
        return 0
    for g in groups:
        print(f"#{g.shown_id}  {g.title}")
        for m in g.hidden:
            scores = f"title {m.title_score:.0f}" if m.title_score is not None else ""
            if m.abstract_score is not None:
                scores += f", abstract {m.abstract_score:.0f}"
            # A user's reason says who decided ("merged by you with #12"); detection's says why.
            why = f"detected: {m.reason}" if m.by == "auto" else m.reason
            print(f"    #{m.id}  {m.title}\n        {why}" + (f" ({scores})" if scores else ""))
    if not groups:
        print("no duplicate groups")
    return 0


def _merge(lib: Library, args: argparse.Namespace) -> int:
    print(lib.merge([args.first, *args.others]).message)
    return 0


def _split(lib: Library, args: argparse.Namespace) -> int:
    print(lib.split(args.id).message)
    return 0


def _search(lib: Library, args: argparse.Namespace) -> int:
    papers = lib.search(args.query, limit=args.limit, where=_filter(args))
    if args.json:
        print_json([paper_json(p) for p in papers])
    elif not print_table(papers):
        print("no papers found")
    return 0


def _export(lib: Library, args: argparse.Namespace) -> int:
    # An unknown id is an error, not an empty export; a hidden record stands for its paper.
    papers = [lib.get(paper_id) for paper_id in args.ids or ()]
    ids = tuple(dict.fromkeys(p.duplicate_of or p.id for p in papers)) if args.ids else None
    where = PaperFilter(starred=args.starred, unread=args.unread, tag=_tag_argument(args.tag),
                        ids=ids)  # fmt: skip
    count = lib.export(
        args.format,
        output=args.output,
        where=where,
        query=args.query,
        ascii_only=args.ascii,
        bom=not args.no_bom,
    )
    target: Path | str = args.output or "standard output"
    print(f"exported {count} papers to {target}", file=sys.stderr)
    return 0


_HANDLERS: dict[str, Callable[[Library, argparse.Namespace], int]] = {
    "import": _import,
    "list": _list,
    "show": _show,
    "star": _flag(Library.star),
    "unstar": _flag(Library.unstar),
    "read": _flag(Library.mark_read),
    "unread": _flag(Library.mark_unread),
    "tag": _tag,
    "untag": _untag,
    "note": _note,
    "duplicates": _duplicates,
    "merge": _merge,
    "split": _split,
    "search": _search,
    "export": _export,
}
