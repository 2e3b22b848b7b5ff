"""The desktop window (PySide6). Start it with `readinglist` or `readinglist.ui.app.run_app`."""
