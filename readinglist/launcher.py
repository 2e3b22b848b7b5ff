"""The `readinglist` command's entry point: the one place that knows both the window and the CLI.

No subcommand (or `gui`) opens the window; any other subcommand runs the command line. Qt is only
imported for the window, so command-line use starts fast and works without a display.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from readinglist.cli.main import build_parser, run_command
from readinglist.core.workers import WORKER_ARGUMENT, serve


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if list(argv) == [WORKER_ARGUMENT]:  # the packaged app started as an import's worker
        return serve()
    args = build_parser().parse_args(argv)
    if args.command in (None, "gui"):
        from readinglist.ui.app import run_app

        return run_app(db_path=args.db, screenshot=getattr(args, "screenshot", None))
    return run_command(args)
