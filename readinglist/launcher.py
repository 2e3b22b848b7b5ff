"""The `readinglist` command's entry point: the one place that knows both the window and the CLI.

No subcommand (or `gui`) opens the window; any other subcommand runs the command line. Qt is only
imported for the window, so command-line use starts fast and works without a display.
"""

from __future__ import annotations

import os
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
        screenshot = getattr(args, "screenshot", None)
        if not _has_display():
            if screenshot is None:
                print("error: no display to open the window on (neither DISPLAY nor"
                      " WAYLAND_DISPLAY is set); the command line works without one:"
                      " readinglist --help", file=sys.stderr)  # fmt: skip
                return 1
            os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
        from readinglist.ui.app import run_app

        return run_app(db_path=args.db, screenshot=screenshot)
    return run_command(args)


def _has_display() -> bool:
    """Whether Qt can open a window: without a display on Linux it would abort with a page of
    plugin advice. Windows and macOS always have one; a chosen Qt platform is trusted."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
