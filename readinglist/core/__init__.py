"""The Qt-free core: feed parsing, the database, duplicates, search, export and the services.

Nothing under this package may import PySide6, `readinglist.ui` or `readinglist.cli`
(tests/test_architecture.py enforces it).
"""
