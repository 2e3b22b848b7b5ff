"""The `readinglist` command: no subcommand opens the window; subcommands work on the library.

A thin layer over `readinglist.core.library.Library`: it parses arguments, calls one service and
prints the result. User errors print one `error:` line on stderr and exit with status 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from readinglist._version import __version__
from readinglist.cli import commands
from readinglist.core.errors import UserError


def _paper_id(text: str) -> int:
    """Any whole number: one that names no paper (0, -1) is the library's "no paper" error."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a paper id: {text!r}") from None


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of results: {text!r}") from None
    if not 0 < value <= 10**9:
        raise argparse.ArgumentTypeError(f"not a number of results: {text!r}")
    return value


def _year(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}") from None
    if not 1900 <= value <= 2999:
        raise argparse.ArgumentTypeError(f"not a plausible year: {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors, like every other error of the command.

    argparse prints the whole usage before its error; the line points to `--help` instead.
    Exit status 2, as for any command line that cannot be understood."""

    def error(self, message: str) -> NoReturn:
        given = message.split()
        if message.startswith("unrecognized arguments") and any(
            word == "--db" or word.startswith("--db=") for word in given
        ):
            hint = "--db goes before the command: readinglist --db PATH COMMAND"
        else:
            hint = f"see: {self.prog} --help"
        self.exit(2, f"error: {message} ({hint})\n")


_EPILOG = """environment:
  READINGLIST_DB            the library file, when --db is not given
  READINGLIST_DATA_DIR      the data folder that holds library.sqlite by default
  READINGLIST_CACHE_DIR     where the search vocabulary cache is kept
  READINGLIST_IMPORT_WORKERS  worker processes for reading large imports (0: none)

exit status: 0 done, 1 an error (one "error:" line on stderr; a refused import file
is reported and the other files still import), 2 a command line that cannot be understood
"""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="readinglist",
        usage="readinglist [--db PATH] [COMMAND [ARGS...]]",
        description="A reading list of research papers from daily feed dumps. "
        "Without a command, opens the window.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"readinglist {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="library file (default: $READINGLIST_DB, else library.sqlite in the user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, help=help_text, description=help_text, prog=f"readinglist {name}"
        )

    gui = add("gui", "open the window (the default)")
    gui.add_argument(
        "--screenshot",
        type=Path,
        metavar="FILE",
        help="render the window to a PNG file once the library is loaded, and exit",
    )

    p = add("import", "import feed dump files and folders (folders are searched recursively)")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="dump files and folders")
    p.add_argument("--year", type=_year, help="the year of the listing dates (default: inferred "
                   "from each file's modification date)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the summary as a JSON object")

    p = add("list", "list papers")
    _add_filters(p)
    p.add_argument("--all", action="store_true", help="include hidden duplicates")
    p.add_argument(
        "--sort",
        choices=["id", "title", "date"],
        default="id",
        help="order: id (the default, the order of import), title, or date (the last listing"
        " date, oldest first)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = add("show", "show papers in full")
    p.add_argument(
        "ids", nargs="+", type=_paper_id, metavar="ID", help="paper ids, as `list` shows"
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")

    for name, help_text in (
        ("star", "star papers"),
        ("unstar", "remove the star from papers"),
        ("read", "mark papers read"),
        ("unread", "mark papers unread"),
    ):
        p = add(name, help_text)
        p.add_argument("ids", nargs="+", type=_paper_id, metavar="ID",
                       help="paper ids (a hidden duplicate's id stands for its paper)")  # fmt: skip

    for name, help_text in (("tag", "add tags to a paper"), ("untag", "remove tags from a paper")):
        p = add(name, help_text)
        p.add_argument("id", type=_paper_id, metavar="ID",
                       help="paper id (a hidden duplicate's id stands for its paper)")  # fmt: skip
        p.add_argument("tags", nargs="+", metavar="TAG", help="tag names (case is ignored)")

    p = add("note", "set a paper's note (empty text clears it)")
    p.add_argument("id", type=_paper_id, metavar="ID",
                   help="paper id (a hidden duplicate keeps a note of its own, given back to it"
                   " if it is split off; its paper shows it too)")  # fmt: skip
    p.add_argument("text", metavar="TEXT", help="the whole note, replacing the one there")

    p = add("duplicates", "list duplicate groups with the reasons and scores that made them")
    p.add_argument(
        "--recheck",
        action="store_true",
        help="first regroup every record again (your merges and splits are kept)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = add("merge", "make papers one paper, shown as the first ID")
    p.add_argument("first", type=_paper_id, metavar="ID", help="the paper to show")
    p.add_argument("others", nargs="+", type=_paper_id, metavar="ID",
                   help="papers to hide under it")  # fmt: skip

    p = add("split", "say a hidden duplicate is a different paper, and show it again")
    p.add_argument("id", type=_paper_id, metavar="ID", help="the hidden record's id")

    p = add("search", "fuzzy search titles, abstracts, tags and notes")
    p.add_argument("query", metavar="QUERY", help="words; prefixes and typos are forgiven")
    p.add_argument("--limit", type=_limit, default=10, metavar="N",
                   help="at most N papers, best first (default: 10)")  # fmt: skip
    _add_filters(p)
    p.add_argument("--all", action="store_true", help="include hidden duplicates")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = add("export", "export papers to BibTeX or CSV")
    p.add_argument("--format", choices=["bibtex", "csv"], required=True, help="bibtex or csv")
    p.add_argument("--output", "-o", type=Path, metavar="FILE", help="default: standard output")
    _add_filters(p)
    p.add_argument("--query", metavar="TEXT",
                   help="only papers with all of these words, as search reads them (if none has"
                   " them all: the best partial matches)")  # fmt: skip
    p.add_argument("--ids", nargs="+", type=_paper_id, metavar="ID", help="only these papers")
    p.add_argument("--ascii", action="store_true", help="BibTeX: write LaTeX commands, not UTF-8")
    p.add_argument("--no-bom", action="store_true", help="CSV: no UTF-8 byte-order mark")
    return parser


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--starred", action="store_true", help="only starred papers")
    p.add_argument("--unread", action="store_true", help="only unread papers")
    p.add_argument("--tag", metavar="TAG", help="only papers with this tag")


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand (the window is started by `readinglist.launcher`)."""
    return run_command(build_parser().parse_args(argv))


def run_command(args: argparse.Namespace) -> int:
    try:
        return commands.run(args)
    except UserError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `readinglist list | head`: the reader went away; that is not an error.
        sys.stderr.close()
        return 0
    except OSError as exc:  # the output cannot be written (a full disk, a closed terminal)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
