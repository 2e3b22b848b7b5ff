"""Starting the window: `readinglist`, `readinglist gui [--screenshot FILE]`, `--db PATH`.

`run_app` opens the library (a library that cannot be opened is one message, never a
traceback), shows the window, and returns the exit status. With a screenshot path it renders the
window once the list and the sidebar are filled, writes a PNG and exits; that works offscreen
(`QT_QPA_PLATFORM=offscreen`), for the README and for smoke tests of frozen builds.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from readinglist._version import __version__
from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.core.paths import APP_ID, APP_NAME
from readinglist.ui.icons import app_icon
from readinglist.ui.main_window import MainWindow
from readinglist.ui.settings import Settings
from readinglist.ui.tasks import TaskRunner
from readinglist.ui.theme import Theme

SCREENSHOT_SIZE = (1440, 880)
SCREENSHOT_TIMEOUT_MS = 60_000


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    return app


def _report_bug(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Anything that is not a UserError is a bug: print it in full and say so, loudly."""
    text = "".join(traceback.format_exception(kind, exc, tb))
    print(text, file=sys.stderr)
    if QApplication.instance() is not None:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "readinglist: a bug",
            "Something went wrong inside readinglist (a bug, not your data). "
            "Your library is safe; the details are below.",
        )
        box.setDetailedText(text)
        box.exec()


def run_app(db_path: Path | None, screenshot: Path | None) -> int:
    app = application()
    style = Theme(app)
    try:
        lib = Library.open(db_path)
    except UserError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if screenshot is None:
            QMessageBox.critical(None, "readinglist", exc.message)
        return 1
    settings = Settings(persist=screenshot is None)
    runner = TaskRunner()
    window = MainWindow(lib, settings, runner)
    style.changed.connect(window.set_dark)
    try:
        if screenshot is not None:
            return _screenshot(app, window, screenshot)
        sys.excepthook = _report_bug
        window.show()
        return app.exec()
    finally:
        runner.shutdown()
        lib.close()


def _screenshot(app: QApplication, window: MainWindow, target: Path) -> int:
    window.resize(*SCREENSHOT_SIZE)
    result = {"code": 1}

    def capture() -> None:
        # One more turn of the event loop so that the first rows are painted.
        def grab() -> None:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # in a Qt callback an exception would not end the run
                print(f"error: cannot write {target}: {exc.strerror}", file=sys.stderr)
                ok = False
            else:
                ok = window.grab().save(str(target), "PNG")
                if not ok:
                    print(f"error: cannot write {target}", file=sys.stderr)
            result["code"] = 0 if ok else 1
            window.close()
            app.quit()

        QTimer.singleShot(50, grab)

    def give_up() -> None:
        print("error: the library did not load in time for the screenshot", file=sys.stderr)
        window.close()
        app.quit()

    window.ready.connect(capture)
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, give_up)
    window.show()
    app.exec()
    return result["code"]
